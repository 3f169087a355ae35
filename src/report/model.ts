/**
 * The report model: everything the pack prints, as preformatted strings and trusted chart SVG, built by pure
 * functions from the config and the assessment. Templates only place these fields; they never compute,
 * format or judge (so a partnership's own templates cannot get a polarity or a suppression wrong).
 *
 * Each section has its own builder and typed view in `sections/<section>.ts`; this module puts them in the
 * configured order. Judgements come from assess and their words from `words.ts`.
 */
import type { Assessment } from '../assess/types.js';
import type { Config, ReportSection, ReportSectionId } from '../config/types.js';
import type { TrustedSvg } from './charts.js';
import type { ChartView } from './chart-views.js';
import { formatDate, formatDateTime, type DirectionView, type FigureView, type RagView } from './format.js';
import type { SpcIcon } from './icons.js';
import { buildContext } from './sections/context.js';
import { buildCover, type CoverView } from './sections/cover.js';
import { buildSummary, type SummaryView } from './sections/summary.js';
import { buildScorecard, type ScorecardView } from './sections/scorecard.js';
import { buildReportCards, type ReportCardsView } from './sections/report-cards.js';
import { buildTurnTheCurve, type TurnTheCurveSectionView } from './sections/turn-the-curve.js';
import { buildLocalities, type LocalityView } from './sections/localities.js';
import { buildAppendix, type AppendixView } from './sections/appendix.js';

export type { ChartView, DirectionView, FigureView, RagView, SpcIcon, TrustedSvg };
export type { ComparatorView, IndicatorView } from './sections/indicator.js';
export type { ChangeView, ExceptionView, KeyMessageView, SincePreviousView, SummaryView } from './sections/summary.js';
export type { ScorecardPriority, ScorecardView } from './sections/scorecard.js';
export type { MeasureCommentaryView, ReportCardMeasure, ReportCardView, ReportCardsView } from './sections/report-cards.js';
export type { TurnTheCurveView, TurnTheCurveSectionView } from './sections/turn-the-curve.js';
export type { LocalityCell, LocalityRow, LocalityView } from './sections/localities.js';
export type { AppendixView, DefinitionView } from './sections/appendix.js';
export type { CoverView } from './sections/cover.js';
export { exceptionReasons } from './sections/summary.js';

/** What an indicator's owner wrote for the pack (read from the commentary workbook or YAML by `report/commentary.ts`). */
export interface Commentary {
  story?: string;
  whatWorks?: string;
  /** Partners with a role, one per line or separated by `;`. */
  partners?: string;
  actions?: string;
  /** ISO date the text was last changed. */
  updatedAt?: string;
  /** Period id the text was written for; when it is not the indicator's latest period the pack says so. */
  period?: string;
}

/** The default sections, in order; `report.sections` in the config (or `meta.sections`) chooses and orders them. */
export const DEFAULT_SECTIONS: ReportSection[] = [
  { id: 'cover' }, { id: 'summary' }, { id: 'scorecard' }, { id: 'report_cards' }, { id: 'turn_the_curve' }, { id: 'localities', orientation: 'landscape' }, { id: 'appendix' },
];

export interface ReportMeta {
  /** ISO timestamp of the run. */
  generatedAt: string;
  /** ISO date the data is as at (usually the report period's end). */
  dataAsAt: string;
  toolVersion: string;
  /** Keyed by indicator id (turn-the-curve and report-card text) or priority id (report-card story). */
  commentary?: Record<string, Commentary>;
  /** Sections in order; default `config.report.sections`, else `DEFAULT_SECTIONS`. */
  sections?: ReportSection[];
  /** Only these indicators in the scorecard, report cards, turn-the-curve pages and localities (the summary keeps all). */
  only?: string[];
  /**
   * The board version: the scorecard shows every indicator, and the report cards one compact card per indicator
   * in `only` (population indicators too, with their curve: their turn-the-curve pages are in the appendix file),
   * under each priority's title and story.
   */
  board?: boolean;
  /** Which version of the pack this is, printed under the title: "Board version: exceptions only". */
  variant?: string;
  /** The locality whose pack this is (its id); the commentary is then that locality's own. */
  area?: string;
}

export interface SectionView {
  /** HTML id of the section (also the navigation target). */
  id: string;
  /** The partial that prints it: `cover`, `summary`, `scorecard`, `report-card`, `turn-the-curve`, `locality`, `appendix`. */
  partial: string;
  label: string;
  /** `orient-portrait` or `orient-landscape`: the page the section prints on. */
  className: string;
  data: unknown;
}

