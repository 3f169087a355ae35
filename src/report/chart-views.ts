/**
 * Chart views: an indicator's assessment drawn as the pack's charts (history line, XmR chart, locality bars,
 * scorecard sparkline), each with its accessible name, its legend (words and swatches the page prints beside
 * the chart, outside the plot) and notes in words (the SPC signals, a recalculation and its reason). `model.ts`
 * and the report sections call these at the place a chart is printed; drawing itself is `charts.ts`.
 */
import type { AssessedValue, IndicatorAssessment, SpcPoint, SpcSummary } from '../assess/types.js';
import type { IndicatorDef } from '../config/types.js';
import { containingYear, tryParsePeriodId } from '../core/periods.js';
import {
  BAND, BASELINE_AREA, COMPARATOR_COLOURS, FORECAST, INK, MUTED, POINT_BORDER, POINT_FILL, SERIES, SIG_BORDER, SIG_FILL, SPC_LINE, SPC_TARGET, TARGET,
  legendSwatch, renderBarChart, renderLineChart, renderSparkline, renderXmrChart,
  type BarSignificance, type ComparatorLine, type LegendItem, type PointMeaning, type TrustedSvg,
} from './charts.js';
import { figureView, formatBare, formatValue } from './format.js';
import { ASSURANCE_TEXT, SIGNIFICANCE_WORD, VARIATION_TEXT } from './words.js';

export interface ChartView {
  /** SVG produced by `charts.ts`: the only markup templates print unescaped. */
  svg: TrustedSvg;
  /** The chart's accessible name, also printed as its caption where useful. */
  alt: string;
  /** What each line, point and colour means, printed beside the chart (never on the plot). */
  legend?: LegendItem[];
  /** Sentences printed under the chart: what the signals are, where limits were recalculated and why. */
  notes?: string[];
  /** Every SPC signal in words (the notes carry only their summary), for the figures behind the charts. */
  signals?: string[];
}

/** The scorecard's trend line: no axes, the latest point marked. */
export function sparklineChart(ia: IndicatorAssessment): ChartView {
  const alt = `Trend: ${ia.latest.sentence}`;
  return { svg: renderSparkline({ id: `spark-${ia.indicator.id}`, ariaLabel: alt, values: ia.series.map((s) => s.value) }), alt };
}

export const axisFormat = (def: IndicatorDef) => (n: number) => `${formatBare({ decimals: Math.min(def.decimals, 1) }, n)}${def.unit === 'percent' ? '%' : ''}`;

/** The value axis' title: what is counted, in the indicator's unit. */
export function unitTitle(def: IndicatorDef): string {
  switch (def.unit) {
    case 'percent': return 'Per cent';
    case 'rate_per_1000': return 'Rate per 1,000';
    case 'rate_per_10000': return 'Rate per 10,000';
    case 'rate_per_100000': return 'Rate per 100,000';
    case 'count': return 'Number';
    case 'days': return 'Days';
    case 'mean': return 'Average';
    default: return 'Ratio';
  }
}

export interface ChartSize { width?: number; height?: number }

/**
 * Chart sizes in CSS px, each no wider than the column it prints in on A4 (180 mm of text width, 680 px) and
 * narrower than a 390 px phone's text column where it can be: the page never shows a chart narrower than it was
 * drawn, so its 12 px text prints at 9 pt or more and never shrinks on a phone.
 */
export const CHART_SIZE = {
  /** A report card's measure: the chart column of the two-column measure (about 355 px in print). */
  card: { width: 340, height: 175 },
  /** The turn-the-curve block's chart: half the block's width (about 330 px in print). */
  ttc: { width: 330, height: 150 },
  /** The turn-the-curve block's small charts (the SPC chart on screen; by locality where the pack has no Localities section). */
  ttcSmall: { width: 310, height: 150 },
  /** The localities page: three charts across landscape A4 (about 320 px each), short enough for three rows a page. */
  locality: { width: 300, height: 120 },
} as const;

