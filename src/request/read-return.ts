/**
 * Returned request workbooks, on the ingest side. Every `.xlsx` in the project's `returns/` folder is opened
 * (within the same inflated-size limit as any workbook) and recognised by its very hidden identity sheet: the
 * source it belongs to, the contract version it was made from, the data sheet and its header row. Its rows are
 * then read from exactly that sheet and row, never guessed, into the source's raw table beside the source's
 * own files, so typing, markers, periods and areas are checked as for any extract.
 *
 * A return made from an older (or newer) contract version is refused, naming both versions: its columns may
 * no longer mean what the contract now says. Its rows take precedence over the source's own files for the same
 * period and locality (a revision of an earlier period replaces only that locality's row), or, for a
 * record-level source with a `key:`, for the same key; other records are added.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
// exceljs only when a return is read: most runs read none.
import type ExcelJS from 'exceljs';
import { BoardpackError, problem, type Problem } from '../core/errors.js';
import { notRegularProblem, outsideProblem } from '../core/paths.js';
import type { Area, Config, SourceDef } from '../config/types.js';
import { quoteIdent, quoteLiteral, type Warehouse } from '../warehouse/db.js';
import { cellText, scanXlsxZip } from '../ingest/read-xlsx.js';
import { canonical, matchHeaders } from '../ingest/headers.js';
import { parsePeriodLabel } from '../ingest/period-labels.js';
import { RAW_TABLE } from '../ingest/raw-table.js';
import { areaLookupOf } from '../ingest/stage.js';
import { IDENTITY_SHEET, RETURNS_DIR, parseIdentity, type ReturnIdentity } from './layout.js';

export interface FoundReturn {
  /** Absolute path. */
  file: string;
  identity: ReturnIdentity;
}

export interface ReturnsFound {
  bySource: Map<string, FoundReturn[]>;
  problems: Problem[];
}

const workbooks = new Map<string, { mtimeMs: number; size: number; wb: ExcelJS.Workbook }>();

/** Opens a workbook whole (returns are small), after the zip scan that refuses zip bombs; cached per file version. */
async function openWorkbook(file: string, relFile: string): Promise<ExcelJS.Workbook> {
  const st = statSync(file);
  const cached = workbooks.get(file);
  if (cached && cached.mtimeMs === st.mtimeMs && cached.size === st.size) return cached.wb;
  await scanXlsxZip(file, relFile);
  const { default: Excel } = await import('exceljs');
  const wb = new Excel.Workbook();
  try {
    await wb.xlsx.readFile(file);
  } catch (e) {
    throw new BoardpackError(problem('BP_INGEST_XLSX_UNREADABLE', `the workbook cannot be read: ${(e as Error).message?.split('\n')[0]}`, {
      file: relFile, fix: 'the file may be truncated or damaged: open it in Excel, save it again, and resend',
    }), { cause: e });
  }
  workbooks.clear();
  workbooks.set(file, { mtimeMs: st.mtimeMs, size: st.size, wb });
  return wb;
}

/** The identity of a request workbook, or undefined when the workbook is not one. */
export async function readReturnIdentity(file: string, relFile = file): Promise<ReturnIdentity | undefined> {
  const wb = await openWorkbook(file, relFile);
  const ws = wb.getWorksheet(IDENTITY_SHEET);
  if (!ws) return undefined;
  const rows = new Map<string, string>();
  ws.eachRow((row) => { rows.set(cellText(row.getCell(1).value).trim(), cellText(row.getCell(2).value).trim()); });
  return parseIdentity(rows);
}

