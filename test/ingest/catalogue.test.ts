/**
 * The catalogue of broken inputs, part two (part one is bad-inputs.test.ts): contract features (keys, code
 * lists, wide layout, periods from file names, sheets, encodings, XLSX cells) and the warnings that are
 * reported but loaded. Each case asserts its code, row and column, and that an error leaves the source's
 * previous data untouched.
 */
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { openWarehouse } from '../../src/warehouse/db.js';
import { editFile, makeProject } from '../helpers/project.js';
import { ingestFolder, loadedProjectCopies } from '../helpers/ingest.js';

const SCHOOLS = 'extracts/schools.csv';
const HEADER = 'term,locality,eligible_2yo,taking_place';
const EPISODES = 'extracts/early-help-episodes.csv';
const HEALTH = 'extracts/health.xlsx';

/** An XLSX like a partner's: a title block, then the header, then rows (written by exceljs, workbook.xml last). */
async function workbook(sheets: Record<string, unknown[][]>): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) {
    const ws = wb.addWorksheet(name);
    for (const r of rows) ws.addRow(r);
  }
  return new Uint8Array(await wb.xlsx.writeBuffer());
}
const healthRows = (rows: unknown[][]) => [['Example NHS Trust'], ['Quarterly maternity return'], [], ['Quarter', 'Locality', 'Live births', 'Low birth weight'], ...rows];

interface Case {
  name: string;
  /** Edits to boardpack.yaml: [exact text, replacement]. */
  yaml?: Array<[string, string]>;
  /** Files to write (relative to the project), or null to delete. */
  files: Record<string, string | Uint8Array | null | (() => Promise<Uint8Array>)>;
  source: string;
  code: string;
  row?: number;
  column?: string;
  sheet?: string;
  /** Warnings: the source still loads. */
  loads?: boolean;
}

const schoolsYaml = (extra: string): [string, string] => ['    period: { column: term, type: term }\n', `    period: { column: term, type: term }\n${extra}`];

