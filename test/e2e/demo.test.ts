/**
 * The README's first command, end to end: the real CLI on the bundled sample, then the four files checked
 * against each other (HTML, XLSX and JSON show the same values; the PDF has the pages and every title).
 */
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCliHere, pdfToText, hasPdftotext, REPO_ROOT, type CliResult } from '../helpers/cli.js';
import { loadProject } from '../../src/config/load.js';

interface Result { indicator: string; period: string; area: string; value: number | null; rag: string; status: string; marker: string | null }

describe('boardpack demo', () => {
  let out: string;
  let first: CliResult;
  let results: { generatedAt: string; period: string; results: Result[] };
  let indicators: Array<{ id: string; title: string }>;

  beforeAll(async () => {
    out = path.join(mkdtempSync(path.join(tmpdir(), 'bp-demo-')), 'out');
    first = await runCliHere(['demo', '--out', out]);
    results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8'));
    const loaded = await loadProject(path.join(REPO_ROOT, 'sample-data'));
    indicators = loaded.indicators.map((i) => ({ id: i.id, title: i.title }));
  });

  it('exits 0, lists the four files on stdout and prints one summary line', () => {
    expect(first.status, first.stderr).toBe(0);
    for (const f of ['board-pack.pdf', 'board-pack.html', 'scorecard.xlsx', 'results.json']) {
      expect(existsSync(path.join(out, f))).toBe(true);
      expect(first.stdout).toContain(f);
    }
    expect(first.stderr).toMatch(/Computed 24 of 24 indicators for 2026\/27 Q2 \(1 awaiting data\)/);
  });

  it('values every indicator for every locality and period, or marks it awaiting data / suppressed', () => {
    expect(indicators).toHaveLength(24);
    const areas = ['all', 'central', 'north', 'east', 'south_west'];
    for (const ind of indicators) {
      const rows = results.results.filter((r) => r.indicator === ind.id);
      const periods = [...new Set(rows.map((r) => r.period))];
      expect(periods.length, ind.id).toBeGreaterThanOrEqual(3);
      for (const p of periods) {
        for (const a of areas) {
          const r = rows.find((x) => x.period === p && x.area === a);
          expect(r, `${ind.id} ${p} ${a}`).toBeDefined();
          if (r!.value === null) expect(['awaiting_data', 'suppressed', 'marked'], `${ind.id} ${p} ${a}`).toContain(r!.status);
          // A pooled window reaching back before the data holds a figure but is only partial, never rated.
          else if (/-P\dY$/.test(p) && r!.status === 'partial') expect(r!.rag, `${ind.id} ${p} ${a}`).toBe('grey');
          else expect(r!.status, `${ind.id} ${p} ${a}`).toBe('ok');
        }
      }
    }
    // The sample's story: youth justice's latest quarter is missing; small counts are suppressed.
    expect(results.results.filter((r) => r.indicator === 'first_time_entrants' && r.period === '2026-27-Q2').every((r) => r.status === 'awaiting_data')).toBe(true);
    expect(results.results.some((r) => r.status === 'suppressed' && r.marker === 'c')).toBe(true);
    expect(results.period).toBe('2026-27-Q2');
  });

  it('HTML, XLSX and JSON show the same latest values and ratings', async () => {
    const html = readFileSync(path.join(out, 'board-pack.html'), 'utf8');
    // The methods behind the judgements (assess's notes) are printed in the appendix, with the glossary.
    expect(html).toMatch(/<h3 id="appendix-methods">Methods and glossary<\/h3>[\s\S]*Wilson/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(out, 'scorecard.xlsx'));
    const sheet = wb.getWorksheet('Scorecard')!;
    const header = (sheet.getRow(1).values as unknown[]).map((v) => String(v ?? '').toLowerCase());
    const col = (name: RegExp) => header.findIndex((h) => name.test(h));
    const idCol = col(/^id$|indicator id/);
    const valueCol = col(/^latest value|^value/);
    const ragCol = col(/^rag|rating/);
    expect(idCol).toBeGreaterThan(0);
    expect(valueCol).toBeGreaterThan(0);
    expect(ragCol).toBeGreaterThan(0);
    const rows = new Map<string, ExcelJS.Row>();
    sheet.eachRow((row, n) => { if (n > 1) rows.set(String(row.getCell(idCol).value), row); });
    for (const ind of indicators) {
      expect(html).toContain(ind.title.replace(/&/g, '&amp;').replace(/'/g, '&#x27;'));
      const row = rows.get(ind.id);
      expect(row, ind.id).toBeDefined();
      const lastJson = pickLatest(results.results, ind.id);
      const cell = row!.getCell(valueCol).value;
      if (lastJson.value === null) expect(typeof cell === 'number').toBe(false);
      else expect(cell as number).toBeCloseTo(lastJson.value, 6);
      expect(String(row!.getCell(ragCol).value).toLowerCase()).toContain(lastJson.rag === 'grey' ? 'not rated' : lastJson.rag);
    }
  });

  it.skipIf(!hasPdftotext())('the PDF has a numbered cover page first and contains every indicator title (needs pdftotext)', () => {
    const text = pdfToText(path.join(out, 'board-pack.pdf'))!;
    const pages = text.split('\f').filter((p) => p.trim());
    expect(pages.length).toBeGreaterThan(10);
    expect(pages[0]).toMatch(/For assurance/);
    expect(pages[0]).toMatch(/Page 1 of \d+/);
    const flat = text.replace(/\s+/g, ' ');
    for (const ind of indicators) expect(flat, ind.title).toContain(ind.title.replace(/\s+/g, ' '));
    for (const word of ['Red', 'Amber', 'Green', 'Blue', 'Not rated']) expect(flat).toContain(word);
  });

  it('a second run gives identical results.json apart from generatedAt', async () => {
    const again = await runCliHere(['demo', '--out', out, '--no-pdf']);
    expect(again.status, again.stderr).toBe(0);
    const second = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8'));
    expect({ ...second, generatedAt: 'x' }).toEqual({ ...results, generatedAt: 'x' });
  });
});

/** The latest period's partnership figure of an indicator, as the scorecard shows it (ids of one type sort in time order). */
function pickLatest(rows: Result[], id: string): Result {
  return rows.filter((r) => r.indicator === id && r.area === 'all').reduce((a, b) => (b.period > a.period ? b : a));
}
