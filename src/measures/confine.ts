/**
 * Confinement of indicator SQL (SECURITY.md). Indicator definitions may come from a shared library
 * someone else wrote, so their SQL is treated as untrusted:
 *
 * - the engine decides, not a regex: the measures instance is opened READ_ONLY, with external access
 *   (every file, URL, ATTACH, COPY, read_csv, glob …) and extension installing/loading turned off, and the
 *   configuration locked so no statement can turn them back on;
 * - each indicator must compile to exactly one statement, and that statement must be a query (SELECT):
 *   DuckDB's own parser counts the statements and its binder reports the statement type;
 * - each query runs under a time limit (the connection is interrupted), so a runaway recursive CTE ends.
 *
 * The keyword lexer below only decides the wording of messages ("a COPY statement"), never what is allowed.
 */
import { StatementType, type DuckDBPreparedStatement } from '@duckdb/node-api';
import { BoardpackError, problem, type Problem } from '../core/errors.js';
import { openWarehouse, type Warehouse } from '../warehouse/db.js';

/** Settings applied, in order, to the instance that runs indicator SQL; `lock_configuration` must be last. */
export const CONFINEMENT_SETTINGS: ReadonlyArray<readonly [string, string]> = [
  ['enable_external_access', 'false'],
  ['autoinstall_known_extensions', 'false'],
  ['autoload_known_extensions', 'false'],
  ['allow_community_extensions', 'false'],
  ['allow_unsigned_extensions', 'false'],
  ['lock_configuration', 'true'],
];

/** Default time limit for one indicator's query. Generous: a real indicator takes milliseconds. */
export const DEFAULT_QUERY_TIMEOUT_MS = 120_000;

/**
 * Opens the warehouse for measures: read-only (a second instance of the file, so the ingest instance must be
 * closed first: DuckDB cannot open one file twice in a process with different settings) and confined.
 * An in-memory warehouse cannot be reopened; callers with one use `confineWarehouse` on it instead.
 */
export async function openMeasuresWarehouse(file: string): Promise<Warehouse> {
  const wh = await openWarehouse(file, { readOnly: true });
  try {
    await confineWarehouse(wh);
  } catch (e) {
    wh.close();
    throw e;
  }
  return wh;
}

/**
 * Turns off external access and extension loading on the whole instance behind `wh` and locks its
 * configuration. Irreversible for that instance: it can still read and write its own tables, but no longer
 * read any other file (so do not ingest on it afterwards).
 */
export async function confineWarehouse(wh: Warehouse): Promise<void> {
  if (await isConfined(wh)) return;
  for (const [name, value] of CONFINEMENT_SETTINGS) await wh.run(`SET ${name} = ${value}`);
  if (!(await isConfined(wh))) {
    throw new BoardpackError(problem('BP_SQL_CONFINEMENT_FAILED', 'could not confine the database that runs indicator SQL', {
      file: wh.path, fix: 'this is a bug in boardpack: please report it with the output of --debug',
    }));
  }
}

export async function isConfined(wh: Warehouse): Promise<boolean> {
  const [row] = await wh.all<{ ext: boolean | string; locked: boolean | string }>(
    `SELECT current_setting('enable_external_access') AS ext, current_setting('lock_configuration') AS locked`,
  );
  return String(row.ext) === 'false' && String(row.locked) === 'true';
}

export interface SqlContext { what: string; file?: string; yamlPath?: string }

/**
 * A statement that DuckDB accepted for running: exactly one query, bound against the warehouse. With `maxRows`,
 * what is prepared is the query with `LIMIT maxRows + 1`, so DuckDB never hands over (or fully sorts) more rows
 * than that; `sql` is the query as checked, without the limit, for counting.
 */
export interface CheckedStatement { prepared: DuckDBPreparedStatement; sql: string; maxRows?: number }

/**
 * Parses `sql` with DuckDB, refuses anything but exactly one query, and binds it (so unknown columns and
 * forbidden file access are reported before any indicator computes). Errors other than confinement ones are
 * rethrown raw for the caller to enrich with the table list.
 */
