/**
 * Raw text → typed staging table, in SQL, the same for every format. Official markers (`c`, `x`, `z`, `u`,
 * `low`) are kept in a `<column>__marker` column beside a NULL value, never turned into zero. Every cell that
 * cannot be read becomes a coded problem naming file, sheet, row, column and value.
 */
import { WITHHELD } from './withhold.js';
import { problem, type Problem } from '../core/errors.js';
import type { Area, ColumnContract, SourceDef } from '../config/types.js';
import { NUMERIC_COLUMN_TYPES } from '../config/schema.js';
import { quoteIdent, quoteLiteral, type Warehouse } from '../warehouse/db.js';
import { RAW_TABLE } from './raw-table.js';
import { periodExpectation, periodIdOf, periodTextSql, shownPeriodText } from './period-formats.js';
import { canonical } from './headers.js';
import { knownAreas } from './row-filter.js';

export const MARKERS = ['c', 'x', 'z', 'u', 'low', '..'];
export const TYPED_TABLE = 'bp_typed';
/** The temp table under `TYPED_TABLE` for an extract of at most `TYPED_ONCE_ROWS` rows (see `stageSource`). */
const TYPED_ROWS = 'bp_typed_rows';
const TYPED_ONCE_ROWS = 200_000;

/** The typed view and the rows table under it, if any: gone once a source is loaded or refused (the next may be large). */
export async function dropTyped(wh: Warehouse): Promise<void> {
  await wh.run(`DROP VIEW IF EXISTS ${TYPED_TABLE}`);
  await wh.run(`DROP TABLE IF EXISTS ${TYPED_ROWS}`);
}
const NUMERIC = NUMERIC_COLUMN_TYPES;

const q = quoteIdent;

/** `fractions`: for a percent column, whether its plain values (those without %) are all fractions of 1 (see `fractionColumns`). */
export function numberExpr(col: string, type: string, fractions = false): string {
  const t = `trim(${q(col)})`;
  const noThousands = `CASE WHEN regexp_full_match(${t}, '-?[0-9]{1,3}(,[0-9]{3})+(\\.[0-9]+)?%?') THEN replace(${t}, ',', '') ELSE ${t} END`;
  const noPct = `regexp_replace(${noThousands}, '\\s*%$', '')`;
  // DuckDB's DOUBLE cast accepts "NaN", "Infinity", "1e3" and more: a count must look like a plain number
  // (thousands separators already removed; decimals allowed so BP_INGEST_NOT_INTEGER can name them), and any
  // figure must be finite, or it is a bad cell.
  const text = type === 'integer' ? noThousands : noPct;
  const cast = type === 'integer'
    ? `(CASE WHEN regexp_full_match(${text}, '-?[0-9]+(\\.[0-9]+)?') THEN TRY_CAST(${text} AS DOUBLE) END)`
    : `TRY_CAST(${text} AS DOUBLE)`;
  const num = `(CASE WHEN isfinite(${cast}) THEN ${cast} END)`;
  if (type !== 'percent') return num;
  // "93%" beside 0.93 in one column: a column whose plain values are all fractions is read as fractions of 1.
  return fractions ? `CASE WHEN ${t} LIKE '%\\%%' ESCAPE '\\' THEN ${num} ELSE ${num} * 100 END` : num;
}

/** Per percent column: are all its plain values (no % sign) fractions of 1? One scan of the raw table for all of them. */
async function fractionColumns(wh: Warehouse, cols: string[]): Promise<Set<string>> {
  if (!cols.length) return new Set();
  const t = (c: string) => `trim(${q(c)})`;
  const [row] = await wh.all<Record<string, boolean | null>>(`SELECT ${cols.map((c, i) =>
    `max(CASE WHEN ${t(c)} NOT LIKE '%\\%%' ESCAPE '\\' THEN abs(${numberExpr(c, 'decimal')}) END) <= 1 AS f${i}`).join(', ')} FROM ${RAW_TABLE}`);
  return new Set(cols.filter((_, i) => row[`f${i}`] === true));
}