/** Every returned request workbook in the project's returns/ folder, by the source it names. */
export async function findReturns(config: Config): Promise<ReturnsFound> {
  const dir = path.join(config.root, RETURNS_DIR);
  const out: ReturnsFound = { bySource: new Map(), problems: [] };
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => /\.xlsx$/i.test(n) && !n.startsWith('~$')).sort();
  } catch {
    return out;
  }
  for (const name of names) {
    const file = path.join(dir, name);
    const rel = path.relative(config.root, file);
    // Like every project path: inside the project once symlinks are resolved, and a regular file (a FIFO never hangs ingest).
    const refused = outsideProblem(file, [config.root], { what: `the return ${rel}`, file: rel }, 'BP_RETURN_PATH_OUTSIDE')
      ?? notRegularProblem(file, { what: `the return ${rel}`, file: rel }, 'BP_RETURN_NOT_A_FILE');
    if (refused) {
      out.problems.push(refused);
      continue;
    }
    let identity: ReturnIdentity | undefined;
    try {
      identity = await readReturnIdentity(file, rel);
    } catch (e) {
      if (!(e instanceof BoardpackError)) throw e;
      out.problems.push(...e.problems);
      continue;
    }
    if (!identity) {
      out.problems.push(problem('BP_RETURN_NOT_RECOGNISED', `the workbook is not a boardpack data return (it has no ${IDENTITY_SHEET} sheet), so it was not read`, {
        severity: 'warning', file: rel,
        fix: `returns/ is for the workbooks \`boardpack request\` writes, filled in; put any other extract where its source's \`path:\` points`,
      }));
      continue;
    }
    if (!config.sources.some((s) => s.id === identity!.source)) {
      out.problems.push(problem('BP_RETURN_UNKNOWN_SOURCE', `the return was made for source "${identity.source}", which is not in boardpack.yaml`, {
        file: rel, value: identity.source, expected: config.sources.map((s) => s.id).join(', '),
        fix: 'add the source back to boardpack.yaml, or move the workbook out of returns/',
      }));
      continue;
    }
    const list = out.bySource.get(identity.source) ?? [];
    list.push({ file, identity });
    out.bySource.set(identity.source, list);
  }
  return out;
}

/** The return's contract version against the source's: a mismatch refuses the file, naming both versions. */
export function checkContractVersion(found: ReturnIdentity, source: SourceDef, relFile: string): Problem | undefined {
  if (found.contractVersion === source.contractVersion) return undefined;
  const older = Number(found.contractVersion) < Number(source.contractVersion) || (!Number.isFinite(Number(found.contractVersion)) && found.contractVersion < source.contractVersion);
  return problem('BP_RETURN_CONTRACT_VERSION', `the return was made from contract version ${found.contractVersion} of source ${source.id}, but the contract is now version ${source.contractVersion}${older ? ': it is a template of an older contract' : ''}, so its columns may not mean what the contract says`, {
    file: relFile, value: `contract version ${found.contractVersion}`, expected: `contract version ${source.contractVersion}`,
    fix: `send ${source.partner || 'the partner'} a new template (boardpack request --source ${source.id}${found.period ? ` --period ${found.period}` : ''}) and ask them to copy their figures into it`,
  });
}

/** Reads a returned workbook's data rows into the raw table, from the sheet and header row its identity names. */
export async function readReturnToRaw(wh: Warehouse, found: FoundReturn, relFile: string, source: SourceDef, cols: string[]): Promise<{ rows: number; problems: Problem[]; sheets: string[] }> {
  const version = checkContractVersion(found.identity, source, relFile);
  if (version) throw new BoardpackError(version);
  const wb = await openWorkbook(found.file, relFile);
  const ws = wb.getWorksheet(found.identity.dataSheet);
  if (!ws) {
    throw new BoardpackError(problem('BP_RETURN_SHEET_MISSING', `the return has no sheet "${found.identity.dataSheet}"`, {
      file: relFile, sheet: found.identity.dataSheet, expected: found.identity.dataSheet,
      fix: `the sheet was renamed or deleted: rename it back to "${found.identity.dataSheet}", or ask the partner to fill in a fresh template`,
    }));
  }
  const width = Math.max(ws.columnCount, found.identity.columns.length);
  const rowText = (row: ExcelJS.Row) => Array.from({ length: width }, (_, i) => cellText(row.getCell(i + 1).value).trim());
  const headers = rowText(ws.getRow(found.identity.headerRow));
  const where = { file: relFile, sheet: ws.name, row: found.identity.headerRow };
  // A wide source's template is written long (its names_to and values_to columns as they are): matched by name.
  const match = source.wide ? matchByName(headers, cols, source, where) : matchHeaders(headers, source, where);
  if (match.problems.some((p) => p.severity === 'error')) return { rows: 0, problems: match.problems, sheets: [ws.name] };
  const colIdx = cols.map((c) => match.index.get(c) ?? -1);
  // A source whose period is its sheet's name reads it from `_sheet`: the data sheet stands for the period asked for.
  const sheetValue = source.period?.sheetName ? found.identity.period : ws.name;
  const appender = await wh.conn.createAppender(RAW_TABLE, 'main', 'temp');
  let rows = 0;
  try {
    for (let r = found.identity.headerRow + 1; r <= ws.rowCount; r++) {
      const values = rowText(ws.getRow(r));
      // Rows left blank (the spare and revision rows nobody used) are not data.
      if (values.every((v) => v === '')) continue;
      appender.appendVarchar(relFile);
      appender.appendVarchar(sheetValue);
      appender.appendInteger(r);
      for (const i of colIdx) {
        const v = i >= 0 ? values[i] : '';
        if (v === '' || v === undefined) appender.appendNull();
        else appender.appendVarchar(v);
      }
      appender.endRow();
      rows++;
    }
  } finally {
    appender.closeSync();
  }
  const problems = [...match.problems];
  if (rows === 0) problems.push(problem('BP_INGEST_NO_ROWS', 'the return has no rows filled in', { severity: 'warning', file: relFile, sheet: ws.name, fix: 'ask the partner to fill in the template, or move it out of returns/' }));
  return { rows, problems, sheets: [ws.name] };
}

