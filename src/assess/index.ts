/**
 * Assess: measure values → judged figures. For each indicator and period: disclosure control first (so no
 * judgement is ever made on a hidden figure), then interval, RAG, direction, comparators; then per indicator
 * the SPC chart and, for population indicators, the baseline forecast ("turning the curve").
 */
import { problem, type Problem } from '../core/errors.js';
import { aggregatePeriod, basePeriod, comparePeriods, containingYear, latestCompletePeriod, makePeriod, parsePeriodId, periodsBetween, samePeriodLastYear, shiftPeriod, tryParsePeriodId, type Period } from '../core/periods.js';
import { formatBare, formatNumber, formatValue } from '../core/format.js';
import type { Config, HistorySpan, IndicatorDef } from '../config/types.js';
import type { MeasuresOutput, MeasureValue } from '../measures/types.js';
import { UNIT_MULTIPLIER } from '../measures/units.js';
import { applyDisclosureControl } from './disclosure.js';
import { loadComparatorTables } from './comparator-tables.js';
import { rankAmong } from './comparators.js';
import { methodNotes } from './methods.js';
import { judgedDirection, runLength } from './direction.js';
import { exceptionReasons } from './exceptions.js';
import { rateRag, targetFor } from './rag.js';
import { statusSentence } from './sentence.js';
import { gapText } from '../report/words.js';
import { groupBy } from '../core/group.js';
import { compareWithBenchmark, linearForecast, proportionCI, rateCI, turningTheCurve, xmr, byarInterval, exactPoissonInterval } from './stats/index.js';
import type { AssessedValue, Assessment, ComparatorResult, ForecastSummary, IndicatorAssessment, Interval, Rag, SpcPoint, SpcSummary, SuppressionRecord } from './types.js';

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
    // A year-to-date or rolling figure ends with a period of the type; the report period is that period itself.
    if (p.type === config.reporting.periodType && (!latest || p.end > latest.end)) latest = p.aggregate ? basePeriod(p) : p;
    if (!latestEnd || p.end > latestEnd) latestEnd = p.end;
  }
  if (latest || !latestEnd) return latest;
  return periodsBetween(config.reporting.periodType, '2000-01-01', latestEnd).filter((p) => p.end <= latestEnd!).pop();
}

/** How many periods of the indicator's own type its history shows: `{periods: n}` of them, or `{years: n}`. */
export function historyLength(p: Period, span: HistorySpan): number {
  return 'years' in span ? span.years * p.perYear : span.periods;
}

const CI_METHOD = { wilson: 'Wilson score', byar: "Byar's method", exact_poisson: 'exact Poisson' } as const;

