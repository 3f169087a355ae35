/**
 * A realistic Assessment for report tests (HTML here; PDF and XLSX tests may reuse it): the Riverside
 * partnership, 2 priorities, 8 indicators across both OBA kinds and all three questions, the partnership and
 * 4 localities, 12 quarters (2022/23 Q1 to 2024/25 Q4). It includes a suppressed cell (primary and secondary),
 * an indicator awaiting data, an indicator that failed to compute, an SPC summary with a special cause of
 * concern and two baseline forecasts (one turning, one not).
 *
 * Judgements (RAG, direction, sentences) come from assess's own pure functions, so the figures and the words
 * agree as they would in a real run. Everything is deterministic: no clock, no randomness.
 */
import { directionOf, runLength } from '../../src/assess/direction.js';
import { rateRag, targetFor } from '../../src/assess/rag.js';
import { statusSentence } from '../../src/assess/sentence.js';
import type { AssessedValue, Assessment, IndicatorAssessment, Rag } from '../../src/assess/types.js';
import type { Config, IndicatorDef } from '../../src/config/types.js';
import { formatValue } from '../../src/core/format.js';
import { problem, type Problem } from '../../src/core/errors.js';
import { makePeriod, shiftPeriod, type Period } from '../../src/core/periods.js';

type Comparator = AssessedValue['comparators'][number];

export const ROOT = '/projects/riverside';

/** 12 quarters, oldest first; the report period is the last. */
export const QUARTERS: Period[] = Array.from({ length: 12 }, (_, i) => shiftPeriod(makePeriod('fy_quarter', 2022, 1), i));
export const REPORT_PERIOD = QUARTERS[11];

export const LOCALITIES = [
  { id: 'north', name: 'North' },
  { id: 'central', name: 'Central' },
  { id: 'south', name: 'South' },
  { id: 'west', name: 'West and Moorlands' },
];
/** Each locality's figure as a multiple of the partnership's (deterministic spread). */
const SPREAD: Record<string, number> = { north: 1.08, central: 1.15, south: 0.9, west: 0.86 };

export function fixtureConfig(): Config {
  return {
    root: ROOT,
    configFile: `${ROOT}/boardpack.yaml`,
    partnership: { name: 'Riverside Children and Families Partnership', shortName: 'Riverside Partnership' },
    board: {
      name: 'Early Help Partnership Board',
      meeting: 'Quarterly performance meeting',
      meetingDate: '2025-06-12',
      agendaItem: '6',
      author: 'Performance and Intelligence Team',
      purpose: 'To give the board assurance on early help performance in 2024/25 Q4.',
      recommendation: 'The board notes the report and asks the re-referrals task group to report back in September.',
      decision: 'assurance',
      protectiveMarking: 'OFFICIAL-SENSITIVE',
    },
    framework: {
      title: 'Early Help Outcomes Framework',
      priorities: [
        { id: 'best_start', title: 'Best start in life', description: 'Children are healthy and ready for school.' },
        { id: 'early_help', title: 'Help at the right time', description: 'Families get help early, from the right service.' },
      ],
    },
    areas: [
      { id: 'all', name: 'Riverside', code: 'E06000099', aliases: [], isWhole: true },
      ...LOCALITIES.map((l) => ({ ...l, aliases: [], isWhole: false })),
    ],
    sources: [],
    reporting: { periodType: 'fy_quarter', history: { years: 3 }, spcHistory: 'all' },
    disclosure: { threshold: 10, marker: 'c' },
    warehousePath: `${ROOT}/.boardpack/warehouse.duckdb`,
    outputs: { dir: `${ROOT}/out`, formats: ['html', 'pdf', 'xlsx', 'json'] },
  };
}

function def(over: Partial<IndicatorDef> & Pick<IndicatorDef, 'id' | 'title' | 'unit' | 'kind' | 'priority' | 'polarity'>): IndicatorDef {
  return {
    shortTitle: over.title,
    description: `${over.title}.`,
    decimals: 1,
    frequency: 'quarterly',
    periodType: 'fy_quarter',
    targets: {},
    minDenominator: 0,
    disclosure: true,
    comparators: [],
    spc: false,
    definitionVersion: '1',
    file: `${ROOT}/indicators/${over.id}.yaml`,
    ...over,
  };
}

