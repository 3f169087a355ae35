/**
 * results.json carries every judgement for every computed period, and validates against the JSON Schema that
 * `boardpack schema` writes (the real CLI, checked with ajv).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../../src/pipeline/index.js';
import { runCliHere } from '../helpers/cli.js';
import { copySampleWithWarehouse } from '../helpers/sample.js';

const dir = mkdtempSync(path.join(tmpdir(), 'bp-results-json-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Doc {
  schemaVersion: number; period: string;
  periods: Array<{ id: string }>;
  indicators: Array<{ indicator: string; displayPeriods: string[]; spc: { signals: unknown[]; variationText: string } | null; forecast: { statusText: string } | null; exception: { isException: boolean; reasons: string[] }; commentary: { status: string; areas: Array<{ area: string; status: string; writtenFor: string | null }> } }>;
  results: Array<Record<string, any>>;
}
let doc: Doc;
let schema: object;

beforeAll(async () => {
  const project = path.join(dir, 'sample');
  await copySampleWithWarehouse(project);
  await runPipeline({ projectDir: project, outDir: path.join(dir, 'out'), formats: ['json', 'xlsx'], history: false, now: () => new Date('2026-11-20T09:00:00Z') });
  doc = JSON.parse(readFileSync(path.join(dir, 'out', 'results.json'), 'utf8')) as Doc;
  const r = await runCliHere(['schema', '--out', path.join(dir, 'schema')]);
  expect(r.status, r.stderr).toBe(0);
  schema = JSON.parse(readFileSync(path.join(dir, 'schema', 'results.schema.json'), 'utf8')) as object;
}, 300_000);

describe('results.json', () => {
  it('validates against results.schema.json, and the schema is not vacuous', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const validate = ajv.compile(schema);
    expect(validate(doc), JSON.stringify(validate.errors?.slice(0, 5))).toBe(true);
    expect(doc.schemaVersion).toBe(1);
    const broken = structuredClone(doc);
    delete broken.results[0].rating;
    broken.results[1].status = 'fine';
    expect(validate(broken)).toBe(false);
    expect((schema as { properties: Record<string, { description?: string }> }).properties.results.description).toMatch(/every computed period/);
  });

  it('holds every computed period, not only the display window', () => {
    const gld = doc.indicators.find((i) => i.displayPeriods.length === 12)!;
    const ids = new Set(doc.results.filter((r) => r.indicator === gld.indicator && r.area === 'all').map((r) => r.period));
    expect(ids.size).toBeGreaterThan(gld.displayPeriods.length);
    for (const p of gld.displayPeriods) expect(ids.has(p)).toBe(true);
    expect(doc.periods.length).toBeGreaterThan(new Set(doc.indicators.flatMap((i) => i.displayPeriods)).size);
    // Periods before a series starts are not listed as awaiting data.
    for (const i of doc.indicators) {
      const mine = doc.results.filter((r) => r.indicator === i.indicator && r.area === 'all');
      const firstHeld = mine.findIndex((r) => r.status !== 'awaiting_data');
      if (firstHeld >= 0) expect(firstHeld, i.indicator).toBe(0);
    }
  });

  it('gives each figure its interval, rating rule, direction with significance, comparators, rank, SPC and forecast', () => {
    const ok = doc.results.filter((r) => r.status === 'ok' && r.area === 'all');
    const withCi = ok.find((r) => r.interval)!;
    expect(withCi.interval).toMatchObject({ level: 0.95, method: expect.any(String) });
    expect(withCi.rating.rule).toBeTruthy();
    expect(['significant', 'not_significant', 'not_tested']).toContain(withCi.directionOfTravel.previous.significance);
    expect(ok.some((r) => r.directionOfTravel.previous.significance === 'significant')).toBe(true);
    const compared = ok.find((r) => r.comparators.some((c: { value: number | null }) => c.value !== null))!;
    expect(compared.comparators[0]).toMatchObject({ id: expect.any(String), verdict: expect.any(String) });
    const ranked = ok.find((r) => r.rank);
    expect(ranked?.quartile).toMatch(/^[ABCD]$/);
    const onChart = ok.filter((r) => r.spc);
    expect(onChart.length).toBeGreaterThan(0);
    expect(onChart[0].spc).toMatchObject({ mean: expect.any(Number), lowerLimit: expect.any(Number), upperLimit: expect.any(Number) });
    expect(ok.some((r) => r.forecast)).toBe(true);
    const spcIndicator = doc.indicators.find((i) => i.spc)!;
    expect(spcIndicator.spc!.variationText).toMatch(/variation/);
    expect(doc.indicators.some((i) => i.forecast?.statusText)).toBe(true);
    expect(doc.indicators.some((i) => i.exception.isException && i.exception.reasons.length)).toBe(true);
    expect(doc.indicators.some((i) => i.commentary.status === 'current' || i.commentary.status === 'stale')).toBe(true);
    const suppressed = doc.results.filter((r) => r.status === 'suppressed');
    expect(suppressed.length).toBeGreaterThan(0);
    for (const r of suppressed) expect(r.suppression?.reason, `${r.indicator} ${r.period} ${r.area}`).toBeTruthy();
    expect(suppressed[0].figure).toBe('c');
  });

  it("records each locality's own commentary per indicator, apart from the partnership's", () => {
    // The sample ships Central's text for smoking at delivery and child protection plans, and none for other localities.
    const withLocal = doc.indicators.filter((i) => i.commentary.areas.length);
    expect(withLocal.map((i) => i.indicator).sort()).toEqual(['child_protection_plans', 'smoking_at_delivery']);
    for (const i of withLocal) expect(i.commentary.areas).toEqual([{ area: 'central', status: 'current', writtenFor: doc.period, updatedAt: '2026-11-12' }]);
    // The partnership's status is its own: CAMHS waits have partnership text and no locality's.
    const camhs = doc.indicators.find((i) => i.indicator === 'camhs_seen_within_4_weeks')!;
    expect(camhs.commentary).toMatchObject({ status: 'current', areas: [] });
  });

  it("scorecard.xlsx holds the same localities' text on its own sheet, and the partnership's on the Scorecard", async () => {
    const { default: ExcelJS } = await import('exceljs');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(dir, 'out', 'scorecard.xlsx'));
    const rowsOf = (name: string) => {
      const ws = wb.getWorksheet(name)!;
      const header = (ws.getRow(1).values as unknown[]).slice(1);
      const out: Array<Record<string, unknown>> = [];
      ws.eachRow((row, r) => { if (r > 1) out.push(Object.fromEntries(header.map((h, i) => [String(h), row.getCell(i + 1).value]))); });
      return out;
    };
    const local = rowsOf('Locality commentary');
    const fromJson = doc.indicators.flatMap((i) => i.commentary.areas.map((a) => `${a.area} ${i.indicator}`));
    expect(local.map((r) => `${r['Area id']} ${r['Indicator id']}`).sort()).toEqual(fromJson.sort());
    const smokingCentral = local.find((r) => r['Indicator id'] === 'smoking_at_delivery')!;
    expect(smokingCentral).toMatchObject({ Area: 'Central', 'Written for period': doc.period });
    expect(String(smokingCentral['Story behind the curve'])).toMatch(/^Central is still above the partnership target/);
    // The Scorecard's commentary is the partnership's, never a locality's.
    const scorecard = rowsOf('Scorecard').find((r) => r['Indicator id'] === 'smoking_at_delivery')!;
    expect(String(scorecard['Story behind the curve'])).toMatch(/^On target this quarter/);
    expect(String(scorecard['Partners with a role'])).toMatch(/^Maternity services/);
  });
});