function matchByName(headers: string[], cols: string[], source: SourceDef, where: { file: string; sheet: string; row: number }): { index: Map<string, number>; problems: Problem[] } {
  const canon = headers.map(canonical);
  const index = new Map<string, number>();
  const problems: Problem[] = [];
  for (const name of cols) {
    const i = canon.indexOf(canonical(name));
    if (i >= 0) index.set(name, i);
    else if (source.columns.find((c) => c.name === name)?.required !== false) {
      problems.push(problem('BP_INGEST_MISSING_COLUMN', `column "${name}" is missing`, {
        ...where, column: name, expected: `a header named ${name}`, value: headers.filter(Boolean).join(', '),
        fix: 'the header row of the template was changed: put the header back, or ask the partner to fill in a fresh template',
      }));
    }
  }
  return { index, problems };
}

/**
 * Rows of a return replace the source's own rows for the same period and locality (or, record level with a
 * `key:`, the same key), before anything is typed or checked, so a revision is one row, not a whole period.
 * Periods and areas are compared as stage.ts will map them (any way of writing them), not as written.
 */
export async function applyReturnPrecedence(wh: Warehouse, source: SourceDef, areas: Area[], returnFiles: string[]): Promise<number> {
  if (!returnFiles.length) return 0;
  const fromReturn = `_file IN (${returnFiles.map(quoteLiteral).join(', ')})`;
  const [{ n: before }] = await wh.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${RAW_TABLE}`);
  const periodCol = source.period?.column && !source.period.fixed && source.period.fileName === undefined && !source.period.sheetName ? source.period.column : undefined;
  if (periodCol) {
    const areaLookup = areaLookupOf(areas);
    const areaSql = source.areaColumn ? `trim(${quoteIdent(source.areaColumn)})` : 'NULL';
    const pairs = await wh.all<{ p: string | null; a: string | null; r: boolean }>(
      `SELECT DISTINCT trim(${quoteIdent(periodCol)}) AS p, ${areaSql} AS a, ${fromReturn} AS r FROM ${RAW_TABLE}`);
    const keyOf = (p: string | null, a: string | null) => {
      const pid = p ? parsePeriodLabel(p, source.period!.type) : undefined;
      if (!pid) return undefined;
      const aid = source.areaColumn ? (a ? areaLookup.get(canonical(a)) : undefined) : '';
      return aid === undefined ? undefined : `${pid}\u0000${aid}`;
    };
    const returned = new Set(pairs.filter((x) => x.r).map((x) => keyOf(x.p, x.a)).filter((k): k is string => Boolean(k)));
    for (const x of pairs.filter((x) => !x.r)) {
      const k = keyOf(x.p, x.a);
      if (!k || !returned.has(k)) continue;
      await wh.run(`DELETE FROM ${RAW_TABLE} WHERE NOT (${fromReturn}) AND trim(${quoteIdent(periodCol)}) IS NOT DISTINCT FROM ? AND ${areaSql} IS NOT DISTINCT FROM ?`, [x.p, x.a]);
    }
  } else if (!source.period && source.key?.length) {
    const same = source.key.map((k) => `trim(t.${quoteIdent(k)}) IS NOT DISTINCT FROM trim(r.${quoteIdent(k)})`).join(' AND ');
    await wh.run(`DELETE FROM ${RAW_TABLE} r WHERE NOT (r.${fromReturn}) AND EXISTS (SELECT 1 FROM ${RAW_TABLE} t WHERE t.${fromReturn} AND ${same})`);
  }
  const [{ n: after }] = await wh.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${RAW_TABLE}`);
  return before - after;
}
