/**
 * Turn-the-curve blocks, one per population indicator and two to a printed page where they fit: one baseline (the
 * periods the forecast is fitted to), stated in the text as the chart shades it; the forecast drawn only where its
 * interval says something; one sentence that reconciles the curve, the direction of travel and the SPC reading;
 * the SPC reading as one line (the chart itself on screen only); the owner's story, what works, partners and
 * actions (or, in one line, that none were recorded).
 */
import type { IndicatorAssessment } from '../../assess/types.js';
import { PERIOD_NOUN, aggregateConstituents, basePeriod, poolYearsOf, tryParsePeriodId } from '../../core/periods.js';
import { CHART_SIZE, historyChart, localityChart, spcSignalSummary, xmrChart, type ChartSize, type ChartView } from '../chart-views.js';
import { FORECAST_STATUS_LABEL, formatValue, plural } from '../format.js';
import { CURVE_WORD, VARIATION_WORD, directionText } from '../words.js';
import { commentaryOf } from './report-cards.js';
import { anchorOf, comparedLabels, isPopulation, type SectionContext } from './context.js';
import type { IndicatorView } from './indicator.js';

export interface TurnTheCurveView {
  indicator: IndicatorView;
  anchor: string;
  chart: ChartView;
  /** The SPC chart, on screen only: on paper its reading is the one line in `spc`. */
  spcChart: ChartView | null;
  /** "22 points, 2021/22 Q1 to 2026/27 Q2: mean …, process limits … to …. No signals: …" (the SPC chart in words). */
  spc: string | null;
  /** The by-locality chart: in a partnership's pack the Localities section charts every indicator, so none here. */
  localityChart: ChartView | null;
  /** "Baseline: 2023/24 Q1 to 2024/25 Q2 (6 figures), the periods the forecast is fitted to", or null. */
  baseline: string | null;
  forecast: { status: string; explanation: string; method: string; baselinePeriods: string } | null;
  /** Why no forecast is drawn, when the baseline is too short or too variable. */
  noForecast: string | null;
  /** The curve, the direction of travel and the SPC reading in one sentence. */
  reading: string;
  /** The labels of the two changes: a pooled figure is compared with overlapping windows, and says how much they share. */
  previousLabel: string;
  lastYearLabel: string;
  /** For pooled figures: why the two changes can rarely be significant (the windows share most of their events). */
  overlapNote: string | null;
  story: string[];
  whatWorks: string[];
  actions: string[];
  hasCommentary: boolean;
  /** What the page says where no story or no action is written (a locality's pack names the locality). */
  noStory: string;
  noActions: string;
  /** One line where neither a story nor an action is written, in place of the two headings. */
  noStoryOrActions: string | null;
  commentaryUpdated: string | null;
  /** "This commentary was written for 2026/27 Q1; the figures are for 2026/27 Q2.", or null. */
  commentaryStale: string | null;
  /** "Indicator owner: …; Data provider: …; Partner: …." (one full stop, whatever the names end with). */
  partnersText: string;
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
    why: `No forecast: the baseline (${plural(fc.baselinePeriods.length, 'figure')}) is too short or too variable. Its 95% prediction interval for the last period, ${f(Math.max(0, last.lower))} to ${f(last.upper)}, is more than twice the range of the figures so far (${f(Math.min(...values))} to ${f(Math.max(...values))}): no figure could fall outside it.`,
  };
}

function partnersSentence(items: string[]): string {
  if (!items.length) return 'none recorded.';
  return `${items.map((x) => x.trim().replace(/[.;\s]+$/, '')).join('; ')}.`;
}

const YEARS_WORD: Record<number, string> = { 2: 'two', 3: 'three', 4: 'four', 5: 'five' };

/**
 * A figure pooled over several years (rare events, as Fingertips pools them): how many base periods each window
 * holds, and how many of them the previous window and last year's window share with the latest. Null otherwise.
 */
export function pooling(ia: Pick<IndicatorAssessment, 'indicator' | 'latest'>): { years: number; base: (id: string) => string; perWindow: number; previousShares: number; lastYearShares: number; unit: string } | null {
  const years = poolYearsOf(ia.indicator.aggregate);
  const p = tryParsePeriodId(ia.latest.period);
  if (!years || !p) return null;
  const perWindow = aggregateConstituents(p, p.aggregate!).length;
  const unit = `${PERIOD_NOUN[p.type]}s`;
  return {
    years,
    perWindow,
    base: (id: string) => { const q = tryParsePeriodId(id); return q ? basePeriod(q).label : id; },
    previousShares: perWindow - 1,
    lastYearShares: perWindow - p.perYear,
    unit,
  };
}

