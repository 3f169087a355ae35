/**
 * Chart views: an indicator's assessment drawn as the pack's charts (history line, XmR chart, locality bars,
 * scorecard sparkline), each with its accessible name. `model.ts` and the report sections call these at the
 * place a chart is printed; drawing itself is `charts.ts`.
 */
import type { AssessedValue, IndicatorAssessment } from '../assess/types.js';
import type { IndicatorDef } from '../config/types.js';
import { renderBarChart, renderLineChart, renderSparkline, renderXmrChart, type TrustedSvg } from './charts.js';
import { ASSURANCE_LABEL, VARIATION_LABEL, figureView, formatBare, formatValue } from './format.js';

export interface ChartView {
  /** SVG produced by `charts.ts`: the only markup templates print unescaped. */
  svg: TrustedSvg;
  /** The chart's accessible name, also printed as its caption where useful. */
  alt: string;
}

/** The scorecard's trend line: no axes, the latest point marked. */
export function sparklineChart(ia: IndicatorAssessment): ChartView {
  const alt = `Trend: ${ia.latest.sentence}`;
  return { svg: renderSparkline({ id: `spark-${ia.indicator.id}`, ariaLabel: alt, values: ia.series.map((s) => s.value) }), alt };
}

export const axisFormat = (def: IndicatorDef) => (n: number) => `${formatBare({ decimals: Math.min(def.decimals, 1) }, n)}${def.unit === 'percent' ? '%' : ''}`;

export interface ChartSize { width?: number; height?: number }

/** History line: targets per period; on turn-the-curve pages also the baseline and forecast band. */
export function historyChart(ia: IndicatorAssessment, id: string, withForecast: boolean, size: ChartSize = {}): ChartView {
  const def = ia.indicator;
  const labels = ia.series.map((s) => s.periodLabel);
  const fc = withForecast ? ia.forecast : undefined;
  const fcBy = new Map((fc?.points ?? []).map((p) => [p.period, p]));
  const labelOf = new Map(ia.series.map((s) => [s.period, s.periodLabel]));
  const alt = ia.latest.sentence + (fc ? ` ${fc.explanation}` : '');
  const svg = renderLineChart({
    id,
    ...size,
    ariaLabel: alt,
    categories: labels,
    values: ia.series.map((s) => s.value),
    targets: ia.series.map((s) => s.target),
    forecast: fc ? ia.series.map((s) => fcBy.get(s.period) ?? null) : undefined,
    baselineCategories: fc ? fc.baselinePeriods.map((p) => labelOf.get(p) ?? p) : undefined,
    baselineValue: withForecast && def.baseline ? { value: def.baseline.value, label: `Baseline ${formatValue(def, def.baseline.value)}` } : undefined,
    format: (n) => formatValue(def, n),
    formatAxis: axisFormat(def),
  });
  return { svg, alt };
}

export function xmrChart(ia: IndicatorAssessment, id: string, size: ChartSize = {}): ChartView {
  const spc = ia.spc!;
  const def = ia.indicator;
  const by = new Map(spc.points.map((p) => [p.period, p]));
  const alt = `Statistical process control (XmR) chart. ${VARIATION_LABEL[spc.variation] ?? spc.variation}.${spc.assurance ? ` ${ASSURANCE_LABEL[spc.assurance] ?? spc.assurance}.` : ''} Mean ${formatValue(def, spc.mean)}, limits ${formatValue(def, spc.lowerLimit)} to ${formatValue(def, spc.upperLimit)}.`;
  const svg = renderXmrChart({
    id,
    ...size,
    ariaLabel: alt,
    categories: ia.series.map((s) => s.periodLabel),
    values: ia.series.map((s) => by.get(s.period)?.value ?? null),
    specialCause: ia.series.map((s) => by.get(s.period)?.specialCause ?? false),
    mean: spc.mean,
    lowerLimit: spc.lowerLimit,
    upperLimit: spc.upperLimit,
    target: ia.latest.target,
    format: (n) => formatValue(def, n),
    formatAxis: axisFormat(def),
  });
  return { svg, alt };
}

export interface AreaNames { names: Map<string, string>; whole: string }

export function localityChart(ia: IndicatorAssessment, id: string, areas: AreaNames, size: ChartSize = {}): ChartView {
  const def = ia.indicator;
  const wholeValue = wholeBesideLocalities(ia);
  const period = wholeValue.periodLabel;
  const name = (area: string) => areas.names.get(area) ?? area;
  const parts = ia.byArea.map((v) => `${name(v.area)}: ${figureView(def, v).text}`);
  const alt = `${def.title} by locality, ${period}. ${parts.join('; ')}.`;
  const svg = renderBarChart({
    id,
    ...size,
    ariaLabel: alt,
    categories: ia.byArea.map((v) => name(v.area)),
    values: ia.byArea.map((v) => v.value),
    missingText: ia.byArea.map((v) => (v.value === null ? figureView(def, v).text : null)),
    reference: wholeValue.value !== null ? { value: wholeValue.value, label: `${areas.whole} ${formatValue(def, wholeValue.value)}` } : null,
    target: wholeValue.target,
    format: (n) => formatValue(def, n),
    formatAxis: axisFormat(def),
  });
  return { svg, alt };
}

/** The partnership's figure for the period the localities show (the indicator's own latest period). */
export function wholeBesideLocalities(ia: IndicatorAssessment): AssessedValue {
  const period = ia.byArea[0]?.period ?? ia.latest.period;
  return ia.series.find((s) => s.period === period) ?? ia.latest;
}
