/**
 * The embedded DuckDB warehouse: one file per project, one connection per run. Extensions are never
 * installed or autoloaded (none can be downloaded here, and indicator SQL must not pull one in).
 * Every DuckDB error that reaches a user passes through `enrichDuckDbError` first.
 */
import { existsSync, rmdirSync, statfsSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { BoardpackError, problem, type Problem } from '../core/errors.js';
import { ensureWritableFolder, fileNotWritable, whyNotWritable, type NotWritable } from '../core/writable.js';

export type Row = Record<string, unknown>;

export interface Warehouse {
  path: string;
  conn: DuckDBConnection;
  run(sql: string, params?: DuckDBValue[]): Promise<void>;
  all<T = Row>(sql: string, params?: DuckDBValue[]): Promise<T[]>;
  /** Runs `fn` inside BEGIN … COMMIT; rolls back on any error. */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  /** Another connection to the same instance (its settings, confinement included, are the instance's); its close() closes only it. */
  connect(): Promise<Warehouse>;
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
  if (file !== ':memory:' && !options.readOnly) {
    // Asked of the file system first: a read-only project is named as such, not mistaken for a damaged file.
    const refused = ensureWritableFolder(path.dirname(file)) ?? fileNotWritable(file);
    if (refused) throw new BoardpackError(notWritableProblem(file, refused));
  }
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
    throw environmentError(e, file) ?? openError(e, file);
  }
  return connection(file, instance, await instance.connect(), () => {
    instance.closeSync();
    // DuckDB deletes its spill files on close; the folder goes too when it is empty (another instance may still use it).
    if (file !== ':memory:' && !options.readOnly) {
      try { rmdirSync(tempDirectoryFor(file)); } catch { /* absent, or still in use */ }
    }
  });
}

/** One connection of `instance` as a Warehouse; closing it closes the connection, then runs `closeInstance`. */
function connection(file: string, instance: DuckDBInstance, conn: DuckDBConnection, closeInstance: () => void): Warehouse {
  const wh: Warehouse = {
    path: file,
    conn,
    async run(sql, params) {
      try {
        await conn.run(sql, params);
      } catch (e) {
        throw environmentError(e, file) ?? e;
      }
    },
    async all<T>(sql: string, params?: DuckDBValue[]) {
      try {
        const reader = await conn.runAndReadAll(sql, params);
        return reader.getRowObjectsJS().map(plainRow) as T[];
      } catch (e) {
        throw environmentError(e, file) ?? e;
      }
    },
    async transaction<T>(fn: () => Promise<T>) {
      await wh.run('BEGIN TRANSACTION');
      try {
        const out = await fn();
        await wh.run('COMMIT');
        return out;
      } catch (e) {
        try { await conn.run('ROLLBACK'); } catch { /* already rolled back by DuckDB */ }
        throw environmentError(e, file) ?? e;
      }
    },
    async connect() {
      return connection(file, instance, await instance.connect(), () => {});
    },
    close() {
      conn.closeSync();
      closeInstance();
    },
  };
  return wh;
}

/**
 * DuckDB's error type, which its messages carry as their prefix ("IO Error: …" → "IO", "Out of Memory Error: …"
 * → "Out of Memory"): @duckdb/node-api exposes no other field for it.
 */
export function duckDbErrorType(e: unknown): string | undefined {
  return /^([A-Za-z][A-Za-z -]*?) Error: /.exec(messageOf(e))?.[1];
}

const messageOf = (e: unknown) => (e as Error)?.message ?? String(e);

/** Bytes free for this user on the disk that holds `file`'s folder (undefined when the system cannot say). */
function freeBytes(file: string): number | undefined {
  try {
    const st = statfsSync(path.dirname(file));
    return st.bavail * st.bsize;
  } catch {
    return undefined;
  }
}

const MiB = 1024 * 1024;
/** Free space below which a failed spill or write is put down to a full disk. */
const LOW_DISK = 64 * MiB;
const sizeText = (n: number) => (n >= 10 * MiB ? `${Math.round(n / MiB)} MB` : `${Math.round(n / 1024)} KB`);

/**
 * DuckDB errors that come from where the warehouse lives rather than from the SQL: no space left on its disk,
 * memory too small for the work, a damaged file. Classified by DuckDB's error type; the disk is then asked
 * how much space is free, since DuckDB reports a spill that found no room as "Out of Memory". Undefined for
 * any other error (and for errors already coded).
 */
