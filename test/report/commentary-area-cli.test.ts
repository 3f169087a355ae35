/**
 * Commentary per area, as a user runs it with the real CLI on a copy of the sample: `commentary export --each
 * area` writes a row per indicator and locality, an owner writes Central's story, `run --each area` prints it in
 * Central's pack only (never the partnership's text there), says plainly that none was written for a locality
 * without any, and an area the partnership does not have is an error naming the file, row and column.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliHere } from '../helpers/cli.js';
import { copySampleWithWarehouse } from '../helpers/sample.js';

const dir = mkdtempSync(path.join(tmpdir(), 'bp-commentary-area-'));
const project = path.join(dir, 'sample');
const yamlFile = path.join(project, 'commentary.yaml');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CENTRAL_STORY = 'In Central one mother in eight still smokes at delivery, twice the rate of the other localities; the Central GP incentive pilot starts in January.';
const CENTRAL_ACTION = 'Central family hub midwives to offer carbon monoxide screening at every contact (Central locality lead, February 2027).';

type Entry = Record<string, unknown>;
interface CommentaryDoc { commentary: Record<string, Entry>; areas?: Record<string, Record<string, Entry>> }

const readDoc = () => YAML.parse(readFileSync(yamlFile, 'utf8')) as CommentaryDoc;
/** The partnership's own text, as the sample's owners wrote it: none of it may appear in a locality's pack. */
const partnershipTexts = (doc: CommentaryDoc) => Object.values(doc.commentary)
  .flatMap((e) => [e.story, e.what_works, e.actions].filter((t): t is string => typeof t === 'string' && t.length > 40));
const htmlText = (file: string) => readFileSync(file, 'utf8').replace(/\s+/g, ' ');