function dateExpr(col: string): string {
  const t = `trim(${q(col)})`;
  const fmts = ['%Y-%m-%d', '%d/%m/%Y', '%Y-%m-%d %H:%M:%S', '%d %B %Y', '%d %b %Y', '%d-%b-%Y', '%d-%b-%y'];
  // An Excel serial day number (a date cell that lost its format): days since 1899-12-30.
  const serial = `CASE WHEN regexp_full_match(${t}, '[1-9][0-9]{4}(\\.0+)?') THEN (DATE '1899-12-30' + CAST(CAST(${t} AS DOUBLE) AS INTEGER))::TIMESTAMP END`;
  // The common case first: DuckDB's own ISO date cast (rejects 2024-02-30), only for text shaped exactly
  // YYYY-MM-DD, since the cast also takes 2024/01/05 and trailing text, which the formats below do not.
  // TRY_STRPTIME reads "infinity" and "epoch" as a date, so the other formats need a digit.
  const date = `CASE WHEN ${t} LIKE '____-__-__' THEN TRY_CAST(${t} AS DATE)
    WHEN regexp_matches(${t}, '[0-9]') THEN COALESCE(${fmts.map((f) => `TRY_STRPTIME(${t}, '${f}')`).join(', ')}, ${serial})::DATE END`;
  // Year 0000 (and anything before year 1) is not a date anyone means: it becomes NULL, so a bad-date problem.
  const year0 = `DATE '0001-12-31 (BC)'`;
  return `NULLIF(greatest(${date}, ${year0}), ${year0})`;
}

export const markerExpr = (col: string) => `CASE WHEN lower(trim(${q(col)})) IN (${MARKERS.map(quoteLiteral).join(', ')}) THEN lower(trim(${q(col)})) END`;

/** Problems found but not listed one by one (beyond the listing cap of one check); counted in the summary. */
export interface Omitted { code: string; severity: 'error' | 'warning'; file: string; column?: string; count: number }

export interface StageResult {
  problems: Problem[];
  omitted: Omitted[];
  /** Periods found, sorted. */
  periods: string[];
  rows: number;
}

export { WITHHELD } from './withhold.js';

/** How many problems of one check are kept for the report; the rest are counted (see `Omitted`). */
export const LIST_LIMIT = 1000;

/** The text a period is read from when it is in the file name: the base name without extension, `_` as space. */
export function periodTextFromFileName(file: string, rule: true | string): string | undefined {
  const base = file.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '');
  if (rule === true) return base.replace(/[_.]+/g, ' ');
  const m = new RegExp(rule, 'i').exec(base);
  return m ? (m.groups?.period ?? m[0]).replace(/[_.]+/g, ' ') : undefined;
}

/** Area id by the canonical form of any of its names (id, name, code, aliases). */
export function areaLookupOf(areas: Area[]): Map<string, string> {
  const lookup = new Map<string, string>();
  for (const a of areas) for (const k of areaSpellings(a)) lookup.set(canonical(k), a.id);
  return lookup;
}

/** Every spelling an area is known by in an extract: its id, name, code and aliases. */
export function areaSpellings(a: Area): string[] {
  return [a.id, a.name, a.code, ...a.aliases].filter((k): k is string => Boolean(k));
}

/** How a row for the whole of an area list is written, lower-cased. */
export const TOTAL_SPELLINGS = ['total', 'all', 'grand total'];
const TOTAL_AREA = new RegExp(`^(${TOTAL_SPELLINGS.join('|')})$`, 'i');

/** A row for the whole of an area list ("Total") that is not itself a named area: dropped on load. */
export const isTotalArea = (written: string) => TOTAL_AREA.test(written);

