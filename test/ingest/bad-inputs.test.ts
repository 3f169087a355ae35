/**
 * The catalogue of broken inputs: each case breaks one extract of the init project and asserts the coded
 * problem with its row and column, and that the source's previously loaded data is still there.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { openWarehouse } from '../../src/warehouse/db.js';
import { loadProject } from '../../src/config/load.js';
import { typedReadable } from '../../src/ingest/load-typed.js';
import { editFile, makeProject, readText } from '../helpers/project.js';
import { ingestFolder, loadedProjectCopies } from '../helpers/ingest.js';

const SCHOOLS = 'extracts/schools.csv';
const HEADER = 'term,locality,eligible_2yo,taking_place';

interface Case { name: string; file: string; content: string | Uint8Array; code: string; row?: number; column?: string }

const cases: Case[] = [
  { name: 'text in a number', file: SCHOOLS, content: `${HEADER}\nAutumn 2023/24,East,two hundred,150\n`, code: 'BP_INGEST_BAD_NUMBER', row: 2, column: 'eligible_2yo' },
  { name: 'decimal comma', file: SCHOOLS, content: `${HEADER}\nAutumn 2023/24,East,"12,5",10\n`, code: 'BP_INGEST_BAD_NUMBER', row: 2, column: 'eligible_2yo' },
  { name: 'missing column', file: SCHOOLS, content: 'term,locality,eligible_2yo\nAutumn 2023/24,East,200\n', code: 'BP_INGEST_MISSING_COLUMN', column: 'taking_place' },
  { name: 'renamed column without alias', file: SCHOOLS, content: 'term,locality,eligible_2yo,taking_places\nAutumn 2023/24,East,200,150\n', code: 'BP_INGEST_RENAMED_COLUMN', column: 'taking_place' },
  { name: 'unknown area', file: SCHOOLS, content: `${HEADER}\nAutumn 2023/24,East,200,150\nAutumn 2023/24,Narnia,200,150\n`, code: 'BP_INGEST_UNKNOWN_AREA', row: 3, column: 'locality' },
  { name: 'bad period', file: SCHOOLS, content: `${HEADER}\nAutumn 2023/24,East,200,150\nWinter 2023,West,200,150\n`, code: 'BP_INGEST_BAD_PERIOD', row: 3, column: 'term' },
  { name: 'empty file', file: SCHOOLS, content: '', code: 'BP_INGEST_EMPTY_FILE' },
  { name: 'header-only file', file: SCHOOLS, content: `${HEADER}\n`, code: 'BP_INGEST_NO_ROWS' },
  { name: 'a workbook saved as .csv', file: SCHOOLS, content: Buffer.from('PK\u0003\u0004rest-of-zip'), code: 'BP_INGEST_WRONG_FORMAT' },
  { name: 'more fields than the header', file: SCHOOLS, content: `${HEADER}\nAutumn 2023/24,East,200,150\nAutumn 2023/24,West,200,150,99,98\n`, code: 'BP_INGEST_CSV_MALFORMED' },
  { name: 'negative count', file: SCHOOLS, content: `${HEADER}\nAutumn 2023/24,East,-5,1\n`, code: 'BP_INGEST_NEGATIVE', row: 2, column: 'eligible_2yo' },
  { name: 'fraction in a count', file: SCHOOLS, content: `${HEADER}\nAutumn 2023/24,East,200.5,1\n`, code: 'BP_INGEST_NOT_INTEGER', row: 2, column: 'eligible_2yo' },
  { name: 'empty required cell', file: SCHOOLS, content: `${HEADER}\nAutumn 2023/24,East,,1\n`, code: 'BP_INGEST_EMPTY_REQUIRED', row: 2, column: 'eligible_2yo' },
  { name: 'impossible date', file: 'extracts/early-help-episodes.csv', content: 'child_id,locality,start_date,end_date\nA1,East,2024-02-30,\n', code: 'BP_INGEST_BAD_DATE', row: 2, column: 'start_date' },
  { name: 'text that is not a date', file: 'extracts/early-help-episodes.csv', content: 'child_id,locality,start_date,end_date\nA1,East,2024-01-03,\nA2,West,soon,\n', code: 'BP_INGEST_BAD_DATE', row: 3, column: 'start_date' },
  // Issue #10: year 0000 is not a date anyone means; DuckDB's TRY_STRPTIME reads "infinity" as a date.
  { name: 'a date in year 0000', file: 'extracts/early-help-episodes.csv', content: 'child_id,locality,start_date,end_date\nA1,East,2024-01-03,\nA2,West,0000-01-01,\n', code: 'BP_INGEST_BAD_DATE', row: 3, column: 'start_date' },
  { name: 'a UK date in year 0000', file: 'extracts/early-help-episodes.csv', content: 'child_id,locality,start_date,end_date\nA1,East,2024-01-03,01/02/0000\n', code: 'BP_INGEST_BAD_DATE', row: 2, column: 'end_date' },
  { name: '"infinity" in a date column', file: 'extracts/early-help-episodes.csv', content: 'child_id,locality,start_date,end_date\nA1,East,infinity,\n', code: 'BP_INGEST_BAD_DATE', row: 2, column: 'start_date' },
  // Issue #10: a header that names a contract column twice is ambiguous (DuckDB would silently rename the second).
  { name: 'a repeated header', file: SCHOOLS, content: 'term,locality,eligible_2yo,taking_place,locality\nAutumn 2023/24,East,200,150,West\n', code: 'BP_INGEST_DUPLICATE_HEADER', row: 1, column: 'locality' },
  { name: 'a header repeated in other case and spacing', file: SCHOOLS, content: 'term,Locality,eligible_2yo,taking_place, LOCALITY \nAutumn 2023/24,East,200,150,West\n', code: 'BP_INGEST_DUPLICATE_HEADER', row: 1, column: 'locality' },
  { name: 'a repeated header below a title block', file: SCHOOLS, content: 'Schools census extract\n\nterm,locality,eligible_2yo,taking_place,taking_place\nAutumn 2023/24,East,200,150,150\n', code: 'BP_INGEST_DUPLICATE_HEADER', row: 3, column: 'taking_place' },
  { name: 'a CSV saved as .xlsx', file: 'extracts/health.xlsx', content: 'quarter,locality\n', code: 'BP_INGEST_WRONG_FORMAT' },
  { name: 'password-protected workbook', file: 'extracts/health.xlsx', content: Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0]), code: 'BP_INGEST_XLSX_ENCRYPTED' },
  { name: 'truncated workbook', file: 'extracts/health.xlsx', content: 'TRUNCATE', code: 'BP_INGEST_XLSX_UNREADABLE' },
  // The workbook's own header row, with its second column repeated at the end (values and all).
  { name: 'a header repeated in a workbook', file: 'extracts/health.xlsx', content: 'REPEAT_XLSX_COLUMN', code: 'BP_INGEST_DUPLICATE_HEADER' },
];

/** The workbook with column B copied to a new last column on every sheet: two columns with the same header. */
async function withRepeatedColumn(file: string): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  for (const ws of wb.worksheets) {
    const last = ws.columnCount + 1;
    ws.eachRow((row) => { row.getCell(last).value = row.getCell(2).value; });
  }
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

