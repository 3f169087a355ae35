/**
 * What ingest says about what it finds in returns/: a bad cell in a filled-in template is a coded problem at its
 * sheet, row and column (and the source keeps what it had); a workbook that is not a template is named and left
 * alone. On the small `init` project, with the real ingest and DuckDB.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { loadProject } from '../../src/config/load.js';
import { parsePeriodId } from '../../src/core/periods.js';
import { writeRequest } from '../../src/request/index.js';
import { ingestFolder } from '../helpers/ingest.js';
import { openWarehouse } from '../../src/warehouse/db.js';
import { editFile, makeProject } from '../helpers/project.js';

describe('returns/ in ingest', () => {
  it('a bad cell in a return is a coded problem naming the file, sheet, row and column; another workbook is named and not read', async () => {
    const root = await makeProject();
    const first = await ingestFolder(root);
    expect(first.report.sources.find((s) => s.source === 'health')!.status).toBe('loaded');
    const { config, indicators } = (await loadProject(root)) as Required<Awaited<ReturnType<typeof loadProject>>>;
    const returns = path.join(root, 'returns');
    mkdirSync(returns);
    const health = config.sources.find((s) => s.id === 'health')!;
    const [file] = (await writeRequest(config, indicators, health, parsePeriodId('2025-26-Q1'), undefined, { dir: returns, format: 'xlsx', generatedAt: '2026-12-02T00:00:00Z' })).files;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const data = wb.getWorksheet('Data')!;
    const headers = (data.getRow(2).values as unknown[]).slice(1);
    for (let r = 3; data.getCell(r, headers.indexOf('locality') + 1).value; r++) {
      data.getCell(r, headers.indexOf('live_births') + 1).value = 120;
      data.getCell(r, headers.indexOf('low_birth_weight') + 1).value = 9;
    }
    data.getCell(4, headers.indexOf('live_births') + 1).value = 'n/a';
    await wb.xlsx.writeFile(file);
    // Someone's own workbook, dropped in the same folder.
    const other = new ExcelJS.Workbook();
    other.addWorksheet('Sheet1').addRow(['quarter', 'locality']);
    await other.xlsx.writeFile(path.join(returns, 'notes.xlsx'));
    // A named pipe with a workbook's name is refused, never opened (opening it would wait for a writer for ever).
    const fifo = process.platform !== 'win32' && spawnSync('mkfifo', [path.join(returns, 'pipe.xlsx')]).status === 0;

    const { report } = await ingestFolder(root);
    const h = report.sources.find((s) => s.source === 'health')!;
    expect(h.status).toBe('failed');
    expect(h.problems.find((p) => p.code === 'BP_INGEST_BAD_NUMBER')).toMatchObject({
      file: path.join('returns', 'health_2025-26-Q1_return.xlsx'), sheet: 'Data', row: 4, column: 'live_births', value: 'n/a',
    });
    expect(report.problems.find((p) => p.code === 'BP_RETURN_NOT_RECOGNISED')).toMatchObject({ severity: 'warning', file: path.join('returns', 'notes.xlsx') });
    if (fifo) expect(report.problems.find((p) => p.code === 'BP_RETURN_NOT_A_FILE')).toMatchObject({ file: path.join('returns', 'pipe.xlsx') });
    // The other sources load as before.
    expect(report.sources.find((s) => s.source === 'schools')!.status).toMatch(/loaded|unchanged/);
  }, 120_000);

  it('a source whose period is its sheet name and whose extract is wide: the template is written long and loads for its period', async () => {
    const root = await makeProject();
    editFile(root, 'boardpack.yaml', /  health:\n[\s\S]*?breastfed_6_8_weeks: \{[^\n]*\}\n/, `  health:
    path: extracts/health.xlsx
    partner: Example NHS Trust
    period: { sheet_name: true, type: fy_quarter }
    area_column: locality
    wide: { columns: [Live births, Low birth weight], names_to: measure, values_to: babies }
    columns:
      locality: { type: text }
      measure: { type: text }
      babies: { type: integer }
`);
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('2024-25 Q1').addRows([['Locality', 'Live births', 'Low birth weight'], ['East', 300, 20], ['West', 280, 18]]);
    writeFileSync(path.join(root, 'extracts/health.xlsx'), new Uint8Array(await wb.xlsx.writeBuffer()));
    const { config, indicators } = (await loadProject(root)) as Required<Awaited<ReturnType<typeof loadProject>>>;
    const returns = path.join(root, 'returns');
    mkdirSync(returns);
    const [file] = (await writeRequest(config, indicators, config.sources.find((s) => s.id === 'health')!, parsePeriodId('2024-25-Q2'), undefined, { dir: returns, format: 'xlsx', generatedAt: '2026-12-02T00:00:00Z' })).files;
    const filled = new ExcelJS.Workbook();
    await filled.xlsx.readFile(file);
    const data = filled.getWorksheet('Data')!;
    expect((data.getRow(2).values as unknown[]).slice(1)).toEqual(['locality', 'measure', 'babies']);
    expect([data.getCell(3, 1).value, data.getCell(4, 1).value]).toEqual(['East', 'West']);
    // One pre-filled row per locality; the second measure of each goes in the spare rows below.
    const rows = [['East', 'Live births', 310], ['West', 'Live births', 290], ['East', 'Low birth weight', 21], ['West', 'Low birth weight', 19]];
    rows.forEach((r, i) => r.forEach((v, j) => { data.getCell(3 + i, j + 1).value = v; }));
    await filled.xlsx.writeFile(file);

    const { report } = await ingestFolder(root);
    expect(report.sources.find((s) => s.source === 'health')!.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const wh = await openWarehouse(config.warehousePath);
    const got = await wh.all(`SELECT period, area, measure, babies::INTEGER AS babies FROM health ORDER BY period, area, measure`);
    wh.close();
    expect(got).toEqual([
      { period: '2024-25-Q1', area: 'east', measure: 'Live births', babies: 300 },
      { period: '2024-25-Q1', area: 'east', measure: 'Low birth weight', babies: 20 },
      { period: '2024-25-Q1', area: 'west', measure: 'Live births', babies: 280 },
      { period: '2024-25-Q1', area: 'west', measure: 'Low birth weight', babies: 18 },
      { period: '2024-25-Q2', area: 'east', measure: 'Live births', babies: 310 },
      { period: '2024-25-Q2', area: 'east', measure: 'Low birth weight', babies: 21 },
      { period: '2024-25-Q2', area: 'west', measure: 'Live births', babies: 290 },
      { period: '2024-25-Q2', area: 'west', measure: 'Low birth weight', babies: 19 },
    ]);
  }, 120_000);
});