/** Builds the typed table from the raw one and checks every cell. Each check lists at most `limit` problems and counts the rest. */
export async function stageSource(wh: Warehouse, source: SourceDef, areas: Area[], limit = LIST_LIMIT): Promise<StageResult> {
  const problems: Problem[] = [];
  const omitted: Omitted[] = [];
  const maxErrors = limit;
  const rawCols = new Set((await wh.all<{ column_name: string }>(`SELECT column_name FROM (DESCRIBE ${RAW_TABLE})`)).map((c) => c.column_name));

  // Periods and areas: map each distinct written value once, in JS, then join.
  const periodMap = new Map<string, string>();
  let periodRaw: string | undefined;
  if (source.period) {
    const periodSql = source.period.fixed !== undefined ? quoteLiteral(source.period.fixed)
      : source.period.fileName !== undefined ? '_file'
      : source.period.sheetName ? '_sheet' : q(source.period.column ?? 'period');
    const fileRule = source.period.fileName;
    periodRaw = periodTextSql(source.period, rawCols, periodSql) ?? `trim(${periodSql})`;
    const distinct = await wh.all<{ v: string | null; n: number; first_file: string; first_sheet: string | null; first_row: number }>(
      `SELECT ${periodRaw} AS v, count(*)::INTEGER AS n, min(_file) AS first_file, min(_sheet) AS first_sheet, min(_row) AS first_row FROM ${RAW_TABLE} GROUP BY 1 ORDER BY 1 NULLS FIRST`);
    for (const d of distinct) {
      const text = d.v && fileRule !== undefined ? periodTextFromFileName(d.v, fileRule) : d.v;
      const id = text ? periodIdOf(text, source.period) : undefined;
      const shown = d.v === null ? null : shownPeriodText(d.v);
      if (id) periodMap.set(d.v!, id);
      else problems.push(problem(d.v ? 'BP_INGEST_BAD_PERIOD' : 'BP_INGEST_EMPTY_REQUIRED', d.v ? `"${shown}" is not a ${source.period.type.replace('_', ' ')}${source.period.format ? ` written as ${source.period.format}` : ''} (${d.n} row${d.n > 1 ? 's' : ''})` : `the period is empty (${d.n} rows)`, {
        file: d.first_file, sheet: d.first_sheet ?? undefined, row: d.first_row, column: source.period.column ?? (fileRule !== undefined ? '(file name)' : source.period.sheetName ? '(sheet name)' : '(fixed)'), value: shown,
        ...periodExpectation(source.period, d.v),
      }));
    }
  }
  await wh.run(`CREATE OR REPLACE TEMP TABLE bp_period_map (_pm_raw VARCHAR, _pm_period VARCHAR)`);
  for (const [raw, id] of periodMap) await wh.run(`INSERT INTO bp_period_map VALUES (?, ?)`, [raw, id]);

  const areaLookup = areaLookupOf(areas);
  await wh.run(`CREATE OR REPLACE TEMP TABLE bp_area_map (_am_raw VARCHAR, _am_area VARCHAR)`);
  if (source.areaColumn) {
    const distinct = await wh.all<{ v: string | null; n: number; first_file: string; first_sheet: string | null; first_row: number }>(
      `SELECT trim(${q(source.areaColumn)}) AS v, count(*)::INTEGER AS n, min(_file) AS first_file, min(_sheet) AS first_sheet, min(_row) AS first_row FROM ${RAW_TABLE} GROUP BY 1 ORDER BY 1 NULLS FIRST`);
    for (const d of distinct) {
      const id = d.v ? areaLookup.get(canonical(d.v)) : undefined;
      if (id) await wh.run(`INSERT INTO bp_area_map VALUES (?, ?)`, [d.v, id]);
      else if (d.v && isTotalArea(d.v)) await wh.run(`INSERT INTO bp_area_map VALUES (?, ?)`, [d.v, '__total__']);
      else problems.push(problem(d.v ? 'BP_INGEST_UNKNOWN_AREA' : 'BP_INGEST_EMPTY_REQUIRED', d.v ? `unknown area "${d.v}" (${d.n} row${d.n > 1 ? 's' : ''})` : `the area is empty (${d.n} rows)`, {
        file: d.first_file, sheet: d.first_sheet ?? undefined, row: d.first_row, column: source.areaColumn, value: d.v,
        ...unknownAreaHelp(areas, d.v),
      }));
    }
  }

  const fractions = await fractionColumns(wh, source.columns.filter((c) => c.type === 'percent' && rawCols.has(c.name)).map((c) => c.name));
  const typedCols: string[] = ['_file', '_sheet', '_row'];
  if (source.period) typedCols.push('pm._pm_period AS period');
  if (source.areaColumn) typedCols.push('am._am_area AS area');
  for (const c of source.columns) {
    // An extract's own column called "period" or "area" that holds the period / area: the typed id takes its place.
    if ((c.name === 'period' && source.period) || (c.name === 'area' && source.areaColumn)) continue;
    if (!rawCols.has(c.name)) {
      typedCols.push(`NULL AS ${q(c.name)}`);
      continue;
    }
    typedCols.push(`trim(${q(c.name)}) AS ${q(`${c.name}__raw`)}`);
    if (NUMERIC.has(c.type)) {
      typedCols.push(`${numberExpr(c.name, c.type, fractions.has(c.name))} AS ${q(c.name)}`, `${markerExpr(c.name)} AS ${q(`${c.name}__marker`)}`);
    } else if (c.type === 'date') {
      typedCols.push(`${dateExpr(c.name)} AS ${q(c.name)}`);
    } else {
      typedCols.push(`NULLIF(trim(${q(c.name)}), '') AS ${q(c.name)}`);
    }
  }
  // A view, not a copy: the checks below read only the columns they test (typed on the fly from the raw text),
  // and the load writes the typed rows once, straight into the warehouse table. Rows of a "Total" area are dropped.
  const typed = `SELECT ${typedCols.join(', ')} FROM ${RAW_TABLE} r
    ${source.period ? `LEFT JOIN bp_period_map pm ON pm._pm_raw = ${periodRaw}` : ''}
    ${source.areaColumn ? `LEFT JOIN bp_area_map am ON am._am_raw = trim(r.${q(source.areaColumn)})` : ''}
    ${source.areaColumn ? `WHERE am._am_area IS DISTINCT FROM '__total__'` : ''}`;
  // A small extract's rows are typed once, into a temp table under the view: the checks, counts and comparisons
  // read them half a dozen times, and each typing on the fly (joins, patterns) costs far more than its few rows.
  const [{ n: rawRows }] = await wh.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${RAW_TABLE}`);
  if (rawRows <= TYPED_ONCE_ROWS) {
    await wh.run(`CREATE OR REPLACE TEMP TABLE ${TYPED_ROWS} AS ${typed}`);
    await wh.run(`CREATE OR REPLACE TEMP VIEW ${TYPED_TABLE} AS SELECT * FROM ${TYPED_ROWS}`);
  } else {
    await wh.run(`CREATE OR REPLACE TEMP VIEW ${TYPED_TABLE} AS ${typed}`);
  }

  const replaced = (name: string) => (name === 'period' && source.period) || (name === 'area' && source.areaColumn);
  const checked = await checkColumns(wh, source.columns.filter((c) => rawCols.has(c.name) && !replaced(c.name)), maxErrors);
  problems.push(...checked.problems);
  omitted.push(...checked.omitted);
  if (source.key?.length) {
    const dup = await checkDuplicateKeys(wh, source, maxErrors);
    problems.push(...dup.problems);
    omitted.push(...dup.omitted);
  }

  const [{ n }] = await wh.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${TYPED_TABLE}`);
  return { problems, omitted, periods: [...new Set(periodMap.values())].sort(), rows: n };
}