const cases: Case[] = [
  { name: 'wrong header row (another extract\'s headers)', source: 'schools', files: { [SCHOOLS]: 'quarter,area,births,lbw\n2024/25 Q1,East,300,20\n' }, code: 'BP_INGEST_MISSING_COLUMN', row: 1, column: 'term' },
  { name: 'a US date (month first)', source: 'early_help', files: { [EPISODES]: 'child_id,locality,start_date,end_date\nA1,East,2024-01-03,\nA2,West,04/30/2024,\n' }, code: 'BP_INGEST_BAD_DATE', row: 3, column: 'start_date' },
  { name: '31 April', source: 'early_help', files: { [EPISODES]: 'child_id,locality,start_date,end_date\nA1,East,31/04/2024,\n' }, code: 'BP_INGEST_BAD_DATE', row: 2, column: 'start_date' },
  { name: 'an end date that is not a date', source: 'early_help', files: { [EPISODES]: 'child_id,locality,start_date,end_date\nA1,East,2024-01-03,2024-13-01\n' }, code: 'BP_INGEST_BAD_DATE', row: 2, column: 'end_date' },
  {
    name: 'duplicate key rows', source: 'schools', yaml: [schoolsYaml('    key: [term, locality]\n')],
    files: { [SCHOOLS]: `${HEADER}\nAutumn 2023/24,East,200,150\nAutumn 2023/24,West,200,150\nAutumn 2023/24,East,210,150\n` }, code: 'BP_INGEST_DUPLICATE_KEY', row: 4, column: 'term, locality',
  },
  {
    name: 'duplicate key written two ways (E and East)', source: 'schools', yaml: [schoolsYaml('    key: [term, locality]\n')],
    files: { [SCHOOLS]: `${HEADER}\nAutumn 2023/24,East,200,150\nAutumn 2023/24,West,200,150\nAutumn 2023/24,E,210,150\n` }, code: 'BP_INGEST_DUPLICATE_KEY', row: 4, column: 'term, locality',
  },
  {
    name: 'a key naming a column that does not exist', source: 'schools', yaml: [schoolsYaml('    key: [term, school]\n')],
    files: {}, code: 'BP_INGEST_KEY_UNKNOWN', column: 'school',
  },
  {
    name: 'a value outside its code list', source: 'schools',
    yaml: [['      taking_place: { type: integer }\n', '      taking_place: { type: integer }\n      phase: { type: code, values: [nursery, primary], required: false }\n']],
    files: { [SCHOOLS]: `${HEADER},phase\nAutumn 2023/24,East,200,150,nursery\nAutumn 2023/24,West,200,150,secondary\n` }, code: 'BP_INGEST_NOT_ALLOWED', row: 3, column: 'phase',
  },
  { name: 'empty area cell', source: 'schools', files: { [SCHOOLS]: `${HEADER}\nAutumn 2023/24,East,200,150\nAutumn 2023/24,,200,150\n` }, code: 'BP_INGEST_EMPTY_REQUIRED', row: 3, column: 'locality' },
  { name: 'decimal comma in a semicolon file', source: 'schools', files: { [SCHOOLS]: 'term;locality;eligible_2yo;taking_place\nAutumn 2023/24;East;200;150\nAutumn 2023/24;West;12,5;150\n' }, code: 'BP_INGEST_BAD_NUMBER', row: 3, column: 'eligible_2yo' },
  { name: 'a Windows-1252 file read as UTF-8', source: 'schools', files: { [SCHOOLS]: Buffer.concat([Buffer.from(`${HEADER},note\nAutumn 2023/24,East,200,150,`), Buffer.from([0x93, 0x63, 0x61, 0x66, 0xe9, 0x94]), Buffer.from('\n')]) },
    yaml: [['      taking_place: { type: integer }\n', '      taking_place: { type: integer }\n      note: { type: text, required: false }\n']], code: 'BP_INGEST_ENCODING' },
  {
    name: 'period from the file name that is not a period', source: 'schools',
    yaml: [['    period: { column: term, type: term }\n', '    period: { file_name: true, type: term }\n'], ['      term: { type: text }\n', '']],
    files: { [SCHOOLS]: 'locality,eligible_2yo,taking_place\nEast,200,150\n' }, code: 'BP_INGEST_BAD_PERIOD', row: 2, column: '(file name)',
  },
  {
    name: 'a wide extract without the columns to unpivot', source: 'schools',
    yaml: [['    period: { column: term, type: term }\n', '    period: { column: term, type: term }\n    wide: { columns: "^(autumn|spring|summer)", names_to: term, values_to: taking_place }\n'],
      ['      eligible_2yo: { type: integer }\n', '']],
    files: { [SCHOOLS]: 'locality,count\nEast,150\n' }, code: 'BP_INGEST_WIDE_NO_COLUMNS', row: 1, column: 'taking_place',
  },
  { name: 'the extract is not there', source: 'schools', files: { [SCHOOLS]: null }, code: 'BP_INGEST_FILE_MISSING' },
  {
    name: 'sheet missing from the workbook', source: 'health', yaml: [['    path: extracts/health.xlsx\n', '    path: extracts/health.xlsx\n    sheets: [Maternity]\n']],
    files: {}, code: 'BP_INGEST_SHEET_MISSING', sheet: 'Maternity',
  },
  {
    name: 'text in a number in a workbook', source: 'health',
    files: { [HEALTH]: () => workbook({ Births: healthRows([['2023/24 Q1', 'East', 300, 20], ['2023/24 Q1', 'West', 'three hundred', 20]]) }) },
    code: 'BP_INGEST_BAD_NUMBER', row: 6, column: 'live_births', sheet: 'Births',
  },
  {
    name: 'a workbook whose header was renamed', source: 'health',
    files: { [HEALTH]: () => workbook({ Births: [['Quarter', 'Locality', 'Live births (all)', 'Low birth weight'], ['2023/24 Q1', 'East', 300, 20]] }) },
    code: 'BP_INGEST_RENAMED_COLUMN', row: 1, column: 'live_births', sheet: 'Births',
  },
  {
    name: 'value far outside its history (warning, loaded)', source: 'schools', loads: true,
    files: { [SCHOOLS]: `${HEADER}\nAutumn 2025/26,East,5000,150\nAutumn 2025/26,West,210,150\n` }, code: 'BP_INGEST_OUTSIDE_HISTORY', row: 2, column: 'eligible_2yo',
  },
  {
    name: 'a locality missing from a period (warning, loaded)', source: 'schools', loads: true,
    files: { [SCHOOLS]: `${HEADER}\nAutumn 2025/26,East,210,150\n` }, code: 'BP_INGEST_AREA_MISSING', column: 'locality',
  },
];

