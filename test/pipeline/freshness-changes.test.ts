/**
 * Issue #8, the pure parts: freshness gates (due periods by source type, lateness allowance, the clock) and
 * "what changed" between two runs. Config and definitions are the real `init` project's.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadProject } from '../../src/config/load.js';
import type { Config, IndicatorDef } from '../../src/config/types.js';
import { parsePeriodId } from '../../src/core/periods.js';
import type { Assessment, AssessedValue, IndicatorAssessment, Rag } from '../../src/assess/types.js';
import { checkFreshness, sourcesOf, type SourceCoverage } from '../../src/pipeline/freshness.js';
import { computeChanges, storedResults, withRevisions } from '../../src/pipeline/changes.js';
import { makeProject } from '../helpers/project.js';

let config: Config;
let indicators: IndicatorDef[];

beforeAll(async () => {
  const p = await loadProject(await makeProject());
  config = p.config!;
  indicators = p.indicators;
});

function value(indicator: string, period: string, v: number | null, rag: Rag = 'grey', area = 'all'): AssessedValue {
  const p = parsePeriodId(period);
  return {
    indicator, period, periodLabel: p.label, area, value: v, numerator: v, denominator: null, marker: null,
    status: v === null ? 'awaiting_data' : 'ok', ci: null, target: null, rag, ragReason: '', ragRule: '',
    previousValue: null, direction: 'not_available', sameLastYearValue: null, directionYoY: 'not_available', runLength: 0, comparators: [], sentence: '',
  };
}

/** An assessment for `period` whose indicators' latest figures are `latest` (id → [period, value, rag]). */
function assessment(period: string, latest: Record<string, [string, number | null, Rag?]>, history: AssessedValue[] = []): Assessment {
  const list: IndicatorAssessment[] = indicators.filter((d) => latest[d.id]).map((def) => {
    const [p, v, rag] = latest[def.id];
    const l = value(def.id, p, v, rag ?? 'grey');
    return { indicator: def, latest: l, series: [...history.filter((h) => h.indicator === def.id), l], byArea: [] };
  });
  return {
    period: parsePeriodId(period), periods: [], indicators: list, results: list.flatMap((ia) => ia.series), suppressions: [], dataQuality: [],
    counts: { red: 0, amber: 0, green: 0, blue: 0, grey: 0, total: list.length, onTarget: 0, rated: 0 },
  };
}

const full: Record<string, SourceCoverage> = {
  health: { loaded: true, periods: ['2024-25-Q3', '2024-25-Q4'] },
  schools: { loaded: true, periods: ['AY2024-25-T1', 'AY2024-25-T2'] },
  early_help: { loaded: true, periods: [], maxDate: '2025-03-30' },
};
const allComputed = { low_birth_weight: ['2024-25-Q4', 7.9], two_year_old_take_up: ['AY2024-25-T1', 76, 'green'], open_early_help: ['2024-25-Q4', 120] } as Record<string, [string, number | null, Rag?]>;

