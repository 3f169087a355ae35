/**
 * Server-side SVG charts with ECharts' SSR renderer: no DOM, no browser, no scripts. Every chart returns a
 * `TrustedSvg`: a string this module produced and checked (see `finishSvg`), the only kind of markup the HTML
 * templates may print unescaped. Labels and category names are escaped by ECharts' own SVG writer.
 *
 * Every chart: `role="img"` and an `aria-label` (the status sentence, which stands on its own), animation off,
 * nulls drawn as gaps, and an all-null series drawn as a labelled empty frame rather than an invented axis.
 */
// Only what the pack draws (issue #9). `import 'echarts'` loads every chart type and component (some 900 ms of
// CPU to load its modules on every run); so do the `echarts/charts` and `echarts/components` barrels, which
// re-export them all. The installers are therefore imported one by one from `echarts/lib/` (types in
// echarts-lib.d.ts). A chart type or component missing here is silently ignored by ECharts, so
// test/report/charts.test.ts renders each kind of chart and checks what it draws.
import * as echarts from 'echarts/core';
import { install as SVGRenderer } from 'echarts/lib/renderer/installSVGRenderer.js';
import { install as LineChart } from 'echarts/lib/chart/line/install.js';
import { install as BarChart } from 'echarts/lib/chart/bar/install.js';
import { install as ScatterChart } from 'echarts/lib/chart/scatter/install.js';
import { install as GridSimpleComponent } from 'echarts/lib/component/grid/installSimple.js';
import { install as LegendPlainComponent } from 'echarts/lib/component/legend/installLegendPlain.js';
import { install as MarkLineComponent } from 'echarts/lib/component/marker/installMarkLine.js';
import { install as MarkAreaComponent } from 'echarts/lib/component/marker/installMarkArea.js';
import { install as GraphicComponent } from 'echarts/lib/component/graphic/install.js';
import { installLegacyGridContainLabel as LegacyGridContainLabel } from 'echarts/lib/coord/cartesian/legacyContainLabel.js';
import type { EChartsOption } from 'echarts';

echarts.use([
  SVGRenderer,
  LineChart, BarChart, ScatterChart,
  GridSimpleComponent, LegendPlainComponent, MarkLineComponent, MarkAreaComponent, GraphicComponent,
  // `grid.containLabel` is a separate feature since ECharts 6; without it axis labels are cut at the edge.
  LegacyGridContainLabel,
]);
// No tooltip component (a printed chart has no tooltip): an option must not name one, or ECharts warns on stderr.

/** SVG markup produced and checked by this module. The brand stops any other string being printed unescaped. */
export type TrustedSvg = string & { readonly __trustedSvg: true };

export interface ChartCommon {
  /** Stable id, unique in the document (letters, digits, `-`, `_`): prefixes the SVG's internal ids. */
  id: string;
  /** Accessible name: the status sentence. */
  ariaLabel: string;
  width?: number;
  height?: number;
  /** Formats a value for labels (`62.3%`). Default: en-GB number. */
  format?: (n: number) => string;
  /** Formats an axis tick. Default: en-GB number with up to 2 decimals. */
  formatAxis?: (n: number) => string;
}

export interface SparklineInput extends ChartCommon {
  values: Array<number | null>;
}

export interface LineChartInput extends ChartCommon {
  /** Period labels, oldest first. */
  categories: string[];
  values: Array<number | null>;
  /** Target per period (targets may change each year); null where there is none. */
  targets?: Array<number | null>;
  /** Periods that form the baseline, shaded. */
  baselineCategories?: string[];
  /** A stated baseline value, drawn as a horizontal reference line. */
  baselineValue?: { value: number; label: string };
  /** Forecast per period (null where none), with its prediction interval. */
  forecast?: Array<{ value: number; lower: number; upper: number } | null>;
  seriesName?: string;
}

export interface XmrChartInput extends ChartCommon {
  categories: string[];
  values: Array<number | null>;
  mean: number;
  lowerLimit: number;
  upperLimit: number;
  /** Per category: whether the point is a special cause. */
  specialCause: boolean[];
  target?: number | null;
}

