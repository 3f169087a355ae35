/**
 * Assess: measure values → judged figures. For each indicator and period: disclosure control first (so no
 * judgement is ever made on a hidden figure), then interval, RAG, direction, comparators; then per indicator
 * the SPC chart and, for population indicators, the baseline forecast ("turning the curve").
 */
import { problem, type Problem } from '../core/errors.js';
import { comparePeriods, containingYear, makePeriod, parsePeriodId, periodsBetween, samePeriodLastYear, shiftPeriod, tryParsePeriodId, type Period } from '../core/periods.js';
import { formatValue } from '../core/format.js';
import type { Config, IndicatorDef } from '../config/types.js';
import type { MeasuresOutput, MeasureValue } from '../measures/types.js';
import { UNIT_MULTIPLIER } from '../measures/compile.js';
import { applyDisclosureControl } from './disclosure.js';
import { directionOf, runLength } from './direction.js';
import { rateRag, targetFor } from './rag.js';
import { statusSentence } from './sentence.js';
import { compareWithBenchmark, linearForecast, proportionCI, rateCI, turningTheCurve, xmr, byarInterval, exactPoissonInterval } from './stats/index.js';
import type { AssessedValue, Assessment, ForecastSummary, IndicatorAssessment, Interval, Rag, SpcSummary, SuppressionRecord } from './types.js';

export * from './types.js';

export interface AssessOptions {
  /** Report period id (of the reporting period type); default: the latest with data. */
  period?: string;
}

/**
 * The default report period: the latest period of the reporting type that any indicator of that type has a
 * figure for (a partial later quarter of record-level data does not count, nor a later term or year).
 */
export function latestReportPeriod(config: Config, measures: MeasuresOutput): Period | undefined {
  let latest: Period | undefined;
  let latestEnd: string | undefined;
  for (const v of measures.values) {
    const p = tryParsePeriodId(v.period);
    if (!p || (v.value === null && !v.marker)) continue;
    if (p.type === config.reporting.periodType && (!latest || p.end > latest.end)) latest = p;
    if (!latestEnd || p.end > latestEnd) latestEnd = p.end;
  }
  if (latest || !latestEnd) return latest;
  return periodsBetween(config.reporting.periodType, '2000-01-01', latestEnd).filter((p) => p.end <= latestEnd!).pop();
}

/** How many periods of an indicator's own type the history shows, for a reporting history of `n` quarters. */
function historyLength(p: Period, quarters: number): number {
  return Math.max(3, Math.round((quarters / 4) * p.perYear));
}

function ciFor(def: IndicatorDef, v: MeasureValue): Interval | null {
  if (v.value === null || v.numerator === null) return null;
  try {
    const mult = UNIT_MULTIPLIER[def.unit];
    if (def.unit === 'percent' && v.denominator) {
      const r = proportionCI(v.numerator, v.denominator, { multiplier: 100, confidence: 0.95 });
      return { lower: r.lower, upper: r.upper, method: 'Wilson score', level: 0.95 };
    }
    if (def.unit.startsWith('rate_per') && v.denominator && mult && Number.isInteger(v.numerator)) {
      const r = rateCI(v.numerator, v.denominator, { multiplier: mult, confidence: 0.95 });
      return { lower: r.lower, upper: r.upper, method: r.method === 'byar' ? "Byar's method" : 'exact Poisson', level: 0.95 };
    }
    if (def.unit === 'count' && Number.isInteger(v.numerator)) {
      const r = v.numerator < 10 ? exactPoissonInterval(v.numerator, 0.95) : byarInterval(v.numerator, 0.95);
      return { lower: r.lower, upper: r.upper, method: v.numerator < 10 ? 'exact Poisson' : "Byar's method", level: 0.95 };
    }
  } catch {
    return null;
  }
  return null;
}

