/**
 * 5 (the rest). Commentary is never lost: a renamed or unknown header in the commentary workbook stops `run` with a
 * coded error naming the file, the sheet, the header and what it was probably meant to be; and `commentary export`
 * never overwrites a file holding text it did not read back (unknown headers or keys, a row without an Id, a file
 * it cannot read): it writes the new one beside it and says so, and the owners' file stays byte for byte.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { runCliHere } from '../helpers/cli.js';
import { makeProject } from '../helpers/project.js';

const STORY = 'Owners wrote this story for the board.';
const WORKS = 'Stop-smoking support at booking.';

/** Edit the exported workbook as an owner would in Excel: text in two cells, then `change` on the sheet. */
async function ownerEdits(file: string, change: (ws: ExcelJS.Worksheet) => void): Promise<void> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const ws = wb.getWorksheet('Commentary')!;
  const headers = (ws.getRow(1).values as unknown[]).map((v) => String(v ?? ''));
  const col = (h: string) => headers.indexOf(h);
  ws.eachRow((row, r) => {
    if (r > 1 && row.getCell(1).value === 'low_birth_weight') {
      row.getCell(col('Story behind the curve')).value = STORY;
      row.getCell(col('What works')).value = WORKS;
    }
  });
  change(ws);
  await wb.xlsx.writeFile(file);
}

async function cellTexts(file: string): Promise<string[]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const out: string[] = [];
  wb.getWorksheet('Commentary')!.eachRow((row) => row.eachCell((c) => out.push(String(c.value))));
  return out;
}

describe('commentary is never lost', () => {
  it('workbook: a renamed header stops run with a did-you-mean; export writes beside the file, which stays byte-identical', async () => {
    const root = await makeProject();
    const file = path.join(root, 'commentary.xlsx');
    expect((await runCliHere(['commentary', 'export', '--project', root])).status).toBe(0);
    await ownerEdits(file, (ws) => {
      ws.getRow(1).eachCell((c) => { if (c.value === 'Story behind the curve') c.value = 'Story'; });
    });
    const before = readFileSync(file);

    const run = await runCliHere(['run', '--project', root, '--no-pdf']);
    expect(run.status, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/BP_COMMENTARY_UNKNOWN_HEADER \S*commentary\.xlsx, sheet "Commentary", column "[A-Z]+": unknown column "Story" .*did you mean "Story behind the curve"\?/);
    expect(run.stderr).toMatch(/fix: rename the header back to "Story behind the curve"/);

    const exp = await runCliHere(['commentary', 'export', '--project', root]);
    expect(exp.status, exp.stderr).toBe(1);
    expect(readFileSync(file).equals(before), 'the owners\' workbook was changed').toBe(true);
    const beside = path.join(root, 'commentary.new.xlsx');
    expect(existsSync(beside)).toBe(true);
    expect(exp.stderr).toMatch(/BP_COMMENTARY_UNKNOWN_HEADER .*"Story"/);
    expect(exp.stderr).toMatch(/BP_COMMENTARY_KEPT .*commentary\.xlsx .*not overwritten: the new file is .*commentary\.new\.xlsx/);
    // What could be read is carried into the new file; the renamed column's text stays in the original.
    expect(await cellTexts(beside)).toContain(WORKS);
    expect(await cellTexts(file)).toContain(STORY);

    // A second export does not overwrite the first file written beside either (it may be being merged).
    const again = await runCliHere(['commentary', 'export', '--project', root]);
    expect(again.status).toBe(1);
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(existsSync(path.join(root, 'commentary.new-2.xlsx'))).toBe(true);
  }, 300_000);

  it('workbook: text in a row whose Id was cleared keeps the file; a workbook with nothing unread is replaced in place', async () => {
    const root = await makeProject();
    const file = path.join(root, 'commentary.xlsx');
    expect((await runCliHere(['commentary', 'export', '--project', root])).status).toBe(0);
    await ownerEdits(file, () => undefined);
    const clean = await runCliHere(['commentary', 'export', '--project', root]);
    expect(clean.status, clean.stderr).toBe(0);
    expect(existsSync(path.join(root, 'commentary.new.xlsx'))).toBe(false);
    expect(await cellTexts(file)).toContain(STORY);

    await ownerEdits(file, (ws) => { ws.eachRow((row, r) => { if (r > 1 && row.getCell(1).value === 'low_birth_weight') row.getCell(1).value = null; }); });
    const before = readFileSync(file);
    const run = await runCliHere(['run', '--project', root, '--no-pdf']);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/BP_COMMENTARY_NO_ID \S*commentary\.xlsx, sheet "Commentary", row \d+: row \d+ holds commentary but no Id/);
    const exp = await runCliHere(['commentary', 'export', '--project', root]);
    expect(exp.status).toBe(1);
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(exp.stderr).toMatch(/BP_COMMENTARY_KEPT/);
  }, 300_000);

  it('YAML: an unknown key, or a file that cannot be read, is kept byte-identical and the export written beside it', async () => {
    const root = await makeProject();
    const file = path.join(root, 'commentary.yaml');
    expect((await runCliHere(['commentary', 'export', '--project', root, '--format', 'yaml'])).status).toBe(0);
    const exported = readFileSync(file, 'utf8');
    const edited = exported.replace(/(low_birth_weight:\n(?:    .*\n)*?)    story: ""\n/, `$1    stroy: ${STORY}\n`);
    expect(edited).not.toBe(exported);
    writeFileSync(file, edited);

    const exp = await runCliHere(['commentary', 'export', '--project', root, '--format', 'yaml']);
    expect(exp.status, exp.stderr).toBe(1);
    expect(readFileSync(file, 'utf8')).toBe(edited);
    expect(exp.stderr).toMatch(/BP_COMMENTARY_UNKNOWN_KEY .*"stroy".*did you mean story\?/);
    expect(exp.stderr).toMatch(/BP_COMMENTARY_KEPT .*commentary\.yaml .*commentary\.new\.yaml/);
    expect(readFileSync(path.join(root, 'commentary.new.yaml'), 'utf8')).toContain('low_birth_weight:');

    const broken = `${edited.replace(/stroy: .*\n/, `story: ${STORY}\n`)}  low_birth_weight: [unclosed\n`;
    writeFileSync(file, broken);
    const unreadable = await runCliHere(['commentary', 'export', '--project', root, '--format', 'yaml']);
    expect(unreadable.status).toBe(1);
    expect(readFileSync(file, 'utf8')).toBe(broken);
    expect(unreadable.stderr).toMatch(/BP_COMMENTARY_READ/);
    expect(unreadable.stderr).toMatch(/BP_COMMENTARY_KEPT .*commentary\.new-2\.yaml/);
  }, 300_000);
});
