/**
 * Issue #8, reproducibility: with SOURCE_DATE_EPOCH the bundled sample built twice (separate folders and
 * warehouses) gives byte-identical HTML, JSON and XLSX; the init project's PDF is byte-identical too, its
 * dates taken from SOURCE_DATE_EPOCH. Without SOURCE_DATE_EPOCH only the generation time differs.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, runCliHere, REPO_ROOT } from '../helpers/cli.js';
import { makeProject } from '../helpers/project.js';
import { runPipeline } from '../../src/pipeline/index.js';

const EPOCH = String(Date.UTC(2027, 0, 7) / 1000); // 7 January 2027, before the sample's board meeting
const tmp = (name: string) => path.join(mkdtempSync(path.join(tmpdir(), 'bp-repro-')), name);
const bytes = (dir: string, f: string) => readFileSync(path.join(dir, f));

describe('reproducible packs', () => {
  it('the sample built twice with SOURCE_DATE_EPOCH gives identical HTML, JSON and XLSX bytes', async () => {
    const a = tmp('a'); const b = tmp('b');
    for (const out of [a, b]) {
      const r = await runCliHere(['demo', '--out', out, '--no-pdf', '--quiet'], { env: { SOURCE_DATE_EPOCH: EPOCH } });
      expect(r.status, r.stderr).toBe(0);
    }
    for (const f of ['board-pack.html', 'results.json', 'scorecard.xlsx']) expect(bytes(a, f).equals(bytes(b, f)), f).toBe(true);
    const manifest = JSON.parse(readFileSync(path.join(a, 'manifest.json'), 'utf8'));
    const other = JSON.parse(readFileSync(path.join(b, 'manifest.json'), 'utf8'));
    expect(manifest.generatedAt).toBe('2027-01-07T00:00:00.000Z');
    // Everything the pack was made from hashes the same; only the command line (the output folder) differs.
    expect({ ...manifest, command: null, project: { ...manifest.project, root: null } }).toEqual({ ...other, command: null, project: { ...other.project, root: null } });
  }, 600_000);

  it('the PDF is byte-identical too, dated from SOURCE_DATE_EPOCH', async () => {
    const root = await makeProject();
    const a = tmp('a'); const b = tmp('b');
    for (const out of [a, b]) {
      const r = await runCliHere(['run', '--project', root, '--out', out, '--quiet'], { env: { SOURCE_DATE_EPOCH: EPOCH } });
      expect(r.status, r.stderr).toBe(0);
    }
    const pdf = bytes(a, 'board-pack.pdf');
    expect(pdf.equals(bytes(b, 'board-pack.pdf'))).toBe(true);
    const text = pdf.toString('latin1');
    expect(text).toContain("/CreationDate (D:20270107000000+00'00')");
    expect(text).not.toMatch(/\/CreationDate \(D:(?!20270107000000)/);
  }, 600_000);

  it('without SOURCE_DATE_EPOCH only the generation time differs', async () => {
    const root = await makeProject();
    const a = tmp('a'); const b = tmp('b');
    for (const out of [a, b]) expect((await runCliHere(['run', '--project', root, '--out', out, '--no-pdf', '--quiet'], { env: { SOURCE_DATE_EPOCH: '' } })).status).toBe(0);
    const ja = JSON.parse(readFileSync(path.join(a, 'results.json'), 'utf8'));
    const jb = JSON.parse(readFileSync(path.join(b, 'results.json'), 'utf8'));
    expect({ ...ja, generatedAt: null }).toEqual({ ...jb, generatedAt: null });
    const strip = (dir: string) => readFileSync(path.join(dir, 'board-pack.html'), 'utf8')
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, 'T').replace(/\d{1,2} \w+ \d{4}(,)? (at )?\d\d:\d\d(:\d\d)?/g, 'T');
    expect(strip(a)).toBe(strip(b));
  }, 600_000);
  it('the built CLI, which builds the HTML and the workbook in its render thread, writes the same bytes as the pipeline building them in line', async () => {
    // Running from the TypeScript sources, the pipeline has no compiled render thread to start and builds every
    // pack in line; the built CLI starts one. Both from the same warehouse-less start, every pack of one run.
    const a = tmp('thread'); const b = tmp('inline');
    const args = ['--exceptions-only', '--each', 'area', '--no-pdf', '--quiet'];
    const r = runCli(['run', '--project', path.join(REPO_ROOT, 'sample-data'), '--out', a, '--warehouse', path.join(a, 'wh.duckdb'), ...args], { env: { SOURCE_DATE_EPOCH: EPOCH } });
    expect(r.status, r.stderr).toBe(0);
    const version = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).version as string;
    await runPipeline({
      projectDir: path.join(REPO_ROOT, 'sample-data'), outDir: b, warehousePath: path.join(b, 'wh.duckdb'), formats: ['html', 'xlsx', 'json'],
      toolVersion: version, exceptionsOnly: true, eachArea: true, env: { ...process.env, SOURCE_DATE_EPOCH: EPOCH },
    });
    const packs = readdirSync(a).filter((f) => f.endsWith('.html') && f.startsWith('board-pack')).sort();
    expect(packs).toHaveLength(6); // the board version, its appendix and four localities
    expect(readdirSync(b).filter((f) => f.endsWith('.html') && f.startsWith('board-pack')).sort()).toEqual(packs);
    for (const f of [...packs, 'results.json', 'scorecard.xlsx']) expect(bytes(a, f).equals(bytes(b, f)), f).toBe(true);
  }, 600_000);
});
