/**
 * `boardpack request` and `boardpack status --chase` on a copy of the sample, through the built CLI as a user
 * runs them; the workbooks are opened with exceljs and checked for what a partner needs.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCliHere } from '../helpers/cli.js';
import { copySampleWithWarehouse } from '../helpers/sample.js';

// 2 December 2026: 2026/27 Q2 ended on 30 September; the youth justice return was due 45 days later.
const EPOCH = String(Date.parse('2026-12-02T10:00:00Z') / 1000);
const tmp = mkdtempSync(path.join(tmpdir(), 'bp-request-'));
const project = path.join(tmp, 'sample');

type Validation = { type: string; formulae?: unknown[]; prompt?: string; promptTitle?: string; errorStyle?: string };
const validationsOf = (ws: ExcelJS.Worksheet) => (ws as unknown as { dataValidations: { model: Record<string, Validation | undefined> } }).dataValidations.model;

beforeAll(async () => {
  await copySampleWithWarehouse(project);
}, 300_000);

describe('boardpack request', () => {
  const out = path.join(tmp, 'requests');
  beforeAll(async () => {
    const r = await runCliHere(['request', '--project', project, '--period', '2026-27-Q2', '--out', out], { env: { SOURCE_DATE_EPOCH: EPOCH } });
    expect(r.stderr).toMatch(/5 request\(s\) for 2026\/27 Q2/);
    expect(r.status).toBe(0);
  }, 240_000);

  it('writes one workbook per sample source, named by source and period', () => {
    expect(readdirSync(out).sort()).toEqual([
      'education_termly_AY2025-26-T3_return.xlsx',
      'nhs_maternity_child_health_2026-27-Q2_return.xlsx',
      'population_2025-26_return.xlsx',
      'social_care_episodes_2026-27-Q2_return.xlsx',
      'youth_justice_fte_2026-27-Q2_return.xlsx',
    ]);
  });

  it('the youth justice workbook: headers, pre-filled rows, validation, cover with due date and indicators, hidden contract version', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(out, 'youth_justice_fte_2026-27-Q2_return.xlsx'));
    expect(wb.worksheets.map((w) => [w.name, w.state])).toEqual([
      ['Cover', 'visible'], ['Data', 'visible'], ['Earlier periods', 'visible'], ['Lists', 'hidden'], ['_boardpack', 'veryHidden'],
    ]);
    const data = wb.getWorksheet('Data')!;
    expect((data.getRow(2).values as unknown[]).slice(1)).toEqual(['quarter', 'locality', 'first_time_entrants', 'population_10_17']);
    expect([3, 4, 5, 6].map((r) => [data.getCell(r, 1).value, data.getCell(r, 2).value])).toEqual([
      ['2026-27-Q2', 'Central'], ['2026-27-Q2', 'North'], ['2026-27-Q2', 'East'], ['2026-27-Q2', 'South West'],
    ]);
    // Headers and the pre-filled period and locality are locked; the figures are open; the sheet is protected.
    expect(data.getCell(2, 3).protection?.locked).not.toBe(false);
    expect(data.getCell(3, 1).protection?.locked).not.toBe(false);
    expect(data.getCell(3, 3).protection?.locked).toBe(false);
    expect((data as unknown as { sheetProtection?: { sheet?: boolean } }).sheetProtection?.sheet).toBe(true);
    const v = validationsOf(data);
    // A count: a whole number ≥ 0 or an official marker, with the column's meaning as the input message.
    expect(v.C3).toMatchObject({ type: 'custom', promptTitle: 'first_time_entrants' });
    expect(String(v.C3!.formulae![0])).toMatch(/ISNUMBER\(C3\),C3>=0,C3=INT\(C3\)/);
    expect(String(v.C3!.formulae![0])).toMatch(/MATCH\(C3,Lists!\$A\$1:\$A\$5,0\)/);
    expect(v.C3!.prompt).toMatch(/whole number, 0 or more, or a marker \(c, x, z, u, low\)/);
    // Revision rows: the period from a list of earlier periods, the locality from the areas.
    expect(v.A7).toMatchObject({ type: 'list' });
    expect(v.B7).toMatchObject({ type: 'list' });
    const lists = wb.getWorksheet('Lists')!;
    expect([1, 2, 3, 4, 5].map((r) => lists.getCell(r, 1).value)).toEqual(['c', 'x', 'z', 'u', 'low']);
    expect([1, 2, 3, 4].map((r) => lists.getCell(r, 2).value)).toEqual(['Central', 'North', 'East', 'South West']);
    expect(lists.getCell(1, 3).value).toBe('2026-27-Q1');

    const cover = wb.getWorksheet('Cover')!;
    const text: string[] = [];
    cover.eachRow((row) => text.push((row.values as unknown[]).slice(1).join(' | ')));
    const all = text.join('\n');
    expect(all).toMatch(/Partner \| Brackenfield Youth Justice Service/);
    expect(all).toMatch(/Due by \| Saturday(,)? 14 November 2026: 45 days \(32 working days\) after the period ends/);
    expect(all).toMatch(/First-time entrants to the youth justice system \(first_time_entrants\)/);
    expect(all).toMatch(/Contact \| Marcus Flynn <yjs\.data@brackenfield\.example\.gov\.uk>/);
    expect(all).toMatch(/returns\/ folder/);

    // Earlier periods, read only, as held in the warehouse (the sample's own figures).
    const held = wb.getWorksheet('Earlier periods')!;
    expect((held as unknown as { sheetProtection?: { sheet?: boolean } }).sheetProtection?.sheet).toBe(true);
    expect(held.getCell(1, 1).value).toMatch(/read only/);
    const heldRows: unknown[][] = [];
    held.eachRow((row, n) => { if (n > 2) heldRows.push((row.values as unknown[]).slice(1)); });
    const csv = readFileSync(path.join(project, 'extracts/youth_justice_first_time_entrants.csv'), 'utf8');
    expect(csv).toMatch(/2026-27-Q1,Central,7,8890/);
    expect(heldRows).toContainEqual(['2026-27-Q1', 'Central', 7, 8890]);

    const ident = wb.getWorksheet('_boardpack')!;
    const id = new Map<string, unknown>();
    ident.eachRow((row) => id.set(String(row.getCell(1).value), row.getCell(2).value));
    expect(Object.fromEntries(id)).toMatchObject({ kind: 'boardpack data return', source: 'youth_justice_fte', contract_version: '1', period: '2026-27-Q2', data_sheet: 'Data', header_row: '2' });
  });

  it('a record-level source: blank rows with drop-downs for codes, dates checked against the period (a warning), no earlier records copied', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(out, 'social_care_episodes_2026-27-Q2_return.xlsx'));
    expect(wb.getWorksheet('Earlier periods')).toBeUndefined();
    const data = wb.getWorksheet('Data')!;
    const headers = (data.getRow(2).values as unknown[]).slice(1);
    expect(headers[0]).toBe('child_id');
    expect(data.getCell(3, 1).value).toBeNull();
    expect(data.getCell(3, 1).protection?.locked).toBe(false);
    const v = validationsOf(data);
    const col = (name: string) => data.getColumn(headers.indexOf(name) + 1).letter;
    expect(v[`${col('episode_type')}3`]).toMatchObject({ type: 'list' });
    expect(v[`${col('start_date')}3`]).toMatchObject({ type: 'date', errorStyle: 'warning' });
  });

  it('--format csv writes a header-only CSV and a README', async () => {
    const csvOut = path.join(tmp, 'csv');
    const r = await runCliHere(['request', '--project', project, '--period', '2026-27-Q2', '--source', 'youth_justice_fte', '--format', 'csv', '--out', csvOut, '--no-ingest'], { env: { SOURCE_DATE_EPOCH: EPOCH } });
    expect(r.status).toBe(0);
    expect(readFileSync(path.join(csvOut, 'youth_justice_fte_2026-27-Q2_return.csv'), 'utf8')).toBe('quarter,locality,first_time_entrants,population_10_17\r\n');
    const readme = readFileSync(path.join(csvOut, 'youth_justice_fte_2026-27-Q2_README.txt'), 'utf8');
    expect(readme).toMatch(/Due by: +2026-11-14, 45 days \(32 working days\)/);
    expect(readme).toMatch(/first_time_entrants: .*whole number, 0 or more/);
  });

  it('an unknown source is a usage error naming the choices', async () => {
    const r = await runCliHere(['request', '--project', project, '--source', 'youth_justice', '--no-ingest']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no source "youth_justice".*\n?.*youth_justice_fte/);
  });
});

describe('boardpack status --chase', () => {
  it('names the youth justice service as late for 2026/27 Q2, with its due date, the waiting indicator and the contact', async () => {
    const r = await runCliHere(['status', '--chase', '--project', project, '--period', '2026-27-Q2'], { env: { SOURCE_DATE_EPOCH: EPOCH } });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Brackenfield Youth Justice Service — Marcus Flynn <yjs\.data@brackenfield\.example\.gov\.uk>/);
    expect(r.stdout).toMatch(/youth_justice_fte +2026\/27 Q2 +2026-11-14 +LATE by 18 day\(s\) +2026-27-Q1/);
    expect(r.stdout).toMatch(/waiting: First-time entrants to the youth justice system \(first_time_entrants\)/);
    // Every other sample source has sent its data for the period.
    expect(r.stdout).not.toMatch(/nhs_maternity_child_health|social_care_episodes|education_termly/);
  });

  it('--json, and a mail-merge CSV with every text cell neutralised; --templates writes the workbooks beside it', async () => {
    // A partner name that a spreadsheet would run as a formula.
    const yaml = path.join(project, 'boardpack.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('partner: Brackenfield Youth Justice Service', 'partner: "=HYPERLINK(\\"http://evil.example\\",\\"Youth Justice\\")"'));
    const dir = path.join(tmp, 'chase');
    const r = await runCliHere(['status', '--chase', '--project', project, '--period', '2026-27-Q2', '--json', '--templates', dir], { env: { SOURCE_DATE_EPOCH: EPOCH } });
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.entries).toHaveLength(1);
    expect(json.entries[0]).toMatchObject({ source: 'youth_justice_fte', period: '2026-27-Q2', dueBy: '2026-11-14', status: 'late', daysLate: 18, indicators: [{ id: 'first_time_entrants' }], contact: { name: 'Marcus Flynn' } });
    const csv = readFileSync(path.join(dir, 'chase.csv'), 'utf8');
    const [head, row] = csv.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(head).toMatch(/^"partner","contact_name","contact_email"/);
    expect(row.startsWith(`"'=HYPERLINK(""http://evil.example"",""Youth Justice"")"`)).toBe(true);
    expect(row).toMatch(/"2026-11-14","late",18,"First-time entrants to the youth justice system"/);
    expect(existsSync(path.join(dir, 'youth_justice_fte_2026-27-Q2_return.xlsx'))).toBe(true);
    expect(row).toMatch(/youth_justice_fte_2026-27-Q2_return\.xlsx"$/);
  });
});