export const LOW_BIRTH_WEIGHT = def({
  id: 'low_birth_weight', title: 'Low birth weight babies', shortTitle: 'Low birth weight',
  description: 'Live births weighing under 2,500g as a percentage of all live births.',
  kind: 'population_indicator', priority: 'best_start', polarity: 'lower_is_better', unit: 'percent',
  baseline: { period: '2022-23', value: 8.4, source: 'Maternity services data set' },
  comparators: [{ id: 'england', label: 'England', values: { '2024-25': 6.9 } }],
  dataProvider: 'Riverside NHS Foundation Trust', owner: 'Director of Public Health',
  sourceNotes: 'Maternity services data set, quarterly extract',
});
export const TWO_YEAR_TAKE_UP = def({
  id: 'two_year_take_up', title: 'Eligible two-year-olds taking a funded early education place', shortTitle: 'Two-year-old take-up',
  kind: 'performance_measure', question: 'how_well', priority: 'best_start', polarity: 'higher_is_better', unit: 'percent',
  targets: { default: { value: 75, tolerancePct: 5 } }, spc: true,
  dataProvider: 'Riverside Council Education', owner: 'Head of Early Years',
});
export const HEALTH_VISITS = def({
  id: 'health_visits', title: 'New birth visits completed by health visitors', shortTitle: 'New birth visits',
  kind: 'performance_measure', question: 'how_much', priority: 'best_start', polarity: 'none', unit: 'count', decimals: 0,
  dataProvider: 'Riverside NHS Foundation Trust', owner: 'Head of Health Visiting',
});
export const CIN_RATE = def({
  id: 'cin_rate', title: 'Children in need per 10,000 children', shortTitle: 'Children in need rate',
  kind: 'population_indicator', priority: 'early_help', polarity: 'lower_is_better', unit: 'rate_per_10000',
  baseline: { period: '2022-23-Q4', value: 352.0 },
  comparators: [{ id: 'england', label: 'England', values: { '2024-25': 332.9 } }, { id: 'sn', label: 'Statistical neighbours', values: { '2024-25': 371.2 } }],
  dataProvider: 'Riverside Council Children’s Services', owner: 'Director of Children’s Services',
});
export const EH_IMPROVED = def({
  id: 'eh_improved', title: 'Families whose early help plan closed with needs met', shortTitle: 'Plans closed, needs met',
  kind: 'performance_measure', question: 'better_off', priority: 'early_help', polarity: 'higher_is_better', unit: 'percent',
  targets: { default: { value: 70, tolerancePct: 5, blueMarginPct: 5 } },
  dataProvider: 'Riverside Council Children’s Services', owner: 'Head of Early Help',
});
export const RE_REFERRALS = def({
  id: 're_referrals', title: 'Re-referrals to children’s social care within 12 months', shortTitle: 'Re-referrals',
  kind: 'performance_measure', question: 'how_well', priority: 'early_help', polarity: 'lower_is_better', unit: 'percent',
  targets: { default: { value: 20, tolerancePct: 10 } },
  dataProvider: 'Riverside Council Children’s Services', owner: 'Head of Front Door',
});
export const PARENTING = def({
  id: 'parenting_completions', title: 'Parents completing a parenting programme', shortTitle: 'Parenting completions',
  kind: 'performance_measure', question: 'how_much', priority: 'early_help', polarity: 'higher_is_better', unit: 'count', decimals: 0,
  dataProvider: 'Riverside Family Hubs (voluntary sector)', owner: 'Family Hubs Manager',
});
export const ATTENDANCE = def({
  id: 'attendance', title: 'Pupils with an early help plan attending 90% or more of sessions', shortTitle: 'Attendance',
  kind: 'performance_measure', question: 'better_off', priority: 'early_help', polarity: 'higher_is_better', unit: 'percent',
  targets: { default: { value: 80 } },
  dataProvider: 'Riverside Council Education', owner: 'Head of Inclusion',
});

