/**
 * `boardpack ingest` and `boardpack status` as a user runs them (the built CLI, CI=true): the summary table,
 * --max-errors capping the listing but not the checking, the full validation report in .boardpack/,
 * --file, plain output without control characters, and status as text and JSON.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliHere } from '../helpers/cli.js';
import { makeProject } from '../helpers/project.js';

const BAD = 'term,locality,eligible_2yo,taking_place\nAutumn 2023/24,East,abc,1\nAutumn 2023/24,West,"12,5",1\nAutumn 2023/24,Narnia,1,1\nSpring 2023/24,East,=HYPERLINK("x"),1\n';

describe('boardpack ingest', () => {
  it('lists at most --max-errors problems, prints the summary table, writes every problem to the validation report', async () => {
    const root = await makeProject({ 'extracts/schools.csv': BAD });
    const r = await runCliHere(['ingest', '--project', root, '--max-errors', '2']);
    expect(r.status).toBe(1);
    expect(r.stderr.match(/^error BP_INGEST_/gm)).toHaveLength(2);
    expect(r.stderr).toContain('… 2 more problem(s) not listed here (--max-errors 2)');
    expect(r.stderr).toMatch(/problems\s+severity\s+code\s+file/);
    expect(r.stderr).toMatch(/\s3\s+error\s+BP_INGEST_BAD_NUMBER\s+extracts\/schools\.csv/);
    expect(r.stderr).toMatch(/\s1\s+error\s+BP_INGEST_UNKNOWN_AREA\s+extracts\/schools\.csv/);
    expect(r.stderr).toContain('Ingested 2 source(s), 0 unchanged, 1 not loaded; 4 error(s), 0 warning(s)');
    // CI=true: plain lines only, no progress bar or colour.
    expect(r.stderr).not.toMatch(/[\r\u001b]/);
    const csv = readFileSync(path.join(root, '.boardpack', 'validation-report.csv'), 'utf8').trim().split('\r\n');
    expect(csv[0]).toBe('"severity","code","source","file","sheet","row","column","value","expected","message","fix"');
    expect(csv).toHaveLength(5);
    expect(csv.slice(1).map((l) => l.split(',').slice(1, 2)[0])).toEqual(['"BP_INGEST_UNKNOWN_AREA"', '"BP_INGEST_BAD_NUMBER"', '"BP_INGEST_BAD_NUMBER"', '"BP_INGEST_BAD_NUMBER"']);
    // A partner's cell that looks like a formula is neutralised for spreadsheets.
    expect(csv.join('\n')).toContain(`"'=HYPERLINK(""x"")"`);
    const html = readFileSync(path.join(root, '.boardpack', 'validation-report.html'), 'utf8');
    expect(html).toContain('<code>BP_INGEST_UNKNOWN_AREA</code>');
    expect(html).toContain('Narnia');
    expect(html).not.toContain('<script');
  });

  it('--file loads one file into the source whose path it matches; status shows what is loaded', async () => {
    const root = await makeProject();
    const first = await runCliHere(['ingest', '--project', root]);
    expect(first.status, first.stderr).toBe(0);
    writeFileSync(path.join(root, 'extracts', 'schools.csv'), 'term,locality,eligible_2yo,taking_place\nAutumn 2025/26,East,210,150\nAutumn 2025/26,West,190,140\n');
    const r = await runCliHere(['ingest', '--project', root, '--file', path.join(root, 'extracts', 'schools.csv')]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('schools: loaded 2 rows from 1 file(s)');
    expect(r.stderr).not.toContain('health:');
    const unknown = await runCliHere(['ingest', '--project', root, '--file', path.join(root, 'boardpack.yaml')]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('BP_INGEST_FILE_NO_SOURCE');

    const text = await runCliHere(['status', '--project', root]);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^schools \(Example Council Education, termly\): (loaded|late), 14 rows/m);
    expect(text.stdout).toMatch(/AY2025-26-T1 +loaded +2 rows/);
    expect(text.stdout).toMatch(/AY2024-25-T3 +loaded/);
    const json = await runCliHere(['status', '--project', root, '--json']);
    const parsed = JSON.parse(json.stdout) as { sources: Array<{ source: string; rows: number; changes: Array<{ period: string; added: number }> }> };
    expect(parsed.sources.map((s) => s.source)).toEqual(['health', 'schools', 'early_help']);
    expect(parsed.sources[1].changes).toEqual([{ period: 'AY2025-26-T1', rowsBefore: 0, rowsAfter: 2, added: 2, removed: 0, revised: 0 }]);
  });

  it('--warehouse (or BOARDPACK_WAREHOUSE) loads into and reads from another warehouse file, leaving the project\'s own alone', async () => {
    const root = await makeProject();
    const other = path.join(root, 'elsewhere', 'w.duckdb');
    const r = await runCliHere(['ingest', '--project', root, '--warehouse', other]);
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(other)).toBe(true);
    expect(existsSync(path.join(root, '.boardpack', 'warehouse.duckdb'))).toBe(false);
    expect(existsSync(path.join(root, 'elsewhere', 'validation-report.csv'))).toBe(true);
    const viaEnv = await runCliHere(['status', '--project', root, '--json'], { env: { BOARDPACK_WAREHOUSE: other } });
    expect(viaEnv.status, viaEnv.stderr).toBe(0);
    const loaded = JSON.parse(viaEnv.stdout) as { sources: Array<{ rows: number }> };
    expect(loaded.sources.every((s) => s.rows > 0)).toBe(true);
    // The project's own warehouse was never made: status there reads as never loaded.
    const own = JSON.parse((await runCliHere(['status', '--project', root, '--json'])).stdout) as { sources: Array<{ rows: number }> };
    expect(own.sources.every((s) => s.rows === 0)).toBe(true);
  });
});
