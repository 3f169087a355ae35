/**
 * Text the pack prints for judgements and figures: RAG words and shapes, direction arrows and words, figure
 * text by status (`c` for suppressed, "awaiting data"), dates, and the labels of config enums.
 * Number formatting by unit lives in `core/format.ts` (shared with the status sentences of assess); this file
 * builds on it so a value reads the same in a sentence, a table cell and a chart label.
 */
import { formatBare, formatNumber, formatValue } from '../core/format.js';
import type { AssessedValue, ChangeTest, Direction, FigureStatus, ForecastSummary, Rag } from '../assess/types.js';
import { CHANGE_TEST_TEXT, CURVE_WORD, RAG_MEANING, RAG_WORD, directionWord } from './words.js';
import type { IndicatorDef, ObaKind, ObaQuestion, Polarity, Unit } from '../config/types.js';
import type { PeriodType } from '../core/periods.js';

export { formatBare, formatNumber, formatValue };

/** A RAG judgement as the pack shows it: never colour alone, always word + shape + colour. */
export interface RagView {
  rag: Rag;
  /** `Red`, `Amber`, `Green`, `Blue`, `Not rated`. */
  word: string;
  /** A text glyph of the shape, for plain-text outputs (XLSX, alt text); HTML draws the shape with CSS. */
  glyph: string;
  /** CSS shape name: `square`, `triangle`, `circle`, `star`, `ring`. */
  shape: string;
  /** `rag rag-red` etc. */
  className: string;
  /** What the rating means, for keys and the glossary. */
  meaning: string;
}

/*
 * Shapes differ in outline, not only in colour, so the ratings survive greyscale printing and colour-blindness:
 * red a square, amber a triangle (warning), green a circle, blue a star (exceeded), grey a hollow ring.
 */
const RAG_VIEWS: Record<Rag, Omit<RagView, 'rag' | 'className'>> = {
  red: { word: RAG_WORD.red, glyph: '■', shape: 'square', meaning: RAG_MEANING.red },
  amber: { word: RAG_WORD.amber, glyph: '▲', shape: 'triangle', meaning: RAG_MEANING.amber },
  green: { word: RAG_WORD.green, glyph: '●', shape: 'circle', meaning: RAG_MEANING.green },
  blue: { word: RAG_WORD.blue, glyph: '★', shape: 'star', meaning: RAG_MEANING.blue },
  grey: { word: RAG_WORD.grey, glyph: '○', shape: 'ring', meaning: RAG_MEANING.grey },
};

/** Order in which ratings are listed: worst first, as boards read exceptions first. */
export const RAG_ORDER: readonly Rag[] = ['red', 'amber', 'green', 'blue', 'grey'];

export function ragView(rag: Rag): RagView {
  return { rag, className: `rag rag-${rag}`, ...RAG_VIEWS[rag] };
}

/** Direction of travel: an arrow for which way the value moved, a word for whether that is better or worse. */
export interface DirectionView {
  direction: Direction;
  /** `↑`, `↓`, `→`, or `–` when there is nothing to compare. */
  arrow: string;
  /** `improving`, `deteriorating`, `no change`, `higher`/`lower` (no polarity), `not available`. */
  word: string;
  /** `↑ improving`. */
  text: string;
  /** Full sentence for screen readers and tooltips: "improving: up from 60.4% in the previous period". */
  description: string;
  className: string;
}

/**
 * The arrow follows the value (↓ for a falling rate even when falling is good) and the word carries the
 * judgement, as in DfE's LAIT: an arrow that meant "better" would read backwards for lower-is-better measures.
 */
export function directionView(
  direction: Direction,
  value: number | null,
  earlier: number | null,
  def: Pick<IndicatorDef, 'unit' | 'decimals'>,
  against: string,
  test?: ChangeTest,
): DirectionView {
  const moved = value !== null && earlier !== null ? Math.sign(value - earlier) : 0;
  const arrow = direction === 'not_available' ? '–' : direction === 'no_change' || moved === 0 ? '→' : moved > 0 ? '↑' : '↓';
  const word = directionWord(direction, test, moved);
  const then = earlier !== null ? ` (${formatValue(def, earlier)})` : '';
  const how = test ? `; ${CHANGE_TEST_TEXT[test]}` : '';
  let description: string;
  if (direction === 'not_available') description = `not available: no comparable figure for ${against}`;
  else if (direction === 'no_change' || moved === 0) description = `${word} from ${against}${then}${how}`;
  else if (direction === 'no_judgement') description = `${word} than ${against}${then}; no better or worse judgement (no polarity)${how}`;
  else description = `${word}: ${moved > 0 ? 'up' : 'down'} from ${against}${then}${how}`;
  return { direction, arrow, word, text: `${arrow} ${word}`, description, className: `dot dot-${direction.replace('_', '-')}` };
}

