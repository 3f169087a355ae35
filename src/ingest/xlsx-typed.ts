/**
 * Typed reading of a workbook for the typed path (`load-typed.ts`): each row streamed by the XLSX reader is typed
 * in JS from the source contract and appended to the source's next table with DuckDB's appender, so a workbook's
 * rows never go through the text staging table and its SQL. Only text whose typed value is certain is typed here
 * (plain numbers, markers, ISO dates, text, areas by the same lookup as `stage.ts`), giving exactly the value
 * `stage.ts`'s SQL gives it. A row with any other cell — a bad cell, a UK date, a number with thousands
 * separators, an empty required cell, an unknown area — goes whole, as text, to the raw table, where the text
 * path's own checks judge it (and report it with its sheet, row, column and value) or load it from its text.
 */
import { DuckDBDateValue } from '@duckdb/node-api';
import type { Area, SourceDef } from '../config/types.js';
import { cached } from '../core/bounded-cache.js';
import { BoardpackError } from '../core/errors.js';
import { quoteIdent as q, quoteLiteral, type Warehouse } from '../warehouse/db.js';
import { canonical, contractColumnNames } from './headers.js';
import { RAW_TABLE } from './raw-table.js';
import { rawSink, readXlsx, type RowSink } from './read-xlsx.js';
import { areaLookupOf, isTotalArea, MARKERS } from './stage.js';

/** A plain decimal as `stage.ts` casts it (a count's shape too); anything else is left to the SQL. */
const PLAIN_NUMBER = /^-?[0-9]+(\.[0-9]+)?$/;
const ISO_DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;
const MARKER_SET = new Set(MARKERS);
const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of an ISO date the SQL reads the same way, else undefined (left to the SQL to judge). */
function isoDays(s: string): number | undefined {
  // Extracts repeat the same days many times.
  return cached(dayNumbers, s, () => parseIsoDays(s), 50_000);
}
const dayNumbers = new Map<string, number | undefined>();

function parseIsoDays(s: string): number | undefined {
  const m = ISO_DATE.exec(s);
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  // Years before 1000 and 1900-01-01 (which the typed path's rules leave to the text path) are not typed here.
  if (y < 1000 || mo < 1 || mo > 12 || d < 1 || (y === 1900 && mo === 1 && d === 1)) return undefined;
  const t = Date.UTC(y, mo - 1, d);
  // An impossible day (2024-02-30) rolls over into the next month: the SQL's cast refuses it.
  if (new Date(t).getUTCDate() !== d) return undefined;
  return t / DAY_MS;
}

/** Rows of one file, period and area, and how many break a rule, as the typed path's checking scan gives them. */
export interface ScanCount { f: string; p: string | null; a: string | null; n: number; bad: number }

type Plan =
  | { k: 'file' | 'sheet' | 'row' | 'period' | 'area' }
  | { k: 'num'; at: number; integer: boolean; required: boolean }
  | { k: 'marker' }
  | { k: 'date'; at: number; required: boolean }
  | { k: 'text'; at: number; required: boolean; values?: Set<string> };

const NUMERIC = new Set(['integer', 'decimal']);

/**
 * Reads one workbook into the next table `next` (created empty first when `created` is false), typed, with its
 * rows that need the text path's judgement in the raw table (made by `rawTable`). Returns the rows typed (and
 * "Total" rows dropped), the rows sent as text, the sheets read, and the rows appended per period and area (as the
 * typed path's checking scan counts them: every row appended passes its rules, which are checked here); or undefined when the workbook must be read
 * by the text path (it cannot be read, its header or sheets have a problem, it has no rows).
 */
