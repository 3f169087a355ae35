/**
 * The round trip: a request workbook, filled in cell by cell as a person would (figures, a marker, a revised
 * earlier period), dropped into the project's returns/ folder, is ingested with no change to the config and
 * gives the same figures as the original extract. For the sample's XLSX source (per locality and quarter) and
 * its record-level source. Real files, real DuckDB, the real ingest and measures.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_DIR } from '../../scripts/generate-sample.js';
import { normalizeZip } from '../../scripts/sample/zip.js';
import { loadProject } from '../../src/config/load.js';
import { parsePeriodId } from '../../src/core/periods.js';
import { computeMeasures, openMeasuresWarehouse } from '../../src/measures/index.js';
import { openWarehouse } from '../../src/warehouse/db.js';
import { writeRequest } from '../../src/request/index.js';
import { ingestFolder } from '../helpers/ingest.js';

const NHS = 'nhs_maternity_child_health';
const NHS_FILE = 'extracts/nhs_maternity_child_health_2026-27_Q2.xlsx';
const SC = 'social_care_episodes';
const SC_FILE = 'extracts/social_care_episodes_2026-09-30.csv';
const Q2 = '2026/27 Q2';
const Q1 = '2026/27 Q1';

const tmp = mkdtempSync(path.join(tmpdir(), 'bp-roundtrip-'));
const copySample = (name: string) => {
  const root = path.join(tmp, name);
  cpSync(SAMPLE_DIR, root, { recursive: true, filter: (f) => !f.includes(`${path.sep}.boardpack`) && !f.includes(`${path.sep}out`) });
  return root;
};

/** Every figure of every indicator, in a stable order, without anything that says which file it came from. */
async function figures(root: string) {
  const { config, indicators, report } = await ingestFolder(root);
  const wh = await openMeasuresWarehouse(config.warehousePath);
  try {
    const out = await computeMeasures(wh, config, indicators);
    expect(out.failures).toEqual([]);
    return { report, values: out.values.map((v) => JSON.stringify([v.indicator, v.period, v.area, v.numerator, v.denominator, v.value, v.marker])).sort() };
  } finally {
    wh.close();
  }
}

/** The NHS sheet of 2026/27: header row index (1-based) and the rows of one quarter by locality. */
async function nhsSheet(file: string) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const ws = wb.getWorksheet('2026-27')!;
  let headerRow = 0;
  ws.eachRow((row, n) => { if (!headerRow && row.getCell(1).value === 'Locality') headerRow = n; });
  const headers = (ws.getRow(headerRow).values as unknown[]).slice(1).map(String);
  return { wb, ws, headerRow, headers };
}

/**
 * An edited extract saved with its parts in the order Excel writes them: exceljs's streaming reader (ingest's)
 * fails on a workbook that exceljs read and wrote again (workbook.xml last, after its relationships).
 */
async function saveExtract(wb: ExcelJS.Workbook, file: string) {
  writeFileSync(file, normalizeZip(Buffer.from(await wb.xlsx.writeBuffer()), '2026-10-14T00:00:00Z'));
}

