/**
 * The summary a board reads first: key messages (what is going well, what is not, what has changed, what the
 * board is asked to do), each naming its indicators and the evidence; headline counts over rated indicators;
 * the exceptions with their reasons, strongest first; what changed since the previous pack.
 */
import { shiftPeriod } from '../../core/periods.js';
import type { Assessment, IndicatorAssessment, Rag } from '../../assess/types.js';
import { EXCEPTION_RANK, exceptionReasons } from '../exception-reasons.js';
import { RAG_ORDER, formatValue, plural, ragView, type RagView } from '../format.js';
import { CURVE_WORD, EXCEPTION_KIND_WORD, SIGNIFICANCE_WORD, VARIATION_WORD, directionText } from '../words.js';
import { comparedLabels, isPopulation, paragraphs, type SectionContext } from './context.js';
import type { IndicatorView } from './indicator.js';

export { exceptionReasons };

export interface ExceptionView {
  indicator: IndicatorView;
  /** Why it is an exception, strongest first: "Red: …", "Special cause of concern …", "Significant deterioration …". */
  reasons: string[];
  /** Who owns the indicator, and whether its owner recorded an action for this period. */
  owner: string | null;
  actionRecorded: boolean;
}

export interface ChangeView { indicator: IndicatorView; text: string; className: string }

/**
 * What changed since the previous pack, from the run history the pipeline keeps in the warehouse:
 * newly red / newly green ratings, revised figures with the official `r` marker, indicators added or removed.
 */
export interface SincePreviousView {
  intro: string;
  items: Array<{ title: string; anchor: string | null; text: string; className: string }>;
  revised: Array<{ title: string; anchor: string | null; period: string; area: string; previous: string; current: string }>;
  none: string | null;
}

/** One key message: a heading and its points, each naming an indicator (linked) and the evidence. */
export interface KeyMessageView {
  id: string;
  heading: string;
  className: string;
  intro: string | null;
  items: Array<{ title: string | null; anchor: string | null; text: string }>;
  /** A line printed before the items (the ask's count of exceptions with no action recorded). */
  itemsIntro?: string | null;
  none: string | null;
  /** The exceptions table follows this message (what the board is asked to do: its evidence). */
  exceptionsTable?: boolean;
}

export interface SummaryView {
  id: string;
  headline: string;
  detail: string;
  counts: Array<{ rag: RagView; count: number; label: string }>;
  keyMessages: KeyMessageView[];
  /** What the board is asked to do, as a sentence (also the cover's recommendation when none is configured). */
  asked: string;
  /** Every exception, strongest first. */
  exceptions: ExceptionView[];
  /** The strongest exceptions, the rows of the key messages' table (at most MAX_EXCEPTION_ROWS). */
  exceptionRows: ExceptionView[];
  /** How many more exceptions there are than the table shows, and where they are; null when it shows them all. */
  exceptionsMore: string | null;
  /** What changed since the previous period: one line per indicator whose rating changed. */
  changes: { intro: string; items: ChangeView[]; none: string | null };
  sincePrevious: SincePreviousView | null;
  /** A locality's pack: whose commentary it prints, or that none was written for the locality. */
  commentaryNote: string | null;
  dataIssues: Array<{ indicator: IndicatorView; text: string }>;
  /** The indicators with no figure beyond the few listed, counted and named briefly; null when all are listed. */
  dataIssuesMore: string | null;
}

/** Why an indicator is not rated, in the words of the headline's breakdown. */
function notRatedWhy(ia: IndicatorAssessment): string {
  const l = ia.latest;
  if (ia.failure || l.status === 'failed') return 'not computed';
  if (l.status === 'awaiting_data') return 'awaiting data';
  if (l.status === 'suppressed' || l.status === 'marked') return 'suppressed or not available';
  if (l.tooFewToRate) return 'too few to rate';
  if (isPopulation(ia)) return 'population indicators';
  if (ia.indicator.polarity === 'none') return 'no polarity';
  return 'without a target';
}

