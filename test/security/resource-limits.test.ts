/**
 * Issue #10, resource limits: hostile inputs are refused, or handled, within bounded memory with a coded
 * message, and the previously loaded data stays intact. Each runs the real CLI in a child process and reads
 * its peak resident memory. The inputs are generated in temp folders (never committed). Memory is asserted;
 * time is not (generous timeouts only).
 */
import { writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openWarehouse } from '../../src/warehouse/db.js';
import { makeProject } from '../helpers/project.js';
import { loadedProjectCopies } from '../helpers/ingest.js';
import { runCliMeasured, SHEET_HEAD, SHEET_TAIL, sheetRow, writeWorkbook } from './helpers/files.js';

/** Far above a normal run (~300 MB with DuckDB) and far below what the hostile inputs would need if held. */
const MEMORY_BOUND_MB = 1024;

async function rowsOf(warehouse: string, table: string): Promise<number> {
  const wh = await openWarehouse(warehouse);
  try {
    const [{ n }] = await wh.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${table}`);
    return n;
  } finally {
    wh.close();
  }
}

const loadedCopy = loadedProjectCopies();

/** A copy of the loaded init project, one file broken with `breakIt`, re-ingested through the CLI: the run. */
async function ingestBroken(breakIt: (root: string) => Promise<void> | void, source: string, table = source) {
  const { root, report, config } = await loadedCopy();
  const before = report.sources.find((s) => s.source === source)!.rowsLoaded;
  expect(before).toBeGreaterThan(0);
  await breakIt(root);
  const run = await runCliMeasured(['ingest', '--project', root, '--source', source]);
  if (process.env.BP_TEST_VERBOSE) console.log(source, run.status, run.peakRssMb, run.stderr.slice(0, 600));
  return { run, root, before, after: await rowsOf(config.warehousePath, table) };
}

describe('resource limits', () => {
  // A sheet whose one cell inflates to 1 GiB of text (1,000× compression). Every zip entry is inflated and
  // counted before exceljs reads anything (src/ingest/read-xlsx.ts, scanXlsxZip), so the bomb is refused at
  // BOARDPACK_XLSX_MAX_MB (default 500 MB) — by its declared size, or, when its headers lie, by what it inflates to.
  const bomb = {
    prefix: `${SHEET_HEAD}${sheetRow(1, ['Quarter', 'Locality', 'Live births', 'Low birth weight'])}<row r="2"><c r="A2" t="inlineStr"><is><t>`,
    repeat: 'A'.repeat(1024), times: 1024 * 1024, suffix: `</t></is></c></row>${SHEET_TAIL}`,
  };
  for (const [name, declaredSheetSize] of [['declaring its size', undefined], ['lying that it is 1 KB', 1024]] as const) {
    it(`a zip bomb disguised as XLSX (a sheet inflating to 1 GiB, ${name}) is refused with BP_INGEST_XLSX_TOO_LARGE under half a gigabyte`, async () => {
      const { run, before, after } = await ingestBroken((root) => writeWorkbook(path.join(root, 'extracts/health.xlsx'), bomb, 'Births', { declaredSheetSize }), 'health');
      expect(run.signal, run.stderr).toBeNull();
      expect(run.status, run.stderr).toBe(1);
      expect(run.stderr).toContain('BP_INGEST_XLSX_TOO_LARGE');
      expect(run.stderr).toContain('extracts/health.xlsx');
      expect(run.stderr).toContain('xl/worksheets/sheet1.xml');
      expect(run.stderr).toContain('BOARDPACK_XLSX_MAX_MB');
      expect(run.stderr).not.toMatch(/unexpected error/i);
      expect(run.peakRssMb).toBeLessThan(512);
      expect(after).toBe(before);
    }, 600_000);
  }

  it('a workbook with a million empty styled rows is handled within bounded memory', async () => {
    const { run, before, after } = await ingestBroken((root) => writeWorkbook(path.join(root, 'extracts/health.xlsx'), {
      prefix: `${SHEET_HEAD}${sheetRow(1, ['Quarter', 'Locality', 'Live births', 'Low birth weight'])}${sheetRow(2, ['2023-24 Q1', 'East', 100, 5])}`,
      repeat: (i) => `<row r="${i + 3}" s="1" customFormat="1" ht="15"><c r="A${i + 3}" s="1"/><c r="B${i + 3}" s="1"/><c r="C${i + 3}" s="1"/><c r="D${i + 3}" s="1"/></row>`, times: 1_000_000, suffix: SHEET_TAIL,
    }, 'Births', { level: 1 }), 'health'); // what is tested is the rows read, not the file's size: the fast level
    expect(run.signal, run.stderr).toBeNull();
    expect(run.peakRssMb).toBeLessThan(MEMORY_BOUND_MB);
    expect(run.stderr).not.toMatch(/unexpected error/i);
    // Either the one data row loads (empty rows skipped) or the file is refused with a code; never a crash.
    // A load replaces the periods its file holds: 2023-24 Q1 had East and West, now only the one East row.
    if (run.status === 0) expect(after).toBe(before - 1);
    else {
      expect(run.stderr).toMatch(/BP_INGEST_[A-Z_]+/);
      expect(after).toBe(before);
    }
  }, 600_000);

  it('a CSV with a 100 MB line is refused within bounded memory, previous data kept', async () => {
    const { run, before, after } = await ingestBroken((root) => {
      const fd = openSync(path.join(root, 'extracts/schools.csv'), 'w');
      writeSync(fd, 'term,locality,eligible_2yo,taking_place\nAutumn 2023/24,East,200,150\nAutumn 2023/24,West,');
      const block = Buffer.alloc(1 << 20, '9');
      for (let i = 0; i < 100; i++) writeSync(fd, block);
      writeSync(fd, ',1\n');
      closeSync(fd);
    }, 'schools');
    expect(run.signal, run.stderr).toBeNull();
    expect(run.status, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/BP_INGEST_[A-Z_]+/);
    expect(run.stderr).not.toMatch(/unexpected error/i);
    expect(run.peakRssMb).toBeLessThan(MEMORY_BOUND_MB);
    expect(after).toBe(before);
  }, 600_000);

  it('a YAML alias bomb is refused with BP_YAML_ALIAS_BOMB within bounded memory', async () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const root = await makeProject();
    writeFileSync(path.join(root, 'indicators', 'bomb.yaml'), `${levels.join('\n')}\n`);
    const run = await runCliMeasured(['validate', '--project', root]);
    expect(run.status, run.stderr).toBe(1);
    expect(run.stderr).toContain('BP_YAML_ALIAS_BOMB');
    expect(run.stderr).toContain('bomb.yaml');
    expect(run.peakRssMb).toBeLessThan(MEMORY_BOUND_MB);
  }, 300_000);

  for (const [name, nested] of [
    ['flow sequences', (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`],
    ['flow mappings', (n: number) => `${'{a: '.repeat(n)}1${'}'.repeat(n)}`],
  ] as const) {
    it(`a deeply nested config (100,000 ${name}) is refused with a coded error, not a crash`, async () => {
      const root = await makeProject();
      writeFileSync(path.join(root, 'indicators', 'deep.yaml'), `id: deep\ntitle: ${nested(100_000)}\n`);
      const run = await runCliMeasured(['validate', '--project', root]);
      expect(run.signal, run.stderr).toBeNull();
      expect(run.status, run.stderr).toBe(1);
      expect(run.stderr).toContain('BP_YAML_TOO_DEEP');
      expect(run.stderr).toContain('deep.yaml');
      expect(run.stderr).not.toMatch(/unexpected error|RangeError|Maximum call stack/i);
      expect(run.peakRssMb).toBeLessThan(MEMORY_BOUND_MB);
    }, 300_000);
  }
});
