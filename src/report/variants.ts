/**
 * Variants of one assessment for: the exceptions-only board version and one pack per locality.
 * Pure functions; judgements still come from assess (a locality's figures are judged there too, in `results`).
 */
import type { AssessedValue, Assessment, IndicatorAssessment } from '../assess/types.js';
import { seriesModels } from '../assess/index.js';
import { exceptionReasons } from './exception-reasons.js';
import { groupBy } from '../core/group.js';

/** Ids of the indicators the board version prints: those with an exception reason. */
export function exceptionIds(assessment: Assessment): string[] {
  return assessment.indicators.filter((ia) => exceptionReasons(ia).length > 0).map((ia) => ia.indicator.id);
}

/**
 * The assessment as one locality sees it: each indicator's history and latest figure are the locality's (from
 * `results`, every figure of every period and area, judged by assess), and so are its SPC chart and forecast,
 * fitted to the locality's own series by the rules assess uses (none where too few of its figures can be rated,
 * e.g. suppressed small numbers). A population indicator's baseline is the locality's figure for the baseline
 * period, or none: never the partnership's.
 */
export function areaAssessment(assessment: Assessment, area: string): Assessment {
  const order = new Map(assessment.periods.map((p, i) => [p.id, i]));
  const results = assessment.results.filter((r) => r.area === area);
  const resultsOf = groupBy(results, (r) => r.indicator);
  const indicators: IndicatorAssessment[] = assessment.indicators.map((ia) => {
    const mine = resultsOf.get(ia.indicator.id) ?? [];
    const byPeriod = new Map(mine.map((r) => [r.period, r]));
    const series = ia.series.map((s): AssessedValue => byPeriod.get(s.period) ?? { ...s, area, value: null, numerator: null, denominator: null, marker: null, status: 'awaiting_data', ci: null, rag: 'grey', ragReason: 'no figure', comparators: [], sentence: `${ia.indicator.title}: no figure for this locality in ${s.periodLabel}.` });
    series.sort((a, b) => (order.get(a.period) ?? 0) - (order.get(b.period) ?? 0));
    const latest = ia.byArea.find((v) => v.area === area) ?? byPeriod.get(ia.latest.period) ?? series[series.length - 1] ?? ia.latest;
    const def = ia.indicator;
    const atBaseline = def.baseline ? byPeriod.get(def.baseline.period) : undefined;
    // The council's benchmarks (England, statistical neighbours) describe the whole authority, not a locality:
    // a locality is compared with the partnership instead (its figures' comparators, from assess).
    const indicator = {
      ...def,
      comparators: [],
      ...(def.baseline ? { baseline: atBaseline?.status === 'ok' && atBaseline.value !== null ? { period: def.baseline.period, value: atBaseline.value } : undefined } : {}),
    };
    return { indicator, latest, series, byArea: [], ...seriesModels(indicator, series, ia.failure), ...(ia.failure ? { failure: ia.failure } : {}) };
  });
  const counts = { red: 0, amber: 0, green: 0, blue: 0, grey: 0, total: indicators.length, onTarget: 0, rated: 0 };
  for (const ia of indicators) {
    counts[ia.latest.rag]++;
    if (ia.latest.rag !== 'grey') counts.rated++;
    if (ia.latest.rag === 'green' || ia.latest.rag === 'blue') counts.onTarget++;
  }
  return {
    ...assessment,
    indicators,
    results,
    suppressions: assessment.suppressions.filter((s) => s.area === area),
    counts,
  };
}
