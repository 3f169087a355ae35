/**
 * The embedded DuckDB warehouse: one file per project, one connection per run. Extensions are never
 * installed or autoloaded (none can be downloaded here, and indicator SQL must not pull one in).
 * Every DuckDB error that reaches a user passes through `enrichDuckDbError` first.
 */
import { mkdirSync, rmdirSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { BoardpackError, problem } from '../core/errors.js';

export type Row = Record<string, unknown>;

export interface Warehouse {
  path: string;
  conn: DuckDBConnection;
  run(sql: string, params?: DuckDBValue[]): Promise<void>;
  all<T = Row>(sql: string, params?: DuckDBValue[]): Promise<T[]>;
  /** Runs `fn` inside BEGIN … COMMIT; rolls back on any error. */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  close(): void;
}

const BASE_OPTIONS: Record<string, string> = {
  autoinstall_known_extensions: 'false',
  autoload_known_extensions: 'false',
};

/** DuckDB's memory limit unless `BOARDPACK_MEMORY_LIMIT` says otherwise: beyond it, DuckDB spills to disk. */
export const DEFAULT_MEMORY_LIMIT = '384MB';

/** The memory limit to use: `BOARDPACK_MEMORY_LIMIT` (e.g. `2GB`, `512MiB`) or the default; a coded error for anything else. */
export function memoryLimit(env: NodeJS.ProcessEnv = process.env): string {
  const v = env.BOARDPACK_MEMORY_LIMIT?.trim();
  if (!v) return DEFAULT_MEMORY_LIMIT;
  if (!/^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(v) || Number.parseFloat(v) <= 0) {
    throw new BoardpackError(problem('BP_WAREHOUSE_MEMORY_LIMIT', `BOARDPACK_MEMORY_LIMIT is not a memory size: "${v}"`, {
      value: v, expected: 'a size such as 512MB, 2GB or 1GiB',
      fix: `set BOARDPACK_MEMORY_LIMIT to a size such as 2GB, or unset it for the default (${DEFAULT_MEMORY_LIMIT})`,
    }));
  }
  return v.replace(/\s+/g, '');
}

/** Where DuckDB spills when a load is bigger than its memory limit: a folder beside the warehouse file (in-memory warehouses keep DuckDB's default). */
export const tempDirectoryFor = (file: string) => `${file}.tmp`;

export async function openWarehouse(file: string, options: { readOnly?: boolean } = {}): Promise<Warehouse> {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  // A bounded memory limit (DuckDB's own default is 80% of RAM) so that a large extract spills to disk instead of
  // growing the process: temporary tables and big joins and sorts go to `<warehouse>.tmp/`, which DuckDB creates
  // only when it spills and removes on close. Threads stay DuckDB's default (one per core).
  const settings: Record<string, string> = { ...BASE_OPTIONS, memory_limit: memoryLimit() };
  if (file !== ':memory:') settings.temp_directory = tempDirectoryFor(file);
  if (options.readOnly) settings.access_mode = 'READ_ONLY';
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(file, settings);
  } catch (e) {
    const msg = (e as Error).message ?? String(e);
    if (/lock|Conflicting lock|being used/i.test(msg)) {
      throw new BoardpackError(problem('BP_WAREHOUSE_LOCKED', 'the warehouse is in use by another boardpack run', {
        file, fix: 'wait for the other run to finish, or point this run at another warehouse (`warehouse:` in boardpack.yaml)',
      }), { cause: e });
    }
    throw new BoardpackError(problem('BP_WAREHOUSE_OPEN', `cannot open the warehouse: ${firstLine(msg)}`, {
      file, fix: 'if the file is damaged, delete it: boardpack rebuilds it from the extracts on the next run',
    }), { cause: e });
  }
  const conn = await instance.connect();
  const wh: Warehouse = {
    path: file,
    conn,
    async run(sql, params) {
      await conn.run(sql, params);
    },
    async all<T>(sql: string, params?: DuckDBValue[]) {
      const reader = await conn.runAndReadAll(sql, params);
      return reader.getRowObjectsJS().map(plainRow) as T[];
    },
    async transaction<T>(fn: () => Promise<T>) {
      await conn.run('BEGIN TRANSACTION');
      try {
        const out = await fn();
        await conn.run('COMMIT');
        return out;
      } catch (e) {
        try { await conn.run('ROLLBACK'); } catch { /* already rolled back by DuckDB */ }
        throw e;
      }
    },
    close() {
      conn.closeSync();
      instance.closeSync();
      // DuckDB deletes its spill files on close; the folder goes too when it is empty (another instance may still use it).
      if (file !== ':memory:' && !options.readOnly) {
        try { rmdirSync(tempDirectoryFor(file)); } catch { /* absent, or still in use */ }
      }
    },
  };
  return wh;
}

/** BIGINT/HUGEINT come back as bigint; figures here are counts far below 2^53, so plain numbers are safe. */
function plainRow(row: Record<string, unknown>): Row {
  for (const k of Object.keys(row)) if (typeof row[k] === 'bigint') row[k] = Number(row[k]);
  return row;
}

export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
export const quoteLiteral = (value: string) => `'${value.replace(/'/g, "''")}'`;

function firstLine(s: string) {
  return s.split('\n')[0];
}

/**
 * The one choke point for DuckDB errors shown to users: turns binder/parser messages into what to change.
 * `columns` lists the columns of the tables the SQL could see, for "unknown column" errors.
 */
export function enrichDuckDbError(e: unknown, context: { what: string; file?: string; yamlPath?: string; tables?: Record<string, string[]> }): BoardpackError {
  const msg = firstLine((e as Error)?.message ?? String(e));
  const col = /Referenced column "?([^"\s]+)"? not found/i.exec(msg) ?? /does not have a column named "?([^"\s]+)"?/i.exec(msg) ?? /column "?([^"\s]+)"? (?:does not exist|not found)/i.exec(msg);
  const tbl = /Table with name "?([^"\s]+)"? does not exist/i.exec(msg);
  const tables = context.tables ?? {};
  let code = 'BP_SQL_ERROR';
  let fix = 'check the SQL against the source contract; `boardpack validate` checks every definition';
  let message = `${context.what}: ${msg}`;
  if (col) {
    code = 'BP_SQL_UNKNOWN_COLUMN';
    message = `${context.what}: no column "${col[1]}"`;
    fix = `the columns that exist are: ${Object.entries(tables).map(([t, cs]) => `${t}(${cs.join(', ')})`).join('; ') || 'none'}`;
  } else if (tbl) {
    code = 'BP_SQL_UNKNOWN_TABLE';
    message = `${context.what}: no table "${tbl[1]}"`;
    fix = `the tables that exist are: ${Object.keys(tables).join(', ') || 'none (has anything been ingested?)'}`;
  } else if (/Parser Error/i.test(msg)) {
    code = 'BP_SQL_SYNTAX';
  }
  return new BoardpackError(problem(code, message, { file: context.file, yamlPath: context.yamlPath, fix }), { cause: e });
}
