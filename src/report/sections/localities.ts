/**
 * Localities side by side: each indicator's latest figure for the partnership and every locality, each
 * locality's rating and whether it is significantly better or worse than the partnership as a whole.
 */
import type { AssessedValue, IndicatorAssessment } from '../../assess/types.js';
import { CHART_SIZE, localityChart, localityKey, wholeBesideLocalities, type ChartView } from '../chart-views.js';
import type { LegendItem } from '../charts.js';
import { MARKER_TEXT, UNIT_LABEL, figureView, formatBare, ragView, type FigureView, type RagView } from '../format.js';
import { SIGNIFICANCE_WORD } from '../words.js';
import { type SectionContext } from './context.js';
import type { IndicatorView } from './indicator.js';

export interface LocalityCell {
  area: string;
  value: FigureView;
  rag: RagView | null;
  /** Against the partnership as a whole ("significantly worse"; the caption names the partnership), or null when similar or not compared. */
  vsWhole: { text: string; className: string } | null;
}

export interface LocalityRow {
  indicator: IndicatorView;
  /** The unit, said once in the row's heading ("rate per 10,000"): the cells print bare figures. */
  unit: string;
  periodLabel: string;
  whole: LocalityCell;
  cells: LocalityCell[];
}

export interface LocalityView {
  id: string;
  areas: Array<{ id: string; name: string }>;
  wholeName: string;
  caption: string;
  rows: LocalityRow[];
  charts: Array<{ title: string; chart: ChartView }>;
  /** The bar colours and whisker, explained once above the charts. */
  chartKey: LegendItem[];
  /** Markers used in the table, explained. */
  key: Array<{ marker: string; meaning: string }>;
}

function markerMeaning(text: string): string {
  switch (text) {
    case 'awaiting data': return 'the figure for this period has not arrived yet';
    case 'not computed': return 'the indicator could not be computed; see the data-quality notes';
    case 'no figure': return 'no figure for this period';
    default: return 'not available';
  }
}

/** A figure without its unit (the row's heading carries it), so that a cell holds the figure and its rating on one line. */
function bareFigure(ia: IndicatorAssessment, v: AssessedValue | undefined): FigureView {
  const view = figureView(ia.indicator, v);
  return view.isValue && v?.value !== null && v?.value !== undefined ? { ...view, text: formatBare(ia.indicator, v.value) } : view;
}

export function buildLocalities(ctx: SectionContext, id: string): LocalityView {
  const cellOf = (ia: IndicatorAssessment, v: AssessedValue | undefined, area: string): LocalityCell => {
    const vs = area === 'all' ? undefined : v?.comparators.find((c) => c.id === 'partnership');
    return {
      area: ctx.areaName.get(area) ?? area,
      value: ctx.viewOf(ia).failed ? figureView(ia.indicator, { status: 'failed', value: null, marker: null }) : bareFigure(ia, v),
      rag: v && v.rag !== 'grey' ? ragView(v.rag) : null,
      vsWhole: vs && vs.significance !== 'not_compared' && vs.significance !== 'similar'
        ? { text: SIGNIFICANCE_WORD[vs.significance], className: `sig sig-${vs.significance}` }
        : null,
    };
  };
  const rows: LocalityRow[] = ctx.included.map((ia) => {
    const byId = new Map(ia.byArea.map((v) => [v.area, v]));
    const wholeValue = wholeBesideLocalities(ia);
    return {
      indicator: ctx.viewOf(ia),
      unit: UNIT_LABEL[ia.indicator.unit].toLowerCase(),
      periodLabel: wholeValue.periodLabel,
      whole: cellOf(ia, wholeValue, 'all'),
      cells: ctx.localities.map((l) => cellOf(ia, byId.get(l.id), l.id)),
    };
  });
  const markersUsed = new Set<string>();
  for (const row of rows) for (const cell of [row.whole, ...row.cells]) if (!cell.value.isValue) markersUsed.add(cell.value.text);
  const charted = ctx.included.filter((ia) => ia.byArea.some((v) => v.value !== null));
  const charts = charted.map((ia) => ({ title: ia.indicator.title, chart: localityChart(ia, `loc-${ia.indicator.id}`, ctx.areaNames, CHART_SIZE.locality, true) }));
  return {
    id,
    areas: ctx.localities.map((l) => ({ id: l.id, name: l.name })),
    wholeName: ctx.wholeName,
    caption: `Latest figure by locality, with ${ctx.wholeName} as a whole for comparison; a locality significantly better or worse than ${ctx.wholeName} (95% interval) is marked as such (higher or lower where there is no better direction)`,
    rows,
    charts,
    chartKey: charts.length ? localityKey(charted.map((ia) => ia.indicator.polarity), ctx.areaNames) : [],
    key: [...markersUsed].sort().map((m) => ({ marker: m, meaning: MARKER_TEXT[m] ?? markerMeaning(m) })),
  };
}
