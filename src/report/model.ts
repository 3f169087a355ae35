/**
 * The report model: everything the pack prints, as preformatted strings and trusted chart SVG, built by one
 * pure function from the config and the assessment. Templates only place these fields; they never compute,
 * format or judge (so a partnership's own templates cannot get a polarity or a suppression wrong).
 *
 * Judgements (RAG, direction, significance, SPC, turning the curve) come from assess; this module only words
 * them and chooses what goes where: exceptions first, then the scorecard, report cards, turn-the-curve pages,
 * localities and the appendix.
 */
import path from 'node:path';
import { formatLocation, type Problem } from '../core/errors.js';
import { samePeriodLastYear, shiftPeriod, tryParsePeriodId } from '../core/periods.js';
import { exceptionReasons as assessExceptionReasons } from '../assess/exceptions.js';
import { exceptionReasonText, intervalText } from './words.js';
import type { AssessedValue, Assessment, IndicatorAssessment, Rag, SuppressionRecord } from '../assess/types.js';
import type { Config, IndicatorDef, ObaQuestion, Priority, ReportSection, ReportSectionId } from '../config/types.js';
import type { TrustedSvg } from './charts.js';
import { historyChart, localityChart, sparklineChart, wholeBesideLocalities, xmrChart, type AreaNames, type ChartView } from './chart-views.js';
import {
  ASSURANCE_LABEL, DECISION_LABEL, FORECAST_STATUS_LABEL, KIND_LABEL, MARKER_TEXT, PERIOD_TYPE_LABEL, POLARITY_LABEL, QUESTION_LABEL,
  RAG_ORDER, SIGNIFICANCE_TEXT, UNIT_LABEL, VARIATION_LABEL, directionView, figureView, formatDate, formatDateTime, formatValue,
  isSpcConcern, plural, ragView, SPC_CONCERN_TEXT, type DirectionView, type FigureView, type RagView,
} from './format.js';
import { GLOSSARY } from './glossary.js';
import { assuranceIcon, variationIcon, type SpcIcon } from './icons.js';

export type { ChartView, DirectionView, FigureView, RagView, SpcIcon, TrustedSvg };

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
  /** Which version of the pack this is, printed under the title: "Board version: exceptions only". */
  variant?: string;
}

export interface ComparatorView { label: string; value: string; significance: string; className: string }

/** One indicator, everything the scorecard, cards and pages print about it. */
export interface IndicatorView {
  id: string;
  /** HTML ids: the indicator's report-card entry and, for population indicators, its turn-the-curve page. */
  anchor: string;
  ttcAnchor: string | null;
  title: string;
  shortTitle: string;
  description: string;
  kind: string;
  question: string | null;
  priorityTitle: string;
  polarity: string;
  unit: string;
  periodLabel: string;
  value: FigureView;
  target: string;
  rag: RagView;
  ragReason: string;
  ragRule: string;
  previous: string;
  sameLastYear: string;
  direction: DirectionView;
  directionYoY: DirectionView;
  comparators: ComparatorView[];
  /** "95% confidence interval 58.1% to 63.4% (Wilson score)", or null. */
  interval: string | null;
  /** "95% CI 58.1% to 63.4%", for the scorecard's status cell, or null. */
  intervalShort: string | null;
  /** "Worse for 3 periods in a row", when the run of deteriorating periods is 2 or more. */
  run: string | null;
  /** SPC variation and assurance in words, with their Making Data Count icons, or null when no SPC chart. */
  spc: { variation: string; assurance: string | null; concern: boolean; variationIcon: SpcIcon; assuranceIcon: SpcIcon | null } | null;
  /** Turning the curve, for population indicators with a forecast. */
  curve: { status: string; explanation: string; method: string } | null;
  sentence: string;
  failed: boolean;
  failure: string | null;
  sparkline: ChartView;
  /** The figures behind the history chart, oldest first (printed as a table under the chart on screen). */
  history: Array<{ period: string; value: string; target: string; rag: string }>;
}

export interface ExceptionView {
  indicator: IndicatorView;
  /** Why it is an exception, most serious first: "Red: …", "Deteriorating: …". */
  reasons: string[];
}

export interface ScorecardGroup {
  /** `population`, `how_much`, `how_well`, `better_off`, or `other`. */
  key: string;
  label: string;
  caption: string;
  rows: IndicatorView[];
}

export interface PriorityView {
  id: string;
  anchor: string;
  title: string;
  description: string | null;
  groups: ScorecardGroup[];
}

export interface ReportCardMeasure {
  indicator: IndicatorView;
  chart: ChartView;
  spcChart: ChartView | null;
  /** The owner's commentary on a performance measure (a population indicator's is on its turn-the-curve page). */
  commentary: MeasureCommentaryView | null;
}

export interface MeasureCommentaryView {
  story: string[];
  whatWorks: string[];
  partners: string[];
  actions: string[];
  updated: string | null;
  stale: string | null;
}

