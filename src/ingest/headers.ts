/** Matches an extract's header row to its contract: exact names, then aliases, case/space/punctuation-insensitive. */
import { didYouMean, problem, type Problem } from '../core/errors.js';
import type { SourceDef } from '../config/types.js';

export const canonical = (s: string) => s.replace(/^\uFEFF/, '').trim().toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');

export interface HeaderMatch {
  /** contract column name → index in the header row */
  index: Map<string, number>;
  problems: Problem[];
}

/** The columns a source needs beyond its contract's own: its period and area columns. */
export function contractColumnNames(source: SourceDef): string[] {
  const names = source.columns.map((c) => c.name);
  // The period and area columns, and those the row filters read (`where:`, `area_codes:`), are read too.
  const extras = [source.period?.column, source.areaColumn, ...Object.keys(source.where ?? {}), ...(source.areaCodes ?? [])];
  for (const extra of extras) if (extra && !names.includes(extra)) names.push(extra);
  return names;
}

/** The columns found by header: a wide layout's `names_to` / `values_to` columns are made by unpivoting instead. */
export function headerColumnNames(source: SourceDef): string[] {
  const made = source.wide ? [source.wide.namesTo, source.wide.valuesTo] : [];
  return contractColumnNames(source).filter((n) => !made.includes(n));
}

/** Indices of the headers a wide layout unpivots (a list of header names, or a regular expression). */
export function wideColumnIndices(headers: string[], source: SourceDef, used: Set<number>): number[] {
  if (!source.wide) return [];
  const spec = source.wide.columns;
  const re = typeof spec === 'string' ? new RegExp(spec, 'i') : undefined;
  const names = Array.isArray(spec) ? spec.map(canonical) : [];
  return headers.map((h, i) => [String(h ?? '').trim(), i] as const)
    .filter(([h, i]) => h !== '' && !used.has(i) && (re ? re.test(h) : names.includes(canonical(h))))
    .map(([, i]) => i);
}

/**
 * Each contract column's position in the header row, and the header's problems: a repeated header first (see
 * `duplicateHeaderProblems`; `written` is the header as written when `headers` are names a reader has already
 * made unique, as DuckDB does), then missing or renamed columns.
 */
export function matchHeaders(headers: string[], source: SourceDef, where: { file: string; sheet?: string; row?: number }, written: string[] = headers): HeaderMatch & { wide: number[] } {
  const problems: Problem[] = duplicateHeaderProblems(written, source, where);
  const index = new Map<string, number>();
  const canon = headers.map((h) => canonical(String(h ?? '')));
  const used = new Set<number>();
  for (const name of headerColumnNames(source)) {
    const col = source.columns.find((c) => c.name === name);
    const candidates = [name, ...(col?.aliases ?? [])].map(canonical);
    const i = canon.findIndex((h, j) => !used.has(j) && candidates.includes(h));
    if (i >= 0) {
      index.set(name, i);
      used.add(i);
      continue;
    }
    if (col && !col.required) continue;
    const unmatched = headers.filter((_, j) => !used.has(j) && canon[j] !== '');
    const suggestion = didYouMean(canonical(name), unmatched.map(canonical)) ?? sharedPrefix(canonical(name), unmatched.map(canonical));
    const original = suggestion ? unmatched[unmatched.map(canonical).indexOf(suggestion)] : undefined;
    problems.push(problem(original ? 'BP_INGEST_RENAMED_COLUMN' : 'BP_INGEST_MISSING_COLUMN', original
      ? `column "${name}" is missing; the extract has "${original}", which looks like a renamed header`
      : `column "${name}" is missing`, {
      ...where,
      column: name,
      expected: `a header named ${name}${col?.aliases.length ? ` (or ${col.aliases.join(', ')})` : ''}`,
      value: headers.filter((h) => String(h ?? '').trim() !== '').join(', '),
      fix: original
        ? `add \`aliases: ["${original}"]\` to column ${name} in the source contract, or rename the header`
        : `the extract's headers are listed above; ask the partner for the column, or mark it \`required: false\``,
    }));
  }
  const wide = wideColumnIndices(headers, source, used);
  if (source.wide && !wide.length) {
    problems.push(problem('BP_INGEST_WIDE_NO_COLUMNS', 'no header matches the wide layout\'s columns', {
      ...where, column: source.wide.valuesTo, value: headers.filter((h) => String(h ?? '').trim() !== '').join(', '),
      expected: typeof source.wide.columns === 'string' ? `headers matching /${source.wide.columns}/` : source.wide.columns.join(', '),
      fix: 'correct `wide.columns` in the source contract (a list of headers, or a regular expression)',
    }));
  }
  return { index, problems, wide };
}