/** One sentence that puts the curve, the latest change and the SPC chart side by side, and says how they fit. */
function reading(ia: IndicatorAssessment, informative: boolean, pooled: ReturnType<typeof pooling>): string {
  const l = ia.latest;
  const labels = comparedLabels(ia);
  const against = pooled ? `the previous rolling figure (sharing ${pooled.previousShares} of its ${pooled.perWindow} ${pooled.unit})` : labels.previous ?? 'the previous period';
  const change = l.direction === 'not_available' ? null : `against ${against} ${directionText(l)}`;
  const spc = ia.spc ? `SPC shows ${VARIATION_WORD[ia.spc.variation] ?? ia.spc.variation}` : null;
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

/**
 * `localityCharts`: draw each indicator by locality here, only where the pack has no Localities section (which
 * charts every indicator) to draw it once.
 */
export function buildTurnTheCurve(ctx: SectionContext, id: string, localityCharts = false): TurnTheCurveSectionView {
  const pages: TurnTheCurveView[] = ctx.included.filter(isPopulation).map((ia) => {
    const def = ia.indicator;
    const note = commentaryOf(ctx, ia);
    const fc = ia.forecast;
    const labelOf = new Map(ia.series.map((s) => [s.period, s.periodLabel]));
    const label = (p: string) => labelOf.get(p) ?? p;
    const informative = forecastInformative(ia);
    const pooled = pooling(ia);
    const fitted = informative.ok ? ', shaded on the chart; the forecast is fitted to these' : '';
    // A pooled figure's own label names a three-year window ("2021/22 Q1 - 2023/24 Q4"): a run of them is named by
    // the periods the windows end with.
    const baselineText = !fc || !fc.baselinePeriods.length ? null : pooled
      ? `Baseline: the ${fc.baselinePeriods.length} rolling ${YEARS_WORD[pooled.years] ?? pooled.years}-year figures ending ${pooled.base(fc.baselinePeriods[0])} to ${pooled.base(fc.baselinePeriods[fc.baselinePeriods.length - 1])}${fitted}.`
      : `Baseline: ${label(fc.baselinePeriods[0])} to ${label(fc.baselinePeriods[fc.baselinePeriods.length - 1])} (${plural(fc.baselinePeriods.length, 'figure')}${fitted}).`;
    const spcView = ia.spc ? xmrChart(ia, `ttc-spc-${def.id}`, CHART_SIZE.ttcSmall) : null;
    const spcFirst = ia.spc?.points[0];
    const spcLast = ia.spc?.points[ia.spc.points.length - 1];
    const f = (n: number) => formatValue(def, n);
    const none = ctx.locality ? `No story or actions have been written for ${ctx.locality.name} this period.` : 'No story or actions have been recorded for this period.';
    const commentary = ctx.commentary[def.id];
    return {
      indicator: ctx.viewOf(ia),
      anchor: anchorOf('ttc', def.id),
      chart: curveChart(ia, `ttc-${def.id}`, CHART_SIZE.ttc),
      spcChart: spcView,
      spc: ia.spc && spcFirst && spcLast
        ? `${plural(ia.spc.points.length, 'point')}, ${spcFirst.periodLabel ?? spcFirst.period} to ${spcLast.periodLabel ?? spcLast.period}: mean ${f(ia.spc.mean)}, process limits ${f(ia.spc.lowerLimit)} to ${f(ia.spc.upperLimit)}. ${spcSignalSummary(ia.spc)}`
        : null,
      localityChart: localityCharts && ia.byArea.length ? localityChart(ia, `ttc-loc-${def.id}`, ctx.areaNames, { width: CHART_SIZE.ttcSmall.width }) : null,
      baseline: baselineText,
      forecast: fc && informative.ok ? {
        status: FORECAST_STATUS_LABEL[fc.status],
        explanation: curveExplanation(ia),
        method: `Forecast method: ${fc.method}.`,
        baselinePeriods: '',
      } : null,
      noForecast: fc ? informative.why : 'No forecast: too few figures to fit a baseline trend (at least 5 are needed).',
      reading: reading(ia, informative.ok, pooled),
      previousLabel: pooled ? 'Previous rolling figure' : 'Previous period',
      lastYearLabel: pooled ? 'A year before' : 'Last year',
      overlapNote: pooled && (ia.latest.direction !== 'not_available' || ia.latest.directionYoY !== 'not_available')
        ? `Each figure pools ${YEARS_WORD[pooled.years] ?? pooled.years} years, so the previous rolling figure shares ${pooled.previousShares} of this one's ${pooled.perWindow} ${pooled.unit} and the figure a year before shares ${pooled.lastYearShares}: the tests above treat them as independent, so a change between them is rarely significant; the trend across the chart says more.`
        : null,
      story: note.story,
      whatWorks: note.whatWorks,
      actions: note.actions,
      hasCommentary: !!(commentary?.story || commentary?.actions || commentary?.whatWorks),
      noStory: ctx.locality ? `No story has been written for ${ctx.locality.name} this period.` : 'No story has been recorded for this period.',
      noActions: ctx.locality ? `No actions have been written for ${ctx.locality.name} this period.` : 'No actions have been recorded for this period.',
      noStoryOrActions: !note.story.length && !note.actions.length && !note.whatWorks.length ? none : null,
      commentaryUpdated: note.updated,
      commentaryStale: note.stale,
      partnersText: partnersSentence([
        ...(def.owner ? [`Indicator owner: ${def.owner}`] : []),
        ...(def.dataProvider ? [`Data provider: ${def.dataProvider}`] : []),
        ...note.partners.map((name) => `Partner: ${name}`),
      ]),
    };
  });
  return {
    id,
    intro: 'Population indicators have a baseline and a forecast (where the line goes if nothing more is done) rather than a target: success is turning the curve away from the forecast.',
    pages,
    none: pages.length ? null : 'There are no population indicators in this version of the pack.',
  };
}