export async function checkStatement(wh: Warehouse, sql: string, ctx: SqlContext, maxRows?: number): Promise<CheckedStatement> {
  const extracted = await wh.conn.extractStatements(sql);
  if (extracted.count === 0) {
    throw new BoardpackError(problem('BP_SQL_EMPTY', `${ctx.what}: the SQL is empty`, { file: ctx.file, yamlPath: ctx.yamlPath, fix: 'write one SELECT query' }));
  }
  if (extracted.count > 1) {
    const kinds = statementKeywords(sql);
    throw new BoardpackError(problem('BP_SQL_MULTIPLE_STATEMENTS', `${ctx.what}: the definition makes ${extracted.count} SQL statements${kinds[1] ? ` (the second is ${article(kinds[1])} ${kinds[1]} statement)` : ''}; an indicator is exactly one query`, {
      file: ctx.file, yamlPath: ctx.yamlPath, value: truncate(sql),
      fix: 'remove the ";" and everything after it: an indicator is one SELECT (use WITH … for steps)',
    }));
  }
  if (maxRows !== undefined) {
    // A query is prepared once, with the limit: the form as written is prepared only to say what is wrong with it.
    const limited = await wh.conn.prepare(limitedSql(sql, maxRows)).catch(() => undefined);
    if (limited?.statementType === StatementType.SELECT) return { prepared: limited, sql, maxRows };
    limited?.destroySync();
  }
  let prepared: DuckDBPreparedStatement;
  try {
    prepared = await extracted.prepare(0);
  } catch (e) {
    throw forbiddenOrRaw(e, ctx, sql);
  }
  if (prepared.statementType !== StatementType.SELECT) {
    const kind = statementKeywords(sql)[0] ?? StatementType[prepared.statementType] ?? 'non-query';
    throw new BoardpackError(problem('BP_SQL_NOT_A_QUERY', `${ctx.what}: ${article(kind)} ${kind} statement is not allowed in an indicator; only a query (SELECT) is`, {
      file: ctx.file, yamlPath: ctx.yamlPath, value: truncate(sql), expected: 'one SELECT (or WITH … SELECT) query',
      fix: 'indicator SQL only reads the warehouse: it cannot install extensions, attach databases, copy, export or change anything',
    }));
  }
  if (maxRows === undefined) return { prepared, sql };
  // Checked as written above (one query, nothing forbidden); the limit is ours, on a new line after any comment.
  prepared.destroySync();
  try {
    prepared = await wh.conn.prepare(limitedSql(sql, maxRows));
  } catch (e) {
    throw forbiddenOrRaw(e, ctx, sql);
  }
  return { prepared, sql, maxRows };
}

/** The query checked as written with our limit, on a new line after any comment: one row more than may be returned. */
const limitedSql = (sql: string, maxRows: number) => `${sql}\nLIMIT ${maxRows + 1}`;

/** More rows than an indicator may return: refused with the count before any row becomes a JS value. */
export class TooManyRows extends Error {
  constructor(readonly count: number, readonly limit: number, readonly complete: boolean) {
    super(`${count} rows, limit ${limit}`);
  }
}

/**
 * Runs a checked statement with a time limit (the connection is interrupted when it is exceeded). A statement
 * checked with `maxRows` returns at most one row more than that (its LIMIT): rows become JS values only when
 * there are no more than `maxRows`. Past it, DuckDB counts the rows itself (`count(*)` over the query as checked,
 * in the time left), so a definition returning millions of rows costs neither a full sort nor gigabytes of
 * objects: TooManyRows carries the count (a lower bound when the time limit stopped the counting).
 */
export async function runChecked<T>(wh: Warehouse, stmt: CheckedStatement, ctx: SqlContext, timeoutMs = DEFAULT_QUERY_TIMEOUT_MS): Promise<T[]> {
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; wh.conn.interrupt(); }, timeoutMs);
  let over = 0;
  try {
    const reader = await stmt.prepared.runAndReadAll();
    if (stmt.maxRows === undefined || reader.currentRowCount <= stmt.maxRows) {
      return reader.getRowObjectsJS().map((row) => {
        for (const k of Object.keys(row)) if (typeof row[k] === 'bigint') row[k] = Number(row[k]);
        return row;
      }) as T[];
    }
    over = reader.currentRowCount;
    // A final ORDER BY does not change the count, and sorting millions of rows only to count them would take
    // most of the time limit (DuckDB keeps the sort inside a subquery).
    const unordered = stmt.sql.replace(/\sORDER BY [\w."]+(?:\s*,\s*[\w."]+)*\s*$/i, '');
    const count = await checkStatement(wh, `SELECT count(*) AS n FROM (\n${unordered}\n) AS counted`, ctx);
    try {
      const [[n]] = (await count.prepared.runAndReadAll()).getRowsJS();
      throw new TooManyRows(Number(n), stmt.maxRows, true);
    } finally {
      count.prepared.destroySync();
    }
  } catch (e) {
    if (e instanceof TooManyRows) throw e;
    if (timedOut || /INTERRUPT/i.test((e as Error)?.message ?? '')) {
      if (over > 0) throw new TooManyRows(over, stmt.maxRows!, false);
      throw new BoardpackError(problem('BP_SQL_TIMEOUT', `${ctx.what}: the query ran for more than ${Math.round(timeoutMs / 1000)} s and was stopped`, {
        file: ctx.file, yamlPath: ctx.yamlPath,
        fix: 'look for a join without a condition or a recursive CTE without an end; an indicator normally takes milliseconds',
      }), { cause: e });
    }
    throw forbiddenOrRaw(e, ctx, '');
  } finally {
    clearTimeout(timer);
  }
}