/** A figure as printed in a cell: the value by unit, or why there is none. */
export interface FigureView {
  /** `62.3%`, `98.1 per 10,000`, `1,234`, `c`, `awaiting data`, `not computed`. */
  text: string;
  status: FigureStatus;
  /** True when `text` is a number (cells right-align it). */
  isValue: boolean;
  /** Long form of a marker for screen readers and the key, e.g. "suppressed to protect small numbers". */
  note: string | null;
  className: string;
}

export const MARKER_TEXT: Record<string, string> = {
  c: 'suppressed to protect small numbers',
  x: 'not available',
  z: 'not applicable',
  u: 'low reliability',
  low: 'rounds to zero but is not zero',
};

export function markerNote(marker: string | null): string {
  if (!marker) return 'not available';
  return MARKER_TEXT[marker] ?? `not available (marker ${marker})`;
}

export function figureView(def: Pick<IndicatorDef, 'unit' | 'decimals'>, v: Pick<AssessedValue, 'status' | 'value' | 'marker' | 'partial'> | undefined): FigureView {
  const status: FigureStatus = v?.status ?? 'awaiting_data';
  const className = `fig fig-${status.replace('_', '-')}`;
  switch (status) {
    case 'ok':
      return v!.value === null
        ? { text: 'no figure', status, isValue: false, note: 'no figure for this period', className }
        : { text: formatValue(def, v!.value), status, isValue: true, note: null, className };
    case 'suppressed':
      return { text: v!.marker ?? 'c', status, isValue: false, note: MARKER_TEXT.c, className };
    case 'marked':
      return { text: v!.marker ?? 'x', status, isValue: false, note: markerNote(v!.marker), className };
    case 'partial':
      return { text: `${formatValue(def, v!.value)} (partial)`, status, isValue: false, note: `partial: ${v!.partial?.missingLabels.join(', ') ?? 'some periods'} not yet held`, className };
    case 'failed':
      return { text: 'not computed', status, isValue: false, note: 'the indicator could not be computed; see the data-quality notes', className };
    default:
      return { text: 'awaiting data', status, isValue: false, note: 'the figure for this period has not arrived yet', className };
  }
}

export const KIND_LABEL: Record<ObaKind, string> = {
  population_indicator: 'Population indicator',
  performance_measure: 'Performance measure',
};

export const QUESTION_LABEL: Record<ObaQuestion, string> = {
  how_much: 'How much did we do?',
  how_well: 'How well did we do it?',
  better_off: 'Is anyone better off?',
};

export const POLARITY_LABEL: Record<Polarity, string> = {
  higher_is_better: 'Higher is better',
  lower_is_better: 'Lower is better',
  none: 'No polarity (context only)',
};

export const UNIT_LABEL: Record<Unit, string> = {
  count: 'Number',
  percent: 'Percentage',
  rate_per_1000: 'Rate per 1,000',
  rate_per_10000: 'Rate per 10,000',
  rate_per_100000: 'Rate per 100,000',
  mean: 'Average',
  days: 'Days',
  ratio: 'Ratio',
};

export const PERIOD_TYPE_LABEL: Record<PeriodType, string> = {
  fy_quarter: 'Financial-year quarter',
  fy: 'Financial year',
  academic_year: 'Academic year',
  term: 'School term',
  month: 'Month',
  calendar_year: 'Calendar year',
};

export const FORECAST_STATUS_LABEL: Record<ForecastSummary['status'], string> = Object.fromEntries(
  Object.entries(CURVE_WORD).map(([k, v]) => [k, v[0].toUpperCase() + v.slice(1)]),
) as Record<ForecastSummary['status'], string>;

export function isSpcConcern(variation: string | undefined): boolean {
  return variation !== undefined && variation.startsWith('concern');
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** `2025-03-12` → `12 March 2025`; anything else is returned as written (board secretaries write dates freely). */
export function formatDate(text: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) return text;
  return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]} ${m[1]}`;
}

/**
 * An ISO timestamp as `12 March 2025, 14:05` in UK time (Europe/London, named explicitly so the machine's TZ
 * cannot change a golden output). Non-timestamps are returned as written.
 */
export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(iso) || Number.isNaN(d.getTime())) return formatDate(iso);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.day} ${parts.month} ${parts.year}, ${parts.hour}:${parts.minute}`;
}

/** `1 indicator`, `3 indicators`. */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${n.toLocaleString('en-GB')} ${n === 1 ? singular : pluralForm}`;
}