describe('broken inputs', () => {
  // One good load of the init project for all the cases; each breaks a source in its own copy of it.
  const loadedCopy = loadedProjectCopies();
  for (const c of cases) {
    it(`${c.name} → ${c.code}, previous data kept`, async () => {
      const before = await loadedCopy();
      const { root } = before;
      expect(before.report.problems.filter((p) => p.severity === 'error')).toEqual([]);
      const source = before.config.sources.find((s) => path.resolve(root, s.relativePath) === path.resolve(root, c.file))!;
      let content = c.content;
      if (content === 'TRUNCATE') {
        const { readFileSync } = await import('node:fs');
        const full = readFileSync(path.join(root, c.file));
        content = full.subarray(0, Math.floor(full.length / 2));
      }
      if (content === 'REPEAT_XLSX_COLUMN') content = await withRepeatedColumn(path.join(root, c.file));
      writeFileSync(path.join(root, c.file), content);
      const after = await ingestFolder(root, { sources: [source.id] });
      const s = after.report.sources[0];
      expect(s.status).toBe('failed');
      const p = s.problems.find((x) => x.code === c.code);
      expect(p, JSON.stringify(s.problems)).toBeDefined();
      expect(p!.file).toBe(c.file);
      if (c.row !== undefined) expect(p!.row).toBe(c.row);
      if (c.column !== undefined) expect(p!.column).toBe(c.column);
      expect(p!.fix).toBeTruthy();
      // The previous good load of that source is untouched.
      const wh = await openWarehouse(before.config.warehousePath);
      try {
        const [{ n }] = await wh.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${source.table}`);
        expect(n).toBe(before.report.sources.find((x) => x.source === source.id)!.rowsLoaded);
      } finally {
        wh.close();
      }
    });
  }

  it('keeps official markers as markers beside a NULL, never as zero', async () => {
    const root = await makeProject({ [SCHOOLS]: `${HEADER}\nAutumn 2023/24,East,200,c\nAutumn 2023/24,West,"1,200",x\n` });
    const { config } = await ingestFolder(root, { sources: ['schools'] });
    const wh = await openWarehouse(config.warehousePath);
    const rows = await wh.all(`SELECT area, eligible_2yo, taking_place, taking_place__marker FROM schools ORDER BY area`);
    wh.close();
    expect(rows).toEqual([
      { area: 'east', eligible_2yo: 200, taking_place: null, taking_place__marker: 'c' },
      { area: 'west', eligible_2yo: 1200, taking_place: null, taking_place__marker: 'x' },
    ]);
  });

  it('reads a BOM, Windows-1252 text and "93%" beside 0.93', async () => {
    const root = await makeProject();
    const { editFile } = await import('../helpers/project.js');
    editFile(root, 'boardpack.yaml', '      taking_place: { type: integer }\n', '      taking_place: { type: integer }\n      rate: { type: percent, required: false }\n      note: { type: text, required: false }\n');
    editFile(root, 'boardpack.yaml', '    partner: Example Council Education\n', '    partner: Example Council Education\n    encoding: windows-1252\n');
    const latin = Buffer.from(`${HEADER},rate,note\nAutumn 2023/24,East,200,150,93%,caf\u00e9\nAutumn 2023/24,West,100,50,50%,na\u00efve\n`, 'latin1');
    writeFileSync(path.join(root, SCHOOLS), latin);
    const { config, report } = await ingestFolder(root, { sources: ['schools'] });
    expect(report.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const wh = await openWarehouse(config.warehousePath);
    const rows = await wh.all(`SELECT area, rate, note FROM schools ORDER BY area`);
    wh.close();
    expect(rows).toEqual([{ area: 'east', rate: 93, note: 'café' }, { area: 'west', rate: 50, note: 'naïve' }]);

    const root2 = await makeProject();
    editFile(root2, 'boardpack.yaml', '      taking_place: { type: integer }\n', '      taking_place: { type: integer }\n      rate: { type: percent }\n');
    writeFileSync(path.join(root2, SCHOOLS), `\uFEFF${HEADER},rate\nAutumn 2023/24,East,200,150,0.93\nAutumn 2023/24,West,100,50,0.5\n`);
    const r2 = await ingestFolder(root2, { sources: ['schools'] });
    expect(r2.report.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const wh2 = await openWarehouse(r2.config.warehousePath);
    expect(await wh2.all(`SELECT area, rate FROM schools ORDER BY area`)).toEqual([{ area: 'east', rate: 93 }, { area: 'west', rate: 50 }]);
    wh2.close();
  });

  it('a repeated header the contract does not read is a warning, and the file loads', async () => {
    const root = await makeProject({ [SCHOOLS]: `${HEADER},notes,Notes\nAutumn 2023/24,East,200,150,a,b\nAutumn 2023/24,West,100,50,,\n` });
    const { report } = await ingestFolder(root, { sources: ['schools'] });
    const s = report.sources[0];
    expect(s.status).toBe('loaded');
    expect(s.problems.map((p) => [p.code, p.severity, p.row, p.column])).toEqual([['BP_INGEST_DUPLICATE_HEADER', 'warning', 1, 'notes']]);
    expect(s.problems[0].message).toContain('column E');
  });

  it('numbers rows as a spreadsheet shows them: quoted line breaks, a title block, skipped notes rows', async () => {
    const root = await makeProject();
    const { editFile } = await import('../helpers/project.js');
    editFile(root, 'boardpack.yaml', '    partner: Example Council Education\n', '    partner: Example Council Education\n    skip_rows_matching: [Note]\n');
    editFile(root, 'boardpack.yaml', '      taking_place: { type: integer }\n', '      taking_place: { type: integer }\n      comment: { type: text, required: false }\n');
    writeFileSync(path.join(root, SCHOOLS), [
      'Schools census extract', 'Published quarterly', '',
      `${HEADER},comment`,
      'Autumn 2023/24,East,200,150,"two\nlines"',
      'Note: figures are provisional,,,,',
      'Autumn 2023/24,West,n/a,150,',
      'Note: the end,,,,',
      '',
    ].join('\n'));
    const { report } = await ingestFolder(root, { sources: ['schools'] });
    const s = report.sources[0];
    expect(s.status).toBe('failed');
    // Row 5 (with the line break) is one row, as in Excel; the notes rows are skipped but counted as read.
    expect(s.problems.map((p) => [p.code, p.row, p.column, p.value])).toEqual([['BP_INGEST_BAD_NUMBER', 7, 'eligible_2yo', 'n/a']]);
    expect(s.files[0].rows).toBe(4);
  });

  // The staging tables are temporary tables of the run's connection: each source's are dropped once it is loaded
  // or refused, so a small extract's typed rows (kept in a table while it is checked) do not stay for the run.
  it('leaves no copy of an extract\'s rows behind on its connection, whether sources load or fail', async () => {
    const root = await makeProject({ 'extracts/early-help-episodes.csv': 'child_id,locality,start_date,end_date\nA1,East,2024-01-03,\nA2,West,30/04/2024,\n' });
    editFile(root, 'extracts/schools.csv', 'Autumn 2023/24,East,', 'Autumn 2023/24,East,n/a,');
    const { report, wh } = await ingestFolder(root, { keepOpen: true });
    try {
      expect(Object.fromEntries(report.sources.map((s) => [s.source, s.status]))).toEqual({ health: 'loaded', schools: 'failed', early_help: 'loaded' });
      const left = await wh.all<{ name: string }>(`SELECT table_name AS name FROM duckdb_tables() WHERE temporary
        UNION ALL SELECT view_name FROM duckdb_views() WHERE temporary AND NOT internal ORDER BY 1`);
      // What may stay: the period and area lookups and DuckDB's rejects tables, a few rows each, replaced per source.
      expect(left.map((t) => t.name).filter((n) => !['bp_area_map', 'bp_period_map', 'bp_rejects', 'bp_rejects_scan'].includes(n))).toEqual([]);
    } finally {
      wh.close();
    }
  });

  it('loading the same files twice changes nothing', async () => {
    const root = await makeProject();
    const first = await ingestFolder(root);
    const second = await ingestFolder(root);
    expect(second.report.sources.map((s) => s.status)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(second.report.sources.map((s) => s.rowsLoaded)).toEqual(first.report.sources.map((s) => s.rowsLoaded));
    expect(readText(root, SCHOOLS)).toContain('term,locality');
  });

  // The typed reader rejects a line it cannot type, and its typed rows can break a rule: those lines alone are read
  // again as text and judged by the text path's checks. Forcing the whole text path (a `skip_rows_matching` rule
  // that matches nothing) must give the same problems, and the same table when every row is fine.
  it('the typed path reports and loads exactly what the text path does, re-reading only the bad lines', async () => {
    const EH = 'extracts/early-help-episodes.csv';
    const head = 'child_id,locality,start_date,end_date,outcome';
    const bad = [head, 'A1,East,2024-01-03,,needs_met', 'A2,West,30/04/2024,,', '"A3\nsecond line",East,2024-02-30,,', 'A4,Narnia,2024-01-05,,',
      ',East,2024-01-06,,', 'A6,West,2024-01-07,,maybe', 'A7,West,infinity,,', 'A8, east ,2024-01-08,2024-13-01,other'].join('\n');
    const good = [head, 'A1,East,2024-01-03,,needs_met', 'A2,West,30/04/2024,,', '"A3\nsecond line",East,2024-02-03,1 May 2024,', 'A4, east ,2024-01-05,, other ',
      // Spellings of an area and text cells that trimming changes or keeps (a no-break space is trimmed too).
      'A5,EAST,2024-01-06,,', '\u00a0A6 ,east,2024-01-07,,', 'Ä7\u3000,West,2024-01-08,,'].join('\n');
    const run = async (content: string, textPath: boolean) => {
      const root = await makeProject({ [EH]: `${content}\n` });
      if (textPath) editFile(root, 'boardpack.yaml', '    area_column: locality\n    columns:\n      child_id', '    area_column: locality\n    skip_rows_matching: [never-in-this-file]\n    columns:\n      child_id');
      const { report, config } = await ingestFolder(root, { sources: ['early_help'] });
      const wh = await openWarehouse(config.warehousePath);
      try {
        const table = report.sources[0].status === 'loaded' ? await wh.all(`SELECT * EXCLUDE (_load_id) FROM early_help ORDER BY _row`) : [];
        return { s: report.sources[0], table };
      } finally {
        wh.close();
      }
    };
    const [typed, text] = [await run(bad, false), await run(bad, true)];
    const shown = (r: typeof typed) => r.s.problems.map((p) => [p.code, p.row, p.column, p.value, p.message]);
    expect(typed.s.status).toBe('failed');
    expect(shown(typed)).toEqual(shown(text));
    expect(shown(typed).map((p) => [p[0], p[1], p[2]])).toEqual([
      ['BP_INGEST_UNKNOWN_AREA', 5, 'locality'], ['BP_INGEST_EMPTY_REQUIRED', 6, 'child_id'], ['BP_INGEST_BAD_DATE', 4, 'start_date'],
      ['BP_INGEST_BAD_DATE', 8, 'start_date'], ['BP_INGEST_BAD_DATE', 9, 'end_date'], ['BP_INGEST_NOT_ALLOWED', 7, 'outcome'],
    ]);
    expect(typed.s.files[0].rows).toBe(text.s.files[0].rows);
    const [typedOk, textOk] = [await run(good, false), await run(good, true)];
    expect(typedOk.s.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(typedOk.table).toEqual(textOk.table);
    // A listed value with spaces around it is read again as text and loaded trimmed, as the text path loads it.
    expect(typedOk.table.map((r) => (r as { outcome: string | null }).outcome)).toEqual(['needs_met', null, null, 'other', null, null, null]);
    expect(typedOk.table.map((r) => [(r as { child_id: string }).child_id, (r as { area: string }).area])).toEqual([
      ['A1', 'east'], ['A2', 'west'], ['A3\nsecond line', 'east'], ['A4', 'east'], ['A5', 'east'], ['A6', 'east'], ['Ä7', 'west']]);
  });
  // A workbook's rows are typed while they are streamed; a row with any cell the typing is not certain of goes, as
  // text, to the text path's checks. Forcing the whole text path must give the same problems (sheet, row, column,
  // value) and, when every row is fine, the same table.
  it('a workbook: the typed path reports and loads exactly what the text path does, judging doubtful rows as text', async () => {
    const WB = 'extracts/episodes.xlsx';
    const contract = (textPath: boolean) => `  episodes_wb:
    path: ${WB}
    format: xlsx
    partner: Example Council Children's Services
    frequency: quarterly
    period: { fixed: 2024-25 Q1, type: fy_quarter }
    area_column: locality
${textPath ? '    skip_rows_matching: [never-in-this-file]\n' : ''}    columns:
      child_id: { type: text, identifier: true }
      locality: { type: text }
      start_date: { type: date }
      end_date: { type: date, required: false }
      outcome: { type: code, required: false, values: [needs_met, stepped_up, other] }
      visits: { type: integer }
      score: { type: decimal, required: false }
  early_help:
`;
    const day = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d));
    const goodRows: unknown[][] = [
      ['A1', 'East', day(2024, 1, 3), null, 'needs_met', 3, 1.5],
      ['A2', 'West', '30/04/2024', null, null, '1,234', 'x'],
      ['A3', ' east ', '2024-02-03', '1 May 2024', 'other', 0, -2.25],
      ['A4', 'Total', 'not a date', null, 'maybe', -5, 'abc'],
      ['A5', 'W', day(1900, 1, 1), null, null, '007', '..'],
      ['A6', 'East', day(2024, 3, 1), day(2024, 3, 5), 'stepped_up', { formula: '3+4', result: 7 }, 0.1],
    ];
    const badRows: unknown[][] = [
      ['A7', 'Narnia', day(2024, 1, 5), null, null, 1, null],
      [null, 'East', day(2024, 1, 6), null, null, 1, null],
      ['A9', 'West', '2024-02-30', null, null, 1, null],
      ['A10', 'West', day(2024, 1, 7), null, 'maybe', 1, null],
      ['A11', 'East', day(2024, 1, 8), null, null, -1, null],
      ['A12', 'East', day(2024, 1, 9), null, null, 2.5, null],
      ['A13', 'East', day(2024, 1, 10), null, null, 'abc', 'c'],
      ['A14', 'East', day(2024, 1, 11), null, null, null, null],
    ];
    const header = ['child_id', 'locality', 'start_date', 'end_date', 'outcome', 'visits', 'score'];
    const workbook = async (rows: unknown[][], more: unknown[][]) => {
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('Episodes');
      ws.addRow(['Early help episodes, quarter 1']);
      ws.addRow([]);
      ws.addRow(header);
      for (const r of rows) ws.addRow(r);
      const ws2 = wb.addWorksheet('More');
      ws2.addRow(header);
      for (const r of more) ws2.addRow(r);
      return new Uint8Array(await wb.xlsx.writeBuffer());
    };
    const run = async (content: Uint8Array, textPath: boolean, again?: string) => {
      const root = again ?? await makeProject({ [WB]: content });
      if (again) writeFileSync(path.join(root, WB), content);
      else editFile(root, 'boardpack.yaml', '  early_help:\n', contract(textPath));
      const { config } = await loadProject(root);
      expect(typedReadable(config!.sources.find((s) => s.id === 'episodes_wb')!)).toBe(!textPath);
      const { report } = await ingestFolder(root, { sources: ['episodes_wb'] });
      const wh = await openWarehouse(config!.warehousePath);
      try {
        const table = report.sources[0].status === 'loaded' ? await wh.all(`SELECT * EXCLUDE (_load_id) FROM episodes_wb ORDER BY _sheet, _row`) : [];
        return { s: report.sources[0], table, root };
      } finally {
        wh.close();
      }
    };
    const bad = await workbook([...goodRows, ...badRows.slice(0, 5)], [['B1', 'East', day(2024, 2, 1), null, null, 1, null], ...badRows.slice(5)]);
    const [typed, text] = [await run(bad, false), await run(bad, true)];
    const shown = (r: typeof typed) => r.s.problems.map((p) => [p.code, p.sheet, p.row, p.column, p.value, p.message]);
    expect(typed.s.status).toBe('failed');
    expect(shown(typed)).toEqual(shown(text));
    expect(shown(typed).map((p) => [p[0], p[1], p[2], p[3]])).toEqual([
      ['BP_INGEST_UNKNOWN_AREA', 'Episodes', 10, 'locality'], ['BP_INGEST_EMPTY_REQUIRED', 'Episodes', 11, 'child_id'],
      ['BP_INGEST_BAD_DATE', 'Episodes', 12, 'start_date'], ['BP_INGEST_NOT_ALLOWED', 'Episodes', 13, 'outcome'],
      ['BP_INGEST_EMPTY_REQUIRED', 'More', 5, 'visits'], ['BP_INGEST_BAD_NUMBER', 'More', 4, 'visits'],
      ['BP_INGEST_NOT_INTEGER', 'More', 3, 'visits'], ['BP_INGEST_NEGATIVE', 'Episodes', 14, 'visits'],
    ]);
    expect(typed.s.files[0].rows).toBe(text.s.files[0].rows);
    const good = await workbook(goodRows, [['B1', 'East', day(2024, 2, 1), null, null, 1, null]]);
    const [typedOk, textOk] = [await run(good, false), await run(good, true)];
    expect(typedOk.s.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(typedOk.s.status).toBe('loaded');
    expect(typedOk.table).toHaveLength(6);
    expect(typedOk.table).toEqual(textOk.table);
    expect(typedOk.s.files).toEqual(textOk.s.files);
    // The bad workbook over the good load: it fails, and the good load stays as it was.
    const after = await run(bad, false, typedOk.root);
    expect(after.s.status).toBe('failed');
    const wh = await openWarehouse((await loadProject(typedOk.root)).config!.warehousePath);
    try {
      expect(await wh.all(`SELECT * EXCLUDE (_load_id) FROM episodes_wb ORDER BY _sheet, _row`)).toEqual(typedOk.table);
    } finally {
      wh.close();
    }
  });
});