describe('freshness gates', () => {
  it('knows which sources each indicator reads', () => {
    expect(Object.fromEntries(indicators.map((d) => [d.id, sourcesOf(d, config.sources)]))).toEqual({
      low_birth_weight: ['health'], two_year_old_take_up: ['schools'], breastfeeding_6_8_weeks: ['health'], early_help_needs_met: ['early_help'], open_early_help: ['early_help'],
    });
  });

  it('passes when every source has its due period: a quarter, the last term ending by the quarter, record-level dates', () => {
    const r = checkFreshness({ config, indicators, assessment: assessment('2024-25-Q4', allComputed), coverage: full, today: '2025-05-20', byClock: true, errors: [] });
    expect(r.gates).toEqual([]);
    expect(r.sources.map((s) => [s.source, s.due.period, s.due.dueBy, s.status])).toEqual([
      ['health', '2024-25-Q4', '2025-05-15', 'current'],
      ['schools', 'AY2024-25-T1', '2025-02-14', 'current'],
      ['early_help', '2024-25-Q4', '2025-05-15', 'current'],
    ]);
  });

  it('a source without its due period is a gate naming the source, period and the indicators it leaves uncomputed', () => {
    const a = assessment('2024-25-Q4', { ...allComputed, low_birth_weight: ['2024-25-Q4', null] });
    const r = checkFreshness({ config, indicators, assessment: a, coverage: { ...full, health: { loaded: true, periods: ['2024-25-Q3'] } }, today: '2025-05-20', byClock: true, errors: [] });
    expect(r.gates.map((g) => [g.code, g.source, g.period, g.indicators])).toEqual([
      ['BP_GATE_SOURCE_MISSING_PERIOD', 'health', '2024-25-Q4', ['low_birth_weight']],
      ['BP_GATE_INDICATOR', 'health', '2024-25-Q4', ['low_birth_weight']],
    ]);
    expect(r.gates[0].message).toMatch(/it was due by 2025-05-15, latest held is 2024\/25 Q3/);
    expect(r.notes.map((n) => [n.code, n.severity, n.yamlPath])).toEqual([['BP_SOURCE_MISSING_PERIOD', 'warning', 'sources.health']]);
    // Still within its allowance: the same gate, worded as not yet due.
    const early = checkFreshness({ config, indicators, assessment: a, coverage: { ...full, health: { loaded: true, periods: ['2024-25-Q3'] } }, today: '2025-04-10', byClock: true, errors: [] });
    expect(early.gates[0].message).toMatch(/it is due by 2025-05-15/);
  });

  it('by the clock, a source is late when a later period should have arrived; not when the period was named', () => {
    const a = assessment('2024-25-Q4', allComputed);
    const r = checkFreshness({ config, indicators, assessment: a, coverage: full, today: '2025-08-20', byClock: true, errors: [] });
    expect(r.gates.map((g) => [g.code, g.source, g.period])).toEqual([
      ['BP_GATE_SOURCE_LATE', 'health', '2025-26-Q1'],
      ['BP_GATE_SOURCE_LATE', 'early_help', '2025-26-Q1'],
    ]);
    expect(r.sources.find((s) => s.source === 'health')).toMatchObject({ status: 'late', overdue: { period: '2025-26-Q1', dueBy: '2025-08-14' } });
    expect(checkFreshness({ config, indicators, assessment: a, coverage: full, today: '2025-08-20', byClock: false, errors: [] }).gates).toEqual([]);
  });

  it('an indicator that failed and validation errors are gates too', () => {
    const a = assessment('2024-25-Q4', allComputed);
    a.indicators[0].failure = { code: 'BP_SQL_UNKNOWN_COLUMN', severity: 'error', message: 'no column "x"' };
    const r = checkFreshness({ config, indicators, assessment: a, coverage: full, today: '2025-05-20', byClock: true, errors: [a.indicators[0].failure, { code: 'BP_INGEST_BAD_CELL', severity: 'error', message: 'x' }] });
    expect(r.gates.map((g) => g.code)).toEqual(['BP_GATE_INDICATOR', 'BP_GATE_VALIDATION']);
    expect(r.gates[1].message).toMatch(/2 error\(s\) in the run \(BP_SQL_UNKNOWN_COLUMN, BP_INGEST_BAD_CELL\)/);
  });

  it('a source never loaded is missing for the period', () => {
    const r = checkFreshness({ config, indicators, assessment: assessment('2024-25-Q4', allComputed), coverage: { ...full, schools: { loaded: false, periods: [] } }, today: '2025-05-20', byClock: true, errors: [] });
    expect(r.sources.find((s) => s.source === 'schools')!.status).toBe('not_loaded');
    expect(r.gates[0].message).toMatch(/nothing from it is loaded/);
  });
});

describe('what changed since the previous run', () => {
  const run = { runId: 'abc', seq: 1, generatedAt: '2025-02-20T00:00:00.000Z', period: '2024-25-Q3', periodLabel: '2024/25 Q3', toolVersion: '0.1.0' };

  it('finds newly red, newly green, revised figures (marked r) and added/removed indicators', () => {
    const before = assessment('2024-25-Q3', { low_birth_weight: ['2024-25-Q3', 7.5, 'green'], two_year_old_take_up: ['AY2024-25-T1', 70, 'red'] }, [value('low_birth_weight', '2024-25-Q2', 8.1)]);
    const stored = storedResults(before).concat([{ indicator: 'gone', title: 'A retired measure', period: '2024-25-Q3', periodLabel: '2024/25 Q3', area: 'all', value: 1, status: 'ok', rag: 'grey', marker: null, latest: true }]);
    const after = assessment('2024-25-Q4', { low_birth_weight: ['2024-25-Q4', 9.2, 'red'], two_year_old_take_up: ['AY2024-25-T2', 80, 'green'], open_early_help: ['2024-25-Q4', 100] },
      [value('low_birth_weight', '2024-25-Q2', 8.3), value('low_birth_weight', '2024-25-Q3', 7.5, 'green')]);
    const ch = computeChanges({ run, results: stored }, after);
    expect(ch.newlyRed.map((c) => [c.indicator, c.from, c.to])).toEqual([['low_birth_weight', 'green', 'red']]);
    expect(ch.newlyGreen.map((c) => [c.indicator, c.from, c.to])).toEqual([['two_year_old_take_up', 'red', 'green']]);
    expect(ch.revised).toEqual([{ indicator: 'low_birth_weight', title: 'Low birth weight babies', period: '2024-25-Q2', periodLabel: '2024/25 Q2', area: 'all', previous: 8.1, current: 8.3, marker: 'r' }]);
    expect(withRevisions(after, ch).results.find((r) => r.period === '2024-25-Q2')!.revisedFrom).toBe(8.1);
    expect(after.results.find((r) => r.period === '2024-25-Q2')!.revisedFrom).toBeUndefined(); // a new value: the assessment passed in is not changed
    expect(ch.added.map((a) => a.indicator)).toEqual(['open_early_help']);
    expect(ch.removed).toEqual([{ indicator: 'gone', title: 'A retired measure' }]);
    expect(ch.none).toBe(false);
  });

  it('nothing changed: none, and a figure that has just arrived is not a revision', () => {
    const before = assessment('2024-25-Q4', { low_birth_weight: ['2024-25-Q4', null] });
    const after = assessment('2024-25-Q4', { low_birth_weight: ['2024-25-Q4', 7.7] });
    const ch = computeChanges({ run, results: storedResults(before) }, after);
    expect(ch).toMatchObject({ newlyRed: [], newlyGreen: [], revised: [], added: [], removed: [], none: true });
  });
});
