/**
 * What ingest says about what it finds in returns/: a bad cell in a filled-in template is a coded problem at its
 * sheet, row and column (and the source keeps what it had); a workbook that is not a template is named and left
 * alone. On the small `init` project, with the real ingest and DuckDB.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { loadProject } from '../../src/config/load.js';
import { parsePeriodId } from '../../src/core/periods.js';
import { writeRequest } from '../../src/request/index.js';
import { ingestFolder } from '../helpers/ingest.js';
import { makeProject } from '../helpers/project.js';

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

    const { report } = await ingestFolder(root);
    const h = report.sources.find((s) => s.source === 'health')!;
    expect(h.status).toBe('failed');
    expect(h.problems.find((p) => p.code === 'BP_INGEST_BAD_NUMBER')).toMatchObject({
      file: path.join('returns', 'health_2025-26-Q1_return.xlsx'), sheet: 'Data', row: 4, column: 'live_births', value: 'n/a',
    });
    expect(report.problems.find((p) => p.code === 'BP_RETURN_NOT_RECOGNISED')).toMatchObject({ severity: 'warning', file: path.join('returns', 'notes.xlsx') });
    // The other sources load as before.
    expect(report.sources.find((s) => s.source === 'schools')!.status).toMatch(/loaded|unchanged/);
  }, 120_000);
});
