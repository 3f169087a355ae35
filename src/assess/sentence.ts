/**
 * The plain-English status of one figure, built only from judgements already made. It is printed beside
 * the figure and doubles as the text alternative of its charts, so it must stand on its own, e.g.
 * "Red: 14.0% below target 75.0% (tolerance 5%). Worse than the same quarter last year. Significantly worse
 * than England (70.0%); 8th of 11 among statistical neighbours."
 */
import { formatValue } from '../core/format.js';
import { PERIOD_NOUN, tryParsePeriodId } from '../core/periods.js';
import type { IndicatorDef } from '../config/types.js';
import type { AssessedValue, ChangeTest, ComparatorResult, Direction } from './types.js';
import { RAG_WORD, SIGNIFICANCE_WORD, directionWord } from '../report/words.js';

/** "Against the previous quarter (60.1%): no significant change", in the one vocabulary of words.ts. */
function travel(d: Direction, test: ChangeTest | undefined, value: number | null, earlier: number | null, against: string, fmt: (n: number | null) => string): string | null {
  if (d === 'not_available' || earlier === null) return null;
  const moved = value !== null ? Math.sign(value - earlier) : 0;
  return `Against ${against} (${fmt(earlier)}): ${directionWord(d, test, moved)}`;
}

function comparatorPhrase(def: IndicatorDef, c: ComparatorResult): string | null {
  if (c.significance === 'not_compared') return null;
  const word = SIGNIFICANCE_WORD[c.significance];
  return `${word[0].toUpperCase()}${word.slice(1)} ${c.significance === 'similar' ? 'to' : 'than'} ${c.label} (${formatValue(def, c.value)})`;
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
  if (a.status === 'partial') return `${def.title}, ${a.periodLabel}: ${formatValue(def, a.value)} so far, a partial figure (${a.partial?.missingLabels.join(', ') ?? 'some periods'} not yet held); not rated.`;
  parts.push(`${def.title}, ${a.periodLabel}: ${formatValue(def, a.value)}.`);
  parts.push(`${RAG_WORD[a.rag]}: ${a.ragReason}.`);
  if (a.tooFewToRate) return parts.join(' ');
  const noun = PERIOD_NOUN[tryParsePeriodId(a.period)?.type ?? 'fy_quarter'];
  const fmt = (n: number | null) => formatValue(def, n);
  const prev = travel(a.direction, a.directionTest, a.value, a.previousValue, `the previous ${noun}`, fmt);
  const ly = noun === 'year' ? null : travel(a.directionYoY, a.directionYoYTest, a.value, a.sameLastYearValue, `the same ${noun} last year`, fmt);
  if (prev) parts.push(`${prev}${a.runLength > 1 && (a.direction === 'improving' || a.direction === 'deteriorating') ? ` (${a.runLength} ${noun}s in a row)` : ''}.`);
  if (ly) parts.push(`${ly}.`);
  const phrases = [...a.comparators.map((c) => comparatorPhrase(def, c)).filter((p): p is string => p !== null), ...rankPhrases(a)];
  if (phrases.length) parts.push(`${phrases.map((p, i) => (i ? p[0].toLowerCase() + p.slice(1) : p)).join('; ')}.`);
  return parts.join(' ');
}