export const INDICATORS: IndicatorDef[] = [LOW_BIRTH_WEIGHT, TWO_YEAR_TAKE_UP, HEALTH_VISITS, CIN_RATE, EH_IMPROVED, RE_REFERRALS, PARENTING, ATTENDANCE];

/** Partnership history, oldest first (null: awaiting data). */
const HISTORY: Record<string, Array<number | null>> = {
  low_birth_weight: [8.4, 8.2, 8.5, 8.3, 8.6, 8.4, 8.1, 7.9, 7.8, 7.6, 7.5, 7.3],
  two_year_take_up: [76.1, 75.4, 76.8, 75.9, 76.5, 75.7, 76.2, 75.8, 76.4, 75.1, 74.0, 71.8],
  health_visits: [1181, 1204, 1176, 1230, 1215, 1198, 1242, 1257, 1236, 1261, 1249, 1274],
  cin_rate: [341.5, 345.2, 348.9, 352.0, 355.8, 358.1, 361.4, 363.0, 366.7, 368.2, 371.9, 374.6],
  eh_improved: [68.2, 69.5, 70.1, 71.4, 72.0, 72.8, 73.5, 74.1, 74.9, 75.3, 75.8, 76.2],
  re_referrals: [19.2, 19.8, 20.4, 19.6, 20.9, 21.3, 21.0, 21.8, 22.4, 22.9, 23.2, 24.1],
  parenting_completions: [142, 156, 149, 163, 171, 158, 166, 180, 175, 182, 188, null],
  attendance: Array(12).fill(null),
};

/** Denominators that make the figures realistic (and give the percentages a Wilson interval). */
const DENOMINATOR: Record<string, number> = { low_birth_weight: 1450, two_year_take_up: 640, cin_rate: 61200, eh_improved: 410, re_referrals: 980 };

const ATTENDANCE_FAILURE: Problem = problem('BP_MEASURE_SQL', 'attendance: the source "attendance" has no column "sessions_possible"', {
  file: `${ROOT}/indicators/attendance.yaml`, yamlPath: 'indicators.attendance.denominator.expr', value: 'sum(sessions_possible)',
  fix: 'the columns of attendance are: pupil_ref, locality, sessions_attended, sessions_total; did you mean "sessions_total"?',
});

/** Which locality figures of the report period are suppressed, and why. */
const SUPPRESSED: Array<{ indicator: string; area: string; reason: 'primary' | 'secondary' }> = [
  { indicator: 'cin_rate', area: 'west', reason: 'primary' },
  { indicator: 'cin_rate', area: 'south', reason: 'secondary' },
];

function round(n: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(n * f) / f;
}

function comparatorsFor(d: IndicatorDef, value: number | null, ci: { lower: number; upper: number } | null, periodId: string): Comparator[] {
  return d.comparators.map((c) => {
    const cv = c.values[periodId] ?? c.values['2024-25'] ?? null;
    let significance: Comparator['significance'] = 'not_compared';
    if (value !== null && ci && cv !== null && periodId === REPORT_PERIOD.id) {
      const better = d.polarity === 'lower_is_better' ? cv > ci.upper : cv < ci.lower;
      significance = cv >= ci.lower && cv <= ci.upper ? 'similar' : better ? 'better' : 'worse';
    }
    return { id: c.id, label: c.label, value: cv, significance };
  });
}