/** Periods as a chart spans them: id, label and target. */
type Span = Array<{ period: string; periodLabel: string; target: number | null }>;

/**
 * Each comparator with a series (values for at least two of the charted periods) as a line over time, with the
 * significance of the latest comparison in its legend entry. A yearly value covers the year's periods.
 */
function comparatorLines(ia: IndicatorAssessment, span: Span): { lines: ComparatorLine[]; legend: LegendItem[] } {
  const def = ia.indicator;
  const lines: ComparatorLine[] = [];
  const legend: LegendItem[] = [];
  def.comparators.forEach((c) => {
    const values = span.map((s) => {
      const p = tryParsePeriodId(s.period);
      const v = c.values[s.period] ?? (p ? c.values[containingYear(p).id] : undefined);
      return typeof v === 'number' && Number.isFinite(v) ? v : null;
    });
    if (values.filter((v) => v !== null).length < 2) return;
    const colour = lines.length;
    lines.push({ name: c.label, values, colour });
    const latest = ia.latest.comparators.find((x) => x.id === c.id);
    // The comparator's own period: a yearly figure set beside a quarter's (or a pooled window's) is named as the
    // year it is, not as our period.
    const own = comparatorPeriodLabel(c.values, ia.latest.period) ?? ia.latest.periodLabel;
    const words = latest && latest.value !== null
      ? `${c.label} ${formatValue(def, latest.value)} in ${own}: ours${own === ia.latest.periodLabel ? '' : ` (${ia.latest.periodLabel})`} is ${SIGNIFICANCE_WORD[latest.significance]}`
      : c.label;
    legend.push({ label: words, svg: legendSwatch('dotted', COMPARATOR_COLOURS[colour % COMPARATOR_COLOURS.length]) });
  });
  return { lines, legend };
}

/** The label of the period whose comparator value is set beside `period` (its own, else its year's), as assess picks it. */
export function comparatorPeriodLabel(values: Record<string, number>, period: string): string | null {
  if (values[period] !== undefined) return tryParsePeriodId(period)?.label ?? null;
  const p = tryParsePeriodId(period);
  return p ? containingYear(p).label : null;
}

function intervalLegend(ia: IndicatorAssessment): LegendItem[] {
  const ci = ia.latest.status === 'ok' ? ia.latest.ci : null;
  if (!ci) return [];
  const def = ia.indicator;
  return [{ label: `${Math.round(ci.level * 100)}% confidence interval of ${ia.latest.periodLabel}: ${formatValue(def, ci.lower)} to ${formatValue(def, ci.upper)}`, svg: legendSwatch('whisker', INK) }];
}

