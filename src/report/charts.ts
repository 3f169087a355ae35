/**
 * Server-side SVG charts with ECharts' SSR renderer: no DOM, no browser, no scripts. Every chart returns a
 * `TrustedSvg`: a string this module produced and checked (see `finishSvg`), the only kind of markup the HTML
 * templates may print unescaped. Labels and category names are escaped by ECharts' own SVG writer.
 *
 * Every chart: `role="img"` and an `aria-label` (the status sentence, which stands on its own), animation off,
 * nulls drawn as gaps, and an all-null series drawn as a labelled empty frame rather than an invented axis.
 */
// Only what the pack draws. `import 'echarts'` loads every chart type and component (some 900 ms of
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
import { install as MarkLineComponent } from 'echarts/lib/component/marker/installMarkLine.js';
import { install as MarkAreaComponent } from 'echarts/lib/component/marker/installMarkArea.js';
import { install as GraphicComponent } from 'echarts/lib/component/graphic/install.js';
import { installLegacyGridContainLabel as LegacyGridContainLabel } from 'echarts/lib/coord/cartesian/legacyContainLabel.js';
import type { EChartsOption } from 'echarts';
import { sha256Text } from '../core/hash.js';

echarts.use([
  SVGRenderer,
  LineChart, BarChart, ScatterChart,
  GridSimpleComponent, MarkLineComponent, MarkAreaComponent, GraphicComponent,
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

/** A comparator's value per category (England, region, statistical neighbours), drawn as a line over time. */
export interface ComparatorLine {
  name: string;
  values: Array<number | null>;
  /** Index into COMPARATOR_COLOURS (the legend uses the same). */
  colour: number;
}

export interface LineChartInput extends ChartCommon {
  /** Period labels, oldest first. */
  categories: string[];
  values: Array<number | null>;
  /** Target per period (targets may change each year); null where there is none. */
  targets?: Array<number | null>;
  /** Periods that form the baseline, shaded. */
  baselineCategories?: string[];
  /** A stated baseline value, drawn as a horizontal reference line (named in the legend, not on the plot). */
  baselineValue?: { value: number; label: string };
  /** Forecast per period (null where none), with its prediction interval. */
  forecast?: Array<{ value: number; lower: number; upper: number } | null>;
  comparators?: ComparatorLine[];
  /** The latest figure's confidence interval, drawn as a whisker on the latest point. */
  latestInterval?: { lower: number; upper: number } | null;
  /** The value axis' title, with the unit: "Per 10,000 children". */
  yTitle?: string;
}

/** What a point of an XmR chart means, for its colour (Making Data Count). */
export type PointMeaning = 'improvement' | 'concern' | 'neutral' | 'common';

export interface XmrChartInput extends ChartCommon {
  /** Every period the chart spans, oldest first. */
  categories: string[];
  values: Array<number | null>;
  /** Per category: what the point means (null for a gap). */
  meaning: Array<PointMeaning | null>;
  /** Mean and limits of each segment (they step at a recalculation), by category index, inclusive. */
  segments: Array<{ from: number; to: number; mean: number; lowerLimit: number; upperLimit: number }>;
  /** Target per category; null where there is none. */
  targets?: Array<number | null>;
  comparators?: ComparatorLine[];
  latestInterval?: { lower: number; upper: number } | null;
  yTitle?: string;
}

/** A locality's significance against the partnership, for its bar's colour (Fingertips). */
export type BarSignificance = 'better' | 'similar' | 'worse' | 'higher' | 'lower' | 'not_compared';

export interface BarChartInput extends ChartCommon {
  /** Locality names. */
  categories: string[];
  values: Array<number | null>;
  /** Each bar's 95% interval, drawn as a whisker. */
  intervals?: Array<{ lower: number; upper: number } | null>;
  /** Each bar's significance against the partnership, for its colour. */
  significance?: BarSignificance[];
  /** The words printed at the end of each row (value and significance, or why there is no bar: `c`, `awaiting data`). */
  rowLabels: string[];
  /** The partnership figure, drawn as a reference line (named in the legend). */
  reference?: number | null;
  target?: number | null;
  /** The value axis' title, with the unit. */
  xTitle?: string;
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
/** Making Data Count point colours (as NHSRplotthedots), with darker borders so a point stands out on white. */
export const POINT_FILL: Record<PointMeaning, string> = { improvement: '#289de0', concern: '#fab428', neutral: '#7b5fc0', common: '#a6a6a6' };
export const POINT_BORDER: Record<PointMeaning, string> = { improvement: '#1d70b8', concern: '#b35c00', neutral: '#361475', common: '#7b7d7d' };
export const SPC_LINE = '#a6a6a6';
/** The target on SPC and locality charts: red dashed, as Making Data Count draws it. */
export const SPC_TARGET = '#b10e1e';
/** Comparator lines, in order: England, then the next comparators (all ≥ 4.5:1 on white). */
export const COMPARATOR_COLOURS = ['#912b88', '#00703c', '#8a4b00', '#003078'];
/** Fingertips-style bar colours by significance against the partnership, with borders for the pale ones. */
export const SIG_FILL: Record<BarSignificance, string> = { better: '#92d050', similar: '#ffc000', worse: '#c00000', higher: '#1f4e79', lower: '#bed2ff', not_compared: '#d9d9d9' };
export const SIG_BORDER: Record<BarSignificance, string> = { better: '#4b7a1c', similar: '#8a6a00', worse: '#7a0000', higher: '#0b2a45', lower: '#5670a8', not_compared: '#7b7d7d' };
export { INK, MUTED, SERIES, TARGET, FORECAST, BAND, BASELINE_AREA };
// Unquoted: ECharts writes the family into a double-quoted style attribute without escaping it.
const FONT = 'Arial, Helvetica, Liberation Sans, DejaVu Sans, sans-serif';

const nf = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });
const defaultFormat = (n: number) => nf.format(n);


function isAllNull(values: Array<number | null>): boolean {
  return values.every((v) => v === null || !Number.isFinite(v));
}

function clean(values: Array<number | null>): Array<number | null> {
  return values.map((v) => (v === null || !Number.isFinite(v) ? null : v));
}

/**
 * SSR instances by size, reused for every chart of that size (`init` and `dispose` per chart were a
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

/**
 * Where drawn charts are kept between packs and runs (the pipeline's `.boardpack/charts.json`): by a hash of
 * the chart's whole option, so a chart whose figures, labels and size are the same is drawn once and its SVG
 * reused (the partnership's pack and a locality's, HTML and PDF, this run and the next). What is kept is
 * ECharts' output before `finishSvg`, which still checks it and names its ids after the chart it is used for.
 */
export interface ChartStore {
  get(key: string): string | undefined;
  set(key: string, svg: string): void;
}

let store: ChartStore | undefined;

/** Use `next` for the charts drawn from now on (undefined: draw every chart); returns the previous store. */
export function useChartStore(next: ChartStore | undefined): ChartStore | undefined {
  const previous = store;
  store = next;
  return previous;
}

/**
 * A function in a chart option, with its results for every argument ECharts will call it with: the key holds the
 * results, and the arguments with them let another thread draw the chart from a table (`encodeOption`).
 */
type Keyed<F> = F & { chartKey: unknown; chartCalls: { args: unknown[]; results: unknown[] } };
function keyed<F extends (...args: never[]) => unknown>(fn: F, args: unknown[], results: unknown[]): Keyed<F> {
  return Object.assign(fn, { chartKey: results, chartCalls: { args, results } });
}

/** The key of a chart: a hash of its size and whole option; undefined when a function in it has no stated results. */
function chartKey(width: number, height: number, option: EChartsOption): string | undefined {
  let opaque = false;
  const json = JSON.stringify([width, height, option], (_k, v: unknown) => {
    if (typeof v !== 'function') return v;
    if ('chartKey' in v) return { fn: (v as unknown as Keyed<unknown>).chartKey };
    opaque = true;
    return null;
  });
  return opaque ? undefined : sha256Text(json);
}

/** Render one option to an SVG string on the instance of that size (or take it from the store, or defer it). */
function render(input: ChartCommon, width: number, height: number, option: EChartsOption): TrustedSvg {
  const full: EChartsOption = { animation: false, textStyle: { fontFamily: FONT }, ...option };
  const key = store || deferral ? chartKey(width, height, full) : undefined;
  let raw = key ? store?.get(key) : undefined;
  if (raw === undefined) {
    if (key && deferral) return deferral.defer({ key, width, height, option: full }, (drawn) => finished(drawn, input, width));
    raw = draw(width, height, full);
    if (key) store?.set(key, raw);
  }
  return finished(raw, input, width);
}

/** ECharts' output as the pack prints it (see `finishSvg`). */
function finished(raw: string, input: ChartCommon, width: number): TrustedSvg {
  const svg = finishSvg(raw, input);
  // A chart is never shown narrower than it was drawn, so its text keeps its size (the page scrolls the chart
  // sideways instead); the scorecard's sparklines have no text and may shrink.
  return (width >= 200 ? svg.replace(/ focusable="false"/, ` focusable="false" style="min-width:${width}px;max-width:${Math.round(width * 1.5)}px"`) : svg) as TrustedSvg;
}

/** A chart to draw: its key (a hash of size and option), size and whole option. */
export interface ChartJob { key: string; width: number; height: number; option: EChartsOption }

/**
 * Where charts go instead of being drawn at once (`useChartDeferral`): `defer` returns a placeholder to print in
 * the chart's place, and is given the function that turns the chart's drawing into the SVG the placeholder stands for.
 */
export interface ChartDeferral {
  defer(job: ChartJob, finish: (raw: string) => TrustedSvg): TrustedSvg;
}

let deferral: ChartDeferral | undefined;

/** Defer the charts built from now on to `next` (undefined: draw them at once); returns the previous one. */
export function useChartDeferral(next: ChartDeferral | undefined): ChartDeferral | undefined {
  const previous = deferral;
  deferral = next;
  return previous;
}

/** ECharts' SVG of one chart job (before `finishSvg`), as `render` draws it. */
export function drawChart(job: Pick<ChartJob, 'width' | 'height' | 'option'>): string {
  return draw(job.width, job.height, job.option);
}

/**
 * A chart option as another thread can receive it (structured clone, which carries no functions): each keyed
 * function becomes its table of arguments and results. Undefined when the option holds any other function.
 */
export function encodeOption(option: EChartsOption): unknown {
  let opaque = false;
  const copy = (v: unknown): unknown => {
    if (typeof v === 'function') {
      const calls = (v as Partial<Keyed<unknown>>).chartCalls;
      if (!calls) opaque = true;
      return calls ? { [CALLS]: calls } : null;
    }
    if (Array.isArray(v)) return v.map(copy);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copy(x)]));
    return v;
  };
  const out = copy(option);
  return opaque ? undefined : out;
}

