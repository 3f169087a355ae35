/** Each exit code and the user-facing error path, through the real CLI. */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { editFile, makeProject } from '../helpers/project.js';
import { runCliHere } from '../helpers/cli.js';

describe('boardpack CLI errors', () => {
  it('--help lists every command, and run --help every option with a line each', async () => {
    const top = await runCliHere(['--help']);
    expect(top.status).toBe(0);
    for (const cmd of ['demo', 'run', 'init', 'validate', 'ingest', 'schema']) expect(top.stdout).toMatch(new RegExp(`\\n\\s+${cmd}\\b.*\\S`));
    const run = await runCliHere(['run', '--help']);
    expect(run.status).toBe(0);
    for (const opt of ['--project', '--period', '--out', '--browser', '--no-pdf']) expect(run.stdout).toMatch(new RegExp(`${opt}[^\\n]*\\s{2,}\\S+`));
  });

  it('a --browser path that does not exist exits 1 naming the flag; HTML, XLSX and JSON are still written', async () => {
    const root = await makeProject();
    const missing = path.join(root, 'no-such-chrome');
    const r = await runCliHere(['run', '--project', root, '--browser', missing]);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toContain('BP_BROWSER_NOT_FOUND');
    expect(r.stderr).toContain(missing);
    expect(r.stderr).toContain('`--browser` (or BOARDPACK_BROWSER)');
    for (const f of ['board-pack.html', 'scorecard.xlsx', 'results.json']) expect(existsSync(path.join(root, 'out', f)), f).toBe(true);
    expect(existsSync(path.join(root, 'out', 'board-pack.pdf'))).toBe(false);
  });

  it('wrong usage exits 2', async () => {
    const r = await runCliHere(['run', '--no-such-option']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown option/);
  });

  it('a broken config exits 1 naming the file, the path and the fix, without a stack trace', async () => {
    const root = await makeProject();
    editFile(root, 'boardpack.yaml', 'decision: assurance', 'decision: assurence');
    const r = await runCliHere(['run', '--project', root, '--no-pdf']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('boardpack.yaml');
    expect(r.stderr).toContain('board.decision');
    expect(r.stderr).toContain('did you mean assurance?');
    expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });

  it('a missing extract exits 1 naming the file and where to put it; the other sources still make a pack', async () => {
    const root = await makeProject({ 'extracts/schools.csv': null });
    const out = path.join(root, 'out');
    const r = await runCliHere(['run', '--project', root, '--no-pdf']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('BP_INGEST_FILE_MISSING');
    expect(r.stderr).toContain('extracts/schools.csv');
    const results = JSON.parse((await import('node:fs')).readFileSync(path.join(out, 'results.json'), 'utf8'));
    expect(results.results.some((x: { indicator: string; value: number | null }) => x.indicator === 'low_birth_weight' && x.value !== null)).toBe(true);
  });

  it('a CSV with a wrong column exits 1 naming the file, the column and how to fix it', async () => {
    const root = await makeProject();
    editFile(root, 'extracts/schools.csv', 'taking_place', 'taking_up');
    const r = await runCliHere(['run', '--project', root, '--no-pdf']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('extracts/schools.csv');
    expect(r.stderr).toContain('taking_place');
    expect(r.stderr).toMatch(/fix: add `aliases: \["taking_up"\]`/);
    expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });

  it('--debug shows the stack of a user error', async () => {
    const root = await makeProject();
    writeFileSync(path.join(root, 'boardpack.yaml'), 'partnership: [\n');
    const r = await runCliHere(['run', '--project', root, '--debug']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('BP_YAML_SYNTAX');
    expect(r.stderr).toMatch(/\n\s+at .+:\d+:\d+/);
  });

  it('validate exits 0 on a clean project and 1 with every problem listed', async () => {
    const root = await makeProject();
    expect((await runCliHere(['validate', '--project', root])).status).toBe(0);
    editFile(root, 'indicators/low_birth_weight.yaml', 'polarity: lower_is_better', 'polarity: lower_is_beter');
    editFile(root, 'indicators/open_early_help.yaml', 'unit: count', 'unit: counts');
    const r = await runCliHere(['validate', '--project', root, '--json']);
    expect(r.status).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.errors).toBe(2);
    expect(doc.problems.map((p: { yamlPath: string }) => p.yamlPath)).toEqual(expect.arrayContaining(['indicators.low_birth_weight.polarity', 'indicators.open_early_help.unit']));
  });
});