/** History line: targets per period, comparators over time; on turn-the-curve pages also the baseline and forecast band. */
export function historyChart(ia: IndicatorAssessment, id: string, withForecast: boolean, size: ChartSize = {}): ChartView {
  const def = ia.indicator;
  const labels = ia.series.map((s) => s.periodLabel);
  const fc = withForecast ? ia.forecast : undefined;
  const fcBy = new Map((fc?.points ?? []).map((p) => [p.period, p]));
  const labelOf = new Map(ia.series.map((s) => [s.period, s.periodLabel]));
  const alt = ia.latest.sentence + (fc ? ` ${fc.explanation}` : '');
  const cmp = withForecast ? { lines: [], legend: [] } : comparatorLines(ia, ia.series);
  const ci = withForecast || ia.latest.status !== 'ok' ? null : ia.latest.ci;
  const hasTarget = ia.series.some((s) => s.target !== null);
  const baselineValue = withForecast && def.baseline ? { value: def.baseline.value, label: `Baseline ${formatValue(def, def.baseline.value)}` } : undefined;
  const svg = renderLineChart({
    id,
    ...size,
    ariaLabel: alt,
    categories: labels,
    values: ia.series.map((s) => s.value),
    targets: ia.series.map((s) => s.target),
    forecast: fc ? ia.series.map((s) => fcBy.get(s.period) ?? null) : undefined,
    baselineCategories: fc ? fc.baselinePeriods.map((p) => labelOf.get(p) ?? p) : undefined,
    baselineValue,
    comparators: cmp.lines,
    latestInterval: ci ? { lower: ci.lower, upper: ci.upper } : null,
    yTitle: unitTitle(def),
    format: (n) => formatValue(def, n),
    formatAxis: axisFormat(def),
  });
  const legend: LegendItem[] = [{ label: def.shortTitle || 'Figure', svg: legendSwatch('line', SERIES) }];
  if (hasTarget) legend.push({ label: 'Target', svg: legendSwatch('dashed', TARGET) });
  if (fc?.points.length) {
    legend.push({ label: 'Forecast (baseline trend)', svg: legendSwatch('dashed', FORECAST) });
    legend.push({ label: '95% prediction interval', svg: legendSwatch('band', BAND) });
  }
  if (fc?.baselinePeriods.length) legend.push({ label: 'Baseline periods', svg: legendSwatch('band', BASELINE_AREA) });
  if (baselineValue) legend.push({ label: baselineValue.label, svg: legendSwatch('dotted', MUTED) });
  legend.push(...cmp.legend);
  if (ci) legend.push(...intervalLegend(ia));
  return { svg, alt, legend };
}

const RULE_ORDER = ['outside_limits', 'shift', 'trend', 'two_of_three'] as const;

/** One run of points under one SPC rule: where it starts and ends (indexes into the points) and what it means. */
interface SignalRun { from: number; to: number; meaning: 'improvement' | 'concern' | 'no better direction'; text: string }

function signalRuns(spc: SpcSummary): SignalRun[] {
  const out: SignalRun[] = [];
  const pts = spc.points;
  const label = (p: SpcPoint) => p.periodLabel ?? p.period;
  const meaning = (p: SpcPoint) => (p.direction === 'improvement' ? 'improvement' : p.direction === 'concern' ? 'concern' : 'no better direction');
  // Which way a point's signal lies: above or below its segment's mean (rising or falling, for a trend).
  const way = (rule: string, k: number): string => {
    const p = pts[k];
    if (rule === 'trend') {
      const q = pts[k + 1]?.rules?.includes('trend') ? pts[k + 1] : pts[k - 1];
      const rising = q === pts[k + 1] ? q.value > p.value : q ? p.value > q.value : true;
      return rising ? 'rising' : 'falling';
    }
    return p.value > (p.mean ?? spc.mean) ? 'above' : 'below';
  };
  for (const rule of RULE_ORDER) {
    let i = 0;
    while (i < pts.length) {
      if (!pts[i].rules?.includes(rule)) { i++; continue; }
      const w = way(rule, i);
      const m = meaning(pts[i]);
      let j = i;
      while (j + 1 < pts.length && pts[j + 1].rules?.includes(rule) && way(rule, j + 1) === w && meaning(pts[j + 1]) === m) j++;
      const n = j - i + 1;
      const span = n > 1 ? `${label(pts[i])} to ${label(pts[j])}` : label(pts[i]);
      const what = {
        outside_limits: `${n > 1 ? `${n} points ` : ''}beyond the ${w === 'above' ? 'upper' : 'lower'} process limit`,
        shift: `${n} points in a row ${w} the mean`,
        trend: `${n} points in a row ${w}`,
        two_of_three: `2 of 3 points near the ${w === 'above' ? 'upper' : 'lower'} limit (beyond two sigma)`,
      }[rule];
      out.push({ from: i, to: j, meaning: m, text: `${span}, ${what} (${m})` });
      i = j + 1;
    }
  }
  return out;
}

/**
 * The SPC signals in words, one sentence per run of points under a rule, so a reader need not decode the
 * colours: "2025/26 Q1 to 2026/27 Q2: 7 or more points in a row below the mean (improvement)".
 */