export function assess(config: Config, indicators: IndicatorDef[], measures: MeasuresOutput, options: AssessOptions = {}): Assessment {
  const dataQuality: Problem[] = [];
  const reportPeriod = options.period ? parsePeriodId(options.period) : latestReportPeriod(config, measures) ?? makePeriod(config.reporting.periodType, 2024, 1);
  const suppressions: SuppressionRecord[] = [];
  const results: AssessedValue[] = [];
  const out: IndicatorAssessment[] = [];
  const localities = config.areas.filter((a) => !a.isWhole);
  const failures = new Map(measures.failures.map((f) => [f.indicator, f.problem]));

  for (const def of indicators) {
    const raw = measures.values.filter((v) => v.indicator === def.id);
    const controlled = applyDisclosureControl(def, raw, config.disclosure.threshold, config.disclosure.marker);
    suppressions.push(...controlled.records);
    const index = new Map(controlled.values.map((v) => [`${v.period}|${v.area}`, v]));
    // The indicator's own period due by the report period's end, and its history.
    const due = periodsBetween(def.periodType, '2000-01-01', reportPeriod.end).filter((p) => p.end <= reportPeriod.end).pop()!;
    const n = historyLength(due, config.reporting.history);
    const periods = Array.from({ length: n }, (_, i) => shiftPeriod(due, i - n + 1));
    const failure = failures.get(def.id);

    const judge = (period: Period, area: string): AssessedValue => {
      const v = index.get(`${period.id}|${area}`);
      const prev = index.get(`${shiftPeriod(period, -1).id}|${area}`);
      const lastYear = index.get(`${samePeriodLastYear(period).id}|${area}`);
      const value = v?.value ?? null;
      const status: AssessedValue['status'] = failure ? 'failed' : !v ? 'awaiting_data' : v.marker === config.disclosure.marker ? 'suppressed' : v.marker ? 'marked' : value === null ? 'awaiting_data' : 'ok';
      const target = targetFor(def, period.id);
      const fmt = (x: number) => formatValue(def, x);
      let rag: Rag = 'grey';
      let ragReason: string;
      let ragRule = target ? rateRag(target.value, target, def.polarity, fmt).rule : def.kind === 'population_indicator' ? 'not rated: population indicator (baseline and forecast, no target)' : 'not rated: no target set';
      const tooFew = v && v.denominator !== null && def.minDenominator > 0 && v.denominator < def.minDenominator;
      if (status === 'failed') ragReason = 'could not be computed';
      else if (status === 'awaiting_data') ragReason = 'awaiting data';
      else if (status === 'suppressed') ragReason = 'suppressed (small numbers)';
      else if (status === 'marked') ragReason = `not available (marker ${v!.marker})`;
      else if (tooFew) ragReason = `too few to rate (denominator ${v!.denominator} < ${def.minDenominator})`;
      else if (!target) ragReason = def.kind === 'population_indicator' ? 'population indicator: no target' : 'no target set';
      else {
        const r = rateRag(value!, target, def.polarity, fmt);
        rag = r.rag; ragReason = r.reason; ragRule = r.rule;
      }
      const judgeable = status === 'ok' && !tooFew;
      const prevValue = prev?.value ?? null;
      const lyValue = lastYear?.value ?? null;
      const history = periods.filter((p) => comparePeriods(p, period) <= 0).map((p) => index.get(`${p.id}|${area}`)?.value ?? null);
      const ci = judgeable ? ciFor(def, v!) : null;
      const comparators = def.comparators.map((c) => {
        const cv = c.values[period.id] ?? c.values[containingYear(period).id] ?? null;
        return {
          id: c.id, label: c.label, value: cv,
          significance: judgeable && ci && cv !== null ? compareWithBenchmark({ value: value!, lower: ci.lower, upper: ci.upper }, cv, def.polarity) : ('not_compared' as const),
        };
      });
      const a: AssessedValue = {
        indicator: def.id, period: period.id, periodLabel: period.label, area,
        value: status === 'ok' ? value : null,
        numerator: status === 'ok' ? v!.numerator : null,
        denominator: status === 'ok' ? v!.denominator : null,
        marker: status === 'suppressed' || status === 'marked' ? v!.marker : null,
        status, ci, target: target?.value ?? null, rag, ragReason, ragRule,
        previousValue: prevValue, direction: judgeable ? directionOf(value, prevValue, def.polarity) : 'not_available',
        sameLastYearValue: lyValue, directionYoY: judgeable ? directionOf(value, lyValue, def.polarity) : 'not_available',
        runLength: judgeable ? runLength(history, def.polarity) : 0,
        comparators, sentence: '',
      };
      a.sentence = statusSentence(def, a);
      return a;
    };

    const series = periods.map((p) => judge(p, 'all'));
    const latest = series[series.length - 1];
    const byArea = localities.map((l) => judge(due, l.id));
    for (const p of periods) for (const area of ['all', ...localities.map((l) => l.id)]) results.push(area === 'all' ? series.find((s) => s.period === p.id)! : judge(p, area));

    const ia: IndicatorAssessment = { indicator: def, latest, series, byArea };
    if (failure) ia.failure = failure;
    const numeric = series.filter((s) => s.value !== null);
    if (def.spc && numeric.length >= 8 && !failure) ia.spc = spcFor(def, series);
    if (def.kind === 'population_indicator' && numeric.length >= 5 && !failure) ia.forecast = forecastFor(def, series);
    if (latest.status === 'awaiting_data' && !failure) {
      dataQuality.push(problem('BP_AWAITING_DATA', `${def.title}: no figure yet for ${due.label}`, { severity: 'warning', yamlPath: `indicators.${def.id}`, fix: `the figure is shown as "awaiting data"; provider: ${def.dataProvider ?? 'see the definition'}` }));
    }
    out.push(ia);
  }
  for (const f of measures.failures) dataQuality.push(f.problem);
  const counts = { red: 0, amber: 0, green: 0, blue: 0, grey: 0, total: out.length, onTarget: 0, rated: 0 };
  for (const ia of out) {
    counts[ia.latest.rag]++;
    if (ia.latest.rag !== 'grey') counts.rated++;
    if (ia.latest.rag === 'green' || ia.latest.rag === 'blue') counts.onTarget++;
  }
  const allPeriods = new Map<string, Period>();
  for (const ia of out) for (const s of ia.series) allPeriods.set(s.period, parsePeriodId(s.period));
  return {
    period: reportPeriod,
    periods: [...allPeriods.values()].sort(comparePeriods),
    indicators: out,
    results,
    suppressions,
    dataQuality,
    counts,
  };
}

