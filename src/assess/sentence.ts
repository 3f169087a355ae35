/**
 * The plain-English status of one figure, built only from judgements already made. It is printed beside
 * the figure and doubles as the text alternative of its charts, so it must stand on its own, e.g.
 * "Red: 14.0% below target 75.0% (tolerance 5%). Worse than the same quarter last year. Significantly worse
 * than England (70.0%); 8th of 11 among statistical neighbours." (#6)
 */
import { formatValue } from '../core/format.js';
import { tryParsePeriodId } from '../core/periods.js';
import type { IndicatorDef } from '../config/types.js';
import type { AssessedValue, ComparatorResult, Direction } from './types.js';

const RAG_WORD = { red: 'Red', amber: 'Amber', green: 'Green', blue: 'Blue', grey: 'Not rated' } as const;
const NOUN = { fy_quarter: 'quarter', month: 'month', term: 'term', fy: 'year', academic_year: 'year', calendar_year: 'year' } as const;

function travel(d: Direction, against: string): string | null {
  switch (d) {
    case 'improving': return `Better than ${against}`;
    case 'deteriorating': return `Worse than ${against}`;
    case 'no_change': return `Similar to ${against}`;
    default: return null;
  }
}

const SIGNIFICANCE_WORD = {
  similar: 'Similar to', better: 'Significantly better than', worse: 'Significantly worse than',
  higher: 'Significantly higher than', lower: 'Significantly lower than',
} as const;

function comparatorPhrase(def: IndicatorDef, c: ComparatorResult): string | null {
  return c.significance === 'not_compared' ? null : `${SIGNIFICANCE_WORD[c.significance]} ${c.label} (${formatValue(def, c.value)})`;
}

/** Ranks after the comparisons, one per peer group (the plain and weighted neighbour averages share one). */
function rankPhrases(a: AssessedValue): string[] {
  const seen = new Map<string, string>();
  for (const c of a.comparators) if (c.rank && !seen.has(c.rank.group)) seen.set(c.rank.group, `${c.rank.text} among ${c.rank.group}`);
  return [...seen.values()];
}

export function statusSentence(def: IndicatorDef, a: AssessedValue): string {
  const parts: string[] = [];
  if (a.status === 'awaiting_data') return `${def.title}, ${a.periodLabel}: awaiting data.`;
  if (a.status === 'failed') return `${def.title}, ${a.periodLabel}: could not be computed; see the data-quality appendix.`;
  if (a.status === 'suppressed') return `${def.title}, ${a.periodLabel}: suppressed to protect confidentiality (small numbers).`;
  if (a.status === 'marked') return `${def.title}, ${a.periodLabel}: not available (${a.marker}).`;
  parts.push(`${def.title}, ${a.periodLabel}: ${formatValue(def, a.value)}.`);
  parts.push(`${RAG_WORD[a.rag]}: ${a.ragReason}.`);
  if (a.tooFewToRate) return parts.join(' ');
  const noun = NOUN[tryParsePeriodId(a.period)?.type ?? 'fy_quarter'];
  // Without a better direction the words say which way the figure moved, not whether that is good.
  const move = (d: Direction, earlier: number | null, against: string) =>
    d === 'no_judgement' && earlier !== null && a.value !== null ? `${a.value > earlier ? 'Higher' : 'Lower'} than ${against}` : travel(d, against);
  const prev = move(a.direction, a.previousValue, `the previous ${noun}`);
  const ly = noun === 'year' ? null : move(a.directionYoY, a.sameLastYearValue, `the same ${noun} last year`);
  if (prev) parts.push(`${prev}${a.runLength > 1 && a.direction !== 'no_change' ? ` (${a.runLength} ${noun}s in a row)` : ''}.`);
  if (ly) parts.push(`${ly}.`);
  const phrases = [...a.comparators.map((c) => comparatorPhrase(def, c)).filter((p): p is string => p !== null), ...rankPhrases(a)];
  if (phrases.length) parts.push(`${phrases.map((p, i) => (i ? p[0].toLowerCase() + p.slice(1) : p)).join('; ')}.`);
  return parts.join(' ');
}