export function spcSignals(spc: SpcSummary): string[] {
  return signalRuns(spc).map((r) => r.text);
}

/**
 * The signals in one line, for a chart printed on a report card: how many runs of each meaning, and the most
 * recent run in full (the one a board acts on). The full list is printed with the figures behind the charts.
 */
export function spcSignalSummary(spc: SpcSummary): string {
  const runs = signalRuns(spc);
  if (!runs.length) return 'No signals: every point is common cause variation.';
  const counts = (['improvement', 'concern', 'no better direction'] as const)
    .map((m) => [m, runs.filter((r) => r.meaning === m).length] as const).filter(([, n]) => n > 0)
    .map(([m, n]) => `${n} ${m}`);
  // The most recent: the run ending last (ties: the earlier rule in RULE_ORDER, the stronger signal).
  const latest = runs.reduce((a, b) => (b.to > a.to ? b : a));
  const where = latest.to === spc.points.length - 1 ? 'latest' : 'most recent';
  return `Signals: ${counts.join(', ')}; ${where}: ${latest.text}.`;
}

/** A trend in the latest segment: the limits are fitted across a changing process. */
export function trendUnderLimits(spc: SpcSummary): NonNullable<SpcSummary['trends']>[number] | undefined {
  return (spc.trends ?? []).filter((t) => t.inLatestSegment).pop();
}

