/**
 * Text the pack prints for judgements and figures: RAG words and shapes, direction arrows and words, figure
 * text by status (`c` for suppressed, "awaiting data"), dates, and the labels of config enums.
 * Number formatting by unit lives in `core/format.ts` (shared with the status sentences of assess); this file
 * builds on it so a value reads the same in a sentence, a table cell and a chart label.
 */
import { formatBare, formatNumber, formatValue } from '../core/format.js';
import type { AssessedValue, Direction, FigureStatus, ForecastSummary, Rag, Significance } from '../assess/types.js';
import type { BoardInfo, IndicatorDef, ObaKind, ObaQuestion, Polarity, Unit } from '../config/types.js';
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
  red: { word: 'Red', glyph: '■', shape: 'square', meaning: 'worse than target and outside the amber tolerance' },
  amber: { word: 'Amber', glyph: '▲', shape: 'triangle', meaning: 'worse than target but within the amber tolerance' },
  green: { word: 'Green', glyph: '●', shape: 'circle', meaning: 'on or better than target' },
  blue: { word: 'Blue', glyph: '★', shape: 'star', meaning: 'better than target by more than the stated margin' },
  grey: { word: 'Not rated', glyph: '○', shape: 'ring', meaning: 'no target, no polarity, too few to rate, or no figure' },
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
): DirectionView {
  const moved = value !== null && earlier !== null ? Math.sign(value - earlier) : 0;
  const arrow = direction === 'not_available' ? '–' : direction === 'no_change' || moved === 0 ? '→' : moved > 0 ? '↑' : '↓';
  let word: string;
  switch (direction) {
    case 'improving': word = 'improving'; break;
    case 'deteriorating': word = 'deteriorating'; break;
    case 'no_change': word = 'no change'; break;
    case 'no_judgement': word = moved > 0 ? 'higher' : moved < 0 ? 'lower' : 'no change'; break;
    default: word = 'not available';
  }
  const then = earlier !== null ? ` (${formatValue(def, earlier)})` : '';
  let description: string;
  if (direction === 'not_available') description = `not available: no comparable figure for ${against}`;
  else if (direction === 'no_change' || moved === 0) description = `no change from ${against}${then}`;
  else if (direction === 'no_judgement') description = `${word} than ${against}${then}; no better or worse judgement (no polarity)`;
  else description = `${word}: ${moved > 0 ? 'up' : 'down'} from ${against}${then}`;
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

export function figureView(def: Pick<IndicatorDef, 'unit' | 'decimals'>, v: Pick<AssessedValue, 'status' | 'value' | 'marker'> | undefined): FigureView {
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
    case 'failed':
      return { text: 'not computed', status, isValue: false, note: 'the indicator could not be computed; see the data-quality notes', className };
    default:
      return { text: 'awaiting data', status, isValue: false, note: 'the figure for this period has not arrived yet', className };
  }
}

export const SIGNIFICANCE_TEXT: Record<Significance, string> = {
  better: 'significantly better',
  similar: 'similar',
  worse: 'significantly worse',
  higher: 'significantly higher',
  lower: 'significantly lower',
  not_compared: 'not compared',
};

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

/** NHS "Making Data Count" variation icons, in words. */
export const VARIATION_LABEL: Record<string, string> = {
  common_cause: 'Common cause variation: no significant change',
  improvement_high: 'Special cause variation: improving (higher)',
  improvement_low: 'Special cause variation: improving (lower)',
  concern_high: 'Special cause variation: of concern (higher)',
  concern_low: 'Special cause variation: of concern (lower)',
  neutral_high: 'Special cause variation: higher (no better direction)',
  neutral_low: 'Special cause variation: lower (no better direction)',
};

export const ASSURANCE_LABEL: Record<string, string> = {
  pass: 'Assurance: the target will consistently be met',
  fail: 'Assurance: the target will consistently be missed without change',
  hit_or_miss: 'Assurance: the target will be met or missed at random (within the limits)',
};

export const FORECAST_STATUS_LABEL: Record<ForecastSummary['status'], string> = {
  turned: 'Curve turned',
  turning: 'Curve turning',
  not_turning: 'Not turning the curve',
  no_judgement: 'No judgement yet',
};

export const DECISION_LABEL: Record<BoardInfo['decision'], string> = {
  assurance: 'For assurance',
  decision: 'For decision',
  information: 'For information',
};

/** What a special cause of concern means, for the exception list. */
export const SPC_CONCERN_TEXT: Record<string, string> = {
  concern_high: 'figures unusually high for this process',
  concern_low: 'figures unusually low for this process',
};

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