describe('a filled-in request workbook goes back through ingest', () => {
  let original: string;
  let partial: string;
  let truth: string[];

  beforeAll(async () => {
    // The "original extract" for this test: the sample's, with one figure of 2026/27 Q2 withheld as `x` (a marker).
    original = copySample('original');
    const o = await nhsSheet(path.join(original, NHS_FILE));
    const camhs = o.headers.indexOf('CAMHS referrals seen within 4 weeks') + 1;
    o.ws.eachRow((row) => { if (row.getCell(1).value === 'Brackenfield Central' && row.getCell(2).value === Q2) row.getCell(camhs).value = 'x'; });
    await saveExtract(o.wb, path.join(original, NHS_FILE));
    truth = (await figures(original)).values;

    // What the partnership holds before the return: the extract without 2026/27 Q2, with one wrong 2026/27 Q1 figure,
    // and the record-level extract without the episodes that started in Q2 and one recorded late from an earlier quarter.
    partial = copySample('partial');
    cpSync(path.join(original, NHS_FILE), path.join(partial, NHS_FILE));
    const p = await nhsSheet(path.join(partial, NHS_FILE));
    const births = p.headers.indexOf('Live births') + 1;
    const q2Rows: number[] = [];
    p.ws.eachRow((row, n) => {
      if (row.getCell(2).value === Q2) q2Rows.push(n);
      if (row.getCell(1).value === 'Brackenfield Central' && row.getCell(2).value === Q1) row.getCell(births).value = Number(row.getCell(births).value) + 10;
    });
    for (const n of q2Rows.reverse()) p.ws.spliceRows(n, 1);
    await saveExtract(p.wb, path.join(partial, NHS_FILE));
    const lines = readFileSync(path.join(original, SC_FILE), 'utf8').split(/\r?\n/);
    const header = lines[0].split(',');
    const start = header.indexOf('start_date');
    const body = lines.slice(1).filter(Boolean);
    const lateEarlier = body.findIndex((l) => l.split(',')[start].startsWith('2025-11'));
    const kept = body.filter((l, i) => l.split(',')[start] < '2026-07-01' && i !== lateEarlier);
    writeFileSync(path.join(partial, SC_FILE), `${[lines[0], ...kept].join('\n')}\n`);
    const before = await figures(partial);
    expect(before.values).not.toEqual(truth);
  }, 240_000);

  it('the XLSX source and the record-level source: same figures as the original extracts, with no change to the config', async () => {
    const { config, indicators } = (await loadProject(partial)) as Required<Awaited<ReturnType<typeof loadProject>>>;
    const nhs = config.sources.find((s) => s.id === NHS)!;
    const sc = config.sources.find((s) => s.id === SC)!;
    const returns = path.join(partial, 'returns');
    mkdirSync(returns, { recursive: true });
    const configBefore = readFileSync(path.join(partial, 'boardpack.yaml'), 'utf8');
    const wh = await openWarehouse(config.warehousePath, { readOnly: true });
    const at = '2026-12-02T09:00:00Z';
    let nhsFile: string;
    let scFile: string;
    try {
      nhsFile = (await writeRequest(config, indicators, nhs, parsePeriodId('2026-27-Q2'), wh, { dir: returns, format: 'xlsx', generatedAt: at })).files[0];
      scFile = (await writeRequest(config, indicators, sc, parsePeriodId('2026-27-Q2'), wh, { dir: returns, format: 'xlsx', generatedAt: at })).files[0];
    } finally {
      wh.close();
    }

    // The NHS trust fills in the Data sheet: its Q2 figures (with the `x`), and a correction of Central's Q1 row.
    const src = await nhsSheet(path.join(original, NHS_FILE));
    const figuresOf = (locality: string, quarter: string) => {
      let found: unknown[] | undefined;
      src.ws.eachRow((row) => { if (row.getCell(1).value === `Brackenfield ${locality}` && row.getCell(2).value === quarter) found = (row.values as unknown[]).slice(1); });
      if (!found) throw new Error(`no ${locality} ${quarter} row in the original`);
      // Contract column → the original's value (the extract's headers are the contract's aliases).
      return (name: string) => {
        const col = nhs.columns.find((c) => c.name === name)!;
        return found![src.headers.findIndex((h) => [col.name, ...col.aliases].includes(h))];
      };
    };
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(nhsFile);
    const data = wb.getWorksheet('Data')!;
    const headers = (data.getRow(2).values as unknown[]).slice(1).map(String);
    expect(headers).toEqual(nhs.columns.map((c) => c.name));
    const at_ = (name: string) => headers.indexOf(name) + 1;
    let revisionRow = 0;
    for (let r = 3; r <= data.rowCount; r++) {
      const row = data.getRow(r);
      const locality = row.getCell(at_('locality')).value;
      if (!locality) { revisionRow ||= r; continue; }
      expect(row.getCell(at_('quarter')).value).toBe('2026-27-Q2');
      const v = figuresOf(String(locality), Q2);
      for (const c of nhs.columns) if (c.name !== 'locality' && c.name !== 'quarter') row.getCell(at_(c.name)).value = v(c.name) as ExcelJS.CellValue;
    }
    expect(data.getRow(3).getCell(at_('camhs_seen_4_weeks')).value).toBe('x');
    // A revision: the yellow row gets its period and locality picked from the lists, then the whole corrected row.
    const fix = data.getRow(revisionRow);
    fix.getCell(at_('quarter')).value = '2026-27-Q1';
    fix.getCell(at_('locality')).value = 'Central';
    const q1 = figuresOf('Central', Q1);
    for (const c of nhs.columns) if (c.name !== 'locality' && c.name !== 'quarter') fix.getCell(at_(c.name)).value = q1(c.name) as ExcelJS.CellValue;
    await wb.xlsx.writeFile(nhsFile);

    // Children's social care types in the episodes that started in Q2, and one from November 2025 recorded late.
    const lines = readFileSync(path.join(original, SC_FILE), 'utf8').split(/\r?\n/).filter(Boolean);
    const scHeader = lines[0].split(',');
    const partialLines = new Set(readFileSync(path.join(partial, SC_FILE), 'utf8').split(/\r?\n/));
    const missing = lines.slice(1).filter((l) => !partialLines.has(l));
    expect(missing.some((l) => l.split(',')[scHeader.indexOf('start_date')] < '2026-07-01')).toBe(true);
    const scWb = new ExcelJS.Workbook();
    await scWb.xlsx.readFile(scFile);
    const scData = scWb.getWorksheet('Data')!;
    const scHeaders = (scData.getRow(2).values as unknown[]).slice(1).map(String);
    expect(missing.length).toBeLessThanOrEqual(scData.rowCount - 2);
    missing.forEach((line, i) => {
      const cells = line.split(',');
      const row = scData.getRow(3 + i);
      scHeaders.forEach((h, j) => {
        const v = cells[scHeader.indexOf(h)];
        if (v === '') return;
        // Dates typed into Excel become date cells; one is typed as text, the UK way.
        row.getCell(j + 1).value = /^\d{4}-\d{2}-\d{2}$/.test(v) ? (i === 0 ? v.split('-').reverse().join('/') : new Date(`${v}T00:00:00Z`)) : v;
      });
    });
    await scWb.xlsx.writeFile(scFile);

    const after = await figures(partial);
    const nhsLoad = after.report.sources.find((s) => s.source === NHS)!;
    expect(nhsLoad.status).toBe('loaded');
    expect(nhsLoad.files.map((f) => f.path)).toContain(path.relative(partial, nhsFile));
    expect(after.report.sources.find((s) => s.source === SC)!.status).toBe('loaded');
    expect(after.values).toEqual(truth);
    expect(readFileSync(path.join(partial, 'boardpack.yaml'), 'utf8')).toBe(configBefore);

    // The same return against a newer contract version is refused, naming both versions; what was loaded stays.
    writeFileSync(path.join(partial, 'boardpack.yaml'), configBefore.replace(/(nhs_maternity_child_health:[\s\S]*?contract_version:) 3/, '$1 4'));
    const refused = await ingestFolder(partial);
    const nhsRefused = refused.report.sources.find((s) => s.source === NHS)!;
    expect(nhsRefused.status).toBe('failed');
    const p = nhsRefused.problems.find((x) => x.code === 'BP_RETURN_CONTRACT_VERSION')!;
    expect(p.message).toMatch(/contract version 3 of source nhs_maternity_child_health, but the contract is now version 4/);
    expect(p.message).toMatch(/older contract/);
    expect(p.file).toBe(path.relative(partial, nhsFile));
    expect((await figures(partial)).values).toEqual(truth);
  }, 300_000);
});