/** DuckDB refusals caused by the confinement become BP_SQL_FORBIDDEN; anything else is returned unchanged. */
function forbiddenOrRaw(e: unknown, ctx: SqlContext, sql: string): unknown {
  const msg = ((e as Error)?.message ?? String(e)).split('\n')[0];
  const refused = /Permission Error|disabled (?:by|through) configuration|configuration has been locked|read-only mode|attached in read-only/i.test(msg);
  if (!refused) return e;
  const target = /Cannot access (?:file|directory) "([^"]+)"/.exec(msg)?.[1];
  const p: Problem = problem('BP_SQL_FORBIDDEN', `${ctx.what}: the SQL tries to reach outside the warehouse${target ? ` ("${target}")` : ''}, which indicator SQL may not do`, {
    file: ctx.file, yamlPath: ctx.yamlPath, value: sql ? truncate(sql) : undefined,
    expected: 'a query over the warehouse tables only (no files, URLs, other databases or extensions)',
    fix: 'read the data through a source in boardpack.yaml (it is then ingested and checked) and refer to its table',
  });
  return new BoardpackError(p, { cause: e });
}

/**
 * The leading keyword of each statement, for messages only. Skips comments and string/identifier quotes so a
 * ";" inside a literal does not count. DuckDB's parser remains the authority on the statement count.
 */
export function statementKeywords(sql: string): string[] {
  return lexStatements(sql).keywords;
}

/** True when `sql` holds a ";" outside quotes and comments, i.e. tries to end one statement and start another. */
export function hasStatementSeparator(sql: string): boolean {
  return lexStatements(sql).separators > 0;
}

/**
 * A user-written SQL fragment (`expr:`, `where:`) is pasted inside the compiled statement, so a ";" in it
 * could only be an attempt to start a second statement: refused by name before compiling.
 */
export function checkFragment(fragment: string | undefined, ctx: SqlContext): void {
  if (!fragment || !hasStatementSeparator(fragment)) return;
  const kinds = statementKeywords(`SELECT ${fragment}`);
  throw new BoardpackError(problem('BP_SQL_MULTIPLE_STATEMENTS', `${ctx.what}: the expression contains ";"${kinds[1] ? ` followed by ${article(kinds[1])} ${kinds[1]} statement` : ''}; an expression is part of one query and cannot start another statement`, {
    file: ctx.file, yamlPath: ctx.yamlPath, value: truncate(fragment),
    fix: 'remove the ";" and everything after it; write one expression such as sum(column)',
  }));
}

function lexStatements(sql: string): { keywords: string[]; separators: number } {
  const out: string[] = [];
  let separators = 0;
  let i = 0;
  let expectKeyword = true;
  while (i < sql.length) {
    const ch = sql[i];
    if (ch === '-' && sql[i + 1] === '-') { const nl = sql.indexOf('\n', i); i = nl < 0 ? sql.length : nl + 1; continue; }
    if (ch === '/' && sql[i + 1] === '*') { const end = sql.indexOf('*/', i + 2); i = end < 0 ? sql.length : end + 2; continue; }
    if (ch === "'" || ch === '"') {
      let j = i + 1;
      while (j < sql.length) { if (sql[j] === ch) { if (sql[j + 1] === ch) { j += 2; continue; } break; } j++; }
      i = j + 1; expectKeyword = false; continue;
    }
    if (ch === ';') { expectKeyword = true; separators++; i++; continue; }
    if (/\s|\(/.test(ch)) { i++; continue; }
    if (expectKeyword) {
      const m = /^[A-Za-z_]+/.exec(sql.slice(i));
      if (m) out.push(m[0].toUpperCase());
      expectKeyword = false;
    }
    i++;
  }
  return { keywords: out, separators };
}

function article(word: string) {
  return /^[AEIOU]/i.test(word) ? 'an' : 'a';
}

function truncate(s: string, n = 200) {
  const t = s.trim();
  return t.length > n ? `${t.slice(0, n)}…` : t;
}
