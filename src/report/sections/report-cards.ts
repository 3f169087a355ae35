/**
 * Report cards, one per priority: its story and actions, then its performance measures (better off, how well,
 * how much: impact first), each with its history and SPC chart. Population indicators are named with their
 * latest figure and a link: their chart and story are on their turn-the-curve page, not printed twice.
 */
import type { IndicatorAssessment } from '../../assess/types.js';
import type { IndicatorDef, ObaQuestion } from '../../config/types.js';
import { CHART_SIZE, historyChart, xmrChart, type ChartView } from '../chart-views.js';
import { RAG_ORDER, formatDate, plural, ragView } from '../format.js';
import { anchorOf, isPopulation, paragraphs, partnerList, staleNote, type SectionContext } from './context.js';
import type { IndicatorView } from './indicator.js';
import { curveChart, forecastInformative } from './turn-the-curve.js';

export interface MeasureCommentaryView {
  story: string[];
  whatWorks: string[];
  partners: string[];
  actions: string[];
  updated: string | null;
  stale: string | null;
}

export interface ReportCardMeasure {
  indicator: IndicatorView;
  /** The history line, or null where the SPC chart is shown instead. */
  chart: ChartView | null;
  spcChart: ChartView | null;
  /** The owner's commentary on a performance measure (a population indicator's is on its turn-the-curve page). */
  commentary: MeasureCommentaryView | null;
  /** The curve judgement, only where a forecast is drawn to judge it by (as on the turn-the-curve page), or null. */
  curve: string | null;
}

export interface ReportCardView {
  id: string;
  anchor: string;
  title: string;
  description: string | null;
  /** Counts of the priority's ratings: "2 green, 1 red". */
  summary: string;
  /** The priority's population indicators, one line each, linked to their turn-the-curve pages. */
  population: IndicatorView[];
  measures: ReportCardMeasure[];
  story: string[];
  whatWorks: string[];
  actions: string[];
  commentaryStale: string | null;
  partners: string[];
}

export interface ReportCardsView {
  id: string;
  /** What the section holds, in the board version (where it is only the exceptions), or null. */
  intro: string | null;
  cards: ReportCardView[];
  none: string | null;
}

const QUESTION_ORDER: ObaQuestion[] = ['better_off', 'how_well', 'how_much'];
const weight = (def: IndicatorDef) => (def.kind === 'population_indicator' ? 0 : def.question ? 1 + QUESTION_ORDER.indexOf(def.question) : 4);

/** An indicator's commentary as printed on its report card or turn-the-curve page. */
export function commentaryOf(ctx: SectionContext, ia: IndicatorAssessment): MeasureCommentaryView {
  const note = ctx.commentary[ia.indicator.id];
  return {
    story: paragraphs(note?.story), whatWorks: paragraphs(note?.whatWorks), partners: partnerList(note?.partners), actions: paragraphs(note?.actions),
    updated: note?.updatedAt ? formatDate(note.updatedAt) : null, stale: staleNote(note, ia.latest),
  };
}

export function buildReportCards(ctx: SectionContext, id: string): ReportCardsView {
  const { commentary, assessment } = ctx;
  // The board version has no turn-the-curve pages: a population indicator is a card of its own there, with its
  // commentary and its curve.
  const board = !!ctx.meta.board;
  const measureCommentary = (ia: IndicatorAssessment): MeasureCommentaryView | null => {
    const note = commentary[ia.indicator.id];
    if ((isPopulation(ia) && !board) || !note || !(note.story || note.whatWorks || note.partners || note.actions)) return null;
    return commentaryOf(ctx, ia);
  };
  const cards: ReportCardView[] = ctx.priorityList.map(({ id: pid, priority, list }) => {
    const ordered = [...list].sort((a, b) => weight(a.indicator) - weight(b.indicator));
    const tally = RAG_ORDER.map((r) => [r, list.filter((ia) => ia.latest.rag === r).length] as const).filter(([, n]) => n > 0);
    const partners = [...new Set(list.flatMap((ia) => [ia.indicator.dataProvider, ia.indicator.owner]).filter((x): x is string => !!x))];
    return {
      id: pid,
      anchor: anchorOf('card', pid),
      title: priority.title,
      description: board ? null : priority.description ?? null,
      summary: `${plural(list.length, board ? 'exception' : 'indicator')}: ${tally.map(([r, n]) => `${n} ${ragView(r).word.toLowerCase()}`).join(', ')}`,
      population: board ? [] : ordered.filter(isPopulation).map(ctx.viewOf),
      measures: ordered.filter((ia) => board || !isPopulation(ia)).map((ia) => {
        // One chart per measure: the SPC chart carries the target, so it replaces the history line; a population
        // indicator's is its history with the baseline and forecast, the curve it is judged by.
        const withCurve = isPopulation(ia) && !!ia.forecast;
        const spc = !!ia.spc && !withCurve;
        return {
          indicator: ctx.viewOf(ia),
          chart: spc ? null : withCurve ? curveChart(ia, `card-${ia.indicator.id}`, CHART_SIZE.card) : historyChart(ia, `card-${ia.indicator.id}`, false, CHART_SIZE.card),
          spcChart: spc ? xmrChart(ia, `card-spc-${ia.indicator.id}`, CHART_SIZE.card) : null,
          commentary: measureCommentary(ia),
          curve: ia.forecast && forecastInformative(ia).ok ? ctx.viewOf(ia).curve?.status ?? null : null,
        };
      }),
      story: paragraphs(commentary[pid]?.story),
      whatWorks: paragraphs(commentary[pid]?.whatWorks),
      actions: paragraphs(commentary[pid]?.actions),
      commentaryStale: staleNote(commentary[pid], { period: assessment.period.id, periodLabel: assessment.period.label }),
      partners: board ? [] : [...partners, ...partnerList(commentary[pid]?.partners)],
    };
  });
  return {
    id,
    intro: board ? 'One card for each exception, by priority. The other indicators\' cards, the turn-the-curve pages, the localities, the definitions and every SPC signal are in the appendix file.' : null,
    cards,
    none: cards.length ? null : 'No indicator is in this version of the pack.',
  };
}