function judged(d: IndicatorDef, i: number, area: string, history: Array<number | null>, failed: boolean): AssessedValue {
  const period = QUARTERS[i];
  const suppressed = i === 11 ? SUPPRESSED.find((s) => s.indicator === d.id && s.area === area) : undefined;
  const value = failed || suppressed ? null : history[i];
  const status: AssessedValue['status'] = failed ? 'failed' : suppressed ? 'suppressed' : value === null ? 'awaiting_data' : 'ok';
  const denominator = DENOMINATOR[d.id] ? Math.round(DENOMINATOR[d.id] * (area === 'all' ? 1 : 0.25)) : null;
  const numerator = value === null ? null : denominator && d.unit === 'percent' ? Math.round((value / 100) * denominator) : denominator ? Math.round((value / 10000) * denominator) : value;
  // A 95% interval for the partnership's percentages and rates (approximate; the exact methods are assess's).
  const ci = status === 'ok' && area === 'all' && denominator && value !== null
    ? (() => {
      const half = d.unit === 'percent' ? 1.96 * Math.sqrt((value * (100 - value)) / denominator) : 1.96 * Math.sqrt(numerator!) * (10000 / denominator);
      return { lower: round(value - half, 2), upper: round(value + half, 2), method: d.unit === 'percent' ? 'Wilson score' : "Byar's method", level: 0.95 };
    })()
    : null;
  const target = targetFor(d, period.id);
  const fmt = (x: number) => formatValue(d, x);
  let rag: Rag = 'grey';
  let ragReason = failed ? 'could not be computed' : status === 'awaiting_data' ? 'awaiting data' : status === 'suppressed' ? 'suppressed (small numbers)' : target ? '' : d.kind === 'population_indicator' ? 'population indicator: no target' : 'no target set';
  let ragRule = target ? rateRag(target.value, target, d.polarity, fmt).rule : d.kind === 'population_indicator' ? 'not rated: population indicator (baseline and forecast, no target)' : 'not rated: no target set';
  if (status === 'ok' && target) {
    const r = rateRag(value!, target, d.polarity, fmt);
    rag = r.rag; ragReason = r.reason; ragRule = r.rule;
  }
  const judgeable = status === 'ok';
  const prev = i > 0 ? history[i - 1] : null;
  const lastYear = i >= 4 ? history[i - 4] : null;
  const a: AssessedValue = {
    indicator: d.id, period: period.id, periodLabel: period.label, area,
    value, numerator: status === 'ok' ? numerator : null, denominator: status === 'ok' ? denominator : null,
    marker: suppressed ? 'c' : null, status, ci, target: target?.value ?? null, rag, ragReason, ragRule,
    previousValue: failed ? null : prev,
    direction: judgeable ? directionOf(value, prev, d.polarity) : 'not_available',
    sameLastYearValue: failed ? null : lastYear,
    directionYoY: judgeable ? directionOf(value, lastYear, d.polarity) : 'not_available',
    runLength: judgeable ? runLength(history.slice(0, i + 1), d.polarity) : 0,
    comparators: comparatorsFor(d, value, ci, period.id),
    sentence: '',
  };
  a.sentence = statusSentence(d, a);
  return a;
}

function localityHistory(d: IndicatorDef, area: string): Array<number | null> {
  return HISTORY[d.id].map((v) => (v === null ? null : round(v * SPREAD[area], d.decimals)));
}