export function environmentError(e: unknown, file: string | undefined): BoardpackError | undefined {
  if (e instanceof BoardpackError) return undefined;
  const msg = messageOf(e);
  const type = duckDbErrorType(e);
  // A COMMIT that failed carries the cause after its own prefix, without a type of its own.
  const commit = type === 'TransactionContext' ? /^TransactionContext Error: Failed to commit: (.*)/s.exec(msg)?.[1] : undefined;
  const memory = type === 'Out of Memory' || (commit !== undefined && /^(Out of Memory Error: )?could not allocate/i.test(commit));
  const io = type === 'IO' || (commit !== undefined && !memory);
  if (!memory && !io) return undefined;
  const onDisk = file !== undefined && file !== ':memory:';
  const free = onDisk ? freeBytes(file) : undefined;
  // The spill folder sits beside the warehouse: DuckDB's "out of memory" with next to no room left there is a
  // spill that found no space, not a memory limit too small.
  const lowDisk = free !== undefined && free < LOW_DISK;
  const diskFull = /No space left on device|Disk quota exceeded/i.test(msg) || (lowDisk && (memory || /Could not write/i.test(msg)));
  if (onDisk && diskFull) {
    return new BoardpackError(problem('BP_WAREHOUSE_DISK_FULL', `no space left on the disk that holds the warehouse${free !== undefined ? ` (${sizeText(free)} free in ${path.dirname(file)})` : ''}`, {
      file, fix: 'free some space on that disk and run again (what was loaded before is intact), or put the warehouse on a disk with room: `--warehouse FILE` on `boardpack run`, or `warehouse:` in boardpack.yaml',
    }), { cause: e });
  }
  if (memory) {
    const set = process.env.BOARDPACK_MEMORY_LIMIT?.trim();
    return new BoardpackError(problem('BP_WAREHOUSE_OUT_OF_MEMORY', set
      ? `DuckDB ran out of memory within BOARDPACK_MEMORY_LIMIT=${set}, too small for this work`
      : `DuckDB ran out of memory within its default limit of ${DEFAULT_MEMORY_LIMIT}`, {
      file,
      fix: set ? `raise BOARDPACK_MEMORY_LIMIT (e.g. 1GB), or unset it for the default (${DEFAULT_MEMORY_LIMIT})` : 'set BOARDPACK_MEMORY_LIMIT higher, e.g. BOARDPACK_MEMORY_LIMIT=2GB',
    }), { cause: e });
  }
  if (onDisk && /^IO Error: Corrupt database file/.test(msg)) return corruptError(e, file);
  return undefined;
}

/** The warehouse file is not a DuckDB database, or is damaged: it is a cache of the extracts, so it can be rebuilt. */
function corruptError(e: unknown, file: string): BoardpackError {
  return new BoardpackError(problem('BP_WAREHOUSE_CORRUPT', `the warehouse file is not a valid DuckDB database or is damaged (DuckDB: ${firstLine(messageOf(e)).replace(/^IO Error: /, '')})`, {
    file, fix: `move it aside (e.g. rename it to ${path.basename(file)}.damaged) and run \`boardpack ingest\` again: the warehouse is rebuilt from the extracts`,
  }), { cause: e });
}

/** Why DuckDB could not open the warehouse, once disk and memory are ruled out: another run, or the file itself. */
function openError(e: unknown, file: string): BoardpackError {
  const msg = messageOf(e);
  const type = duckDbErrorType(e);
  if (type === 'IO' && /^IO Error: Could not set lock on file/.test(msg)) {
    const pid = /\(PID (\d+)\)/.exec(msg)?.[1];
    return new BoardpackError(problem('BP_WAREHOUSE_LOCKED', `the warehouse is in use by another boardpack run${pid ? ` (process ${pid})` : ''}`, {
      file, fix: 'wait for the other run to finish, or point this run at another warehouse (`warehouse:` in boardpack.yaml)',
    }), { cause: e });
  }
  // The folder and file were checked writable above, so an existing file DuckDB cannot open is not its database.
  if (file !== ':memory:' && existsSync(file) && (type === 'IO' || type === 'Serialization' || type === 'INTERNAL')) return corruptError(e, file);
  return new BoardpackError(problem('BP_WAREHOUSE_OPEN', `cannot open the warehouse: ${firstLine(msg)}`, {
    file, fix: 'check the warehouse path (`warehouse:` in boardpack.yaml, or --warehouse)',
  }), { cause: e });
}

/** A problem when the warehouse could not be kept at `file` (its folder, or the file, cannot be written); asks, creates nothing. */
export function warehouseNotWritable(file: string): Problem | undefined {
  if (file === ':memory:') return undefined;
  const refused = whyNotWritable(path.dirname(file)) ?? fileNotWritable(file);
  return refused && notWritableProblem(file, refused);
}

function notWritableProblem(file: string, refused: NotWritable): Problem {
  const fileItself = refused.folder === path.resolve(file);
  return problem('BP_WAREHOUSE_NOT_WRITABLE', `${fileItself ? 'the warehouse file' : `the folder ${refused.folder}`} is not writable (${refused.reason}), so the warehouse cannot be kept there`, {
    file,
    fix: refused.code === 'ENOTDIR'
      ? `move that file aside, or choose another warehouse path`
      : 'keep the warehouse and the pack in a writable folder: `boardpack run --warehouse DIR/warehouse.duckdb --out DIR/out`, or `warehouse:` and `outputs.dir:` in boardpack.yaml (with --allow-outside DIR when it is outside the project)',
  });
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
  if (e instanceof BoardpackError) return e;
  const env = environmentError(e, undefined);
  if (env) return env;
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