describe('commentary per area', () => {
  let partnership: string[] = [];

  beforeAll(async () => {
    // The extracts stay as shipped: the suite's load of them is this copy's warehouse.
    await copySampleWithWarehouse(project);
    partnership = partnershipTexts(YAML.parse(readFileSync(yamlFile, 'utf8')) as CommentaryDoc);
  });

  it('export --each area writes a row per priority and indicator for every locality, keeping the partnership\'s text', async () => {
    const before = readDoc();
    const exported = await runCliHere(['commentary', 'export', '--project', project, '--each', 'area']);
    expect(exported.status, exported.stderr).toBe(0);
    const doc = readDoc();
    const config = YAML.parse(readFileSync(path.join(project, 'boardpack.yaml'), 'utf8')) as { areas: Array<{ id: string }> };
    const localities = config.areas.map((a) => a.id).filter((id) => id !== 'all');
    expect(localities.length).toBeGreaterThanOrEqual(2);
    expect(Object.keys(doc.areas ?? {}).sort()).toEqual([...localities].sort());
    for (const area of localities) expect(Object.keys(doc.areas![area]).sort()).toEqual(Object.keys(doc.commentary).sort());
    // Each locality row carries the locality's own figure, not the partnership's.
    const sad = doc.areas!.central.smoking_at_delivery;
    expect(sad.latest).toMatch(/%/);
    expect(sad.latest).not.toBe(doc.commentary.smoking_at_delivery.latest);
    // Central's own text, as the sample ships it, is kept; a locality nobody wrote for has empty rows to fill.
    expect(String(before.areas?.central?.smoking_at_delivery?.story ?? '')).toMatch(/Central/);
    expect(sad.story).toBe(before.areas!.central.smoking_at_delivery.story);
    expect(doc.areas!.north.smoking_at_delivery.story).toBe('');
    // The partnership's text is where it was.
    expect(doc.commentary.smoking_at_delivery.story).toBe(before.commentary.smoking_at_delivery.story);
  }, 600_000);

  it("a Central pack prints Central's text and none of the partnership's; a locality without text says none was written", async () => {
    const doc = readDoc();
    doc.areas!.central.smoking_at_delivery.story = CENTRAL_STORY;
    doc.areas!.central.smoking_at_delivery.actions = CENTRAL_ACTION;
    writeFileSync(yamlFile, YAML.stringify(doc, { lineWidth: 0 }));

    const run = await runCliHere(['run', '--project', project, '--no-pdf', '--each', 'area']);
    expect(run.status, run.stderr).toBe(0);
    const out = path.join(project, 'out');
    const central = htmlText(path.join(out, 'board-pack-central.html'));
    expect(central).toContain(CENTRAL_STORY);
    expect(central).toContain(CENTRAL_ACTION);
    expect(central).toContain('The commentary in this pack was written for Central');
    expect(partnership.length).toBeGreaterThan(5);
    for (const text of partnership) expect(central, 'no partnership commentary in a locality pack').not.toContain(text.replace(/\s+/g, ' '));

    const north = htmlText(path.join(out, 'board-pack-north.html'));
    expect(north).toContain('No commentary has been written for North this period');
    expect(north).not.toContain(CENTRAL_STORY);
    for (const text of partnership) expect(north).not.toContain(text.replace(/\s+/g, ' '));

    // The partnership's pack ignores the locality rows.
    const whole = htmlText(path.join(out, 'board-pack.html'));
    expect(whole).not.toContain(CENTRAL_STORY);
    expect(whole).toContain(doc.commentary.smoking_at_delivery.story as string);
  }, 600_000);

  it('export --each area round-trips: a second export (and one without --each) keeps Central\'s text', async () => {
    const again = await runCliHere(['commentary', 'export', '--project', project, '--each', 'area']);
    expect(again.status, again.stderr).toBe(0);
    expect(readDoc().areas!.central.smoking_at_delivery.story).toBe(CENTRAL_STORY);
    const plain = await runCliHere(['commentary', 'export', '--project', project]);
    expect(plain.status, plain.stderr).toBe(0);
    const doc = readDoc();
    expect(doc.areas!.central.smoking_at_delivery.story).toBe(CENTRAL_STORY);
    expect(doc.areas!.central.smoking_at_delivery.actions).toBe(CENTRAL_ACTION);
    // Written for this period, carried forward unchanged: the fingerprint now matches the text.
    expect(doc.areas!.central.smoking_at_delivery.written_for).toBe(doc.commentary.smoking_at_delivery.report_period);
  }, 600_000);

  it('a workbook row naming an unknown area is an error with the file, row, column and a did-you-mean', async () => {
    const xlsx = path.join(project, 'commentary.xlsx');
    const exported = await runCliHere(['commentary', 'export', '--project', project, '--format', 'xlsx']);
    expect(exported.status, exported.stderr).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsx);
    const ws = wb.getWorksheet('Commentary')!;
    const col = new Map<string, number>();
    ws.getRow(1).eachCell((c, i) => col.set(String(c.value), i));
    let edited = 0;
    ws.eachRow((row, r) => {
      if (r > 1 && row.getCell(col.get('Id')!).value === 'smoking_at_delivery' && row.getCell(col.get('Area')!).value === 'central') {
        row.getCell(col.get('Area')!).value = 'Centrl';
        edited = r;
      }
    });
    expect(edited).toBeGreaterThan(1);
    await wb.xlsx.writeFile(xlsx);
    rmSync(yamlFile);

    const run = await runCliHere(['run', '--project', project, '--no-pdf', '--each', 'area']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('BP_COMMENTARY_UNKNOWN_AREA');
    expect(run.stderr).toContain('did you mean central?');
    expect(run.stderr).toContain('commentary.xlsx');
    expect(run.stderr).toContain(`row ${edited}`);
    expect(run.stderr).toContain('column "Area"');
    // The row's text is not printed anywhere, as Central's or as the partnership's.
    expect(htmlText(path.join(project, 'out', 'board-pack-central.html'))).not.toContain(CENTRAL_STORY);
    expect(htmlText(path.join(project, 'out', 'board-pack.html'))).not.toContain(CENTRAL_STORY);

    // Exporting over such a file refuses rather than dropping the text.
    const refused = await runCliHere(['commentary', 'export', '--project', project]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('BP_COMMENTARY_UNKNOWN_AREA');
  }, 600_000);
});
