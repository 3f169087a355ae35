/**
 * The commentary workflow on real files: export the workbook (and YAML), edit it as an owner
 * would (exceljs / text), read it back into the pack; text carried forward is flagged as older than the data,
 * edited text is not; adding or removing an indicator never loses a row's text; text is never evaluated.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import Handlebars from 'handlebars';
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildCommentaryRows, commentaryForPack, parseCommentaryYaml, readCommentaryFile, renderCommentaryWorkbook, renderCommentaryYaml, textFingerprint, writtenFor,
} from '../../src/report/commentary.js';
import { buildReportModel, renderHtml } from '../../src/report/index.js';
import { renderXlsx } from '../../src/report/xlsx.js';
import type { Assessment } from '../../src/assess/types.js';
import { fixtureAssessment, fixtureConfig, fixtureMeta } from './fixture.js';

const dir = mkdtempSync(path.join(tmpdir(), 'bp-commentary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NASTY = 'Partners said <script>alert(1)</script> and =HYPERLINK("http://evil.example","click") then {{meta.title}} stayed literal.';
const config = fixtureConfig();
const meta = { partnership: config.partnership.name, periodLabel: '2024/25 Q4', generatedAt: '2025-06-02T09:30:00.000Z' };

/** An owner edits cells of the exported workbook in Excel (here: exceljs), by row id and column header. */
async function edit(file: string, changes: Record<string, Record<string, string>>): Promise<void> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const ws = wb.getWorksheet('Commentary')!;
  const cols = new Map<string, number>();
  ws.getRow(1).eachCell((c, i) => cols.set(String(c.value), i));
  ws.eachRow((row, r) => {
    if (r === 1) return;
    const change = changes[String(row.getCell(1).value)];
    if (change) for (const [header, text] of Object.entries(change)) row.getCell(cols.get(header)!).value = text;
  });
  await wb.xlsx.writeFile(file);
}

function without(assessment: Assessment, id: string): Assessment {
  return { ...assessment, indicators: assessment.indicators.filter((ia) => ia.indicator.id !== id) };
}

