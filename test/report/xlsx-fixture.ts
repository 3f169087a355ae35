/**
 * A small hand-built Assessment for the XLSX tests: three indicators (percent, count, rate), three quarters,
 * the partnership and two localities, one suppressed figure, one awaiting data, and a title that looks like
 * a formula.
 */
import type { AssessedValue, Assessment, IndicatorAssessment, Rag } from '../../src/assess/types.js';
import type { IndicatorDef } from '../../src/config/types.js';
import { makePeriod } from '../../src/core/periods.js';

export const PERIODS = [makePeriod('fy_quarter', 2024, 1), makePeriod('fy_quarter', 2024, 2), makePeriod('fy_quarter', 2024, 3)];
export const AREAS = [
  { id: 'all', name: 'Riverside' },
  { id: 'north', name: 'North locality' },
  { id: 'south', name: 'South locality' },
];

function def(over: Partial<IndicatorDef> & Pick<IndicatorDef, 'id' | 'title' | 'unit'>): IndicatorDef {
  return {
    shortTitle: over.title,
    description: `${over.title}: what it counts.`,
    kind: 'population_indicator',
    priority: 'early_years',
    polarity: 'higher_is_better',
    decimals: 1,
    frequency: 'quarterly',
    periodType: 'fy_quarter',
    targets: {},
    minDenominator: 10,
    disclosure: true,
    comparators: [],
    spc: false,
    definitionVersion: '1',
    file: '/project/indicators/x.yml',
    ...over,
  };
}

export const SCHOOL_READINESS = def({
  id: 'school_readiness',
  title: 'Children achieving a good level of development',
  shortTitle: 'School readiness',
  unit: 'percent',
  question: 'better_off',
  baseline: { period: '2023-24', value: 61.5 },
  owner: 'Head of Early Years',
});
export const REFERRALS = def({
  id: 'referrals',
  title: 'Referrals to children’s social care',
  shortTitle: 'Referrals',
  unit: 'count',
  decimals: 0,
  kind: 'performance_measure',
  question: 'how_much',
  polarity: 'none',
  priority: 'safeguarding',
});
export const INJECTION = def({
  id: 'admissions',
  title: '=HYPERLINK("http://x","y")',
  shortTitle: 'Admissions: A&E [under 5s]',
  unit: 'rate_per_10000',
  polarity: 'lower_is_better',
  priority: 'health',
  sourceNotes: '@SUM(A1:A2)',
});

let counter = 0;
function value(d: IndicatorDef, periodIndex: number, area: string, v: number | null, extra: Partial<AssessedValue> = {}): AssessedValue {
  counter++;
  const p = PERIODS[periodIndex];
  const rag: Rag = extra.rag ?? (v === null ? 'grey' : v > 60 ? 'green' : 'amber');
  return {
    indicator: d.id,
    period: p.id,
    periodLabel: p.label,
    area,
    value: v,
    numerator: v === null ? null : Math.round(v * 10),
    denominator: v === null ? null : 1000,
    marker: null,
    status: v === null ? 'awaiting_data' : 'ok',
    ci: null,
    target: d.unit === 'percent' ? 60 : null,
    rag,
    ragReason: 'reason',
    ragRule: d.unit === 'percent' ? 'green at or above 60%; amber within 5% below; red otherwise' : 'no target set',
    previousValue: null,
    direction: periodIndex === 0 ? 'not_available' : 'improving',
    sameLastYearValue: null,
    directionYoY: 'not_available',
    runLength: 0,
    comparators: [],
    sentence: `${d.title}, ${p.label}: sentence ${counter}.`,
    ...extra,
  };
}

function assessmentOf(d: IndicatorDef, values: AssessedValue[]): IndicatorAssessment {
  const series = values.filter((v) => v.area === 'all');
  return {
    indicator: d,
    latest: series[series.length - 1],
    series,
    byArea: values.filter((v) => v.area !== 'all' && v.period === PERIODS[2].id),
  };
}

const srValues = [
  value(SCHOOL_READINESS, 0, 'all', 58.2, { ci: { lower: 55.1, upper: 61.3, method: 'wilson', level: 0.95 } }),
  value(SCHOOL_READINESS, 0, 'north', 55),
  value(SCHOOL_READINESS, 0, 'south', 61.4),
  value(SCHOOL_READINESS, 1, 'all', 60.4),
  value(SCHOOL_READINESS, 1, 'north', 57.5),
  value(SCHOOL_READINESS, 1, 'south', 63.3),
  value(SCHOOL_READINESS, 2, 'all', 62.35, {
    rag: 'green',
    directionYoY: 'improving',
    comparators: [{ id: 'england', label: 'England', value: 67.7, significance: 'worse' }],
    sentence: 'Children achieving a good level of development, 2024/25 Q3: 62.4%. Green: at or above target 60%.',
  }),
  // A suppressed locality: even if a number slipped through, it must not reach the workbook.
  value(SCHOOL_READINESS, 2, 'north', null, { status: 'suppressed', marker: 'c', numerator: 4, denominator: 7, rag: 'grey' }),
  value(SCHOOL_READINESS, 2, 'south', 64.1),
];
const refValues = [0, 1, 2].flatMap((i) => [
  value(REFERRALS, i, 'all', 1200 + i * 37, { rag: 'grey', direction: i === 0 ? 'not_available' : 'no_judgement' }),
  value(REFERRALS, i, 'north', 700 + i * 20, { rag: 'grey' }),
  value(REFERRALS, i, 'south', 500 + i * 17, { rag: 'grey' }),
]);
const admValues = [
  value(INJECTION, 0, 'all', 98.123, { rag: 'red' }),
  value(INJECTION, 1, 'all', 101.5, { rag: 'red', direction: 'deteriorating' }),
  value(INJECTION, 2, 'all', null, { status: 'awaiting_data', rag: 'grey' }),
];

export function buildAssessment(): Assessment {
  const indicators = [assessmentOf(SCHOOL_READINESS, srValues), assessmentOf(REFERRALS, refValues), assessmentOf(INJECTION, admValues)];
  return {
    period: PERIODS[2],
    periods: PERIODS,
    indicators,
    // Deliberately not in period/area order: the workbook sorts.
    results: [...admValues, ...refValues.slice().reverse(), ...srValues],
    suppressions: [{ indicator: 'school_readiness', period: PERIODS[2].id, area: 'north', reason: 'primary' }],
    dataQuality: [],
    counts: { red: 0, amber: 0, green: 1, blue: 0, grey: 2, total: 3, onTarget: 1, rated: 1 },
  };
}

export const META = {
  partnership: 'Riverside Children’s Partnership',
  generatedAt: '2025-01-15T09:30:00.000Z',
  priorities: [
    { id: 'early_years', title: 'Best start in life' },
    { id: 'safeguarding', title: 'Safe at home' },
  ],
  areas: AREAS,
};