/** What an unknown area's problem lists: the areas that exist, and the fix that fits the project. */
function unknownAreaHelp(areas: Area[], value: string | null): { expected: string; fix: string } {
  const localities = areas.filter((a) => !a.isWhole);
  if (!localities.length) {
    return {
      expected: `an area of this project: ${knownAreas(areas)} (it has no localities)`,
      fix: 'to keep only your authority\'s rows of a national file, replace `area_column:` with `area_codes: [<column>]` (ONS code or DfE LA number); or add the localities under `areas:`',
    };
  }
  return { expected: `one of ${knownAreas(areas)}`, fix: `add "${value}" to the \`aliases:\` of the right area in boardpack.yaml, or with \`area_codes:\` keep only your areas' rows` };
}

/** The typed-table column a contract column name stands for (the period and area columns are typed as `period` / `area`). */
export function typedColumn(source: SourceDef, name: string): string {
  if (source.period?.column === name && !source.columns.some((c) => c.name === name && c.type !== 'text' && c.type !== 'code')) return 'period';
  if (source.areaColumn === name) return 'area';
  return name;
}

/** Two rows with the same key: the second (and later) is an error naming the first. Rows are compared after typing. */
export async function checkDuplicateKeys(wh: Warehouse, source: SourceDef, limit: number): Promise<{ problems: Problem[]; omitted: Omitted[] }> {
  // A key is within a period: the same locality in two quarters is two rows, not a duplicate.
  const keyCols = [...new Set([...source.key!.map((k) => typedColumn(source, k)), ...(source.period ? ['period'] : [])])];
  const present = new Set((await wh.all<{ column_name: string }>(`SELECT column_name FROM (DESCRIBE ${TYPED_TABLE})`)).map((c) => c.column_name));
  const missing = keyCols.filter((k) => !present.has(k));
  if (missing.length) {
    return { problems: [problem('BP_INGEST_KEY_UNKNOWN', `the key names column(s) not in the contract: ${missing.join(', ')}`, {
      column: missing.join(', '), fix: 'list only columns declared under `columns:` (or the period and area columns) in `key:`',
    })], omitted: [] };
  }
  const identifiers = new Set(source.columns.filter((c) => c.identifier).map((c) => c.name));
  const keyList = keyCols.map(q).join(', ');
  const rows = await wh.all<Record<string, unknown> & { _file: string; _sheet: string | null; _row: number; first_file: string; first_row: number; total: number }>(
    `WITH k AS (SELECT _file, _sheet, _row, ${keyList}, row_number() OVER w AS rn, first_value(_file) OVER w AS first_file, first_value(_row) OVER w AS first_row
       FROM ${TYPED_TABLE} WINDOW w AS (PARTITION BY ${keyList} ORDER BY _file, _sheet, _row))
     SELECT *, count(*) OVER ()::INTEGER AS total FROM k WHERE rn > 1 ORDER BY _file, _sheet, _row LIMIT ${limit}`);
  const problems = rows.map((r) => problem('BP_INGEST_DUPLICATE_KEY', `a second row for the same ${source.key!.join(' + ')} (first at ${r.first_file === r._file ? '' : `${r.first_file} `}row ${r.first_row})`, {
    file: r._file, sheet: r._sheet ?? undefined, row: r._row, column: source.key!.join(', '),
    value: [...source.key!.map((k, i) => identifiers.has(k) ? WITHHELD : String(r[keyCols[i]] ?? '')), ...(source.period && !source.key!.some((k) => typedColumn(source, k) === 'period') ? [String(r.period ?? '')] : [])].join(' | '),
    expected: `one row per ${source.key!.join(' + ')}`,
    fix: 'remove the repeated row (or add the missing part of the key to `key:` in the source contract)',
  }));
  const total = rows[0]?.total ?? 0;
  return { problems, omitted: total > rows.length ? [{ code: 'BP_INGEST_DUPLICATE_KEY', severity: 'error', file: rows[0]._file, column: source.key!.join(', '), count: total - rows.length }] : [] };
}