export function xmrChart(ia: IndicatorAssessment, id: string, size: ChartSize = {}): ChartView {
  const spc = ia.spc!;
  const def = ia.indicator;
  const by = new Map(spc.points.map((p) => [p.period, p]));
  const span: Span = spc.periods ?? ia.series.filter((s) => by.has(s.period) || s.period > spc.points[0].period).map((s) => ({ period: s.period, periodLabel: s.periodLabel, target: s.target }));
  const labelOf = new Map(span.map((s) => [s.period, s.periodLabel]));
  const indexOf = new Map(span.map((s, i) => [s.period, i]));
  const segments = (spc.segments ?? [{ from: spc.points[0].period, to: spc.points[spc.points.length - 1].period, mean: spc.mean, lowerLimit: spc.lowerLimit, upperLimit: spc.upperLimit, baselinePoints: spc.points.length }])
    .map((s) => ({ ...s, fromIndex: indexOf.get(s.from) ?? 0, toIndex: indexOf.get(s.to) ?? span.length - 1 }));
  // A segment runs on to the period before the next one starts (across any gap), and the last to the chart's end.
  const drawn = segments.map((s, k) => ({ from: s.fromIndex, to: k + 1 < segments.length ? segments[k + 1].fromIndex - 1 : span.length - 1, mean: s.mean, lowerLimit: s.lowerLimit, upperLimit: s.upperLimit }));
  const meaningOf = (p: SpcPoint | undefined): PointMeaning | null => (!p ? null : !p.specialCause ? 'common' : (p.direction ?? 'neutral') as PointMeaning);
  const assurance = spc.assurance;
  const trend = trendUnderLimits(spc);
  const alt = `Statistical process control (XmR) chart of ${spc.points.length} points, ${labelOf.get(spc.points[0].period) ?? spc.points[0].period} to ${labelOf.get(spc.points[spc.points.length - 1].period) ?? ''}. ${VARIATION_TEXT[spc.variation] ?? spc.variation}.${assurance ? ` ${ASSURANCE_TEXT[assurance] ?? assurance}.` : ''} Mean ${formatValue(def, spc.mean)}, limits ${formatValue(def, spc.lowerLimit)} to ${formatValue(def, spc.upperLimit)}.`;
  const cmp = comparatorLines(ia, span);
  const ci = ia.latest.status === 'ok' && by.has(ia.latest.period) ? ia.latest.ci : null;
  const targets = span.map((s) => s.target);
  const svg = renderXmrChart({
    id,
    ...size,
    ariaLabel: alt,
    categories: span.map((s) => s.periodLabel),
    values: span.map((s) => by.get(s.period)?.value ?? null),
    meaning: span.map((s) => meaningOf(by.get(s.period))),
    segments: drawn,
    targets,
    comparators: cmp.lines,
    latestInterval: ci ? { lower: ci.lower, upper: ci.upper } : null,
    yTitle: unitTitle(def),
    format: (n) => formatValue(def, n),
    formatAxis: axisFormat(def),
  });
  const used = new Set(spc.points.map((p) => meaningOf(p)));
  const legend: LegendItem[] = [{ label: 'Common cause', svg: legendSwatch('point', POINT_FILL.common, POINT_BORDER.common) }];
  if (used.has('improvement')) legend.push({ label: 'Special cause: improvement', svg: legendSwatch('point', POINT_FILL.improvement, POINT_BORDER.improvement) });
  if (used.has('concern')) legend.push({ label: 'Special cause: concern', svg: legendSwatch('point', POINT_FILL.concern, POINT_BORDER.concern) });
  if (used.has('neutral')) legend.push({ label: 'Special cause (no better direction)', svg: legendSwatch('point', POINT_FILL.neutral, POINT_BORDER.neutral) });
  legend.push({ label: `Mean ${formatValue(def, spc.mean)}`, svg: legendSwatch('line', INK) });
  legend.push({ label: `Process limits ${formatValue(def, spc.lowerLimit)} to ${formatValue(def, spc.upperLimit)}`, svg: legendSwatch('dashed', MUTED) });
  if (targets.some((t) => t !== null)) legend.push({ label: ia.latest.target !== null ? `Target ${formatValue(def, ia.latest.target)}` : 'Target', svg: legendSwatch('dashed', SPC_TARGET) });
  legend.push(...cmp.legend);
  if (ci) legend.push(...intervalLegend(ia));
  const notes: string[] = [];
  segments.slice(1).forEach((s) => notes.push(`Limits recalculated from ${labelOf.get(s.from) ?? s.from} (the vertical rule)${s.reason ? `: ${s.reason}` : ''}.`));
  if (trend) notes.push(`The limits are fitted across a ${trend.direction} trend (${labelOf.get(trend.from) ?? trend.from} to ${labelOf.get(trend.to) ?? trend.to}), so they describe no single process and no assurance is given against the target. Once the change is understood, its period can be declared so that the limits are recalculated from it.`);
  // A shift reaching the latest point: limits fitted across it assure nothing (assess gives no assurance).
  notes.push(`${spcSignalSummary(spc)}${spc.shift && !trend ? ` Every point since ${labelOf.get(spc.shift.from) ?? spc.shift.from} is ${spc.shift.side} the mean: the limits span a shift and give no assurance.` : ''}`);
  return { svg, alt, legend, notes, signals: spcSignals(spc) };
}

export interface AreaNames { names: Map<string, string>; whole: string }

const BAR_WORD: Record<BarSignificance, string> = {
  better: 'better', similar: 'similar', worse: 'worse', higher: 'higher', lower: 'lower', not_compared: 'not compared',
};

/** What each bar colour and whisker means, for a page of locality charts that prints this key once. */
export function localityKey(polarity: IndicatorDef['polarity'][], areas: AreaNames): LegendItem[] {
  const kinds = new Set<BarSignificance>(polarity.some((p) => p !== 'none') ? ['better', 'similar', 'worse'] : ['similar']);
  if (polarity.some((p) => p === 'none')) { kinds.add('higher'); kinds.add('lower'); }
  const order: BarSignificance[] = ['better', 'similar', 'worse', 'higher', 'lower'];
  return [
    ...order.filter((s) => kinds.has(s)).map((s) => barLegend(s, areas)),
    { label: '95% confidence interval', svg: legendSwatch('whisker', INK) },
  ];
}