/** One good load of the init project for all the cases; each breaks a source in its own copy of it. */
const loadedCopy = loadedProjectCopies();

async function setUp(c: Case) {
  const before = await loadedCopy();
  const { root } = before;
  expect(before.report.problems.filter((p) => p.severity === 'error')).toEqual([]);
  for (const [from, to] of c.yaml ?? []) editFile(root, 'boardpack.yaml', from, to);
  for (const [rel, content] of Object.entries(c.files)) {
    const file = path.join(root, rel);
    if (content === null) rmSync(file);
    else writeFileSync(file, typeof content === 'function' ? await content() : content);
  }
  return { root, before };
}

describe('broken inputs, part two', () => {
  for (const c of cases) {
    it(`${c.name} → ${c.code}`, async () => {
      const { root, before } = await setUp(c);
      const source = before.config.sources.find((s) => s.id === c.source)!;
      const after = await ingestFolder(root, { sources: [c.source] });
      const s = after.report.sources[0];
      const p = s.problems.find((x) => x.code === c.code);
      expect(p, JSON.stringify(s.problems, null, 1)).toBeDefined();
      if (c.row !== undefined) expect(p!.row).toBe(c.row);
      if (c.column !== undefined) expect(p!.column).toBe(c.column);
      if (c.sheet !== undefined) expect(p!.sheet).toBe(c.sheet);
      expect(p!.fix).toBeTruthy();
      const wh = await openWarehouse(before.config.warehousePath);
      try {
        const [{ n }] = await wh.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${source.table}`);
        if (c.loads) {
          expect(p!.severity).toBe('warning');
          expect(s.status).toBe('loaded');
          // The new period is added beside the earlier ones (one source × period replaced as a unit).
          expect(n).toBeGreaterThan(before.report.sources.find((x) => x.source === c.source)!.rowsLoaded);
        } else {
          expect(p!.severity).toBe('error');
          expect(s.status).not.toBe('loaded');
          expect(n).toBe(before.report.sources.find((x) => x.source === c.source)!.rowsLoaded);
        }
      } finally {
        wh.close();
      }
    });
  }
});

describe('inputs that must load', () => {
  it('dates in three formats, and an Excel serial, are the same day', async () => {
    const root = await makeProject({ [EPISODES]: 'child_id,locality,start_date,end_date\nA1,East,2024-04-30,\nA2,East,30/04/2024,\nA3,West,30 April 2024,\nA4,West,45412,\n' });
    const { config, report } = await ingestFolder(root, { sources: ['early_help'] });
    expect(report.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const wh = await openWarehouse(config.warehousePath);
    const rows = await wh.all<{ d: string }>(`SELECT DISTINCT strftime(start_date, '%Y-%m-%d') AS d FROM early_help`);
    wh.close();
    expect(rows).toEqual([{ d: '2024-04-30' }]);
  });

  it('Windows-1252 curly quotes, pound and euro signs', async () => {
    const root = await makeProject();
    editFile(root, 'boardpack.yaml', '      taking_place: { type: integer }\n', '      taking_place: { type: integer }\n      note: { type: text, required: false }\n');
    editFile(root, 'boardpack.yaml', '    partner: Example Council Education\n', '    partner: Example Council Education\n    encoding: windows-1252\n');
    writeFileSync(path.join(root, SCHOOLS), Buffer.concat([Buffer.from(`${HEADER},note\nAutumn 2023/24,East,200,150,`), Buffer.from([0x93, 0x80, 0x35, 0x20, 0xa3, 0x36, 0x94]), Buffer.from('\nAutumn 2023/24,West,200,150,ok\n')]));
    const { config, report } = await ingestFolder(root, { sources: ['schools'] });
    expect(report.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const wh = await openWarehouse(config.warehousePath);
    const rows = await wh.all(`SELECT note FROM schools WHERE area = 'east'`);
    wh.close();
    expect(rows).toEqual([{ note: '\u201c\u20ac5 \u00a36\u201d' }]);
  });

  it('a title block, notes and a totals row are skipped; a wide extract is unpivoted; the period comes from the file name', async () => {
    const root = await makeProject();
    editFile(root, 'boardpack.yaml', /  schools:\n[\s\S]*?taking_place: \{ type: integer \}\n/, `  schools:
    path: extracts/schools_*.csv
    partner: Example Council Education
    frequency: termly
    period: { file_name: '(autumn|spring|summer)[ _-]?\\d{4}', type: term }
    area_column: locality
    skip_rows: 2
    skip_rows_matching: [Total, 'Source:']
    wide: { columns: '^(eligible|taking)$$', names_to: measure, values_to: children }
    key: [locality, measure]
    columns:
      locality: { type: text }
      measure: { type: code, values: [eligible, taking] }
      children: { type: integer }
`);
    rmSync(path.join(root, SCHOOLS));
    writeFileSync(path.join(root, 'extracts/schools_autumn_2024.csv'), 'Two-year-old places\nEast and West\nlocality,eligible,taking\nEast,200,150\nWest,100,80\nTotal,300,230\nSource: school census\n');
    writeFileSync(path.join(root, 'extracts/schools_spring_2025.csv'), 'Two-year-old places\nEast and West\nlocality,eligible,taking\nEast,210,160\nWest,110,90\n');
    const { config, report } = await ingestFolder(root, { sources: ['schools'] });
    expect(report.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const wh = await openWarehouse(config.warehousePath);
    const rows = await wh.all(`SELECT period, area, measure, children, _row FROM schools ORDER BY period, area, measure`);
    wh.close();
    expect(rows).toEqual([
      { period: 'AY2024-25-T1', area: 'east', measure: 'eligible', children: 200, _row: 4 },
      { period: 'AY2024-25-T1', area: 'east', measure: 'taking', children: 150, _row: 4 },
      { period: 'AY2024-25-T1', area: 'west', measure: 'eligible', children: 100, _row: 5 },
      { period: 'AY2024-25-T1', area: 'west', measure: 'taking', children: 80, _row: 5 },
      { period: 'AY2024-25-T2', area: 'east', measure: 'eligible', children: 210, _row: 4 },
      { period: 'AY2024-25-T2', area: 'east', measure: 'taking', children: 160, _row: 4 },
      { period: 'AY2024-25-T2', area: 'west', measure: 'eligible', children: 110, _row: 5 },
      { period: 'AY2024-25-T2', area: 'west', measure: 'taking', children: 90, _row: 5 },
    ]);
  });

  it('sheets are chosen by name in a workbook written by exceljs (workbook.xml last), the period from the sheet name, wide columns unpivoted', async () => {
    const root = await makeProject();
    editFile(root, 'boardpack.yaml', /  health:\n[\s\S]*?low_birth_weight: \{ type: integer \}\n/, `  health:
    path: extracts/health.xlsx
    partner: Example NHS Trust
    sheets: [2024-25 Q1, 2024-25 Q2]
    period: { sheet_name: true, type: fy_quarter }
    area_column: locality
    wide: { columns: [Live births, Low birth weight], names_to: measure, values_to: babies }
    columns:
      locality: { type: text }
      measure: { type: text }
      babies: { type: integer }
`);
    writeFileSync(path.join(root, HEALTH), await workbook({
      Notes: [['Read me first']],
      '2024-25 Q1': [['Title'], [], ['Locality', 'Live births', 'Low birth weight'], ['East', 300, 20], ['West', 280, 18]],
      '2024-25 Q2': [['Locality', 'Live births', 'Low birth weight'], ['East', 310, 21], ['West', 290, 19]],
    }));
    const { config, report } = await ingestFolder(root, { sources: ['health'] });
    expect(report.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const wh = await openWarehouse(config.warehousePath);
    const rows = await wh.all(`SELECT period, _sheet, count(*)::INTEGER AS n, sum(babies)::INTEGER AS babies FROM health GROUP BY ALL ORDER BY 1`);
    const sheets = await wh.all(`SELECT sheet FROM bp_loads WHERE source = 'health' AND status = 'loaded'`);
    wh.close();
    expect(rows).toEqual([
      { period: '2024-25-Q1', _sheet: '2024-25 Q1', n: 4, babies: 618 },
      { period: '2024-25-Q2', _sheet: '2024-25 Q2', n: 4, babies: 640 },
    ]);
    expect(sheets).toEqual([{ sheet: '2024-25 Q1,2024-25 Q2' }]);
  });
});