function indicatorAssessment(d: IndicatorDef): { ia: IndicatorAssessment; results: AssessedValue[] } {
  const failed = d.id === ATTENDANCE.id;
  const series = QUARTERS.map((_, i) => judged(d, i, 'all', HISTORY[d.id], failed));
  const byArea = LOCALITIES.map((l) => judged(d, 11, l.id, localityHistory(d, l.id), failed));
  const results = [...series];
  for (const l of LOCALITIES) for (let i = 0; i < 12; i++) results.push(judged(d, i, l.id, localityHistory(d, l.id), failed));
  const ia: IndicatorAssessment = { indicator: d, latest: series[11], series, byArea };
  if (failed) ia.failure = ATTENDANCE_FAILURE;
  if (d.id === TWO_YEAR_TAKE_UP.id) {
    // Stable around 76% until the last quarter drops below the lower process limit: special cause of concern.
    const values = HISTORY[d.id] as number[];
    ia.spc = {
      mean: 75.64, lowerLimit: 73.41, upperLimit: 77.87,
      points: values.map((v, i) => ({ period: QUARTERS[i].id, value: v, specialCause: i === 11 })),
      variation: 'concern_low', assurance: 'fail',
    };
  }
  if (d.id === LOW_BIRTH_WEIGHT.id) {
    ia.forecast = {
      method: 'ordinary least squares linear trend with t-based prediction interval',
      baselinePeriods: QUARTERS.slice(0, 6).map((q) => q.id),
      points: QUARTERS.slice(6).map((q, k) => ({ period: q.id, value: round(8.45 + 0.02 * (k + 1), 2), lower: round(8.05 - 0.05 * k, 2), upper: round(8.85 + 0.09 * k, 2) })),
      status: 'turning',
      explanation: 'Turning: the latest figure 7.30 is below the forecast 8.57 and outside its 95% prediction interval (7.80 to 9.30), on the better side.',
    };
  }
  if (d.id === CIN_RATE.id) {
    ia.forecast = {
      method: 'ordinary least squares linear trend with t-based prediction interval',
      baselinePeriods: QUARTERS.slice(0, 4).map((q) => q.id),
      points: QUARTERS.slice(4).map((q, k) => ({ period: q.id, value: round(355.5 + 3.5 * k, 1), lower: round(350.1 + 2.6 * k, 1), upper: round(360.9 + 4.4 * k, 1) })),
      status: 'not_turning',
      explanation: 'Not turning: the latest figure 374.60 is within or on the worse side of the forecast\'s 95% prediction interval (368.30 to 391.70; forecast 380.00).',
    };
  }
  return { ia, results };
}

export function fixtureAssessment(): Assessment {
  const built = INDICATORS.map(indicatorAssessment);
  const indicators = built.map((b) => b.ia);
  const counts = { red: 0, amber: 0, green: 0, blue: 0, grey: 0, total: indicators.length, onTarget: 0, rated: 0 };
  for (const ia of indicators) {
    counts[ia.latest.rag]++;
    if (ia.latest.rag !== 'grey') counts.rated++;
    if (ia.latest.rag === 'green' || ia.latest.rag === 'blue') counts.onTarget++;
  }
  const dataQuality: Problem[] = [
    problem('BP_LATE_RETURN', 'Family hubs return for 2024/25 Q4 has not arrived (due 15 May 2025)', {
      severity: 'warning', file: `${ROOT}/extracts/family-hubs-2024-25-Q4.csv`, fix: 'ask Riverside Family Hubs for the Q4 return, then run again',
    }),
    problem('BP_AWAITING_DATA', `${PARENTING.title}: no figure yet for ${REPORT_PERIOD.label}`, {
      severity: 'warning', yamlPath: 'indicators.parenting_completions', fix: 'the figure is shown as "awaiting data"; provider: Riverside Family Hubs (voluntary sector)',
    }),
    ATTENDANCE_FAILURE,
  ];
  return {
    period: REPORT_PERIOD,
    periods: QUARTERS,
    indicators,
    results: built.flatMap((b) => b.results),
    suppressions: SUPPRESSED.map((s) => ({ indicator: s.indicator, period: REPORT_PERIOD.id, area: s.area, reason: s.reason })),
    dataQuality,
    counts,
  };
}

export const COMMENTARY: Record<string, { story?: string; actions?: string; updatedAt?: string }> = {
  low_birth_weight: {
    story: 'The smoking-in-pregnancy service moved into family hubs in 2023.\n\nMidwives now refer at booking, and take-up has doubled.',
    actions: 'Extend the stop-smoking offer to partners.\n\nReview the referral pathway with the maternity voices partnership.',
    updatedAt: '2025-05-28',
  },
  early_help: { story: 'Demand at the front door rose again this quarter, mostly from schools.' },
};

export function fixtureMeta(commentary: Record<string, { story?: string; actions?: string; updatedAt?: string }> = COMMENTARY) {
  return { generatedAt: '2025-06-02T09:30:00.000Z', dataAsAt: REPORT_PERIOD.end, toolVersion: '0.1.0-test', commentary };
}
