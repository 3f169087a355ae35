/**
 * Turn-the-curve pages, one per population indicator: one baseline (the periods the forecast is fitted to),
 * stated in the text as the chart shades it; the forecast drawn only where its interval says something; one
 * sentence that reconciles the curve, the direction of travel and the SPC reading; the owner's story, what works,
 * partners and actions (or, plainly, that none were recorded).
 */
import type { IndicatorAssessment } from '../../assess/types.js';
import { CHART_SIZE, historyChart, localityChart, xmrChart, type ChartSize, type ChartView } from '../chart-views.js';
import { FORECAST_STATUS_LABEL, formatValue, plural } from '../format.js';
import { CURVE_WORD, VARIATION_WORD, directionText } from '../words.js';
import { commentaryOf } from './report-cards.js';
import { anchorOf, comparedLabels, isPopulation, type SectionContext } from './context.js';
import type { IndicatorView } from './indicator.js';

export interface TurnTheCurveView {
  indicator: IndicatorView;
  anchor: string;
  chart: ChartView;
  spcChart: ChartView | null;
  localityChart: ChartView | null;
  /** "Baseline: 2023/24 Q1 to 2024/25 Q2 (6 figures), the periods the forecast is fitted to", or null. */
  baseline: string | null;
  forecast: { status: string; explanation: string; method: string; baselinePeriods: string } | null;
  /** Why no forecast is drawn, when the baseline is too short or too variable. */
  noForecast: string | null;
  /** The curve, the direction of travel and the SPC reading in one sentence. */
  reading: string;
  story: string[];
  whatWorks: string[];
  actions: string[];
  hasCommentary: boolean;
  /** What the page says where no story or no action is written (a locality's pack names the locality). */
  noStory: string;
  noActions: string;
  commentaryUpdated: string | null;
  /** "This commentary was written for 2026/27 Q1; the figures are for 2026/27 Q2.", or null. */
  commentaryStale: string | null;
  partners: Array<{ role: string; name: string }>;
}

export interface TurnTheCurveSectionView { id: string; intro: string; pages: TurnTheCurveView[]; none: string | null }

/**
 * A forecast says something only when its 95% prediction interval at the last period is narrower than twice the
 * range of the figures themselves; otherwise the band would fill the chart and any figure would sit inside it.
 */
export function forecastInformative(ia: IndicatorAssessment): { ok: boolean; why: string | null } {
  const fc = ia.forecast;
  if (!fc || !fc.points.length) return { ok: false, why: null };
  const values = ia.series.map((s) => s.value).filter((x): x is number => x !== null);
  const range = Math.max(...values) - Math.min(...values);
  const last = fc.points[fc.points.length - 1];
  const width = last.upper - last.lower;
  if (fc.baselinePeriods.length >= 3 && width <= 2 * Math.max(range, Number.EPSILON)) return { ok: true, why: null };
  const f = (n: number) => formatValue(ia.indicator, n);
  return {
    ok: false,
    why: `No forecast is drawn: the baseline (${plural(fc.baselinePeriods.length, 'figure')}) is too short or too variable to forecast from. Its 95% prediction interval for the last period would run from ${f(Math.max(0, last.lower))} to ${f(last.upper)}, more than twice the whole range of the figures so far (${f(Math.min(...values))} to ${f(Math.max(...values))}), so no figure could fall outside it.`,
  };
}

/** One sentence that puts the curve, the latest change and the SPC chart side by side, and says how they fit. */
function reading(ia: IndicatorAssessment, informative: boolean): string {
  const l = ia.latest;
  const labels = comparedLabels(ia);
  const change = l.direction === 'not_available' ? null : `against ${labels.previous ?? 'the previous period'} ${directionText(l)}`;
  const spc = ia.spc ? `the SPC chart shows ${VARIATION_WORD[ia.spc.variation] ?? ia.spc.variation}` : null;
  const curve = ia.forecast && informative ? CURVE_WORD[ia.forecast.status] : 'no forecast to judge the curve against';
  const parts = [curve, change, spc].filter(Boolean).join('; ');
  const turned = informative && (ia.forecast?.status === 'turned' || ia.forecast?.status === 'turning');
  const moved = l.direction === 'improving' || l.direction === 'deteriorating';
  const how = turned && !moved
    ? 'the turn is in the trend since the baseline, not in the latest change alone'
    : !turned && l.direction === 'improving'
      ? 'one better figure does not yet turn the trend'
      : turned && l.direction === 'deteriorating'
        ? 'the trend has turned, but the latest figure went the wrong way: watch the next period'
        : null;
  const text = `${parts}${how ? `: ${how}` : ''}.`;
  return text[0].toUpperCase() + text.slice(1);
}

/**
 * The curve judgement in the pack's own number format (assess words it with bare significant figures, which
 * read as "72.95" and "3.359 to 175.3" on a board paper).
 */