/** The evidence that an indicator is going well, strongest first; empty when there is none. */
function goingWell(ia: IndicatorAssessment): string[] {
  const l = ia.latest;
  const def = ia.indicator;
  const out: string[] = [];
  if (l.status !== 'ok') return out;
  if (l.rag === 'blue' || l.rag === 'green') out.push(`${ragView(l.rag).word} (${l.ragReason})`);
  if (ia.spc?.variation.startsWith('improvement')) out.push(VARIATION_WORD[ia.spc.variation]);
  if (ia.spc?.assurance === 'pass') out.push('the target will consistently be met (SPC assurance)');
  if (ia.forecast && (ia.forecast.status === 'turned' || ia.forecast.status === 'turning')) out.push(CURVE_WORD[ia.forecast.status]);
  const labels = comparedLabels(ia);
  if (l.direction === 'improving' && l.directionTest && l.directionTest !== 'no_change_band') out.push(`${directionText(l)} against ${labels.previous ?? 'the previous period'} (${formatValue(def, l.previousValue)})`);
  else if (l.directionYoY === 'improving' && l.directionYoYTest && l.directionYoYTest !== 'no_change_band') out.push(`${directionText(l, true)} against ${labels.sameLastYear ?? 'the same period last year'} (${formatValue(def, l.sameLastYearValue)})`);
  for (const c of l.comparators) if (c.significance === 'better') out.push(`${SIGNIFICANCE_WORD.better} than ${c.label} (${formatValue(def, c.value)})`);
  return out;
}

/** Strength of the best news, for ordering: blue, then green, then SPC improvement, the curve, and the rest. */
function wellRank(ia: IndicatorAssessment): number {
  const l = ia.latest;
  return l.rag === 'blue' ? 0 : l.rag === 'green' ? 1 : ia.spc?.variation.startsWith('improvement') ? 2 : ia.forecast?.status === 'turned' ? 3 : 4;
}

const MAX_POINTS = 6;
/**
 * The key messages are at most two pages at any framework size: the table shows the strongest exceptions and
 * says how many more there are (each is in the scorecard and has its card); lists name a few and count the rest.
 */
export const MAX_EXCEPTION_ROWS = 5;
const MAX_NAMES = 3;
const MAX_OWNERS = 5;
/** Going well: the best news first, at most two pieces of evidence each (the card has the rest). */
const MAX_WELL = 5;
const MAX_CHANGES = 5;
const MAX_DATA_ISSUES = 4;
const MAX_EVIDENCE = 2;