describe('commentary workbook: export, edit, read back', () => {
  const assessment = fixtureAssessment();
  const file = path.join(dir, 'commentary.xlsx');

  it('exports one row per priority and indicator with owner and latest status', async () => {
    const rows = buildCommentaryRows(config, assessment, [], '2025-06-02');
    expect(rows.map((r) => r.id)).toEqual([...config.framework.priorities.map((p) => p.id), ...assessment.indicators.map((ia) => ia.indicator.id)]);
    const lbw = rows.find((r) => r.id === 'low_birth_weight')!;
    expect(lbw.rating).toMatch(/^(Red|Amber|Green|Blue|Not rated)$/);
    expect(lbw.status).toBe(assessment.indicators.find((ia) => ia.indicator.id === 'low_birth_weight')!.latest.sentence);
    writeFileSync(file, await renderCommentaryWorkbook(rows, meta));
    const back = await readCommentaryFile(file);
    expect(back.map((r) => r.id)).toEqual(rows.map((r) => r.id));
    expect(back.every((r) => r.story === '' && r.inFramework)).toBe(true);
  });

  it('an edited row is printed as literal text in HTML and XLSX and counts as written for this period', async () => {
    await edit(file, {
      low_birth_weight: { 'Story behind the curve': NASTY, 'What works': 'Stop-smoking support at booking.', 'Partners with a role': 'Midwifery; Family hubs', 'Actions (what we will do)': '=1+1 must stay text' },
      best_start: { 'Story behind the curve': 'A good quarter for the early years.' },
    });
    const rows = await readCommentaryFile(file);
    const lbw = rows.find((r) => r.id === 'low_birth_weight')!;
    expect(lbw.story).toBe(NASTY);
    expect(lbw.actions).toBe('=1+1 must stay text');
    expect(writtenFor(lbw)).toBe(lbw.reportPeriod);

    const { commentary, problems } = commentaryForPack(rows, config, assessment, file);
    expect(problems).toEqual([]);
    const html = renderHtml(buildReportModel(config, assessment, { ...fixtureMeta({}), commentary }));
    expect(html).toContain(Handlebars.escapeExpression(NASTY));
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('Stop-smoking support at booking.');
    expect(html).toContain('Partner: Family hubs');
    expect(html).toContain('A good quarter for the early years.');

    const xlsx = await renderXlsx(assessment, { partnership: config.partnership.name, generatedAt: meta.generatedAt, commentary });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(xlsx) as unknown as ArrayBuffer);
    const sc = wb.getWorksheet('Scorecard')!;
    const texts: unknown[] = [];
    sc.eachRow((row) => row.eachCell((c) => texts.push(c.value)));
    expect(texts).toContain(NASTY);
    expect(texts).toContain("'=1+1 must stay text"); // neutralised: a text cell, never a formula
    expect(texts.some((v) => typeof v === 'object' && v !== null && 'formula' in (v as object))).toBe(false);
  });

  it('a formula typed into a cell is read as its text, never its result', async () => {
    await edit(file, {});
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const ws = wb.getWorksheet('Commentary')!;
    let actions = 0;
    ws.getRow(1).eachCell((c, i) => { if (c.value === 'Actions (what we will do)') actions = i; });
    ws.eachRow((row, r) => {
      if (r > 1 && row.getCell(1).value === 'health_visits') row.getCell(actions).value = { formula: 'HYPERLINK("http://x","y")', result: 'y' } as ExcelJS.CellFormulaValue;
    });
    await wb.xlsx.writeFile(file);
    const rows = await readCommentaryFile(file);
    expect(rows.find((r) => r.id === 'health_visits')!.actions).toBe('=HYPERLINK("http://x","y")');
  });

  it('re-export carries text forward; unchanged text is then flagged as older than the data', async () => {
    const previous = await readCommentaryFile(file);
    const rows = buildCommentaryRows(config, assessment, previous, '2025-09-01');
    expect(rows.find((r) => r.id === 'low_birth_weight')!.story).toBe(NASTY);
    // Next quarter: the same text, a newer report period.
    const next = rows.map((r) => ({ ...r, reportPeriod: r.reportPeriod ? '2025-26-Q1' : r.reportPeriod }));
    const later: Assessment = {
      ...assessment,
      period: { ...assessment.period, id: '2025-26-Q1', label: '2025/26 Q1' },
      indicators: assessment.indicators.map((ia) => ({ ...ia, latest: { ...ia.latest, period: '2025-26-Q1', periodLabel: '2025/26 Q1' } })),
    };
    const { commentary, problems } = commentaryForPack(next, config, later, file);
    expect(problems.map((p) => [p.code, p.value])).toContainEqual(['BP_COMMENTARY_STALE', 'low_birth_weight']);
    expect(commentary.low_birth_weight.period).toBe(assessment.indicators.find((ia) => ia.indicator.id === 'low_birth_weight')!.latest.period);
    const html = renderHtml(buildReportModel(config, later, { ...fixtureMeta({}), commentary }));
    expect(html).toMatch(/This commentary was written for 2024\/25 Q4; the figures are for 2025\/26 Q1/);
    // …and once the owner edits it, it is this period's.
    const edited = next.map((r) => (r.id === 'low_birth_weight' ? { ...r, story: 'Updated for Q1.' } : r));
    expect(commentaryForPack(edited, config, later, file).problems.filter((p) => p.value === 'low_birth_weight')).toEqual([]);
  });

  it('adding or removing an indicator never loses a row\'s text', async () => {
    const previous = await readCommentaryFile(file);
    // Removed from the framework: the row is kept, marked, with its text.
    const fewer = buildCommentaryRows(config, without(assessment, 'low_birth_weight'), previous, '2025-09-01');
    const kept = fewer.find((r) => r.id === 'low_birth_weight')!;
    expect(kept.inFramework).toBe(false);
    expect(kept.story).toBe(NASTY);
    writeFileSync(file, await renderCommentaryWorkbook(fewer, meta));
    // Added back (or a new indicator added): old rows keep their text, the new row is there.
    const again = buildCommentaryRows(config, assessment, await readCommentaryFile(file), '2025-09-01');
    expect(again.find((r) => r.id === 'low_birth_weight')!.story).toBe(NASTY);
    expect(again.find((r) => r.id === 'low_birth_weight')!.inFramework).toBe(true);
    expect(again.find((r) => r.id === 'best_start')!.story).toBe('A good quarter for the early years.');
    expect(again.filter((r) => r.id === 'low_birth_weight')).toHaveLength(1);
    // A row for an id that is in no framework is reported, not printed.
    const stray = [...again, { ...again[0], id: 'no_such_indicator', story: 'x', inFramework: true }];
    expect(commentaryForPack(stray, config, assessment, file).problems.map((p) => p.code)).toContain('BP_COMMENTARY_UNKNOWN');
  });

  it('YAML round trip keeps the same text and fingerprints', async () => {
    const rows = buildCommentaryRows(config, assessment, await readCommentaryFile(file), '2025-09-01');
    const yamlFile = path.join(dir, 'commentary.yaml');
    writeFileSync(yamlFile, renderCommentaryYaml(rows, meta));
    expect(readFileSync(yamlFile, 'utf8')).toContain('story:');
    const back = await readCommentaryFile(yamlFile);
    const lbw = back.find((r) => r.id === 'low_birth_weight')!;
    expect(lbw.story).toBe(NASTY);
    expect(lbw.fingerprint).toBe(textFingerprint(lbw));
  });

  it("prints a performance measure's commentary on its report card; a termly indicator's text written for its term is current", () => {
    const assessment = fixtureAssessment();
    // A termly measure in a quarterly pack: its latest period is a term, never the pack's quarter.
    const termly: Assessment = { ...assessment, indicators: assessment.indicators.map((ia) => (ia.indicator.id === 'two_year_take_up' ? { ...ia, latest: { ...ia.latest, period: 'AY2024-25-T3', periodLabel: 'Summer term 2024/25' } } : ia)) };
    const rows = parseCommentaryYaml(`commentary:
  two_year_take_up:
    kind: indicator
    report_period: AY2024-25-T3
    story: Take-up fell in the summer term as two nurseries closed.
    partners: Early years settings; family hubs
    actions: Outreach to eligible families not taking a place.
`, 'commentary.yaml');
    const { commentary, problems } = commentaryForPack(rows, config, termly, 'commentary.yaml');
    expect(problems).toEqual([]);
    const html = renderHtml(buildReportModel(config, termly, { ...fixtureMeta({}), commentary }));
    const card = /<div class="measure" id="[^"]*two_year_take_up[^"]*">([\s\S]*?)<div class="measure-charts">/.exec(html)?.[1] ?? '';
    expect(card).toContain('Take-up fell in the summer term as two nurseries closed.');
    expect(card).toContain('Outreach to eligible families not taking a place.');
    expect(card).toContain('family hubs');
    expect(html).not.toMatch(/was written for/);
    // Last term's text in next term's pack is flagged beside the figure.
    const nextTerm: Assessment = { ...termly, indicators: termly.indicators.map((ia) => (ia.indicator.id === 'two_year_take_up' ? { ...ia, latest: { ...ia.latest, period: 'AY2025-26-T1', periodLabel: 'Autumn term 2025/26' } } : ia)) };
    const stale = commentaryForPack(rows, config, nextTerm, 'commentary.yaml');
    expect(stale.problems.map((p) => [p.code, p.value])).toEqual([['BP_COMMENTARY_STALE', 'two_year_take_up']]);
    const staleHtml = renderHtml(buildReportModel(config, nextTerm, { ...fixtureMeta({}), commentary: stale.commentary }));
    const staleCard = /<div class="measure" id="[^"]*two_year_take_up[^"]*">([\s\S]*?)<div class="measure-charts">/.exec(staleHtml)?.[1] ?? '';
    expect(staleCard).toMatch(/This commentary was written for Summer term 2024\/25; the figures are for Autumn term 2025\/26/);
  });
});
