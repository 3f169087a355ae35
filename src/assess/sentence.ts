/**
 * The plain-English status of one figure, built only from judgements already made. It is printed beside
 * the figure and doubles as the text alternative of its charts, so it must stand on its own.
 */
import { formatValue } from '../core/format.js';
import type { IndicatorDef } from '../config/types.js';
import type { AssessedValue, Direction } from './types.js';

const RAG_WORD = { red: 'Red', amber: 'Amber', green: 'Green', blue: 'Blue', grey: 'Not rated' } as const;

function travel(d: Direction, against: string): string | null {
  switch (d) {
    case 'improving': return `Better than ${against}`;
    case 'deteriorating': return `Worse than ${against}`;
    case 'no_change': return `Similar to ${against}`;
    default: return null;
  }
}

export function statusSentence(def: IndicatorDef, a: AssessedValue): string {
  const parts: string[] = [];
  if (a.status === 'awaiting_data') return `${def.title}, ${a.periodLabel}: awaiting data.`;
  if (a.status === 'failed') return `${def.title}, ${a.periodLabel}: could not be computed; see the data-quality appendix.`;
  if (a.status === 'suppressed') return `${def.title}, ${a.periodLabel}: suppressed to protect confidentiality (small numbers).`;
  if (a.status === 'marked') return `${def.title}, ${a.periodLabel}: not available (${a.marker}).`;
  parts.push(`${def.title}, ${a.periodLabel}: ${formatValue(def, a.value)}.`);
  parts.push(`${RAG_WORD[a.rag]}: ${a.ragReason}.`);
  const prev = travel(a.direction, 'the previous period');
  const ly = travel(a.directionYoY, 'the same period last year');
  if (prev) parts.push(`${prev}${a.runLength > 1 && a.direction !== 'no_change' ? ` (${a.runLength} periods in a row)` : ''}.`);
  if (ly) parts.push(`${ly}.`);
  for (const c of a.comparators) {
    if (c.significance === 'not_compared') continue;
    const word = c.significance === 'similar' ? 'Similar to' : c.significance === 'better' ? 'Significantly better than' : c.significance === 'worse' ? 'Significantly worse than' : c.significance === 'higher' ? 'Significantly higher than' : 'Significantly lower than';
    parts.push(`${word} ${c.label} (${formatValue(def, c.value)}).`);
  }
  return parts.join(' ');
}