function curveExplanation(ia: IndicatorAssessment): string {
  const fc = ia.forecast!;
  const def = ia.indicator;
  const f = (n: number) => formatValue(def, n);
  const last = fc.points[fc.points.length - 1];
  const latest = [...ia.series].reverse().find((x) => x.value !== null);
  if (fc.status === 'no_judgement' || !last || !latest || latest.value === null) return fc.explanation;
  // Every unit the pack knows is non-negative: an interval below zero is printed from zero.
  const band = `${f(Math.max(0, last.lower))} to ${f(def.unit === 'percent' ? Math.min(100, last.upper) : last.upper)}`;
  const when = latest.periodLabel;
  switch (fc.status) {
    case 'turned':
      return `Turned: the baseline trend pointed the worse way, and the ${plural(fc.points.length, 'figure')} since run the better way; the latest, ${f(latest.value)} in ${when}, compares with a forecast of ${f(last.value)}.`;
    case 'turning':
      return `Turning: the latest figure, ${f(latest.value)} in ${when}, is on the better side of the forecast (${f(last.value)}) and outside its 95% prediction interval (${band}).`;
    default:
      return `Not turning: the latest figure, ${f(latest.value)} in ${when}, is within the forecast's 95% prediction interval (${band}; forecast ${f(last.value)}) or on its worse side.`;
  }
}

/**
 * A population indicator's history as its turn-the-curve page draws it: one baseline (the periods the forecast is
 * fitted to), and the forecast with its band only where the band is informative.
 */
export function curveChart(ia: IndicatorAssessment, id: string, size: ChartSize): ChartView {
  const def = ia.indicator;
  const fc = ia.forecast;
  // A configured baseline outside the forecast's baseline periods is not drawn as a second one (it stays in the
  // indicator's definition in the appendix).
  const drawn: IndicatorAssessment = { ...ia, indicator: { ...def, baseline: def.baseline && fc?.baselinePeriods.includes(def.baseline.period) ? def.baseline : undefined } };
  return historyChart(drawn, id, forecastInformative(ia).ok, size);
}

export function buildTurnTheCurve(ctx: SectionContext, id: string): TurnTheCurveSectionView {
  const pages: TurnTheCurveView[] = ctx.included.filter(isPopulation).map((ia) => {
    const def = ia.indicator;
    const note = commentaryOf(ctx, ia);
    const fc = ia.forecast;
    const labelOf = new Map(ia.series.map((s) => [s.period, s.periodLabel]));
    const label = (p: string) => labelOf.get(p) ?? p;
    const informative = forecastInformative(ia);
    const baselineText = fc && fc.baselinePeriods.length
      ? `Baseline: ${label(fc.baselinePeriods[0])} to ${label(fc.baselinePeriods[fc.baselinePeriods.length - 1])} (${plural(fc.baselinePeriods.length, 'figure')}${informative.ok ? ', shaded on the chart; the forecast is fitted to these' : ''}).`
      : null;
    const commentary = ctx.commentary[def.id];
    return {
      indicator: ctx.viewOf(ia),
      anchor: anchorOf('ttc', def.id),
      chart: curveChart(ia, `ttc-${def.id}`, CHART_SIZE.ttc),
      spcChart: ia.spc ? xmrChart(ia, `ttc-spc-${def.id}`, CHART_SIZE.ttcSmall) : null,
      localityChart: ia.byArea.length ? localityChart(ia, `ttc-loc-${def.id}`, ctx.areaNames, { width: CHART_SIZE.ttcSmall.width }) : null,
      baseline: baselineText,
      forecast: fc && informative.ok ? {
        status: FORECAST_STATUS_LABEL[fc.status],
        explanation: curveExplanation(ia),
        method: `Forecast method: ${fc.method}.`,
        baselinePeriods: '',
      } : null,
      noForecast: fc ? informative.why : 'No forecast: too few figures to fit a baseline trend (at least 5 are needed).',
      reading: reading(ia, informative.ok),
      story: note.story,
      whatWorks: note.whatWorks,
      actions: note.actions,
      hasCommentary: !!(commentary?.story || commentary?.actions || commentary?.whatWorks),
      noStory: ctx.locality ? `No story has been written for ${ctx.locality.name} this period.` : 'No story has been recorded for this period.',
      noActions: ctx.locality ? `No actions have been written for ${ctx.locality.name} this period.` : 'No actions have been recorded for this period.',
      commentaryUpdated: note.updated,
      commentaryStale: note.stale,
      partners: [
        ...(def.owner ? [{ role: 'Indicator owner', name: def.owner }] : []),
        ...(def.dataProvider ? [{ role: 'Data provider', name: def.dataProvider }] : []),
        ...note.partners.map((name) => ({ role: 'Partner', name })),
      ],
    };
  });
  return {
    id,
    intro: 'Population indicators have a baseline and a forecast (where the line goes if nothing more is done) rather than a target: success is turning the curve away from the forecast.',
    pages,
    none: pages.length ? null : 'There are no population indicators in this version of the pack.',
  };
}