/**
 * A header row that names a contract column twice — the same name (after canonicalising case, spaces and
 * punctuation: "Locality" and "locality "), or the name and one of its aliases — is ambiguous: which column
 * holds the data? Each is an error naming both positions. Other repeated headers (columns the contract does
 * not read) are a warning: nothing is read from them.
 */
function duplicateHeaderProblems(headers: string[], source: SourceDef, where: { file: string; sheet?: string; row?: number }): Problem[] {
  const canon = headers.map((h) => canonical(String(h ?? '')));
  const out: Problem[] = [];
  const claimed = new Set<number>();
  const colLetter = (i: number) => { let s = ''; for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s; return s; };
  const shown = (idx: number[]) => idx.map((i) => `"${String(headers[i]).trim()}" (column ${colLetter(i)})`).join(' and ');
  for (const name of headerColumnNames(source)) {
    const col = source.columns.find((c) => c.name === name);
    const candidates = [name, ...(col?.aliases ?? [])].map(canonical);
    const idx = canon.flatMap((h, i) => (h !== '' && candidates.includes(h) ? [i] : []));
    idx.forEach((i) => claimed.add(i));
    if (idx.length < 2) continue;
    out.push(problem('BP_INGEST_DUPLICATE_HEADER', `the header row has column "${name}" ${idx.length} times: ${shown(idx)}`, {
      ...where, column: name, value: idx.map((i) => String(headers[i]).trim()).join(', '),
      expected: `one header for ${name}${col?.aliases.length ? ` (or one of its aliases ${col.aliases.join(', ')})` : ''}`,
      fix: 'remove or rename the repeated column in the extract, so that only one column holds the data',
    }));
  }
  const seen = new Map<string, number[]>();
  canon.forEach((h, i) => { if (h !== '' && !claimed.has(i)) seen.set(h, [...(seen.get(h) ?? []), i]); });
  const wide = new Set(wideColumnIndices(headers, source, claimed));
  for (const idx of seen.values()) {
    if (idx.length < 2) continue;
    if (idx.some((i) => wide.has(i))) {
      out.push(problem('BP_INGEST_DUPLICATE_HEADER', `the header row repeats "${String(headers[idx[0]]).trim()}", one of the wide layout's columns: ${shown(idx)}`, {
        ...where, column: String(headers[idx[0]]).trim(), value: idx.map((i) => String(headers[i]).trim()).join(', '),
        expected: 'each wide column named once', fix: 'remove or rename the repeated column in the extract',
      }));
      continue;
    }
    out.push(problem('BP_INGEST_DUPLICATE_HEADER', `the header row repeats "${String(headers[idx[0]]).trim()}": ${shown(idx)}; the contract does not read it, so nothing is lost`, {
      ...where, severity: 'warning', column: String(headers[idx[0]]).trim(), value: idx.map((i) => String(headers[i]).trim()).join(', '),
      fix: 'nothing to do for this load; ask the partner to name each column once',
    }));
  }
  return out;
}

/** Picks the header row: the first of the first `limit` rows that matches most contract columns. */
export function detectHeaderRow(rows: string[][], source: SourceDef, limit = 30): number {
  const wanted = new Set(headerColumnNames(source).flatMap((n) => [n, ...(source.columns.find((c) => c.name === n)?.aliases ?? [])]).map(canonical));
  let best = 0;
  let bestScore = -1;
  rows.slice(0, limit).forEach((r, i) => {
    const score = r.filter((c) => wanted.has(canonical(String(c ?? '')))).length;
    if (score > bestScore) { best = i; bestScore = score; }
  });
  return best;
}

/** The one unmatched header sharing the longest first part (≥ 4 characters) with a missing column's name. */
function sharedPrefix(name: string, candidates: string[]): string | undefined {
  const len = (c: string) => { let i = 0; while (i < c.length && c[i] === name[i]) i++; return i; };
  const scored = candidates.map((c) => [c, len(c)] as const).filter(([, n]) => n >= 4).sort((a, b) => b[1] - a[1]);
  return scored.length && (scored.length === 1 || scored[0][1] > scored[1][1]) ? scored[0][0] : undefined;
}