/** One cell check: the rows where `where` holds (on the typed view) are each a problem with code `code`. */
interface CellCheck {
  column: ColumnContract;
  code: string;
  where: string;
  message: (v: string) => string;
  expected: string;
  fix: (v: string) => string;
}

function columnChecks(c: ColumnContract): CellCheck[] {
  const raw = q(`${c.name}__raw`);
  const col = q(c.name);
  const out: CellCheck[] = [];
  const add = (code: string, where: string, message: (v: string) => string, expected: string, fix: (v: string) => string) => out.push({ column: c, code, where, message, expected, fix });
  if (c.required) {
    add('BP_INGEST_EMPTY_REQUIRED', `(${raw} IS NULL OR ${raw} = '')`, () => 'a required cell is empty', `a ${c.type} value or an official marker (c, x, z, u, low)`,
      () => 'fill it in, or write the marker `x` (not available) — never 0 for missing');
  }
  if (NUMERIC.has(c.type)) {
    add('BP_INGEST_BAD_NUMBER', `${raw} <> '' AND ${col} IS NULL AND ${q(`${c.name}__marker`)} IS NULL`,
      (v) => /^-?\d+,\d+$/.test(v) ? `"${v}" uses a decimal comma` : `"${v}" is not a number`,
      c.type === 'percent' ? 'a percentage such as 93% or 0.93' : 'a number, or an official marker (c, x, z, u, low)',
      (v) => /^-?\d+,\d+$/.test(v) ? `write ${v.replace(',', '.')} (a point as decimal separator)` : 'correct the cell, or use a marker for a suppressed or missing value');
    if (c.type === 'integer') {
      add('BP_INGEST_NOT_INTEGER', `${col} IS NOT NULL AND ${col} <> round(${col})`, (v) => `"${v}" is not a whole number`, 'a whole number (a count)', () => 'counts are whole numbers: check the column holds counts, or declare it `type: decimal`');
    }
    if (c.type === 'integer' || c.type === 'percent') {
      add('BP_INGEST_NEGATIVE', `${col} < 0`, (v) => `"${v}" is negative`, 'zero or more', () => 'correct the cell');
    }
  } else if (c.type === 'date') {
    add('BP_INGEST_BAD_DATE', `${raw} <> '' AND ${col} IS NULL`, (v) => `"${v}" is not a date (or an impossible one)`, 'a date as 2024-04-30, 30/04/2024 or 30 April 2024',
      () => 'correct the date; day/month order is day first (UK)');
  } else if (c.values?.length) {
    const list = c.values.map(quoteLiteral).join(', ');
    add('BP_INGEST_NOT_ALLOWED', `${col} IS NOT NULL AND ${col} NOT IN (${list})`, (v) => `"${v}" is not an allowed value`, `one of ${c.values.join(', ')}`,
      () => `use one of ${c.values!.join(', ')}, or add the value to \`values:\` in the source contract`);
  }
  return out;
}