export interface BarChartInput extends ChartCommon {
  /** Locality names. */
  categories: string[];
  values: Array<number | null>;
  /** Text shown on a bar's place when it has no value (`c`, `awaiting data`). */
  missingText?: Array<string | null>;
  /** The partnership figure, drawn as a reference line. */
  reference?: { value: number; label: string } | null;
  target?: number | null;
}

/* Palette: GOV.UK colours; every text colour here has ≥ 4.5:1 contrast on white. */
const INK = '#0b0c0c';
const MUTED = '#505a5f';
const GRID = '#dfe1e3';
const SERIES = '#1d70b8';
const TARGET = '#0b0c0c';
const FORECAST = '#6f3c97';
const BAND = 'rgba(111, 60, 151, 0.16)';
const BASELINE_AREA = 'rgba(80, 90, 95, 0.10)';
const SPECIAL = '#d4351c';
// Unquoted: ECharts writes the family into a double-quoted style attribute without escaping it.
const FONT = 'Arial, Helvetica, Liberation Sans, DejaVu Sans, sans-serif';

const nf = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });
const defaultFormat = (n: number) => nf.format(n);

const textStyle = { fontFamily: FONT, fontSize: 11, color: MUTED };

function isAllNull(values: Array<number | null>): boolean {
  return values.every((v) => v === null || !Number.isFinite(v));
}

function clean(values: Array<number | null>): Array<number | null> {
  return values.map((v) => (v === null || !Number.isFinite(v) ? null : v));
}

/**
 * SSR instances by size, reused for every chart of that size (issue #9: `init` and `dispose` per chart were a
 * good part of the pack's chart time). `setOption(option, true)` replaces the whole option, so nothing of the
 * previous chart is kept, and the SVG writer numbers its element ids afresh for every `renderToSVGString`, so a
 * chart's SVG is the same whichever charts were drawn before it. An undisposed SSR chart keeps a timer alive,
 * so the instances are disposed as soon as the current synchronous burst of charts (one pack) is done.
 */
const instances = new Map<string, echarts.ECharts>();
let disposeScheduled = false;

function instanceFor(width: number, height: number): echarts.ECharts {
  const key = `${width}x${height}`;
  let chart = instances.get(key);
  if (!chart) {
    chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height, locale: 'EN' });
    instances.set(key, chart);
  }
  if (!disposeScheduled) {
    disposeScheduled = true;
    setImmediate(disposeCharts);
  }
  return chart;
}

/** Dispose every cached SSR instance (also called on a schedule; exported for tests). */
export function disposeCharts(): void {
  disposeScheduled = false;
  for (const chart of instances.values()) chart.dispose();
  instances.clear();
}

/** Render one option to an SVG string on the instance of that size. */
function render(input: ChartCommon, width: number, height: number, option: EChartsOption): TrustedSvg {
  const key = `${width}x${height}`;
  const chart = instanceFor(width, height);
  try {
    // clear() drops the previous chart's views too: a reused line view would keep the previous chart's symbols
    // and append the new ones after them, drawing the same picture with its elements in another order.
    chart.clear();
    chart.setOption({ animation: false, textStyle: { fontFamily: FONT }, ...option }, true);
    return finishSvg(chart.renderToSVGString({ useViewBox: true }), input);
  } catch (err) {
    // An instance that failed half way is not reused.
    instances.delete(key);
    chart.dispose();
    throw err;
  }
}

const SAFE_ID = /^[A-Za-z][\w-]*$/;

