/**
 * The commentary workflow as a user runs it, with the real CLI on a copy of the sample:
 * `commentary export`, an owner edits the workbook, `run` shows the new text; adding an indicator and
 * exporting again keeps the old rows' text.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, expect, it } from 'vitest';
import { REPO_ROOT, runCliHere } from '../helpers/cli.js';
import { copySampleWithWarehouse } from '../helpers/sample.js';

const dir = mkdtempSync(path.join(tmpdir(), 'bp-commentary-cli-'));
const project = path.join(dir, 'sample');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cells(file: string): Promise<Map<string, Record<string, string>>> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const ws = wb.getWorksheet('Commentary')!;
  const headers: string[] = [];
  ws.getRow(1).eachCell((c, i) => { headers[i] = String(c.value); });
  const out = new Map<string, Record<string, string>>();
  ws.eachRow((row, r) => {
    if (r === 1) return;
    const rec: Record<string, string> = {};
    row.eachCell((c, i) => { rec[headers[i]] = String(c.value ?? ''); });
    out.set(rec.Id, rec);
  });
  return out;
}

it('export → edit → run shows the new text; adding an indicator keeps the old rows\' text', async () => {
  await copySampleWithWarehouse(project);
  const file = path.join(project, 'commentary.xlsx');

  // The sample keeps its owners' text in commentary.yaml; the board secretary switches to a workbook.
  const exported = await runCliHere(['commentary', 'export', '--project', project, '--format', 'xlsx']);
  expect(exported.status, exported.stderr).toBe(0);
  expect(existsSync(file)).toBe(true);
  const rows = await cells(file);
  expect(rows.get('camhs_seen_within_4_weeks')?.['Story behind the curve']).toMatch(/^Six in ten children referred/);
  expect(rows.get('good_level_of_development')?.Rating).toBeTruthy();
  expect(rows.get('best_start')?.Kind).toBe('priority');

  // The owner writes the story in Excel.
  const story = 'Speech and language needs rose after the pandemic; the <b>Talk Boost</b> pilot is reaching {{ every }} setting.';
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const ws = wb.getWorksheet('Commentary')!;
  let storyColumn = 0;
  ws.getRow(1).eachCell((c, i) => { if (c.value === 'Story behind the curve') storyColumn = i; });
  ws.eachRow((row, r) => {
    if (r > 1 && row.getCell(1).value === 'good_level_of_development') row.getCell(storyColumn).value = story;
  });
  await wb.xlsx.writeFile(file);

  const run = await runCliHere(['run', '--project', project, '--no-pdf']);
  expect(run.status, run.stderr).toBe(0);
  const html = readFileSync(path.join(project, 'out', 'board-pack.html'), 'utf8');
  expect(html).toContain('Speech and language needs rose after the pandemic; the &lt;b&gt;Talk Boost&lt;/b&gt; pilot is reaching {{ every }} setting.');
  expect(html).not.toContain('This commentary was written for');

  // A new indicator (the README's example), then next quarter's export: old text kept, a new empty row added.
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  writeFileSync(path.join(project, 'indicators', 'low_birth_weight_term.yaml'), /```yaml\n(id: low_birth_weight_term[\s\S]*?)```/.exec(readme)![1]);
  const again = await runCliHere(['commentary', 'export', '--project', project]);
  expect(again.status, again.stderr).toBe(0);
  const after = await cells(file);
  expect(after.get('good_level_of_development')?.['Story behind the curve']).toBe(story);
  expect(after.get('low_birth_weight_term')).toBeDefined();
  expect(after.get('low_birth_weight_term')?.['Story behind the curve'] ?? '').toBe('');
  expect(after.size).toBe(rows.size + 1);
}, 600_000);