const CALLS = '__boardpackCalls';

/**
 * The option `encodeOption` made, with each table a function again, and `missed()`: whether ECharts called one
 * with an argument the table lacks (the chart must then be drawn where the real function is).
 */
export function decodeOption(encoded: unknown): { option: EChartsOption; missed(): boolean } {
  let missed = false;
  const back = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(back);
    if (v && typeof v === 'object') {
      const calls = (v as Record<string, { args: unknown[]; results: unknown[] }>)[CALLS];
      if (calls) {
        return (arg: unknown) => {
          const i = calls.args.indexOf(arg);
          if (i < 0) missed = true;
          return i < 0 ? '' : calls.results[i];
        };
      }
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, back(x)]));
    }
    return v;
  };
  return { option: back(encoded) as EChartsOption, missed: () => missed };
}

function draw(width: number, height: number, option: EChartsOption): string {
  const size = `${width}x${height}`;
  const chart = instanceFor(width, height);
  try {
    // clear() drops the previous chart's views too: a reused line view would keep the previous chart's symbols
    // and append the new ones after them, drawing the same picture with its elements in another order.
    chart.clear();
    chart.setOption(option, true);
    return chart.renderToSVGString({ useViewBox: true });
  } catch (err) {
    // An instance that failed half way is not reused.
    instances.delete(size);
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

/** An attribute value as the browser reads it: character references decoded (`url&#40;` is `url(`). */
function decodeAttr(value: string): string {
  // Every reference starts with "&": most values (coordinates, colours) have none.
  if (!value.includes('&')) return value;
  return value
    .replace(/&#x([0-9a-f]+);?/gi, (_m, h: string) => String.fromCodePoint(Math.min(parseInt(h, 16), 0x10ffff)))
    .replace(/&#(\d+);?/g, (_m, d: string) => String.fromCodePoint(Math.min(Number(d), 0x10ffff)))
    .replace(/&lpar;/gi, '(').replace(/&colon;/gi, ':').replace(/&quot;/gi, '"').replace(/&apos;/gi, "'").replace(/&amp;/gi, '&');
}

const FETCHING_URL = /url\(\s*['"]?(?!#)/i;

/**
 * Throws when the SVG could run code or fetch anything: a defect in this module, never a user error.
 * Only markup is inspected (element names, attribute names and values): text is escaped by ECharts, so a
 * locality called "<img onerror=…>" is harmless text here and must not trip the check. `aria-*` values are
 * text read out by assistive technology, never fetched, so an indicator titled "Rate url(…) of x" is text
 * there too; every other attribute (style, fill, filter, mask …) is read as the browser would, references
 * decoded, and may only point inside the SVG.
 */
export function assertSelfContained(svg: string): void {
  const problems = new Set<string>();
  if (!/^<svg\b/.test(svg)) problems.add('does not start with <svg');
  for (const [, name, attrs] of svg.matchAll(/<([A-Za-z][\w:.-]*)([^>]*)>/g)) {
    if (/^(script|foreignObject|image|iframe|object|embed|use)$/i.test(name)) problems.add(`contains <${name}>`);
    for (const [, attr, raw] of attrs.matchAll(/([^\s=/>]+)\s*=\s*"([^"]*)"/g)) {
      const value = decodeAttr(raw);
      if (/^on/i.test(attr)) problems.add('contains an event handler attribute');
      if (/^(xlink:)?href$/i.test(attr) && !value.startsWith('#')) problems.add('references an external resource (href)');
      if (/^src$/i.test(attr)) problems.add('references an external resource (src)');
      if (!/^aria-/i.test(attr) && FETCHING_URL.test(value)) problems.add('references an external resource (url())');
    }
  }
  for (const [, css] of svg.matchAll(/<style\b[^>]*>([\s\S]*?)(?:<\/style\s*>|$)/gi)) {
    if (FETCHING_URL.test(decodeAttr(css)) || /@import/i.test(css)) problems.add('references an external resource (style)');
  }
  if (problems.size) throw new Error(`chart SVG is not self-contained: ${[...problems].join(', ')}`);
}

function emptyChart(input: ChartCommon, width: number, height: number, message = 'No figures to chart'): TrustedSvg {
  return render(input, width, height, {
    graphic: [
      { type: 'rect', left: 'center', top: 'middle', shape: { width: width - 2, height: height - 2 }, style: { fill: 'none', stroke: GRID } },
      { type: 'text', left: 'center', top: 'middle', style: { text: message, fill: MUTED, font: `12px ${FONT}` } },
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

/* ---------- Legends, drawn by the page beside the chart (outside the plot, reflowing on a phone) ---------- */

/** One legend entry: words and a small swatch drawn like the series it names. */
export interface LegendItem { label: string; svg: TrustedSvg }

export type SwatchKind = 'line' | 'dashed' | 'dotted' | 'point' | 'band' | 'bar' | 'whisker';

/** A legend swatch: a decorative SVG (the words beside it name the series), hidden from assistive technology. */
export function legendSwatch(kind: SwatchKind, colour: string, border?: string): TrustedSvg {
  const line = (dash: string, width = 2) => `<line x1="1" y1="7" x2="23" y2="7" stroke="${colour}" stroke-width="${width}"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`;
  const body = {
    line: line(''),
    dashed: line('6 3'),
    dotted: line('2 2'),
    point: `<circle cx="12" cy="7" r="4.5" fill="${colour}" stroke="${border ?? colour}" stroke-width="1"/>`,
    band: `<rect x="1" y="2" width="22" height="10" fill="${colour}"/>`,
    bar: `<rect x="1" y="2" width="22" height="10" fill="${colour}" stroke="${border ?? colour}" stroke-width="1"/>`,
    whisker: `<line x1="12" y1="1" x2="12" y2="13" stroke="${colour}" stroke-width="2"/><line x1="8" y1="1" x2="16" y2="1" stroke="${colour}" stroke-width="2"/><line x1="8" y1="13" x2="16" y2="13" stroke="${colour}" stroke-width="2"/>`,
  }[kind];
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 14" width="24" height="14" aria-hidden="true" focusable="false">${body}</svg>`;
  assertSelfContained(svg);
  return svg as TrustedSvg;
}

/* ---------- Shared layout ---------- */

/** Text in every chart is drawn at this size; the page never shows a chart narrower than it was drawn. */
export const CHART_FONT_PX = 12;
const AXIS_TEXT = { fontFamily: FONT, fontSize: CHART_FONT_PX, color: MUTED };
/** Rough width of a label in px (Arial digits and capitals are about 0.6 em). */
const textWidth = (text: string) => Math.ceil(text.length * CHART_FONT_PX * 0.62);

/**
 * A long period label on two lines ("Summer term" over "2025/26"), broken at the space nearest its middle: at
 * half the width, the axis can name more than its latest period.
 */
function axisLines(label: string): string[] {
  if (label.length <= 11) return [label];
  let at = -1;
  for (let i = 0; i < label.length; i++) if (label[i] === ' ' && (at < 0 || Math.abs(i - label.length / 2) < Math.abs(at - label.length / 2))) at = i;
  return at < 0 ? [label] : [label.slice(0, at), label.slice(at + 1)];
}

const axisLabelWidth = (label: string) => Math.max(...axisLines(label).map(textWidth));

/**
 * Which period labels to print: every k-th counting back from the latest (so the latest period is always
 * labelled), k chosen so labels never touch, and none so near the left edge that it would run into the
 * value axis' labels.
 */
function periodLabelShown(categories: string[], plotWidth: number): (index: number) => boolean {
  const n = categories.length;
  const label = Math.max(...categories.map(axisLabelWidth)) + 10;
  const band = plotWidth / Math.max(1, n);
  const step = Math.max(1, Math.ceil(label / band));
  const shown = (i: number) => (n - 1 - i) % step === 0 && (i + 0.5) * band >= label / 2 - band / 2;
  const indices = categories.map((_, i) => i);
  return keyed(shown, indices, indices.map(shown));
}

/** The ticks ECharts draws on a value axis given its min, max and interval. */
function ticksOf(range: { min: number; max: number; interval: number }): number[] {
  const out: number[] = [];
  for (let k = 0; k <= 1000; k++) {
    const v = Number((range.min + k * range.interval).toPrecision(12));
    if (v > range.max + range.interval * 1e-9) break;
    out.push(v);
  }
  return out;
}

/** An axis label formatter, keyed by the labels it gives the axis' ticks. */
function tickFormatter(range: { min: number; max: number; interval: number }, formatAxis: (n: number) => string) {
  const ticks = ticksOf(range);
  return keyed((n: number) => formatAxis(n), ticks, ticks.map(formatAxis));
}

/** A value axis that starts at zero when the figures are near it, and otherwise says that it does not. */
function valueAxis(extent: number[], title: string | undefined, formatAxis: (n: number) => string) {
  const range = niceRange(extent, 0.08) ?? { min: 0, max: 1, interval: 0.2 };
  const lo = Math.min(...extent);
  // Counts and rates read truest from zero; only when that would flatten the figures into a line is it dropped.
  const fromZero = lo >= 0 && range.min > 0 && lo <= range.max * 0.4 ? { ...niceRange([0, ...extent], 0.08)! } : range;
  const notFromZero = fromZero.min > 0;
  const name = [title, notFromZero ? 'axis not from zero' : null].filter(Boolean).join(' · ');
  return {
    notFromZero,
    // The title is drawn at the chart's top left, above the plot, where no tick label or line can reach it.
    title: name ? [{ type: 'text' as const, left: 4, top: 2, silent: true, style: { text: name, fill: INK, font: `${CHART_FONT_PX}px ${FONT}` } }] : [],
    axis: {
      type: 'value' as const, min: fromZero.min, max: fromZero.max, interval: fromZero.interval,
      axisLabel: { ...AXIS_TEXT, formatter: tickFormatter(fromZero, formatAxis) },
      splitLine: { lineStyle: { color: GRID } },
    },
  };
}

/** Room right of the plot for half the latest period's label, which is centred on the last point. */
function rightRoom(categories: string[], width: number): number {
  const band = (width - 70) / Math.max(1, categories.length);
  return Math.max(12, Math.ceil(axisLabelWidth(categories[categories.length - 1] ?? '') / 2 - band / 2) + 6);
}

/** The widest value-axis label the extent can give (the axis may reach a step beyond it). */
function extentLabels(extent: number[], formatAxis: (n: number) => string): number {
  const r = niceRange(extent, 0.08);
  return r ? Math.max(textWidth(formatAxis(r.min)), textWidth(formatAxis(r.max)), textWidth(formatAxis(r.max + r.interval))) : 40;
}

/** The plot's width: the chart less its margins, the value axis' labels and the room kept for the latest label. */
function plotWidthOf(categories: string[], width: number, yLabelWidth: number): number {
  return Math.max(60, width - 8 - 8 - yLabelWidth - rightRoom(categories, width));
}

function categoryAxis(categories: string[], plotWidth: number) {
  const shown = periodLabelShown(categories, plotWidth);
  return {
    type: 'category' as const, data: categories, boundaryGap: true,
    axisLabel: { ...AXIS_TEXT, lineHeight: Math.ceil(CHART_FONT_PX * 1.3), interval: shown, hideOverlap: false, formatter: keyed((v: string) => axisLines(v).join('\n'), categories, categories.map((c) => axisLines(c).join('\n'))) },
    axisLine: { lineStyle: { color: MUTED } }, axisTick: { alignWithLabel: true, interval: shown },
  };
}

/** Comparator lines: a comparator's yearly value is flat across the year's periods. */
function comparatorSeries(comparators: ComparatorLine[] | undefined): never[] {
  return (comparators ?? []).map((c) => ({
    name: c.name, type: 'line' as const, data: clean(c.values), connectNulls: false, symbol: 'none', step: 'middle' as const,
    lineStyle: { color: COMPARATOR_COLOURS[c.colour % COMPARATOR_COLOURS.length], width: 2, type: [2, 2] }, z: 3, silent: true,
  })) as never[];
}

/** A whisker on the latest point: its confidence interval. */
function latestWhisker(categories: string[], values: Array<number | null>, ci: { lower: number; upper: number } | null | undefined): unknown[] {
  const last = values.reduce<number>((at, v, i) => (v !== null ? i : at), -1);
  if (!ci || last < 0) return [];
  const c = categories[last];
  const style = { color: INK, width: 1.5, type: 'solid' };
  return [[{ coord: [c, ci.lower], symbol: 'none', lineStyle: style }, { coord: [c, ci.upper], symbol: 'none' }]];
}

/** Chart heights in the pack are small: the plot's top leaves room for the value axis' title above it. */
const TOP_FOR_TITLE = 26;

/** History with target, baseline period and forecast band (turn-the-curve and report cards without SPC). */
export function renderLineChart(input: LineChartInput): TrustedSvg {
  const width = input.width ?? 640;
  const height = input.height ?? 260;
  const formatAxis = input.formatAxis ?? defaultFormat;
  const values = clean(input.values);
  const forecast = input.forecast ?? [];
  const hasForecast = forecast.some((f) => f !== null);
  const targets = input.targets ? clean(input.targets) : [];
  const hasTarget = targets.some((t) => t !== null);
  // A forecast or target with no actual figure would chart nothing the board can act on.
  if (isAllNull(values)) return emptyChart(input, width, height);

  const series: NonNullable<EChartsOption['series']> = [];
  if (hasForecast) {
    // The band is two stacked series: the lower bound (invisible) and the width of the interval (shaded).
    // stackStrategy 'all' so a band that crosses zero still stacks on the lower bound.
    series.push({ name: '95% prediction interval', type: 'line', stack: 'band', stackStrategy: 'all', data: forecast.map((f) => (f ? f.lower : null)), lineStyle: { opacity: 0 }, symbol: 'none', silent: true });
    series.push({ name: '95% prediction interval', type: 'line', stack: 'band', stackStrategy: 'all', data: forecast.map((f) => (f ? f.upper - f.lower : null)), lineStyle: { opacity: 0 }, areaStyle: { color: BAND }, symbol: 'none', silent: true });
    series.push({ name: 'Forecast (baseline trend)', type: 'line', data: forecast.map((f) => (f ? f.value : null)), lineStyle: { color: FORECAST, type: 'dashed', width: 2 }, itemStyle: { color: FORECAST }, symbol: 'none', silent: true });
  }
  if (hasTarget) {
    series.push({ name: 'Target', type: 'line', step: 'middle', data: targets, lineStyle: { color: TARGET, type: [6, 3], width: 1.5 }, itemStyle: { color: TARGET }, symbol: 'none', silent: true });
  }
  series.push(...comparatorSeries(input.comparators));
  const main: Record<string, unknown> = {
    name: 'Actual', type: 'line', data: values, connectNulls: false, symbol: 'circle', symbolSize: 6, showAllSymbol: true,
    lineStyle: { color: SERIES, width: 2.5 }, itemStyle: { color: SERIES }, z: 5, silent: true,
  };
  const baseline = (input.baselineCategories ?? []).filter((c) => input.categories.includes(c));
  const markLines: unknown[] = [...latestWhisker(input.categories, values, input.latestInterval)];
  if (input.baselineValue) markLines.push({ yAxis: input.baselineValue.value, label: { show: false }, lineStyle: { color: MUTED, type: 'dotted', width: 1.5 } });
  if (baseline.length) {
    main.markArea = { silent: true, itemStyle: { color: BASELINE_AREA }, label: { show: false }, data: [[{ xAxis: baseline[0] }, { xAxis: baseline[baseline.length - 1] }]] };
  }
  if (markLines.length) main.markLine = { silent: true, symbol: 'none', data: markLines };
  series.push(main as never);

  // The y axis follows the figures, the target, comparators and the forecast line, not the prediction interval:
  // a band from a short baseline can be many times wider than the data and would flatten the line the board
  // reads. The band is clipped at the chart's edge.
  const extent = [
    ...values, ...targets, ...forecast.map((f) => (f ? f.value : null)), input.baselineValue?.value ?? null,
    ...(input.comparators ?? []).flatMap((c) => c.values), input.latestInterval?.lower ?? null, input.latestInterval?.upper ?? null,
  ].filter((v): v is number => v !== null && Number.isFinite(v));
  const y = valueAxis(extent, input.yTitle, formatAxis);
  return render(input, width, height, {
    color: [SERIES],
    grid: { left: 8, right: rightRoom(input.categories, width), top: TOP_FOR_TITLE, bottom: 6, containLabel: true },
    xAxis: categoryAxis(input.categories, plotWidthOf(input.categories, width, extentLabels(extent, formatAxis))),
    yAxis: y.axis,
    graphic: y.title,
    series,
  });
}

/**
 * An axis range around `values` with a margin of a quarter of their spread, on round numbers (1, 2, 2.5 or 5
 * times a power of ten), never crossing zero when every value is on one side of it.
 */
export function niceRange(values: number[], margin = 0.25): { min: number; max: number; interval: number } | undefined {
  if (!values.length) return undefined;
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  // A flat series (every figure the same, often all zero) still gets an axis with a few ticks around it.
  const pad = hi === lo ? (hi === 0 ? 0.5 : Math.abs(hi) * 0.1) : Math.max((hi - lo) * margin, Math.abs(hi) * 0.02, 1e-9);
  const raw = (hi - lo + 2 * pad) / 5;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow;
  let min = Math.floor((lo - pad) / step) * step;
  let max = Math.ceil((hi + pad) / step) * step;
  if (lo >= 0 && min < 0) min = 0;
  if (hi <= 0 && lo < 0 && max > 0) max = 0;
  const round = (x: number) => Number(x.toPrecision(12));
  return { min: round(min), max: round(max), interval: round(step) };
}

/**
 * XmR (individuals) chart in the Making Data Count style: grey line, each point coloured by what it means
 * (improvement blue, concern orange, neutral purple, common cause grey), the mean solid and the process limits
 * dashed, stepping where they were recalculated, and the target as a red dashed line. Nothing is written on
 * the plot: the legend and the signals are words beside the chart.
 */
export function renderXmrChart(input: XmrChartInput): TrustedSvg {
  const width = input.width ?? 640;
  const height = input.height ?? 260;
  const formatAxis = input.formatAxis ?? defaultFormat;
  const values = clean(input.values);
  if (isAllNull(values)) return emptyChart(input, width, height);
  const segLine = (pick: (s: XmrChartInput['segments'][number]) => number) =>
    input.segments.map((s) => input.categories.map((_, i) => (i >= s.from && i <= s.to ? pick(s) : null)));
  const series: NonNullable<EChartsOption['series']> = [];
  const limitStyle = { color: MUTED, type: [5, 3], width: 1.2 };
  segLine((s) => s.upperLimit).forEach((data) => series.push({ name: 'Process limits', type: 'line', data, symbol: 'none', connectNulls: false, lineStyle: limitStyle, silent: true }));
  segLine((s) => s.lowerLimit).forEach((data) => series.push({ name: 'Process limits', type: 'line', data, symbol: 'none', connectNulls: false, lineStyle: limitStyle, silent: true }));
  segLine((s) => s.mean).forEach((data) => series.push({ name: 'Mean', type: 'line', data, symbol: 'none', connectNulls: false, lineStyle: { color: INK, width: 1.2 }, silent: true }));
  const targets = input.targets ? clean(input.targets) : [];
  if (targets.some((t) => t !== null)) series.push({ name: 'Target', type: 'line', step: 'middle', data: targets, symbol: 'none', connectNulls: false, lineStyle: { color: SPC_TARGET, type: [7, 3], width: 1.8 }, silent: true });
  series.push(...comparatorSeries(input.comparators));
  // A recalculation is a vertical rule where the new limits start.
  const recalcs = input.segments.slice(1).map((s) => ({ xAxis: input.categories[s.from], label: { show: false }, lineStyle: { color: MUTED, type: 'solid', width: 1 } }));
  const data = values.map((v, i) => {
    if (v === null) return null;
    const m = input.meaning[i] ?? 'common';
    const special = m !== 'common';
    return { value: v, symbolSize: special ? 8 : 6, itemStyle: { color: POINT_FILL[m], borderColor: POINT_BORDER[m], borderWidth: special ? 1.2 : 0 } };
  });
  series.push({
    name: 'Figure', type: 'line', data: data as never, connectNulls: false, symbol: 'circle', showAllSymbol: true,
    lineStyle: { color: SPC_LINE, width: 1.5 }, z: 5, silent: true,
    markLine: { silent: true, symbol: 'none', data: [...recalcs, ...latestWhisker(input.categories, values, input.latestInterval)] as never },
  });
  const extent = [
    ...values, ...targets, ...input.segments.flatMap((s) => [s.lowerLimit, s.upperLimit]),
    ...(input.comparators ?? []).flatMap((c) => c.values), input.latestInterval?.lower ?? null, input.latestInterval?.upper ?? null,
  ].filter((v): v is number => v !== null && Number.isFinite(v));
  const y = valueAxis(extent, input.yTitle, formatAxis);
  return render(input, width, height, {
    grid: { left: 8, right: rightRoom(input.categories, width), top: TOP_FOR_TITLE, bottom: 6, containLabel: true },
    xAxis: categoryAxis(input.categories, plotWidthOf(input.categories, width, extentLabels(extent, formatAxis))),
    yAxis: y.axis,
    graphic: y.title,
    series,
  });
}

/**
 * Localities in the Fingertips style: one horizontal bar per locality with its 95% interval as a whisker,
 * coloured by its significance against the partnership (better / similar / worse, or higher / lower where
 * there is no better direction), the partnership and the target as vertical lines, and the value with its
 * significance in words in a column right of the plot, where no line can cross it.
 */
export function renderBarChart(input: BarChartInput): TrustedSvg {
  const width = input.width ?? 420;
  const height = input.height ?? Math.max(120, 56 + input.categories.length * 30);
  const formatAxis = input.formatAxis ?? defaultFormat;
  const values = clean(input.values);
  if (isAllNull(values)) return emptyChart(input, width, height);
  const intervals = input.intervals ?? [];
  const sig = input.significance ?? [];
  // ECharts draws the first category at the bottom: reverse so the first locality is at the top.
  const rev = <T>(xs: T[]) => [...xs].reverse();
  const categories = rev(input.categories);
  const data = rev(values.map((v, i) => (v === null
    ? { value: null }
    : { value: v, itemStyle: { color: SIG_FILL[sig[i] ?? 'not_compared'], borderColor: SIG_BORDER[sig[i] ?? 'not_compared'], borderWidth: 1 } })));
  const whiskers = values.flatMap((v, i) => {
    const ci = intervals[i];
    if (v === null || !ci) return [];
    const c = input.categories[i];
    const style = { color: INK, width: 1.5, type: 'solid' };
    return [[{ coord: [ci.lower, c], symbol: 'none', lineStyle: style }, { coord: [ci.upper, c], symbol: 'none' }]];
  });
  const refs: unknown[] = [];
  if (input.reference != null) refs.push({ xAxis: input.reference, label: { show: false }, lineStyle: { color: INK, type: 'solid', width: 2 } });
  if (input.target != null) refs.push({ xAxis: input.target, label: { show: false }, lineStyle: { color: SPC_TARGET, type: [7, 3], width: 1.8 } });
  const extent = [
    ...values, ...intervals.flatMap((ci) => (ci ? [ci.lower, ci.upper] : [])), input.reference ?? null, input.target ?? null,
  ].filter((v): v is number => v !== null && Number.isFinite(v));
  // Bars start at zero (a bar's length is its value); the axis reaches past the widest whisker.
  const range = niceRange([0, ...extent], 0.05) ?? { min: 0, max: 1, interval: 0.2 };
  const labelWidth = Math.max(...input.rowLabels.map(textWidth), 20);
  const nameWidth = Math.max(...input.categories.map(textWidth), 20);
  // Margins measured from the labels themselves: the row labels sit right of the plot, outside it.
  return render(input, width, height, {
    grid: { left: nameWidth + 14, right: labelWidth + 14, top: 8, bottom: input.xTitle ? 44 : 26, containLabel: false },
    yAxis: [
      { type: 'category', data: categories, axisLabel: { ...AXIS_TEXT, color: INK }, axisLine: { lineStyle: { color: MUTED } }, axisTick: { show: false } },
      // The value and significance of each row, as a second category axis on the right: outside the plot.
      { type: 'category', position: 'right', data: rev(input.rowLabels), axisLabel: { ...AXIS_TEXT, color: INK, margin: 8 }, axisLine: { show: false }, axisTick: { show: false } },
    ],
    xAxis: {
      type: 'value', min: range.min, max: range.max, interval: range.interval,
      name: input.xTitle ?? '', nameLocation: 'middle', nameGap: 22, nameTextStyle: { ...AXIS_TEXT, color: INK },
      axisLabel: { ...AXIS_TEXT, formatter: tickFormatter(range, formatAxis), hideOverlap: true }, splitLine: { lineStyle: { color: GRID } },
    },
    series: [{
      type: 'bar', data, barMaxWidth: 16, silent: true, yAxisIndex: 0,
      markLine: { silent: true, symbol: 'none', data: [...refs, ...whiskers] },
    }] as never,
  });
}