function escapeAttr(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Make ECharts' output fit to inline in the pack and check it:
 * - internal ids (`zr3-c0`) come from a process-wide counter; renaming them after the chart's own id makes
 *   the output depend on the input only (golden files) and keeps ids unique in the document;
 * - the `<style>` block holds only `:hover` rules (meaningless in print) and would apply document-wide: dropped,
 *   with the class names and `ecmeta_*` attributes that only served interaction;
 * - `role="img"`, `aria-label` and `focusable="false"` on the root;
 * - no scripts, event handlers or references outside the SVG itself: throws if ECharts ever emits one.
 */
export function finishSvg(svg: string, input: Pick<ChartCommon, 'id' | 'ariaLabel'>): TrustedSvg {
  if (!SAFE_ID.test(input.id)) throw new Error(`chart id "${input.id}" must be letters, digits, - and _`);
  let out = svg
    .replace(/\bzr\d+-/g, `${input.id}-`)
    .replace(/<style\b[^>]*>[\s\S]*?<\/style>/g, '')
    .replace(/\s(?:ecmeta_[a-z_]+|class)="[^"]*"/g, '')
    .replace(/\n+/g, '\n');
  if (!/xlink:/.test(out.replace(/xmlns:xlink="[^"]*"/, ''))) out = out.replace(/\sxmlns:xlink="[^"]*"/, '');
  out = out.replace(/^<svg\b/, `<svg role="img" aria-label="${escapeAttr(input.ariaLabel)}" focusable="false"`);
  assertSelfContained(out);
  return out.trim() as TrustedSvg;
}

/**
 * Throws when the SVG could run code or fetch anything: a defect in this module, never a user error.
 * Only markup is inspected (element names, attribute names and values): text is escaped by ECharts, so a
 * locality called "<img onerror=…>" is harmless text here and must not trip the check.
 */
export function assertSelfContained(svg: string): void {
  const problems = new Set<string>();
  if (!/^<svg\b/.test(svg)) problems.add('does not start with <svg');
  for (const [, name, attrs] of svg.matchAll(/<([A-Za-z][\w:.-]*)([^>]*)>/g)) {
    if (/^(script|foreignObject|image|iframe|object|embed|use)$/i.test(name)) problems.add(`contains <${name}>`);
    for (const [, attr, value] of attrs.matchAll(/([^\s=/>]+)\s*=\s*"([^"]*)"/g)) {
      if (/^on/i.test(attr)) problems.add('contains an event handler attribute');
      if (/^(xlink:)?href$/i.test(attr) && !value.startsWith('#')) problems.add('references an external resource (href)');
      if (/^src$/i.test(attr)) problems.add('references an external resource (src)');
      if (/url\(\s*['"]?(?!#)/i.test(value)) problems.add('references an external resource (url())');
    }
  }
  if (/<style\b/i.test(svg) && /url\(\s*['"]?(?!#)|@import/i.test(svg)) problems.add('references an external resource (style)');
  if (problems.size) throw new Error(`chart SVG is not self-contained: ${[...problems].join(', ')}`);
}

function emptyChart(input: ChartCommon, width: number, height: number, message = 'No figures to chart'): TrustedSvg {
  return render(input, width, height, {
    graphic: [
      { type: 'rect', left: 'center', top: 'middle', shape: { width: width - 2, height: height - 2 }, style: { fill: 'none', stroke: GRID } },
      { type: 'text', left: 'center', top: 'middle', style: { text: message, fill: MUTED, font: `${height < 60 ? 10 : 12}px ${FONT}` } },
    ],
  });
}

/** A small line of the history for a scorecard row: no axes, the latest point marked, gaps left as gaps. */
export function renderSparkline(input: SparklineInput): TrustedSvg {
  const width = input.width ?? 120;
  const height = input.height ?? 28;
  const values = clean(input.values);
  if (isAllNull(values)) return emptyChart(input, width, height, 'no data');
  const last = values.reduce<number>((at, v, i) => (v !== null ? i : at), -1);
  // A point with no neighbour draws no line, so give it a dot; otherwise only the latest point has one.
  const data = values.map((v, i) => {
    const isolated = v !== null && values[i - 1] == null && values[i + 1] == null;
    return { value: v, symbolSize: i === last ? 5 : isolated ? 3 : 0 };
  });
  return render(input, width, height, {
    grid: { left: 3, right: 4, top: 4, bottom: 4 },
    xAxis: { type: 'category', show: false, boundaryGap: false, data: values.map((_, i) => String(i)) },
    yAxis: { type: 'value', show: false, scale: true },
    series: [{ type: 'line', data, symbol: 'circle', connectNulls: false, lineStyle: { color: SERIES, width: 1.5 }, itemStyle: { color: SERIES }, silent: true }],
  });
}

/** History with target, baseline period and forecast band (turn-the-curve and report cards). */
export function renderLineChart(input: LineChartInput): TrustedSvg {
  const width = input.width ?? 640;
  const height = input.height ?? 260;
  const format = input.format ?? defaultFormat;
  const formatAxis = input.formatAxis ?? defaultFormat;
  const values = clean(input.values);
  const forecast = input.forecast ?? [];
  const hasForecast = forecast.some((f) => f !== null);
  const targets = input.targets ? clean(input.targets) : [];
  const hasTarget = targets.some((t) => t !== null);
  // A forecast or target with no actual figure would chart nothing the board can act on.
  if (isAllNull(values)) return emptyChart(input, width, height);

  const name = input.seriesName ?? 'Actual';
  const series: NonNullable<EChartsOption['series']> = [];
  const legend: Array<string | { name: string; icon: string; itemStyle: { color: string } }> = [name];
  if (hasForecast) {
    // The band is two stacked series: the lower bound (invisible) and the width of the interval (shaded).
    // stackStrategy 'all' so a band that crosses zero still stacks on the lower bound.
    series.push({ name: '95% prediction interval', type: 'line', stack: 'band', stackStrategy: 'all', data: forecast.map((f) => (f ? f.lower : null)), lineStyle: { opacity: 0 }, symbol: 'none', silent: true });
    series.push({ name: '95% prediction interval', type: 'line', stack: 'band', stackStrategy: 'all', data: forecast.map((f) => (f ? f.upper - f.lower : null)), lineStyle: { opacity: 0 }, areaStyle: { color: BAND }, symbol: 'none', silent: true });
    series.push({ name: 'Forecast (baseline trend)', type: 'line', data: forecast.map((f) => (f ? f.value : null)), lineStyle: { color: FORECAST, type: 'dashed', width: 2 }, itemStyle: { color: FORECAST }, symbol: 'none', silent: true });
    legend.push('Forecast (baseline trend)', { name: '95% prediction interval', icon: 'rect', itemStyle: { color: BAND } });
  }
  if (hasTarget) {
    series.push({ name: 'Target', type: 'line', step: 'middle', data: targets, lineStyle: { color: TARGET, type: [6, 3], width: 1.5 }, itemStyle: { color: TARGET }, symbol: 'none', silent: true });
    legend.push('Target');
  }
  // The latest actual carries its value, so the chart reads without a table beside it.
  const last = values.reduce<number>((at, v, i) => (v !== null ? i : at), -1);
  const data = values.map((v, i) => (i === last && v !== null ? { value: v, label: { show: true, position: 'top' as const, align: 'right' as const, formatter: format(v), color: INK, fontSize: 11, fontWeight: 'bold' as const } } : v));
  const main: Record<string, unknown> = {
    name, type: 'line', data, connectNulls: false, symbol: 'circle', symbolSize: 6,
    lineStyle: { color: SERIES, width: 2.5 }, itemStyle: { color: SERIES }, z: 5, silent: true,
  };
  const baseline = (input.baselineCategories ?? []).filter((c) => input.categories.includes(c));
  const markLines: unknown[] = [];
  if (input.baselineValue) {
    markLines.push({ yAxis: input.baselineValue.value, name: input.baselineValue.label, label: { formatter: input.baselineValue.label, position: 'insideStartTop', color: MUTED, fontSize: 10 }, lineStyle: { color: MUTED, type: 'dotted', width: 1.5 } });
  }
  if (baseline.length) {
    main.markArea = { silent: true, itemStyle: { color: BASELINE_AREA }, label: { color: MUTED, fontSize: 10, position: 'insideTop' }, data: [[{ xAxis: baseline[0], name: 'Baseline' }, { xAxis: baseline[baseline.length - 1] }]] };
  }
  if (markLines.length) main.markLine = { silent: true, symbol: 'none', data: markLines };
  series.push(main as never);

  // The y axis follows the figures, the target and the forecast line, not the prediction interval: a band from
  // a short baseline can be many times wider than the data and would flatten the line the board reads. The band
  // is clipped at the chart's edge (issue #7).
  const extent = [...values, ...targets, ...forecast.map((f) => (f ? f.value : null)), input.baselineValue?.value ?? null]
    .filter((v): v is number => v !== null && Number.isFinite(v));
  const yRange = hasForecast ? niceRange(extent) : undefined;

  return render(input, width, height, {
    color: [SERIES],
    legend: { data: legend, top: 0, left: 0, itemWidth: 18, itemHeight: 8, itemGap: 22, textStyle: { ...textStyle, color: INK }, selectedMode: false },
    grid: { left: 24, right: 44, top: 40, bottom: 8, containLabel: true },
    // boundaryGap: the first and last period labels sit inside the plot, so neither is cut at the edge.
    xAxis: { type: 'category', data: input.categories, boundaryGap: true, axisLabel: { ...textStyle, hideOverlap: true }, axisLine: { lineStyle: { color: MUTED } }, axisTick: { alignWithLabel: true } },
    yAxis: { type: 'value', scale: true, ...(yRange ?? {}), axisLabel: { ...textStyle, formatter: (n: number) => formatAxis(n) }, splitLine: { lineStyle: { color: GRID } } },
    series,
  });
}

/**
 * An axis range around `values` with a margin of a quarter of their spread, on round numbers (1, 2, 2.5 or 5
 * times a power of ten), never crossing zero when every value is on one side of it.
 */
export function niceRange(values: number[]): { min: number; max: number; interval: number } | undefined {
  if (!values.length) return undefined;
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = Math.max((hi - lo) * 0.25, Math.abs(hi) * 0.05, 1e-9);
  const raw = (hi - lo + 2 * pad) / 5;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow;
  let min = Math.floor((lo - pad) / step) * step;
  let max = Math.ceil((hi + pad) / step) * step;
  if (lo >= 0 && min < 0) min = 0;
  if (hi <= 0 && max > 0) max = 0;
  const round = (x: number) => Number(x.toPrecision(12));
  return { min: round(min), max: round(max), interval: round(step) };
}

/** XmR (individuals) chart: mean, process limits, special-cause points as larger red diamonds. */
export function renderXmrChart(input: XmrChartInput): TrustedSvg {
  const width = input.width ?? 640;
  const height = input.height ?? 260;
  const formatAxis = input.formatAxis ?? defaultFormat;
  const format = input.format ?? defaultFormat;
  const values = clean(input.values);
  if (isAllNull(values)) return emptyChart(input, width, height);
  const flat = (v: number) => input.categories.map(() => v);
  const special = values.map((v, i) => (input.specialCause[i] && v !== null ? v : null));
  const series: NonNullable<EChartsOption['series']> = [
    { name: `Upper limit ${format(input.upperLimit)}`, type: 'line', data: flat(input.upperLimit), symbol: 'none', lineStyle: { color: MUTED, type: 'dashed', width: 1.2 }, itemStyle: { color: MUTED }, silent: true },
    { name: `Mean ${format(input.mean)}`, type: 'line', data: flat(input.mean), symbol: 'none', lineStyle: { color: INK, width: 1.2 }, itemStyle: { color: INK }, silent: true },
    { name: `Lower limit ${format(input.lowerLimit)}`, type: 'line', data: flat(input.lowerLimit), symbol: 'none', lineStyle: { color: MUTED, type: 'dashed', width: 1.2 }, itemStyle: { color: MUTED }, silent: true },
  ];
  if (input.target !== undefined && input.target !== null) {
    series.push({ name: `Target ${format(input.target)}`, type: 'line', data: flat(input.target), symbol: 'none', lineStyle: { color: SERIES, type: 'dotted', width: 1.5 }, itemStyle: { color: SERIES }, silent: true });
  }
  series.push({ name: 'Value', type: 'line', data: values, connectNulls: false, symbol: 'circle', symbolSize: 6, lineStyle: { color: MUTED, width: 1.5 }, itemStyle: { color: MUTED }, z: 5, silent: true });
  // Only when there is one: a legend entry for a signal that is not there would send readers looking for it.
  if (special.some((v) => v !== null)) series.push({ name: 'Special cause', type: 'scatter', data: special, symbol: 'diamond', symbolSize: 11, itemStyle: { color: SPECIAL, borderColor: INK, borderWidth: 0.8 }, z: 6, silent: true });
  return render(input, width, height, {
    legend: { top: 0, left: 0, itemWidth: 18, itemHeight: 8, itemGap: 22, textStyle: { ...textStyle, color: INK }, selectedMode: false },
    grid: { left: 24, right: 44, top: 56, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: input.categories, boundaryGap: true, axisLabel: { ...textStyle, hideOverlap: true }, axisLine: { lineStyle: { color: MUTED } } },
    yAxis: { type: 'value', scale: true, axisLabel: { ...textStyle, formatter: (n: number) => formatAxis(n) }, splitLine: { lineStyle: { color: GRID } } },
    series,
  });
}

/** One bar per locality, the partnership figure and target as reference lines; missing bars say why. */
export function renderBarChart(input: BarChartInput): TrustedSvg {
  const width = input.width ?? 420;
  const height = input.height ?? Math.max(120, 44 + input.categories.length * 30);
  const format = input.format ?? defaultFormat;
  const formatAxis = input.formatAxis ?? defaultFormat;
  const values = clean(input.values);
  if (isAllNull(values)) return emptyChart(input, width, height);
  const missing = input.missingText ?? [];
  // Horizontal bars: locality names read without rotation at any zoom.
  const data = values.map((v, i) => (v === null
    ? { value: 0, itemStyle: { color: 'transparent' }, label: { show: true, position: 'insideLeft' as const, formatter: missing[i] ?? 'no figure', color: MUTED, fontStyle: 'italic' as const } }
    : { value: v }));
  const markLines: unknown[] = [];
  if (input.reference) markLines.push({ xAxis: input.reference.value, label: { formatter: input.reference.label, position: 'end', color: INK, fontSize: 10 }, lineStyle: { color: INK, type: 'solid', width: 1.5 } });
  if (input.target !== undefined && input.target !== null) markLines.push({ xAxis: input.target, label: { formatter: `Target ${format(input.target)}`, position: 'start', color: INK, fontSize: 10 }, lineStyle: { color: INK, type: [6, 3], width: 1.5 } });
  const categories = [...input.categories].reverse(); // ECharts draws the first category at the bottom
  // Room on the right for the longest value label ("430.8 per 10,000"); ECharts does not reserve it.
  const longest = Math.max(0, ...values.map((v, i) => (v === null ? (missing[i] ?? '').length : format(v).length)));
  return render(input, width, height, {
    grid: { left: 16, right: Math.max(48, Math.ceil(longest * 6.5) + 8), top: input.reference ? 24 : 10, bottom: input.target != null ? 22 : 10, containLabel: true },
    yAxis: { type: 'category', data: categories, axisLabel: { ...textStyle, color: INK }, axisLine: { lineStyle: { color: MUTED } }, axisTick: { show: false } },
    // Each bar carries its value, so the value axis needs no tick labels (and the target's label sits there).
    xAxis: { type: 'value', axisLabel: { show: false, formatter: (n: number) => formatAxis(n) }, splitLine: { lineStyle: { color: GRID } } },
    series: [{
      type: 'bar', data: data.reverse(), barMaxWidth: 18, itemStyle: { color: SERIES }, silent: true,
      label: { show: true, position: 'right', color: INK, fontSize: 10, formatter: (p: { value: unknown; dataIndex: number }) => (typeof p.value === 'number' ? format(p.value) : '') },
      ...(markLines.length ? { markLine: { silent: true, symbol: 'none', data: markLines } } : {}),
    }] as never,
  });
}