function spcFor(def: IndicatorDef, series: AssessedValue[]): SpcSummary {
  const pts = series.filter((s) => s.value !== null);
  const latestTarget = series[series.length - 1].target;
  const r = xmr(pts.map((p) => p.value!), {
    improvement: def.polarity === 'higher_is_better' ? 'increase' : def.polarity === 'lower_is_better' ? 'decrease' : 'neutral',
    target: latestTarget ?? undefined,
  });
  return {
    mean: r.mean, lowerLimit: r.lowerLimit, upperLimit: r.upperLimit,
    points: r.points.map((p, i) => ({ period: pts[i].period, value: p.value, specialCause: p.specialCause })),
    variation: r.variation, assurance: r.assurance,
  };
}

function forecastFor(def: IndicatorDef, series: AssessedValue[]): ForecastSummary {
  const pts = series.filter((s) => s.value !== null);
  // Baseline: up to the stated baseline period when the data reaches back to it, else the first half.
  let cut = def.baseline ? pts.findIndex((p) => p.period === def.baseline!.period) + 1 : 0;
  if (cut < 3 || cut >= pts.length) cut = Math.max(3, Math.floor(pts.length / 2));
  const base = pts.slice(0, cut);
  const after = pts.slice(cut);
  const fc = linearForecast(base.map((p) => p.value!), after.length);
  const ttc = turningTheCurve(base.map((p) => p.value!), after.map((p) => p.value!), def.polarity);
  return {
    method: fc.method,
    baselinePeriods: base.map((p) => p.period),
    points: fc.forecast.map((f, i) => ({ period: after[i].period, value: f.value, lower: f.lower, upper: f.upper })),
    status: ttc.status,
    explanation: ttc.explanation,
  };
}