/**
 * Every cell check of every column in one scan of the typed view: the rows that fail any check go to a small
 * temp table (`bp_bad`) with one flag per check and the raw text of the checked columns; each check then lists
 * its first `maxErrors` rows from there, in file order, and counts the rest.
 */
async function checkColumns(wh: Warehouse, columns: ColumnContract[], maxErrors: number): Promise<{ problems: Problem[]; omitted: Omitted[] }> {
  const out: Problem[] = [];
  const omitted: Omitted[] = [];
  const checks = columns.flatMap(columnChecks);
  if (!checks.length) return { problems: out, omitted };
  const checkedCols = [...new Set(checks.map((k) => k.column.name))];
  // The flags are summed in the projection and the sum filtered (DuckDB computes shared typed expressions once
  // in a projection; an OR of the checks in a WHERE recomputes them per check, about 3x slower).
  await wh.run(`CREATE OR REPLACE TEMP TABLE bp_bad AS SELECT * EXCLUDE (_failed) FROM (SELECT _file, _sheet, _row,
    ${checks.map((k, i) => `coalesce((${k.where}), false) AS _k${i}`).join(', ')},
    ${checkedCols.map((c, j) => `${q(`${c}__raw`)} AS _v${j}`).join(', ')},
    ${checks.map((_, i) => `_k${i}::INTEGER`).join(' + ')} AS _failed
    FROM ${TYPED_TABLE}) WHERE _failed > 0`);
  const [{ bad }] = await wh.all<{ bad: number }>(`SELECT count(*)::INTEGER AS bad FROM bp_bad`);
  for (const [i, k] of (bad ? checks : []).entries()) {
    const c = k.column;
    const rows = await wh.all<{ _file: string; _sheet: string | null; _row: number; v: string; total: number }>(
      `SELECT _file, _sheet, _row, _v${checkedCols.indexOf(c.name)} AS v, count(*) OVER ()::INTEGER AS total FROM bp_bad WHERE _k${i} ORDER BY _file, _sheet, _row LIMIT ${maxErrors}`);
    // A personal identifier's value never appears in a message, a report or any other output.
    for (const r of rows) {
      const shown = c.identifier ? WITHHELD : r.v;
      out.push(problem(k.code, c.identifier ? k.message('').replace('""', 'the value') : k.message(r.v), { file: r._file, sheet: r._sheet ?? undefined, row: r._row, column: c.name, value: shown, expected: k.expected, fix: c.identifier ? k.fix('') : k.fix(r.v) }));
    }
    if (rows.length && rows[0].total > rows.length) omitted.push({ code: k.code, severity: 'error', file: rows[0]._file, column: c.name, count: rows[0].total - rows.length });
  }
  await wh.run('DROP TABLE bp_bad');
  return { problems: out, omitted };
}

/** The columns that go into the warehouse table (raw text copies are dropped). */
export function warehouseColumns(source: SourceDef, present: Set<string>): string[] {
  const cols = ['_file', '_sheet', '_row'];
  if (source.period) cols.push('period');
  if (source.areaColumn) cols.push('area');
  for (const c of source.columns) {
    cols.push(c.name);
    if (NUMERIC.has(c.type) && present.has(`${c.name}__marker`)) cols.push(`${c.name}__marker`);
  }
  return [...new Set(cols)];
}

/** DuckDB column types of a source's warehouse table as staging creates it (what `validate` binds against). */
export function warehouseSchema(source: SourceDef): Array<[string, string]> {
  const markers = new Set(source.columns.filter((c) => NUMERIC.has(c.type)).map((c) => `${c.name}__marker`));
  const types = new Map(source.columns.map((c) => [c.name, NUMERIC.has(c.type) ? 'DOUBLE' : c.type === 'date' ? 'DATE' : 'VARCHAR']));
  return warehouseColumns(source, markers).map((name) => [name, name === '_row' ? 'INTEGER' : types.get(name) ?? 'VARCHAR']);
}
