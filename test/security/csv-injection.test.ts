/**
 * 10. Every text cell of every CSV we write is neutralised by the XLSX rule: a cell starting with =, +, -, @,
 * a tab or a carriage return gets a leading apostrophe, including text that starts like a number
 * (`-2+3+cmd|' /C calc'!A0`). Checked on the validation report a real `ingest` writes from a hostile extract.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliHere } from '../helpers/cli.js';
import { editFile, makeProject } from '../helpers/project.js';

const HOSTILE = [`-2+3+cmd|' /C calc'!A0`, '=1+1', '+SUM(1)', '@SUM(1)', '-1-1'];

/** The fields of one CSV line with "…" quoting (as we write it). */
function fields(line: string): string[] {
  return [...line.matchAll(/"((?:[^"]|"")*)"/g)].map((m) => m[1].replace(/""/g, '"'));
}

describe('CSV formula injection', () => {
  it('neutralises every hostile cell of validation-report.csv, number-like ones included', async () => {
    const root = await makeProject();
    editFile(root, 'extracts/schools.csv', /\nAutumn 2023\/24,East,220,169\n/,
      `\n${HOSTILE.map((h, i) => `Autumn 2023/24,East,"${h.replace(/"/g, '""')}",${i}`).join('\n')}\nAutumn 2023/24,West,1,1\n`);
    const r = await runCliHere(['ingest', '--project', root]);
    expect(r.status).toBe(1);
    const csv = readFileSync(path.join(root, '.boardpack', 'validation-report.csv'), 'utf8');
    const cells = csv.split('\r\n').filter(Boolean).flatMap(fields);
    for (const h of HOSTILE) expect(cells).toContain(`'${h}`);
    // No cell at all that a spreadsheet would run.
    expect(cells.filter((c) => /^[=+\-@\t\r]/.test(c))).toEqual([]);
  });
});