function barLegend(s: BarSignificance, areas: AreaNames): LegendItem {
  return {
    label: s === 'not_compared' ? 'Not compared' : `${SIGNIFICANCE_WORD[s].replace(/^./, (c) => c.toUpperCase())} ${s === 'similar' ? 'to' : 'than'} ${areas.whole}`,
    svg: legendSwatch('bar', SIG_FILL[s], SIG_BORDER[s]),
  };
}

/**
 * Localities as bars. `keyApart`: the bar colours and the whisker are explained once for the page
 * (`localityKey`), so each chart's legend keeps only its own lines (the partnership's figure, the target).
 */
export function localityChart(ia: IndicatorAssessment, id: string, areas: AreaNames, size: ChartSize = {}, keyApart = false): ChartView {
  const def = ia.indicator;
  const wholeValue = wholeBesideLocalities(ia);
  const period = wholeValue.periodLabel;
  const name = (area: string) => areas.names.get(area) ?? area;
  const sig = ia.byArea.map((v) => (v.vsPartnership ?? 'not_compared') as BarSignificance);
  // Value (its unit is the axis title) and the significance word, short enough to sit beside a narrow chart.
  const bare = (x: number) => `${formatBare(def, x)}${def.unit === 'percent' ? '%' : ''}`;
  const rowLabels = ia.byArea.map((v, i) => (v.value === null ? figureView(def, v).text : `${bare(v.value)}${sig[i] !== 'not_compared' ? ` ${BAR_WORD[sig[i]]}` : ''}`));
  const parts = ia.byArea.map((v, i) => `${name(v.area)}: ${figureView(def, v).text}${v.value !== null && sig[i] !== 'not_compared' ? `, ${SIGNIFICANCE_WORD[sig[i]]} than ${areas.whole}`.replace('similar than', 'similar to') : ''}`);
  const alt = `${def.title} by locality, ${period}, with 95% confidence intervals, each compared with ${areas.whole}. ${parts.join('; ')}.`;
  const svg = renderBarChart({
    id,
    ...size,
    ariaLabel: alt,
    categories: ia.byArea.map((v) => name(v.area)),
    values: ia.byArea.map((v) => v.value),
    intervals: ia.byArea.map((v) => (v.value !== null && v.ci ? { lower: v.ci.lower, upper: v.ci.upper } : null)),
    significance: sig,
    rowLabels,
    reference: wholeValue.value,
    target: wholeValue.target,
    xTitle: unitTitle(def),
    format: (n) => formatValue(def, n),
    formatAxis: axisFormat(def),
  });
  const present = new Set(sig.filter((s, i) => ia.byArea[i].value !== null));
  const order: BarSignificance[] = def.polarity === 'none' ? ['higher', 'similar', 'lower', 'not_compared'] : ['better', 'similar', 'worse', 'not_compared'];
  const legend: LegendItem[] = order.filter((s) => present.has(s) && (!keyApart || s === 'not_compared')).map((s) => barLegend(s, areas));
  if (!keyApart && ia.byArea.some((v) => v.value !== null && v.ci)) legend.push({ label: '95% confidence interval', svg: legendSwatch('whisker', INK) });
  if (wholeValue.value !== null) legend.push({ label: `${areas.whole} ${formatValue(def, wholeValue.value)}`, svg: legendSwatch('line', INK) });
  if (wholeValue.target !== null) legend.push({ label: `Target ${formatValue(def, wholeValue.target)}`, svg: legendSwatch('dashed', SPC_TARGET) });
  const missing = ia.byArea.filter((v) => v.value === null);
  const notes = missing.length ? [`No bar: ${missing.map((v) => `${name(v.area)} (${figureView(def, v).text})`).join(', ')}.`] : [];
  return { svg, alt, legend, notes };
}

/** The partnership's figure for the period the localities show (the indicator's own latest period). */
export function wholeBesideLocalities(ia: IndicatorAssessment): AssessedValue {
  const period = ia.byArea[0]?.period ?? ia.latest.period;
  return ia.series.find((s) => s.period === period) ?? ia.latest;
}