export interface ReportModel {
  meta: {
    /** Document title: "Partnership: Board performance report, 2024/25 Q4". */
    title: string;
    partnership: string;
    shortName: string;
    board: string;
    framework: string;
    periodId: string;
    periodLabel: string;
    generatedAt: string;
    generatedAtIso: string;
    dataAsAt: string;
    toolVersion: string;
    protectiveMarking: string;
    /** "Board version: exceptions only", or null for the full pack. */
    variant: string | null;
    lang: 'en-GB';
  };
  /** The sections to print, in order (layout.hbs loops over these). */
  sections: SectionView[];
  nav: Array<{ id: string; label: string }>;
  cover: CoverView;
  summary: SummaryView;
  scorecard: ScorecardView;
  reportCards: ReportCardsView;
  turnTheCurve: TurnTheCurveSectionView;
  locality: LocalityView;
  appendix: AppendixView;
}

const SECTION_IDS = {
  cover: 'cover', summary: 'summary', scorecard: 'scorecard', reportCards: 'report-cards',
  turnTheCurve: 'turn-the-curve', locality: 'localities', appendix: 'appendix',
} as const;

/** Each section's partial and its label in the navigation and the PDF's bookmarks (the label is its heading). */
const LABELS: Record<ReportSectionId, { id: string; partial: string; label: string }> = {
  cover: { id: SECTION_IDS.cover, partial: 'cover', label: 'Cover sheet' },
  summary: { id: SECTION_IDS.summary, partial: 'summary', label: 'Key messages' },
  scorecard: { id: SECTION_IDS.scorecard, partial: 'scorecard', label: 'Scorecard' },
  report_cards: { id: SECTION_IDS.reportCards, partial: 'report-card', label: 'Report cards' },
  turn_the_curve: { id: SECTION_IDS.turnTheCurve, partial: 'turn-the-curve', label: 'Turning the curve' },
  localities: { id: SECTION_IDS.locality, partial: 'locality', label: 'Localities' },
  appendix: { id: SECTION_IDS.appendix, partial: 'appendix', label: 'Appendix' },
};

export function buildReportModel(config: Config, assessment: Assessment, meta: ReportMeta): ReportModel {
  const ctx = buildContext(config, assessment, meta);
  const wanted = meta.sections ?? config.report?.sections ?? DEFAULT_SECTIONS;
  const summary = buildSummary(ctx, SECTION_IDS.summary);
  const model: Omit<ReportModel, 'sections' | 'nav'> = {
    meta: {
      title: `${config.partnership.name}: ${config.board.name} performance report, ${assessment.period.label}`,
      partnership: config.partnership.name,
      shortName: config.partnership.shortName,
      board: config.board.name,
      framework: config.framework.title,
      periodId: assessment.period.id,
      periodLabel: assessment.period.label,
      generatedAt: formatDateTime(meta.generatedAt),
      generatedAtIso: meta.generatedAt,
      dataAsAt: formatDate(meta.dataAsAt),
      toolVersion: meta.toolVersion,
      protectiveMarking: config.board.protectiveMarking,
      variant: meta.variant ?? null,
      lang: 'en-GB',
    },
    cover: buildCover(ctx, SECTION_IDS.cover, summary.asked),
    summary,
    scorecard: buildScorecard(ctx, SECTION_IDS.scorecard),
    reportCards: buildReportCards(ctx, SECTION_IDS.reportCards),
    turnTheCurve: buildTurnTheCurve(ctx, SECTION_IDS.turnTheCurve, !wanted.some((x) => x.id === 'localities')),
    locality: buildLocalities(ctx, SECTION_IDS.locality),
    appendix: buildAppendix(ctx, SECTION_IDS.appendix),
  };
  // Sections, in the configured order; each prints on portrait pages unless it asks for landscape.
  const seen = new Set<string>();
  const order = wanted.filter((x) => !seen.has(x.id) && seen.add(x.id));
  const orientationOf = (x: ReportSection) => x.orientation ?? DEFAULT_SECTIONS.find((d) => d.id === x.id)?.orientation ?? 'portrait';
  const dataOf: Record<ReportSectionId, unknown> = {
    cover: model.cover, summary: model.summary, scorecard: model.scorecard, report_cards: model.reportCards,
    turn_the_curve: model.turnTheCurve, localities: model.locality, appendix: model.appendix,
  };
  const sections: SectionView[] = order.map((x) => ({ ...LABELS[x.id], className: `orient-${orientationOf(x)}`, data: dataOf[x.id] }));
  return { ...model, sections, nav: sections.map((x) => ({ id: x.id, label: x.label })) };
}
