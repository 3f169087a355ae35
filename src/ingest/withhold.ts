/**
 * Personal identifiers never leave the warehouse. A problem about an identifier column already shows
 * `WITHHELD` instead of the value (stage.ts); this catches the rest: a value matching an identifier column's
 * `pattern:` in any other column (a row with its columns swapped, an identifier typed into a date), in a
 * header, a message or a suggested fix. The row number stays, which is enough to find the cell.
 */
import type { Problem } from '../core/errors.js';
import type { SourceDef } from '../config/types.js';

export const WITHHELD = '[identifier withheld]';

/** One expression finding, inside any text, a value that matches any identifier pattern of these sources. */
export function identifierMatcher(sources: SourceDef[]): RegExp | undefined {
  const bodies = sources.flatMap((s) => s.columns.filter((c) => c.identifier && c.pattern).map((c) => c.pattern!.replace(/^\^/, '').replace(/\$$/, '')));
  if (!bodies.length) return undefined;
  // Anchors become word-ish edges so "BF0000AAAA" is found inside `add "BF0000AAAA" to aliases`.
  return new RegExp(`(?<![A-Za-z0-9])(?:${bodies.map((b) => `(?:${b})`).join('|')})(?![A-Za-z0-9])`, 'g');
}

export function withholdText(text: string, matcher: RegExp | undefined): string {
  return matcher ? text.replace(matcher, WITHHELD) : text;
}

/** The problems with every identifier-like value replaced by WITHHELD (new objects; the input is not changed). */
export function withholdIdentifiers(problems: Problem[], matcher: RegExp | undefined): Problem[] {
  if (!matcher) return problems;
  return problems.map((p) => {
    const q: Problem = { ...p, message: withholdText(p.message, matcher) };
    if (typeof p.value === 'string') q.value = withholdText(p.value, matcher);
    else if (p.value !== undefined && p.value !== null && typeof p.value === 'object') q.value = JSON.parse(withholdText(JSON.stringify(p.value), matcher));
    if (p.fix) q.fix = withholdText(p.fix, matcher);
    if (p.expected) q.expected = withholdText(p.expected, matcher);
    if (p.column) q.column = withholdText(p.column, matcher);
    if (p.sheet) q.sheet = withholdText(p.sheet, matcher);
    return q;
  });
}