export async function readXlsxTyped(wh: Warehouse, next: string, created: boolean, schema: Array<[string, string]>, source: SourceDef, areas: Area[],
  file: string, relFile: string, period: string | undefined, loadId: number, rawTable: () => Promise<void>, progress?: (rows: number) => void): Promise<{ rows: number; rejected: number; sheets: string[]; counts: ScanCount[] } | undefined> {
  if (!created) await wh.run(`CREATE TABLE ${q(next)} (${schema.map(([n, t]) => `${q(n)} ${t}`).join(', ')}, _load_id INTEGER)`);
  const cols = contractColumnNames(source);
  const contract = new Map(source.columns.map((c) => [c.name, c]));
  const plan: Plan[] = schema.map(([name]): Plan => {
    if (name === '_file' || name === '_sheet' || name === '_row') return { k: name.slice(1) as 'file' | 'sheet' | 'row' };
    if (name === 'period' && source.period) return { k: 'period' };
    if (name === 'area' && source.areaColumn) return { k: 'area' };
    if (name.endsWith('__marker') && NUMERIC.has(contract.get(name.slice(0, -'__marker'.length))?.type ?? '')) return { k: 'marker' };
    const c = contract.get(name)!;
    const at = cols.indexOf(name);
    const required = Boolean(c.required);
    if (NUMERIC.has(c.type)) return { k: 'num', at, integer: c.type === 'integer', required };
    if (c.type === 'date') return { k: 'date', at, required };
    return { k: 'text', at, required, values: c.values?.length ? new Set(c.values) : undefined };
  });
  const areaAt = source.areaColumn ? cols.indexOf(source.areaColumn) : -1;
  const lookup = areaLookupOf(areas);
  // Areas as written → id ('' for a "Total" row, dropped), undefined for one the text path must report.
  const areaIds = new Map<string, string | undefined>();
  const areaOf = (written: string) => {
    if (areaIds.has(written)) return areaIds.get(written);
    const id = lookup.get(canonical(written)) ?? (isTotalArea(written) ? '' : undefined);
    areaIds.set(written, id);
    return id;
  };

  let appender: Awaited<ReturnType<Warehouse['conn']['createAppender']>> | undefined;
  let pending: Array<[string, number, Array<string | undefined>]> = [];
  let typed = 0;
  // Rows appended per area (all under '' without an area column), for the load's counts.
  let perArea = new Map<string, number>();
  let asText = 0;
  // One row's typed values, by schema position (a marker's value is its text, or null).
  const vals: Array<string | number | null> = new Array(plan.length);
  const typeRow = (cells: Array<string | undefined>): string | null | false => {
    let area: string | null = null;
    if (areaAt >= 0) {
      const written = cells[areaAt];
      const id = written ? areaOf(written) : undefined;
      if (id === undefined) return false;
      // A "Total" row is dropped, whatever its other cells hold (as the text path drops it before its checks).
      if (id === '') return null;
      area = id;
    }
    for (let i = 0; i < plan.length; i++) {
      const p = plan[i];
      switch (p.k) {
        case 'num': {
          const s = cells[p.at];
          let v: number | null = null;
          let marker: string | null = null;
          if (s) {
            if (PLAIN_NUMBER.test(s)) {
              v = Number(s);
              if (!Number.isFinite(v) || (p.integer && (v < 0 || !Number.isInteger(v)))) return false;
            } else {
              const lower = s.length <= 3 && /^[A-Za-z.]+$/.test(s) ? s.toLowerCase() : '';
              if (!MARKER_SET.has(lower)) return false;
              marker = lower;
            }
          } else if (p.required) return false;
          vals[i] = v;
          vals[i + 1] = marker;
          i++;
          break;
        }
        case 'date': {
          const s = cells[p.at];
          if (s) {
            const d = isoDays(s);
            if (d === undefined) return false;
            vals[i] = d;
          } else if (p.required) return false;
          else vals[i] = null;
          break;
        }
        case 'text': {
          const s = cells[p.at];
          if (s) {
            if (p.values && !p.values.has(s)) return false;
            vals[i] = s;
          } else if (p.required) return false;
          else vals[i] = null;
          break;
        }
        default:
          break;
      }
    }
    return area ?? '';
  };
  const sink: RowSink = {
    async open() { appender = await wh.conn.createAppender(next); },
    row(sheet, rowNumber, cells) {
      const area = typeRow(cells);
      if (area === false) {
        pending.push([sheet, rowNumber, cells]);
        asText++;
        return pending.length >= 5000;
      }
      typed++;
      if (area === null) return false;
      perArea.set(area, (perArea.get(area) ?? 0) + 1);
      const a = appender!;
      for (let i = 0; i < plan.length; i++) {
        switch (plan[i].k) {
          case 'file': a.appendVarchar(relFile); break;
          case 'sheet': a.appendVarchar(sheet); break;
          case 'row': a.appendInteger(rowNumber); break;
          case 'period': a.appendVarchar(period!); break;
          case 'area': a.appendVarchar(area); break;
          case 'num': { const v = vals[i] as number | null; if (v === null) a.appendNull(); else a.appendDouble(v); break; }
          case 'date': { const v = vals[i] as number | null; if (v === null) a.appendNull(); else a.appendDate(new DuckDBDateValue(v)); break; }
          default: { const v = vals[i] as string | null; if (v === null) a.appendNull(); else a.appendVarchar(v); break; }
        }
      }
      a.appendInteger(loadId);
      a.endRow();
      return false;
    },
    async flush() {
      if (!pending.length) return;
      await rawTable();
      const raw = rawSink(wh, relFile);
      await raw.open();
      try {
        for (const [sheet, rowNumber, cells] of pending) raw.row(sheet, rowNumber, cells);
      } finally {
        raw.close();
      }
      pending = [];
    },
    close() { appender?.closeSync(); appender = undefined; },
    async discard() {
      // A read that fell short: what it wrote goes, and the workbook is read again.
      await wh.run(`DELETE FROM ${q(next)} WHERE _load_id = ${loadId} AND _file = ${quoteLiteral(relFile)}`);
      if (asText > pending.length) await wh.run(`DELETE FROM temp.${RAW_TABLE} WHERE _file = ${quoteLiteral(relFile)}`);
      pending = [];
      perArea = new Map();
      typed = 0;
      asText = 0;
    },
  };
  try {
    const read = await readXlsx(file, relFile, source, cols, sink, progress);
    if (read.problems.length) return undefined;
    await sink.flush();
    const counts = [...perArea].map(([a, n]) => ({ f: relFile, p: period ?? '', a: source.areaColumn ? a : null, n, bad: 0 }));
    return { rows: typed, rejected: asText, sheets: read.sheets, counts };
  } catch (e) {
    // The text path reads the workbook again and reports what is wrong with it.
    if (e instanceof BoardpackError) return undefined;
    throw e;
  }
}