/** "A, B, C, D and 3 more": the first few names and a count of the rest. */
function someNames(names: string[], max = MAX_NAMES): string {
  if (names.length <= max) return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : names.join('');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

export function buildSummary(ctx: SectionContext, id: string): SummaryView {
  const { assessment, commentary } = ctx;
  const all = assessment.indicators;
  const c = assessment.counts;
  const v = ctx.viewOf;

  // Headline counts over rated indicators, and why the others are not rated.
  const why = new Map<string, number>();
  for (const ia of all) if (ia.latest.rag === 'grey') why.set(notRatedWhy(ia), (why.get(notRatedWhy(ia)) ?? 0) + 1);
  const notRated = c.total - c.rated;
  const whyText = [...why.entries()].sort((a, b) => b[1] - a[1]).map(([w, n]) => `${n} ${n === 1 ? w.replace(/^population indicators$/, 'population indicator') : w}`).join(', ');
  const headline = c.rated
    ? `${c.onTarget} of ${plural(c.rated, 'rated indicator')} on or better than target`
    : 'No indicator could be rated against a target this period';
  const detail = `${plural(c.total, 'indicator')} in the framework; ${notRated} not rated${notRated ? `: ${whyText}` : ''}.`;

  // Exceptions, strongest first.
  const exceptions: Array<ExceptionView & { rank: number; order: number; short: string }> = [];
  all.forEach((ia, order) => {
    const reasons = exceptionReasons(ia);
    if (!reasons.length) return;
    const note = commentary[ia.indicator.id];
    exceptions.push({
      indicator: v(ia), reasons: reasons.map((r) => r[1]), rank: Math.min(...reasons.map((r) => r[0])), order, short: ia.indicator.shortTitle || ia.indicator.title,
      owner: ia.indicator.owner ?? null, actionRecorded: paragraphs(note?.actions).length > 0,
    });
  });
  exceptions.sort((a, b) => a.rank - b.rank || a.order - b.order);
  const exceptionIds = new Set(exceptions.map((e) => e.indicator.id));

  // Going well: indicators with good news and no exception, best news first.
  const well = all
    .map((ia, order) => ({ ia, order, evidence: goingWell(ia) }))
    .filter((x) => x.evidence.length && !exceptionIds.has(x.ia.indicator.id))
    .sort((a, b) => wellRank(a.ia) - wellRank(b.ia) || a.order - b.order);

  // What changed against the previous period: ratings that moved, significant changes, figures that arrived.
  const RAG_RANK: Record<Rag, number> = { red: 0, amber: 1, green: 2, blue: 3, grey: -1 };
  const changes: ChangeView[] = [];
  const better: IndicatorAssessment[] = [];
  const worse: IndicatorAssessment[] = [];
  // Where no significance test applies (averages, days, figures without counts), the no-change band judged it.
  const betterBand: IndicatorAssessment[] = [];
  const worseBand: IndicatorAssessment[] = [];
  for (const ia of all) {
    const view = v(ia);
    const tested = ia.latest.directionTest !== undefined && ia.latest.directionTest !== 'no_change_band';
    if (ia.latest.direction === 'improving') (tested ? better : betterBand).push(ia);
    if (ia.latest.direction === 'deteriorating') (tested ? worse : worseBand).push(ia);
    const prev = ia.series.length >= 2 ? ia.series[ia.series.length - 2] : undefined;
    if (!prev || view.failed) continue;
    const was = ragView(prev.rag).word;
    const now = view.rag.word;
    if (prev.rag !== ia.latest.rag && prev.rag !== 'grey' && ia.latest.rag !== 'grey') {
      const up = RAG_RANK[ia.latest.rag] > RAG_RANK[prev.rag];
      changes.push({ indicator: view, text: `rating ${up ? 'improved' : 'worsened'} from ${was} in ${prev.periodLabel} to ${now}`, className: up ? 'change change-better' : 'change change-worse' });
    } else if (prev.rag === 'grey' && ia.latest.rag !== 'grey' && ia.latest.status === 'ok') {
      changes.push({ indicator: view, text: `rated ${now} this period (not rated in ${prev.periodLabel})`, className: 'change' });
    }
  }
  const prevLabel = shiftPeriod(assessment.period, -1).label;
  const names = (list: IndicatorAssessment[]) => someNames(list.map((ia) => ia.indicator.shortTitle || ia.indicator.title));
  const changeIntro = `Each indicator against its own previous period (${prevLabel} for the quarterly ones): ${plural(better.length, 'significant improvement')}${better.length ? ` (${names(better)})` : ''}, ${plural(worse.length, 'significant deterioration')}${worse.length ? ` (${names(worse)})` : ''}${betterBand.length + worseBand.length ? `; where no significance test applies, ${betterBand.length} improved and ${worseBand.length} deteriorated beyond the no-change band${worseBand.length ? ` (worse: ${names(worseBand)})` : ''}` : ''}; no other change is significant.`;

  // What the board is asked to do, by the paper's decision type.
  const noAction = exceptions.filter((e) => !e.actionRecorded);
  const withAction = exceptions.length - noAction.length;
  const decision = ctx.config.board.decision;
  const exceptionsPhrase = exceptions.length ? `the ${plural(exceptions.length, 'exception')}` : 'that there are no exceptions';
  const asked = decision === 'decision'
    ? `The board is asked to decide on the actions proposed for ${exceptionsPhrase}${withAction ? ` (${withAction} with an action recorded)` : ''}${noAction.length ? `, and to ask the owners of the ${plural(noAction.length, 'exception')} with no action recorded for one by the next meeting` : ''}.`
    : decision === 'information'
      ? `The board is asked to note the report: ${c.onTarget} of ${plural(c.rated, 'rated indicator')} on or better than target and ${plural(exceptions.length, 'exception')}.`
      : `The board is asked to take assurance from the ${plural(c.onTarget, 'indicator')} on or better than target, to note ${exceptionsPhrase}${withAction ? ` and the actions recorded for ${withAction}` : ''}${noAction.length ? `, and to seek assurance from the owners of the ${plural(noAction.length, 'exception')} with no action recorded` : ''}.`;

  const link = (ia: IndicatorAssessment): { title: string | null; anchor: string | null } => ({ title: ia.indicator.title, anchor: v(ia).anchor });
  const wellItems: KeyMessageView['items'] = well.slice(0, MAX_WELL).map((x) => ({ ...link(x.ia), text: x.evidence.slice(0, MAX_EVIDENCE).join('; ') }));
  if (well.length > MAX_WELL) wellItems.push({ title: null, anchor: null, text: `and ${plural(well.length - MAX_WELL, 'more indicator')} with good news (see the scorecard)` });
  const changedItems: KeyMessageView['items'] = changes.slice(0, MAX_CHANGES).map((ch) => ({ title: ch.indicator.title, anchor: ch.indicator.anchor, text: ch.text }));
  if (changes.length > MAX_CHANGES) changedItems.push({ title: null, anchor: null, text: `and ${plural(changes.length - MAX_CHANGES, 'more rating change')} (${someNames(changes.slice(MAX_CHANGES).map((ch) => ch.indicator.shortTitle || ch.indicator.title))}): see the scorecard` });
  // The owners to ask for an action, each with the exceptions that have none (named, a few at most).
  const byOwner = new Map<string, string[]>();
  for (const e of noAction) byOwner.set(e.owner ?? 'No owner named', [...(byOwner.get(e.owner ?? 'No owner named') ?? []), e.short]);
  const owners = [...byOwner.entries()].sort((a, b) => b[1].length - a[1].length);
  const askedItems: KeyMessageView['items'] = owners.slice(0, MAX_OWNERS).map(([owner, list]) => ({ title: null, anchor: null, text: `${owner}: ${someNames(list)}` }));
  if (owners.length > MAX_OWNERS) askedItems.push({ title: null, anchor: null, text: `and ${plural(owners.length - MAX_OWNERS, 'more owner')} (${plural(owners.slice(MAX_OWNERS).reduce((n, o) => n + o[1].length, 0), 'exception')}); each exception's card names its owner` });
  const askedItemsIntro = noAction.length ? `${plural(noAction.length, 'exception has', 'exceptions have')} no action recorded${owners.length > 1 ? ', by owner' : ''}:` : null;

  // What is not going well: the exceptions grouped by their strongest reason, a few named in each group.
  const kinds = Object.keys(EXCEPTION_RANK) as Array<keyof typeof EXCEPTION_RANK>;
  const notWellItems: KeyMessageView['items'] = kinds.flatMap((kind) => {
    const list = exceptions.filter((e) => e.rank === EXCEPTION_RANK[kind]);
    return list.length ? [{ title: null, anchor: null, text: `${EXCEPTION_KIND_WORD[kind]} (${list.length}): ${someNames(list.map((e) => e.short))}` }] : [];
  });
  const rows = exceptions.slice(0, MAX_EXCEPTION_ROWS);
  const rest = exceptions.slice(MAX_EXCEPTION_ROWS);
  const exceptionsMore = rest.length
    ? `${plural(rest.length, 'more exception')} (${someNames(rest.map((e) => e.short))}): each is in the scorecard, and has ${ctx.meta.board ? 'a card in the report cards' : 'its report card or turn-the-curve page'}.`
    : null;

  const keyMessages: KeyMessageView[] = [
    { id: `${id}-well`, heading: 'What is going well', className: 'key key-well', intro: null, items: wellItems, none: wellItems.length ? null : 'No indicator is on or better than target, improving significantly or turning the curve this period.' },
    {
      id: `${id}-not-well`, heading: 'What is not going well', className: 'key key-not-well',
      intro: exceptions.length ? `${plural(exceptions.length, 'indicator is an exception', 'indicators are exceptions')}, each counted once under its strongest reason:` : null,
      items: notWellItems, none: exceptions.length ? null : 'No indicator is red, shows a special cause of concern, fails assurance, is significantly worse than a comparator or has deteriorated significantly this period.',
    },
    // The ask comes before the exceptions table, so that the first two pages say what the board must decide; the
    // table (the strongest exceptions, with whether an action is recorded) is its evidence.
    { id: `${id}-asked`, heading: 'What the board is asked to do', className: 'key key-asked', intro: asked, itemsIntro: askedItemsIntro, items: askedItems, none: null, exceptionsTable: exceptions.length > 0 },
    { id: `${id}-changed`, heading: 'What has changed', className: 'key key-changed', intro: changeIntro, items: changedItems, none: changedItems.length ? null : 'No rating changed since the previous period.' },
  ];

  const dataIssues = all
    .filter((ia) => v(ia).failed || ia.latest.status === 'awaiting_data')
    .map((ia) => ({ indicator: v(ia), text: v(ia).failed ? `could not be computed: ${ia.failure?.message ?? 'see the data-quality notes'}` : `awaiting data for ${ia.latest.periodLabel}` }));

  return {
    id,
    headline,
    detail,
    counts: RAG_ORDER.map((r) => ({ rag: ragView(r), count: c[r], label: `${ragView(r).word}: ${c[r]}` })),
    keyMessages,
    asked,
    exceptions: exceptions.map(({ rank: _rank, order: _order, short: _short, ...e }) => e),
    exceptionRows: rows.map(({ rank: _rank, order: _order, short: _short, ...e }) => e),
    exceptionsMore,
    changes: { intro: changeIntro, items: changes, none: changes.length ? null : 'No rating changed since the previous period.' },
    sincePrevious: sincePreviousView(assessment, ctx),
    commentaryNote: ctx.localityCommentary,
    dataIssues: dataIssues.slice(0, MAX_DATA_ISSUES),
    dataIssuesMore: dataIssues.length > MAX_DATA_ISSUES ? `and ${plural(dataIssues.length - MAX_DATA_ISSUES, 'more indicator')} with no figure this period (${someNames(dataIssues.slice(MAX_DATA_ISSUES).map((d) => d.indicator.shortTitle || d.indicator.title))}): see the scorecard and the data-quality notes` : null,
  };
}

/** `assessment.changes` (filled by the pipeline from the run history) as printable lines. */
function sincePreviousView(assessment: Assessment, ctx: SectionContext): SincePreviousView | null {
  const ch = assessment.changes;
  if (!ch) return null;
  const defs = new Map(assessment.indicators.map((ia) => [ia.indicator.id, ia.indicator]));
  const link = (id: string) => ctx.views.get(id)?.anchor ?? null;
  const items: SincePreviousView['items'] = [
    ...ch.newlyRed.map((c) => ({ title: c.title, anchor: link(c.indicator), text: `newly red in ${c.periodLabel}${c.from ? ` (was ${c.from})` : ''}`, className: 'change change-worse' })),
    ...ch.newlyGreen.map((c) => ({ title: c.title, anchor: link(c.indicator), text: `newly ${c.to} in ${c.periodLabel}${c.from ? ` (was ${c.from})` : ''}`, className: 'change change-better' })),
    ...ch.added.map((c) => ({ title: c.title, anchor: link(c.indicator), text: 'added to the framework since the previous pack', className: 'change' })),
    ...ch.removed.map((c) => ({ title: c.title, anchor: null, text: 'removed from the framework since the previous pack', className: 'change' })),
  ];
  const revised = ch.revised.map((r) => {
    const def = defs.get(r.indicator);
    const f = (x: number) => (def ? formatValue(def, x) : String(x));
    return { title: r.title, anchor: link(r.indicator), period: r.periodLabel, area: ctx.areaName.get(r.area) ?? r.area, previous: f(r.previous), current: `${f(r.current)} ${r.marker}` };
  });
  return {
    intro: `Against the previous pack (${ch.since.periodLabel}, run ${ch.since.runId}): ${items.length} change(s) of rating or framework, ${revised.length} revised figure(s). Revised figures carry the official marker r.`,
    items,
    revised,
    none: ch.none ? 'Nothing has changed since the previous pack.' : null,
  };
}