export interface ReportCardView {
  id: string;
  anchor: string;
  title: string;
  description: string | null;
  /** Counts of the priority's ratings: "2 green, 1 red". */
  summary: string;
  measures: ReportCardMeasure[];
  story: string[];
  whatWorks: string[];
  actions: string[];
  commentaryStale: string | null;
  partners: string[];
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

export interface ChangeView { indicator: IndicatorView; text: string; className: string }

/**
 * What changed since the previous pack (issue #8), from the run history the pipeline keeps in the warehouse:
 * newly red / newly green ratings, revised figures with the official `r` marker, indicators added or removed.
 */
export interface SincePreviousView {
  intro: string;
  items: Array<{ title: string; anchor: string | null; text: string; className: string }>;
  revised: Array<{ title: string; anchor: string | null; period: string; area: string; previous: string; current: string }>;
  none: string | null;
}

export interface TurnTheCurveView {
  indicator: IndicatorView;
  anchor: string;
  chart: ChartView;
  spcChart: ChartView | null;
  localityChart: ChartView | null;
  /** "Baseline: 61.5% (2023/24), source …", or null. */
  baseline: string | null;
  forecast: { status: string; explanation: string; method: string; baselinePeriods: string } | null;
  story: string[];
  whatWorks: string[];
  actions: string[];
  hasCommentary: boolean;
  commentaryUpdated: string | null;
  /** "This commentary was written for 2026/27 Q1; the figures are for 2026/27 Q2.", or null. */
  commentaryStale: string | null;
  partners: Array<{ role: string; name: string }>;
}

export interface LocalityCell { area: string; value: FigureView; rag: RagView | null }

export interface LocalityRow {
  indicator: IndicatorView;
  periodLabel: string;
  whole: LocalityCell;
  cells: LocalityCell[];
}

export interface LocalityView {
  areas: Array<{ id: string; name: string }>;
  wholeName: string;
  caption: string;
  rows: LocalityRow[];
  charts: Array<{ title: string; chart: ChartView }>;
  /** Markers used in the table, explained. */
  key: Array<{ marker: string; meaning: string }>;
}

export interface DefinitionView {
  id: string;
  anchor: string;
  title: string;
  fields: Array<{ label: string; value: string }>;
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
  cover: {
    id: string;
    title: string;
    subtitle: string;
    protectiveMarking: string;
    decision: string;
    /** The board-paper form, in order: only fields that have a value. */
    fields: Array<{ label: string; value: string }>;
    purpose: string | null;
    recommendation: string | null;
  };
  summary: {
    id: string;
    headline: string;
    detail: string;
    counts: Array<{ rag: RagView; count: number; label: string }>;
    exceptions: ExceptionView[];
    exceptionsIntro: string;
    noExceptions: string | null;
    /** What changed since the previous period: one line per indicator whose rating or curve changed. */
    changes: { intro: string; items: ChangeView[]; none: string | null };
    /** What changed since the previous pack (run history), or null on a first run. */
    sincePrevious: SincePreviousView | null;
    dataIssues: Array<{ indicator: IndicatorView; text: string }>;
  };
  scorecard: { id: string; intro: string; priorities: PriorityView[] };
  reportCards: { id: string; cards: ReportCardView[] };
  turnTheCurve: { id: string; intro: string; pages: TurnTheCurveView[]; none: string | null };
  locality: LocalityView & { id: string };
  appendix: {
    id: string;
    definitions: DefinitionView[];
    ragKey: RagView[];
    ragRules: Array<{ title: string; anchor: string; target: string; rule: string }>;
    dataQuality: Array<{ severity: string; code: string; message: string; where: string; fix: string | null; className: string }>;
    noDataQuality: string | null;
    suppression: {
      summary: string;
      byReason: Array<{ reason: string; count: number }>;
      byIndicator: Array<{ title: string; count: number; periods: string }>;
    };
    glossary: Array<{ term: string; definition: string }>;
    /** The methods behind every judgement (from assess), in words. */
    methods: Array<{ title: string; text: string }>;
  };
}

const QUESTION_ORDER: ObaQuestion[] = ['better_off', 'how_well', 'how_much'];

const SUPPRESSION_REASON: Record<SuppressionRecord['reason'], string> = {
  primary: 'Primary: a small count',
  secondary: 'Secondary: so that a total cannot reveal a small count',
  derived: 'Derived: a figure calculated from a suppressed count',
  input_marker: 'Suppressed by the data provider',
};

const anchorOf = (prefix: string, id: string) => `${prefix}-${id.replace(/[^A-Za-z0-9_-]/g, '-')}`;

/** Split free text into paragraphs on blank lines; line breaks inside a paragraph become spaces. */
function paragraphs(text: string | undefined): string[] {
  if (!text) return [];
  return text.split(/\r?\n\s*\r?\n/).map((p) => p.replace(/\s*\r?\n\s*/g, ' ').trim()).filter(Boolean);
}

/** Absolute paths of the machine that ran the pack do not belong in a board paper: show them project-relative. */
function relativeTo(root: string, problem: Problem): Problem {
  if (!problem.file || !path.isAbsolute(problem.file)) return problem;
  const rel = path.relative(root, problem.file);
  return { ...problem, file: rel.startsWith('..') ? path.basename(problem.file) : rel };
}

export function buildReportModel(config: Config, assessment: Assessment, meta: ReportMeta): ReportModel {
  const commentary = meta.commentary ?? {};
  const priorities = new Map<string, Priority>(config.framework.priorities.map((p) => [p.id, p]));
  const whole = config.areas.find((a) => a.isWhole);
  const wholeName = whole?.name ?? config.partnership.shortName;
  const localities = config.areas.filter((a) => !a.isWhole);
  const areaName = new Map(config.areas.map((a) => [a.id, a.name]));
  const areaNames: AreaNames = { names: areaName, whole: wholeName };

  const views = new Map<string, IndicatorView>();
  for (const ia of assessment.indicators) views.set(ia.indicator.id, indicatorView(ia, priorities));
  const viewOf = (ia: IndicatorAssessment) => views.get(ia.indicator.id)!;

  // A variant (exceptions only) prints only some indicators after the summary; the summary always sees all.
  const onlySet = meta.only ? new Set(meta.only) : null;
  const included = assessment.indicators.filter((ia) => !onlySet || onlySet.has(ia.indicator.id));
  // Text is written for the figure it comments on: a priority's for the pack's period, an indicator's for its
  // latest period (a term, for a termly indicator), as `commentary export` records it.
  const staleNote = (note: Commentary | undefined, latest: { period: string; periodLabel: string }): string | null => {
    if (!note?.period || note.period === latest.period || !(note.story || note.actions || note.whatWorks)) return null;
    return `This commentary was written for ${periodLabelOf(note.period)}; the figures are for ${latest.periodLabel}. Ask the owner to update it.`;
  };
  // An indicator's commentary as printed: on its report card (a performance measure) or turn-the-curve page.
  const commentaryOf = (ia: IndicatorAssessment): MeasureCommentaryView => {
    const note = commentary[ia.indicator.id];
    return {
      story: paragraphs(note?.story), whatWorks: paragraphs(note?.whatWorks), partners: partnerList(note?.partners), actions: paragraphs(note?.actions),
      updated: note?.updatedAt ? formatDate(note.updatedAt) : null, stale: staleNote(note, ia.latest),
    };
  };
  const measureCommentary = (ia: IndicatorAssessment): MeasureCommentaryView | null => {
    const note = commentary[ia.indicator.id];
    if (isPopulation(ia) || !note || !(note.story || note.whatWorks || note.partners || note.actions)) return null;
    return commentaryOf(ia);
  };

  // Priorities in framework order; indicators whose priority is not in the framework go to a last group.
  const byPriority = new Map<string, IndicatorAssessment[]>();
  for (const p of config.framework.priorities) byPriority.set(p.id, []);
  for (const ia of included) {
    const key = priorities.has(ia.indicator.priority) ? ia.indicator.priority : '__other';
    if (!byPriority.has(key)) byPriority.set(key, []);
    byPriority.get(key)!.push(ia);
  }
  const priorityList = [...byPriority.entries()]
    .filter(([, list]) => list.length > 0)
    .map(([id, list]) => ({ id, priority: priorities.get(id) ?? { id, title: 'Other indicators' }, list }));

  const title = `${config.partnership.name}: ${config.board.name} performance report, ${assessment.period.label}`;
  const sections = {
    cover: 'cover', summary: 'summary', scorecard: 'scorecard', reportCards: 'report-cards',
    turnTheCurve: 'turn-the-curve', locality: 'localities', appendix: 'appendix',
  } as const;

  // Cover: the board-paper form.
  const board = config.board;
  const coverFields: Array<{ label: string; value: string | undefined }> = [
    { label: 'Partnership', value: config.partnership.name },
    { label: 'Board', value: board.name },
    { label: 'Meeting', value: board.meeting },
    { label: 'Date of meeting', value: board.meetingDate ? formatDate(board.meetingDate) : undefined },
    { label: 'Agenda item', value: board.agendaItem },
    { label: 'Report author', value: board.author },
    { label: 'Report for', value: DECISION_LABEL[board.decision] },
    { label: 'Reporting period', value: assessment.period.label },
    { label: 'Data as at', value: formatDate(meta.dataAsAt) },
    { label: 'Protective marking', value: board.protectiveMarking },
  ];

  // Summary and exceptions.
  const c = assessment.counts;
  const exceptions: Array<ExceptionView & { rank: number; order: number }> = [];
  assessment.indicators.forEach((ia, order) => {
    const v = viewOf(ia);
    const reasons = exceptionReasons(ia);
    if (reasons.length) exceptions.push({ indicator: v, reasons: reasons.map((r) => r[1]), rank: Math.min(...reasons.map((r) => r[0])), order });
  });
  exceptions.sort((a, b) => a.rank - b.rank || a.order - b.order);
  const dataIssues = assessment.indicators
    .filter((ia) => viewOf(ia).failed || ia.latest.status === 'awaiting_data')
    .map((ia) => ({
      indicator: viewOf(ia),
      text: viewOf(ia).failed ? `could not be computed: ${ia.failure?.message ?? 'see the data-quality notes'}` : `awaiting data for ${ia.latest.periodLabel}`,
    }));

  // What changed since the previous period: ratings that moved, curves that turned, figures that arrived.
  const RAG_RANK: Record<Rag, number> = { red: 0, amber: 1, green: 2, blue: 3, grey: -1 };
  const changes: ChangeView[] = [];
  let better = 0;
  let worse = 0;
  for (const ia of assessment.indicators) {
    const v = viewOf(ia);
    if (ia.latest.direction === 'improving') better++;
    if (ia.latest.direction === 'deteriorating') worse++;
    const prev = ia.series.length >= 2 ? ia.series[ia.series.length - 2] : undefined;
    if (!prev || v.failed) continue;
    const was = ragView(prev.rag).word;
    const now = v.rag.word;
    if (prev.rag !== ia.latest.rag && prev.rag !== 'grey' && ia.latest.rag !== 'grey') {
      const up = RAG_RANK[ia.latest.rag] > RAG_RANK[prev.rag];
      changes.push({ indicator: v, text: `Rating ${up ? 'improved' : 'worsened'} from ${was} in ${prev.periodLabel} to ${now}`, className: up ? 'change change-better' : 'change change-worse' });
    } else if (prev.rag === 'grey' && ia.latest.rag !== 'grey' && ia.latest.status === 'ok') {
      changes.push({ indicator: v, text: `Rated ${now} this period (not rated in ${prev.periodLabel})`, className: 'change' });
    } else if (prev.status !== 'ok' && ia.latest.status === 'ok' && ia.latest.rag === 'grey') {
      changes.push({ indicator: v, text: `A figure this period (${v.value.text}); none in ${prev.periodLabel}`, className: 'change' });
    }
  }
  // Each indicator is compared with its own previous period (a term, a year); the pack's is named for the quarterly ones.
  const changeIntro = `Each indicator against its own previous period (${shiftPeriod(assessment.period, -1).label} for ${assessment.period.label}): ${plural(better, 'indicator')} with a significant improvement, ${worse} with a significant deterioration.`;

  // Scorecard groups by OBA question.
  const groupsOf = (list: IndicatorAssessment[], priorityTitle: string): ScorecardGroup[] => {
    const groups: ScorecardGroup[] = [];
    const add = (key: string, label: string, rows: IndicatorAssessment[]) => {
      if (rows.length) groups.push({ key, label, caption: `${priorityTitle}: ${label.replace(/\?$/, '')}`, rows: rows.map(viewOf) });
    };
    add('population', 'Population indicators', list.filter(isPopulation));
    const perf = list.filter((ia) => !isPopulation(ia));
    for (const q of ['how_much', 'how_well', 'better_off'] as const) add(q, QUESTION_LABEL[q], perf.filter((ia) => ia.indicator.question === q));
    add('other', 'Other performance measures', perf.filter((ia) => !ia.indicator.question));
    return groups;
  };

  // Report cards: population indicators, then "better off", "how well", "how much": impact first.
  const weight = (def: IndicatorDef) => (def.kind === 'population_indicator' ? 0 : def.question ? 1 + QUESTION_ORDER.indexOf(def.question) : 4);
  const cards: ReportCardView[] = priorityList.map(({ id, priority, list }) => {
    const ordered = [...list].sort((a, b) => weight(a.indicator) - weight(b.indicator));
    const tally = RAG_ORDER.map((r) => [r, list.filter((ia) => ia.latest.rag === r).length] as const).filter(([, n]) => n > 0);
    const partners = [...new Set(list.flatMap((ia) => [ia.indicator.dataProvider, ia.indicator.owner]).filter((x): x is string => !!x))];
    return {
      id,
      anchor: anchorOf('card', id),
      title: priority.title,
      description: priority.description ?? null,
      summary: `${plural(list.length, 'indicator')}: ${tally.map(([r, n]) => `${n} ${ragView(r).word.toLowerCase()}`).join(', ')}`,
      measures: ordered.map((ia) => ({
        indicator: viewOf(ia),
        chart: historyChart(ia, `card-${ia.indicator.id}`, false, { width: 400, height: 180 }),
        spcChart: ia.spc ? xmrChart(ia, `card-spc-${ia.indicator.id}`, { width: 400, height: 180 }) : null,
        commentary: measureCommentary(ia),
      })),
      story: paragraphs(commentary[id]?.story),
      whatWorks: paragraphs(commentary[id]?.whatWorks),
      actions: paragraphs(commentary[id]?.actions),
      commentaryStale: staleNote(commentary[id], { period: assessment.period.id, periodLabel: assessment.period.label }),
      partners: [...partners, ...partnerList(commentary[id]?.partners)],
    };
  });

  // Turn-the-curve pages.
  const pages: TurnTheCurveView[] = included.filter(isPopulation).map((ia) => {
    const def = ia.indicator;
    const note = commentaryOf(ia);
    const baselineLabel = def.baseline ? `Baseline ${formatValue(def, def.baseline.value)}` : null;
    const fc = ia.forecast;
    const labelOf = new Map(ia.series.map((s) => [s.period, s.periodLabel]));
    return {
      indicator: viewOf(ia),
      anchor: anchorOf('ttc', def.id),
      chart: historyChart(ia, `ttc-${def.id}`, true, { width: 520, height: 250 }),
      spcChart: ia.spc ? xmrChart(ia, `ttc-spc-${def.id}`, { width: 440, height: 160 }) : null,
      localityChart: ia.byArea.length ? localityChart(ia, `ttc-loc-${def.id}`, areaNames, { width: 440, height: 150 }) : null,
      baseline: def.baseline && baselineLabel
        ? `${baselineLabel} (${labelOf.get(def.baseline.period) ?? periodLabelOf(def.baseline.period)})${def.baseline.source ? `, source: ${def.baseline.source}` : ''}`
        : null,
      forecast: fc ? {
        status: FORECAST_STATUS_LABEL[fc.status],
        explanation: curveExplanation(ia),
        method: `Forecast method: ${fc.method}.`,
        baselinePeriods: fc.baselinePeriods.length
          ? `Baseline periods: ${labelOf.get(fc.baselinePeriods[0]) ?? fc.baselinePeriods[0]} to ${labelOf.get(fc.baselinePeriods[fc.baselinePeriods.length - 1]) ?? fc.baselinePeriods[fc.baselinePeriods.length - 1]} (${plural(fc.baselinePeriods.length, 'period')}).`
          : 'No baseline periods.',
      } : null,
      story: note.story,
      whatWorks: note.whatWorks,
      actions: note.actions,
      hasCommentary: !!(commentary[def.id]?.story || commentary[def.id]?.actions || commentary[def.id]?.whatWorks),
      commentaryUpdated: note.updated,
      commentaryStale: note.stale,
      partners: [
        ...(def.owner ? [{ role: 'Indicator owner', name: def.owner }] : []),
        ...(def.dataProvider ? [{ role: 'Data provider', name: def.dataProvider }] : []),
        ...note.partners.map((name) => ({ role: 'Partner', name })),
      ],
    };
  });

  // Localities.
  const cellOf = (ia: IndicatorAssessment, v: AssessedValue | undefined, area: string): LocalityCell => ({
    area: areaName.get(area) ?? area,
    value: viewOf(ia).failed ? figureView(ia.indicator, { status: 'failed', value: null, marker: null }) : figureView(ia.indicator, v),
    rag: v && v.rag !== 'grey' ? ragView(v.rag) : null,
  });
  const localityRows: LocalityRow[] = included.map((ia) => {
    const byId = new Map(ia.byArea.map((v) => [v.area, v]));
    const wholeValue = wholeBesideLocalities(ia);
    return {
      indicator: viewOf(ia),
      periodLabel: wholeValue.periodLabel,
      whole: cellOf(ia, wholeValue, 'all'),
      cells: localities.map((l) => cellOf(ia, byId.get(l.id), l.id)),
    };
  });
  const markersUsed = new Set<string>();
  for (const row of localityRows) for (const cell of [row.whole, ...row.cells]) if (!cell.value.isValue) markersUsed.add(cell.value.text);
  const localityCharts = included
    .filter((ia) => ia.byArea.some((v) => v.value !== null))
    .map((ia) => ({ title: ia.indicator.title, chart: localityChart(ia, `loc-${ia.indicator.id}`, areaNames) }));

  // Appendix.
  const definitions: DefinitionView[] = included.map((ia) => {
    const def = ia.indicator;
    const lastWithData = [...ia.series].reverse().find((s) => s.status === 'ok');
    const fields: Array<{ label: string; value: string | undefined }> = [
      { label: 'Definition', value: def.description },
      { label: 'Type', value: def.kind === 'performance_measure' && def.question ? `${KIND_LABEL[def.kind]}: ${QUESTION_LABEL[def.question]}` : KIND_LABEL[def.kind] },
      { label: 'Priority', value: priorities.get(def.priority)?.title ?? def.priority },
      { label: 'Unit', value: UNIT_LABEL[def.unit] },
      { label: 'Polarity', value: POLARITY_LABEL[def.polarity] },
      { label: 'Period', value: `${PERIOD_TYPE_LABEL[def.periodType]} (${def.frequency})` },
      { label: 'Source', value: def.sourceNotes },
      { label: 'Data provider', value: def.dataProvider },
      { label: 'Owner', value: def.owner },
      { label: 'Data as at', value: lastWithData ? `latest figure ${lastWithData.periodLabel}` : 'no figures yet' },
      { label: 'Loaded from', value: loadedFrom(assessment.lineage?.[def.id]?.loads) },
      { label: 'Baseline', value: def.baseline ? `${formatValue(def, def.baseline.value)} (${periodLabelOf(def.baseline.period)})` : undefined },
      { label: 'Comparators', value: def.comparators.length ? def.comparators.map((x) => x.label).join(', ') : undefined },
      { label: 'Small numbers', value: def.disclosure ? `counts under ${config.disclosure.threshold} shown as ${config.disclosure.marker}${def.minDenominator ? `; not rated below a denominator of ${def.minDenominator}` : ''}` : 'not subject to suppression' },
      { label: 'Statistical process control', value: def.spc ? 'XmR chart' : undefined },
      { label: 'Definition version', value: def.definitionVersion },
      { label: 'Indicator id', value: def.id },
    ];
    return { id: def.id, anchor: anchorOf('def', def.id), title: def.title, fields: fields.filter((f): f is { label: string; value: string } => !!f.value) };
  });

  const root = config.root;
  const dataQuality = assessment.dataQuality.map((p0) => {
    const p = relativeTo(root, p0);
    return {
      severity: p.severity === 'error' ? 'Error' : 'Warning',
      code: p.code,
      message: p.message,
      where: formatLocation(p),
      fix: p.fix ?? null,
      className: `dq dq-${p.severity}`,
    };
  });

  const supp = assessment.suppressions;
  const byReason = (Object.keys(SUPPRESSION_REASON) as SuppressionRecord['reason'][])
    .map((r) => ({ reason: SUPPRESSION_REASON[r], count: supp.filter((s) => s.reason === r).length }))
    .filter((r) => r.count > 0);
  const byIndicator = assessment.indicators
    .map((ia) => {
      const recs = supp.filter((s) => s.indicator === ia.indicator.id);
      const labels = new Map(ia.series.map((s) => [s.period, s.periodLabel]));
      const periods = [...new Set(recs.map((r) => r.period))].map((p) => labels.get(p) ?? periodLabelOf(p));
      return { title: ia.indicator.title, count: recs.length, periods: periods.join(', ') };
    })
    .filter((r) => r.count > 0);

  // Sections, in the configured order; each prints on portrait pages unless it asks for landscape.
  const LABELS: Record<ReportSectionId, { id: string; partial: string; label: string; data: unknown }> = {
    cover: { id: sections.cover, partial: 'cover', label: 'Cover sheet', data: null },
    summary: { id: sections.summary, partial: 'summary', label: 'Summary and exceptions', data: null },
    scorecard: { id: sections.scorecard, partial: 'scorecard', label: 'Scorecard', data: null },
    report_cards: { id: sections.reportCards, partial: 'report-card', label: 'Report cards', data: null },
    turn_the_curve: { id: sections.turnTheCurve, partial: 'turn-the-curve', label: 'Turning the curve', data: null },
    localities: { id: sections.locality, partial: 'locality', label: 'Localities', data: null },
    appendix: { id: sections.appendix, partial: 'appendix', label: 'Appendix', data: null },
  };
  const wanted = meta.sections ?? config.report?.sections ?? DEFAULT_SECTIONS;
  const seen = new Set<string>();
  const order = wanted.filter((x) => !seen.has(x.id) && seen.add(x.id));
  const orientationOf = (x: ReportSection) => x.orientation ?? DEFAULT_SECTIONS.find((d) => d.id === x.id)?.orientation ?? 'portrait';

  const model: Omit<ReportModel, 'sections' | 'nav'> = {
    meta: {
      title,
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
    cover: {
      id: sections.cover,
      title: `${config.framework.title}: performance report`,
      subtitle: `${config.board.name}, ${assessment.period.label}`,
      protectiveMarking: config.board.protectiveMarking,
      decision: DECISION_LABEL[board.decision],
      fields: coverFields.filter((f): f is { label: string; value: string } => !!f.value),
      purpose: board.purpose ?? null,
      recommendation: board.recommendation ?? null,
    },
    summary: {
      id: sections.summary,
      headline: `${c.onTarget} of ${plural(c.total, 'indicator')} on or better than target`,
      detail: `${plural(c.rated, 'indicator')} rated against a target; ${c.total - c.rated} not rated (population indicators, no target, no polarity, or no figure).`,
      counts: RAG_ORDER.map((r) => ({ rag: ragView(r), count: c[r], label: `${ragView(r).word}: ${c[r]}` })),
      exceptions: exceptions.map(({ indicator, reasons }) => ({ indicator, reasons })),
      exceptionsIntro: exceptions.length
        ? `${plural(exceptions.length, 'indicator needs', 'indicators need')} the board's attention: red ratings first, then deteriorating figures, figures significantly worse than a comparator, and special causes of concern.`
        : '',
      noExceptions: exceptions.length ? null : 'No indicator is red, deteriorating, significantly worse than a comparator or showing a special cause of concern this period.',
      dataIssues,
      changes: {
        intro: changeIntro,
        items: changes,
        none: changes.length ? null : 'No rating changed since the previous period.',
      },
      sincePrevious: sincePreviousView(assessment, views, areaName),
    },
    scorecard: {
      id: sections.scorecard,
      intro: `Latest figure for each indicator in ${assessment.period.label}, grouped by priority and by the Outcomes-Based Accountability question it answers. Ratings are against the target for the period; the rule for each indicator is in the appendix.`,
      priorities: priorityList.map(({ id, priority, list }) => ({
        id,
        anchor: anchorOf('priority', id),
        title: priority.title,
        description: priority.description ?? null,
        groups: groupsOf(list, priority.title),
      })),
    },
    reportCards: { id: sections.reportCards, cards },
    turnTheCurve: {
      id: sections.turnTheCurve,
      intro: 'Population indicators have a baseline and a forecast (where the line goes if nothing more is done) rather than a target: success is turning the curve away from the forecast.',
      pages,
      none: pages.length ? null : 'There are no population indicators in this framework.',
    },
    locality: {
      id: sections.locality,
      areas: localities.map((l) => ({ id: l.id, name: l.name })),
      wholeName,
      caption: `Latest figure by locality, with ${wholeName} as a whole for comparison`,
      rows: localityRows,
      charts: localityCharts,
      key: [...markersUsed].sort().map((m) => ({ marker: m, meaning: MARKER_TEXT[m] ?? markerMeaning(m) })),
    },
    appendix: {
      id: sections.appendix,
      definitions,
      ragKey: RAG_ORDER.map(ragView),
      ragRules: included.map((ia) => ({
        title: ia.indicator.title,
        anchor: anchorOf('def', ia.indicator.id),
        target: ia.latest.target !== null ? formatValue(ia.indicator, ia.latest.target) : 'none',
        rule: ia.latest.ragRule,
      })),
      dataQuality,
      noDataQuality: dataQuality.length ? null : 'No data-quality problems were found in this run.',
      suppression: {
        summary: supp.length
          ? `${plural(supp.length, 'figure was', 'figures were')} suppressed to protect small numbers (counts under ${config.disclosure.threshold}, shown as "${config.disclosure.marker}"), across ${plural(byIndicator.length, 'indicator')}.`
          : `No figure needed suppression this period (counts under ${config.disclosure.threshold} would be shown as "${config.disclosure.marker}").`,
        byReason,
        byIndicator,
      },
      glossary: GLOSSARY,
      methods: (assessment.methods ?? []).map((m) => ({ title: m.title, text: m.text })),
    },
  };
  const dataOf: Record<ReportSectionId, unknown> = {
    cover: model.cover, summary: model.summary, scorecard: model.scorecard, report_cards: model.reportCards,
    turn_the_curve: model.turnTheCurve, localities: model.locality, appendix: model.appendix,
  };
  const sectionViews: SectionView[] = order.map((x) => ({ ...LABELS[x.id], className: `orient-${orientationOf(x)}`, data: dataOf[x.id] }));
  return { ...model, sections: sectionViews, nav: sectionViews.map((x) => ({ id: x.id, label: x.label })) };
}

/** The partner files behind an indicator's latest figure: "file.csv (sha256 1a2b3c4d5e6f, loaded 25 November 2026)". */
function loadedFrom(loads: Array<{ file: string; sha256: string; loadedAt: string }> | undefined): string | undefined {
  if (!loads?.length) return undefined;
  const seen = new Map<string, string>();
  for (const l of loads) {
    const name = l.file.split(/[\\/]/).pop() ?? l.file;
    const when = /^\d{4}-\d{2}-\d{2}/.test(l.loadedAt ?? '') ? `, loaded ${formatDate(l.loadedAt.slice(0, 10))}` : '';
    seen.set(`${l.file}\u0000${l.sha256}`, `${name} (sha256 ${(l.sha256 ?? '').slice(0, 12)}${when})`);
  }
  return [...seen.values()].join('; ');
}

/** Partners written in commentary: one per line or separated by semicolons. */
function partnerList(text: string | undefined): string[] {
  return (text ?? '').split(/\r?\n|;/).map((x) => x.replace(/^\s*[-*•]\s*/, '').trim()).filter(Boolean);
}

/**
 * The curve judgement in the pack's own number format (assess words it with bare significant figures, which
 * read as "72.95" and "3.359 to 175.3" on a board paper: issue #7).
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
 * Why an indicator is an exception (judged in assess on evidence only), strongest first, with a rank
 * (0 red, 1 special cause of concern, 2 assurance fail, 3 worse than a comparator, 4 significant deterioration);
 * empty when it is not one. The summary and the exceptions-only board version both use this.
 */
export function exceptionReasons(ia: IndicatorAssessment): Array<[number, string]> {
  const RANK = { red: 0, spc_concern: 1, assurance_fail: 2, worse_than_comparator: 3, significant_deterioration: 4 } as const;
  const labels = comparedLabels(ia);
  return (ia.exceptions ?? assessExceptionReasons(ia)).map((r) => [RANK[r.kind], exceptionReasonText(ia.indicator, r, labels)]);
}

/** The periods a direction of travel compares with, by name: "2026/27 Q1", "2025/26 Q2". */
function comparedLabels(ia: IndicatorAssessment): { previous: string | null; sameLastYear: string | null } {
  const p = tryParsePeriodId(ia.latest.period);
  if (!p) return { previous: null, sameLastYear: null };
  return { previous: shiftPeriod(p, -1).label, sameLastYear: samePeriodLastYear(p).label };
}

const isPopulation = (ia: IndicatorAssessment) => ia.indicator.kind === 'population_indicator';

function markerMeaning(text: string): string {
  switch (text) {
    case 'awaiting data': return 'the figure for this period has not arrived yet';
    case 'not computed': return 'the indicator could not be computed; see the data-quality notes';
    case 'no figure': return 'no figure for this period';
    default: return 'not available';
  }
}

/** Label of a period id that is not in a series (e.g. a baseline year): the id itself when it does not parse. */
function periodLabelOf(id: string): string {
  return tryParsePeriodId(id)?.label ?? id;
}

function indicatorView(ia: IndicatorAssessment, priorities: Map<string, Priority>): IndicatorView {
  const def = ia.indicator;
  const l = ia.latest;
  const failed = !!ia.failure || l.status === 'failed';
  const compared = comparedLabels(ia);
  return {
    id: def.id,
    anchor: anchorOf('ind', def.id),
    ttcAnchor: def.kind === 'population_indicator' ? anchorOf('ttc', def.id) : null,
    title: def.title,
    shortTitle: def.shortTitle,
    description: def.description,
    kind: KIND_LABEL[def.kind],
    question: def.question && def.kind === 'performance_measure' ? QUESTION_LABEL[def.question] : null,
    priorityTitle: priorities.get(def.priority)?.title ?? def.priority,
    polarity: POLARITY_LABEL[def.polarity],
    unit: UNIT_LABEL[def.unit],
    periodLabel: l.periodLabel,
    value: failed ? figureView(def, { status: 'failed', value: null, marker: null }) : figureView(def, l),
    target: l.target !== null ? formatValue(def, l.target) : 'none',
    rag: ragView(l.rag),
    ragReason: l.ragReason,
    ragRule: l.ragRule,
    previous: formatValue(def, l.previousValue),
    sameLastYear: formatValue(def, l.sameLastYearValue),
    direction: directionView(l.direction, l.value, l.previousValue, def, compared.previous ?? 'the previous period', l.directionTest),
    directionYoY: directionView(l.directionYoY, l.value, l.sameLastYearValue, def, compared.sameLastYear ?? 'the same period last year', l.directionYoYTest),
    comparators: l.comparators.map((cmp) => ({
      label: cmp.label,
      value: formatValue(def, cmp.value),
      significance: SIGNIFICANCE_TEXT[cmp.significance],
      className: `sig sig-${cmp.significance.replace('_', '-')}`,
    })),
    interval: l.ci ? `${intervalText(def, l.ci, true)} (${l.ci.method})` : null,
    intervalShort: l.ci && l.status === 'ok' ? intervalText(def, l.ci) : null,
    run: l.direction === 'deteriorating' && l.runLength >= 2 ? `worse for ${l.runLength} periods in a row` : null,
    spc: ia.spc ? {
      variation: VARIATION_LABEL[ia.spc.variation] ?? ia.spc.variation,
      assurance: ia.spc.assurance ? ASSURANCE_LABEL[ia.spc.assurance] ?? ia.spc.assurance : null,
      concern: isSpcConcern(ia.spc.variation),
      variationIcon: variationIcon(ia.spc.variation),
      assuranceIcon: ia.spc.assurance ? assuranceIcon(ia.spc.assurance) : null,
    } : null,
    curve: ia.forecast ? { status: FORECAST_STATUS_LABEL[ia.forecast.status], explanation: ia.forecast.explanation, method: ia.forecast.method } : null,
    sentence: l.sentence,
    failed,
    failure: ia.failure?.message ?? null,
    history: ia.series.map((s) => ({
      period: s.periodLabel,
      value: failed ? 'not computed' : figureView(def, s).text,
      target: s.target !== null ? formatValue(def, s.target) : 'none',
      rag: ragView(s.rag).word,
    })),
    sparkline: sparklineChart(ia),
  };
}

/** Issue #8: `assessment.changes` (filled by the pipeline from the run history) as printable lines. */
function sincePreviousView(assessment: Assessment, views: Map<string, IndicatorView>, areaName: Map<string, string>): SincePreviousView | null {
  const ch = assessment.changes;
  if (!ch) return null;
  const defs = new Map(assessment.indicators.map((ia) => [ia.indicator.id, ia.indicator]));
  const link = (id: string) => views.get(id)?.anchor ?? null;
  const items: SincePreviousView['items'] = [
    ...ch.newlyRed.map((c) => ({ title: c.title, anchor: link(c.indicator), text: `newly red in ${c.periodLabel}${c.from ? ` (was ${c.from})` : ''}`, className: 'change change-worse' })),
    ...ch.newlyGreen.map((c) => ({ title: c.title, anchor: link(c.indicator), text: `newly ${c.to} in ${c.periodLabel}${c.from ? ` (was ${c.from})` : ''}`, className: 'change change-better' })),
    ...ch.added.map((c) => ({ title: c.title, anchor: link(c.indicator), text: 'added to the framework since the previous pack', className: 'change' })),
    ...ch.removed.map((c) => ({ title: c.title, anchor: null, text: 'removed from the framework since the previous pack', className: 'change' })),
  ];
  const revised = ch.revised.map((r) => {
    const def = defs.get(r.indicator);
    const f = (x: number) => (def ? formatValue(def, x) : String(x));
    return { title: r.title, anchor: link(r.indicator), period: r.periodLabel, area: areaName.get(r.area) ?? r.area, previous: f(r.previous), current: `${f(r.current)} ${r.marker}` };
  });
  return {
    intro: `Against the previous pack (${ch.since.periodLabel}, run ${ch.since.runId}): ${items.length} change(s) of rating or framework, ${revised.length} revised figure(s). Revised figures carry the official marker r.`,
    items,
    revised,
    none: ch.none ? 'Nothing has changed since the previous pack.' : null,
  };
}