/** The figure's interval at `confidence` (0.95 or 0.998): Wilson for percentages, exact Poisson / Byar for counts and rates. */
export function ciFor(def: IndicatorDef, v: Pick<MeasureValue, 'value' | 'numerator' | 'denominator'>, confidence = 0.95): Interval | null {
  if (v.value === null || v.numerator === null) return null;
  try {
    const mult = UNIT_MULTIPLIER[def.unit];
    if (def.unit === 'percent' && v.denominator) {
      const r = proportionCI(v.numerator, v.denominator, { multiplier: 100, confidence });
      return { lower: r.lower, upper: r.upper, method: CI_METHOD.wilson, level: confidence };
    }
    if (def.unit.startsWith('rate_per') && v.denominator && mult && Number.isInteger(v.numerator)) {
      const r = rateCI(v.numerator, v.denominator, { multiplier: mult, confidence });
      return { lower: r.lower, upper: r.upper, method: CI_METHOD[r.method], level: confidence };
    }
    if (def.unit === 'count' && Number.isInteger(v.numerator)) {
      const r = v.numerator < 10 ? exactPoissonInterval(v.numerator, confidence) : byarInterval(v.numerator, confidence);
      return { lower: r.lower, upper: r.upper, method: v.numerator < 10 ? CI_METHOD.exact_poisson : CI_METHOD.byar, level: confidence };
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
  const wholeName = config.areas.find((a) => a.isWhole)?.name ?? config.partnership?.shortName ?? 'the partnership';
  const failures = new Map(measures.failures.map((f) => [f.indicator, f.problem]));
  // The stage's one read of files: comparator tables and neighbour models, before any judgement.
  const tables = indicators.some((d) => d.comparators.some((c) => c.table)) ? loadComparatorTables(config, indicators) : { indicators, problems: [] };
  dataQuality.push(...tables.problems);

  const valuesOf = groupBy(measures.values, (v) => v.indicator);
  for (const def of tables.indicators) {
    const raw = valuesOf.get(def.id) ?? [];
    const controlled = applyDisclosureControl(def, raw, config.disclosure.threshold, config.disclosure.marker);
    suppressions.push(...controlled.records);
    const index = new Map(controlled.values.map((v) => [`${v.period}|${v.area}`, v]));
    // The indicator's own period due by the report period's end (a year-to-date, rolling or cumulative figure
    // ends with it), every period from the first one the warehouse holds a figure for up to it (results.json
    // lists them all), and the history the pack shows: the last `history` of those, in the indicator's own
    // periods. Periods before the series starts are not "awaiting data": they are not periods of this series.
    // Three years back always holds a whole period of any type ending by the report period's end.
    const searchFrom = `${Number(reportPeriod.end.slice(0, 4)) - 3}-01-01`;
    const dueBase = periodsBetween(def.periodType, searchFrom, reportPeriod.end).filter((p) => p.end <= reportPeriod.end).pop()!;
    const due = def.aggregate ? aggregatePeriod(dueBase, def.aggregate) : dueBase;
    const held = controlled.values.map((v) => tryParsePeriodId(v.period)).filter((p): p is Period => Boolean(p) && p!.type === due.type && p!.aggregate === due.aggregate && comparePeriods(p!, due) <= 0).sort(comparePeriods);
    const first = held[0] ?? due;
    const computed: Period[] = [];
    for (let p = first; comparePeriods(p, due) <= 0; p = shiftPeriod(p, 1)) computed.push(p);
    const n = historyLength(dueBase, def.history ?? config.reporting.history);
    const periods = computed.slice(-n);
    const failure = failures.get(def.id);
    const fmt = (x: number) => formatValue(def, x);
    // Only figures big enough to rate take part in arrows, run lengths and SPC (no judgement on tiny denominators).
    const judgeableFigure = (period: Period, area: string): MeasureValue | null => {
      const v = index.get(`${period.id}|${area}`);
      return v && v.value !== null && !v.marker && !v.partial && !isTooFew(def, v) ? v : null;
    };
    const judgeableValue = (period: Period, area: string): number | null => judgeableFigure(period, area)?.value ?? null;
    // Each area's judgeable values over every computed period, worked out once: a figure's history is a prefix of them.
    const judgeableSeries = new Map<string, Array<number | null>>();
    const historyTo = (period: Period, area: string): Array<number | null> => {
      let series = judgeableSeries.get(area);
      if (!series) judgeableSeries.set(area, (series = computed.map((p) => judgeableValue(p, area))));
      // `computed` is in order, so the periods up to `period` are its first ones.
      let n = 0;
      while (n < computed.length && comparePeriods(computed[n], period) <= 0) n++;
      return series.slice(0, n);
    };

    const judge = (period: Period, area: string): AssessedValue => {
      const v = index.get(`${period.id}|${area}`);
      const value = v?.value ?? null;
      const status: AssessedValue['status'] = failure ? 'failed' : !v ? 'awaiting_data' : v.marker === config.disclosure.marker ? 'suppressed' : v.marker ? 'marked' : value === null ? 'awaiting_data' : v.partial ? 'partial' : 'ok';
      const target = targetFor(def, period.id);
      let rag: Rag = 'grey';
      let ragReason: string;
      let ragRule = target ? rateRag(target.value, target, def.polarity, fmt).rule : def.kind === 'population_indicator' ? 'not rated: population indicator (baseline and forecast, no target)' : 'not rated: no target set';
      const tooFew = status === 'ok' && isTooFew(def, v!);
      if (status === 'failed') ragReason = 'could not be computed';
      else if (status === 'awaiting_data') ragReason = 'awaiting data';
      else if (status === 'suppressed') ragReason = 'suppressed (small numbers)';
      else if (status === 'marked') ragReason = `not available (marker ${v!.marker})`;
      else if (status === 'partial') ragReason = `partial: ${v!.partial!.missingLabels.join(', ')} not yet held`;
      else if (tooFew) ragReason = `too few to rate (${def.unit === 'count' ? 'count' : 'denominator'} ${formatNumber(rateBase(def, v!) ?? 0, 'count', 0)} is under ${formatNumber(def.minDenominator, 'count', 0)})`;
      else if (!target) ragReason = def.kind === 'population_indicator' ? 'population indicator: no target' : 'no target set';
      else {
        const r = rateRag(value!, target, def.polarity, fmt, (g) => gapText(def, g));
        rag = r.rag; ragReason = r.reason; ragRule = r.rule;
      }
      const judgeable = status === 'ok' && !tooFew;
      const prevFigure = judgeableFigure(shiftPeriod(period, -1), area);
      const lyFigure = judgeableFigure(samePeriodLastYear(period), area);
      const prevValue = prevFigure?.value ?? null;
      const lyValue = lyFigure?.value ?? null;
      const travel = (earlier: MeasureValue | null) => (judgeable ? judgedDirection(def.unit, v!, earlier, def.polarity, def.noChange) : { direction: 'not_available' as const, test: 'no_change_band' as const });
      const prevTravel = travel(prevFigure);
      const lyTravel = travel(lyFigure);
      const history = historyTo(period, area);
      const ci = judgeable ? ciFor(def, v!) : null;
      const ci998 = judgeable ? ciFor(def, v!, 0.998) : null;
      // A locality is compared with the partnership as a whole (and so, side by side, with the other localities),
      // never with the council's own benchmarks or statistical neighbours, which describe the whole authority.
      const wholeFigure = area === 'all' ? null : judgeableFigure(period, 'all');
      const comparators: ComparatorResult[] = area !== 'all'
        ? [{
          id: 'partnership', label: wholeName, value: wholeFigure?.value ?? null,
          significance: judgeable && ci && wholeFigure ? compareWithBenchmark({ value: value!, lower: ci.lower, upper: ci.upper }, wholeFigure.value, def.polarity) : 'not_compared',
        }]
        : def.comparators.map((c) => {
        const key = c.values[period.id] !== undefined ? period.id : containingYear(period).id;
        const cv = c.values[key] ?? null;
        const peers = c.peers?.[period.id] ?? c.peers?.[containingYear(period).id];
        const result: ComparatorResult = {
          id: c.id, label: c.label, value: cv,
          significance: judgeable && ci && cv !== null ? compareWithBenchmark({ value: value!, lower: ci.lower, upper: ci.upper }, cv, def.polarity) : 'not_compared',
        };
        if (c.peers) {
          // Peer groups are authorities: only the partnership as a whole is ranked among them, never a locality.
          const r = area === 'all' && judgeable && peers && peers.length && def.polarity !== 'none' ? rankAmong(value!, peers, def.polarity) : null;
          result.rank = r ? { ...r, group: c.peerGroup ?? c.label } : null;
        }
        return result;
      });
      const a: AssessedValue = {
        indicator: def.id, period: period.id, periodLabel: period.label, area,
        value: status === 'ok' || status === 'partial' ? value : null,
        numerator: status === 'ok' || status === 'partial' ? v!.numerator : null,
        denominator: status === 'ok' || status === 'partial' ? v!.denominator : null,
        marker: status === 'suppressed' || status === 'marked' ? v!.marker : null,
        status, ci, ci998, tooFewToRate: tooFew, target: target?.value ?? null, rag, ragReason, ragRule,
        previousValue: prevValue, direction: prevTravel.direction, directionTest: prevTravel.test,
        sameLastYearValue: lyValue, directionYoY: lyTravel.direction, directionYoYTest: lyTravel.test,
        runLength: judgeable ? runLength(history, def.polarity, def.noChange) : 0,
        comparators, sentence: '',
        ...(status === 'partial' ? { partial: v!.partial } : {}),
      };
      a.sentence = statusSentence(def, a);
      return a;
    };

    // Each figure is judged once: the series and the localities' latest figures are the same objects as in `results`.
    const judged = new Map<string, AssessedValue>();
    for (const p of computed) for (const area of ['all', ...localities.map((l) => l.id)]) {
      const a = judge(p, area);
      judged.set(`${p.id}|${area}`, a);
      results.push(a);
    }
    const series = periods.map((p) => judged.get(`${p.id}|all`)!);
    const latest = series[series.length - 1];
    // The SPC chart reads the whole run of the process held (or the latest `spc_history` periods, never fewer than
    // the pack shows), not only the pack's history: the limits need it, and social-care figures go back a decade.
    const spcHistory = config.reporting.spcHistory ?? 'all';
    const spcSeries = computed.slice(spcHistory === 'all' ? 0 : -Math.max(spcHistory, periods.length)).map((p) => judged.get(`${p.id}|all`)!);
    // Each locality against the partnership, as Fingertips colours an area against its benchmark.
    const whole = latest.status === 'ok' && !latest.tooFewToRate ? latest.value : null;
    const byArea = localities.map((l) => {
      const v = judged.get(`${due.id}|${l.id}`)!;
      v.vsPartnership = v.status === 'ok' && !v.tooFewToRate && v.ci ? compareWithBenchmark({ value: v.value!, lower: v.ci.lower, upper: v.ci.upper }, whole, def.polarity) : 'not_compared';
      return v;
    });

    const ia: IndicatorAssessment = { indicator: def, latest, series, byArea };
    if (failure) ia.failure = failure;
    const complete = latestCompletePeriod(def.periodType, controlled.values.filter((v) => v.area === 'all'), reportPeriod.end);
    ia.latestComplete = complete?.id ?? null;
    Object.assign(ia, seriesModels(def, series, failure, spcSeries));
    ia.exceptions = exceptionReasons(ia);
    for (const n of ia.spc?.recalculationsNotApplied ?? []) {
      dataQuality.push(problem('BP_SPC_RECALC_NOT_APPLIED', `${def.title}: the SPC limits were not recalculated at ${n.period}: ${n.why}`, {
        severity: 'warning', yamlPath: `indicators.${def.id}.spc.recalculate_at`, value: n.period,
        fix: 'the chart keeps one set of limits across that point; move the recalculation point, or remove it until more figures are held',
      }));
    }
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
    methods: methodNotes(config, out),
  };
}

/** The count a rating rests on: the value for counts, otherwise the denominator. */
function rateBase(def: IndicatorDef, v: MeasureValue): number | null {
  return def.unit === 'count' ? v.value : v.denominator;
}

/** Under the indicator's `min_denominator`: shown, but not rated, compared or charted as a signal. */
export function isTooFew(def: IndicatorDef, v: MeasureValue): boolean {
  const base = rateBase(def, v);
  return def.minDenominator > 0 && base !== null && base < def.minDenominator;
}

const IMPROVEMENT = { higher_is_better: 'increase', lower_is_better: 'decrease', none: 'neutral' } as const;

/**
 * The SPC chart and the turn-the-curve forecast a series supports: SPC from 8 rated points, a forecast for a
 * population indicator from 5. Assess applies it to the partnership's series; a locality's pack to its own.
 */
export function seriesModels(def: IndicatorDef, series: AssessedValue[], failure?: unknown, spcSeries: AssessedValue[] = series): Pick<IndicatorAssessment, 'spc' | 'forecast'> {
  const rated = series.filter((s) => s.status === 'ok' && !s.tooFewToRate);
  const spcRated = spcSeries.filter((s) => s.status === 'ok' && !s.tooFewToRate);
  const out: Pick<IndicatorAssessment, 'spc' | 'forecast'> = {};
  if (def.spc && spcRated.length >= 8 && !failure) out.spc = spcFor(def, spcSeries);
  if (def.kind === 'population_indicator' && rated.length >= 5 && !failure) out.forecast = forecastFor(def, series);
  return out;
}

/**
 * The XmR chart of a series (the partnership's, or a locality's): only figures big enough to rate; limits from every point or the
 * first `baseline_periods`, recalculated at each `recalculate_at` period (each segment is its own process, as
 * NHSRplotthedots' rebase); moving ranges above 3.267 × their mean screened out unless switched off.
 */
export function spcFor(def: IndicatorDef, series: AssessedValue[]): SpcSummary | undefined {
  const pts = series.filter((s) => s.status === 'ok' && !s.tooFewToRate && s.value !== null);
  const excluded = series.filter((s) => !pts.includes(s) && s.status !== 'awaiting_data').map((s) => s.period);
  if (pts.length < 2) return undefined;
  const opts = def.spcOptions;
  const excludeLarge = opts?.excludeLargeMovingRanges ?? true;
  // Segment starts: the first point, then each recalculation point that leaves at least 2 points either side.
  const starts = [0];
  const startIds: Array<string | null> = [null];
  const notApplied: Array<{ period: string; why: string }> = [];
  for (const id of [...(opts?.recalculateAt ?? [])].sort()) {
    const p = tryParsePeriodId(id);
    if (!p) continue;
    const i = pts.findIndex((s) => comparePeriods(parsePeriodId(s.period), p) >= 0);
    if (i >= starts[starts.length - 1] + 2 && i <= pts.length - 2) {
      starts.push(i);
      startIds.push(id);
    } else {
      // Limits need two points (one moving range) on each side; a point outside that is said, never dropped quietly.
      const before = i < 0 ? pts.length - starts[starts.length - 1] : i - starts[starts.length - 1];
      const after = i < 0 ? 0 : pts.length - i;
      notApplied.push({ period: id, why: `${before < 2 ? `${before} charted ${before === 1 ? 'point' : 'points'} before it` : `${after} charted ${after === 1 ? 'point' : 'points'} from it on`}; limits need at least 2 on each side` });
    }
  }
  const latestTarget = series[series.length - 1].target;
  const points: SpcPoint[] = [];
  const segments: NonNullable<SpcSummary['segments']> = [];
  const trends: NonNullable<SpcSummary['trends']> = [];
  let last: ReturnType<typeof xmr> | undefined;
  starts.forEach((from, k) => {
    const seg = pts.slice(from, starts[k + 1] ?? pts.length);
    const baselinePoints = opts?.baselinePeriods ? Math.max(2, Math.min(opts.baselinePeriods, seg.length)) : seg.length;
    const r = xmr(seg.map((p) => p.value!), { improvement: IMPROVEMENT[def.polarity], target: latestTarget ?? undefined, excludeLargeMovingRanges: excludeLarge, baselinePoints });
    r.points.forEach((p, i) => points.push({
      period: seg[i].period, periodLabel: seg[i].periodLabel, value: p.value, specialCause: p.specialCause, direction: p.direction, rules: p.rules,
      mean: r.mean, lowerLimit: r.lowerLimit, upperLimit: r.upperLimit,
    }));
    const reason = startIds[k] ? opts?.recalculateReasons?.[startIds[k]!] : undefined;
    segments.push({ from: seg[0].period, to: seg[seg.length - 1].period, mean: r.mean, lowerLimit: r.lowerLimit, upperLimit: r.upperLimit, baselinePoints, ...(reason ? { reason } : {}) });
    // Runs of the trend rule, each as one stretch of consecutive trend points.
    let runStart = -1;
    r.points.forEach((p, i) => {
      const inTrend = p.rules.includes('trend');
      if (inTrend && runStart < 0) runStart = i;
      const ends = runStart >= 0 && (!inTrend || i === r.points.length - 1);
      if (!ends) return;
      const end = inTrend ? i : i - 1;
      trends.push({ from: seg[runStart].period, to: seg[end].period, direction: seg[end].value! > seg[runStart].value! ? 'rising' : 'falling', inLatestSegment: k === starts.length - 1 });
      runStart = -1;
    });
    last = r;
  });
  const fmt = (x: number) => formatValue(def, x);
  const method = [
    `XmR chart (NHS "Making Data Count") of ${pts.length} ${pts.length === 1 ? 'point' : 'points'}`,
    segments.length > 1 ? `limits recalculated from ${segments.slice(1).map((s) => s.from).join(', ')}` : null,
    opts?.baselinePeriods ? `mean and limits from the first ${opts.baselinePeriods} points of each segment` : 'mean and limits from every point',
    `limits at the mean ± 2.66 × the mean moving range (latest: ${fmt(last!.mean)}, ${fmt(last!.lowerLimit)} to ${fmt(last!.upperLimit)})`,
    excludeLarge ? 'moving ranges above 3.267 × their mean left out of the limits' : 'every moving range used',
    excluded.length ? `${excluded.length} ${excluded.length === 1 ? 'period' : 'periods'} left out (suppressed, marked or too few to rate)` : null,
    ...notApplied.map((n) => `not recalculated at ${n.period} (${n.why})`),
  ].filter(Boolean).join('; ');
  // A run on one side of the mean that reaches the latest point: the process has moved during the segment.
  const latestPoint = points[points.length - 1];
  const above = (p: SpcPoint) => p.value > last!.mean;
  let shiftFrom = -1;
  for (let i = points.length - 1; i >= starts[starts.length - 1] && points[i].rules?.includes('shift') && above(points[i]) === above(latestPoint); i--) shiftFrom = i;
  const shift = shiftFrom >= 0 ? { from: points[shiftFrom].period, to: latestPoint.period, side: latestPoint.value > last!.mean ? 'above' as const : 'below' as const } : undefined;
  return {
    mean: last!.mean, lowerLimit: last!.lowerLimit, upperLimit: last!.upperLimit,
    // Limits fitted across a trend or a shift describe no single process: no assurance is claimed from them
    // (the chart says why), or a measure now meeting its target would read "the target will be missed".
    points, variation: last!.variation, assurance: trends.some((t) => t.inLatestSegment) || shift ? null : last!.assurance, method,
    ...(shift ? { shift } : {}),
    ...(segments.length > 1 ? { segments } : {}),
    ...(notApplied.length ? { recalculationsNotApplied: notApplied } : {}),
    excluded,
    periods: series.slice(series.findIndex((s) => s.period === pts[0].period)).map((s) => ({ period: s.period, periodLabel: s.periodLabel, target: s.target })),
    trends,
  };
}

export function forecastFor(def: IndicatorDef, series: AssessedValue[]): ForecastSummary {
  const pts = series.filter((s) => s.status === 'ok' && !s.tooFewToRate && s.value !== null);
  // Baseline: up to the stated baseline period when the data reaches back to it, else the first half.
  let cut = def.baseline ? pts.findIndex((p) => p.period === def.baseline!.period) + 1 : 0;
  if (cut < 3 || cut >= pts.length) cut = Math.max(3, Math.floor(pts.length / 2));
  const base = pts.slice(0, cut);
  const after = pts.slice(cut);
  const fc = linearForecast(base.map((p) => p.value!), after.length);
  const fmt = (x: number) => formatValue(def, x);
  // A change per period is small beside the figure itself: two more decimals than the figure, so it never reads 0.0.
  const slopeDef = { ...def, decimals: Math.min(def.decimals + 2, 4) };
  const slope = (x: number) => (def.unit === 'percent' ? `${formatBare(slopeDef, x)} percentage points` : formatValue(slopeDef, x));
  const ttc = turningTheCurve(base.map((p) => p.value!), after.map((p) => p.value!), def.polarity, fmt, slope);
  return {
    method: `${fc.method}: a straight line fitted to the ${base.length} baseline figures (${base[0].period} to ${base[base.length - 1].period}) and carried forward ${after.length} ${after.length === 1 ? 'period' : 'periods'}`,
    baselinePeriods: base.map((p) => p.period),
    points: fc.forecast.map((f, i) => ({ period: after[i].period, value: f.value, lower: f.lower, upper: f.upper })),
    status: ttc.status,
    explanation: ttc.explanation,
  };
}
