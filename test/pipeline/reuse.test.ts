/**
 * A second run with nothing changed keeps the first run's outputs (and says so); any change to what goes into
 * them (commentary, a template, an extract, the options, SOURCE_DATE_EPOCH, an output edited since) renders
 * again, and so does `force`. Counted from the run's log and the files' modification times, not from timing.
 */
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runPipeline, type RunOptions } from '../../src/pipeline/index.js';
import { MANIFEST_FILE } from '../../src/pipeline/manifest.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { copySampleWithWarehouse } from '../helpers/sample.js';

const dir = mkdtempSync(path.join(tmpdir(), 'bp-reuse-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const project = path.join(dir, 'sample');
const out = path.join(dir, 'out');
const at = () => new Date('2026-11-20T09:00:00Z');

/** One run into `out`: whether it kept the previous outputs, by its log line and by the HTML's modification time. */
async function run(extra: Partial<RunOptions> = {}) {
  const lines: string[] = [];
  const html = path.join(out, 'board-pack.html');
  let before: number | undefined;
  try { before = statSync(html).mtimeMs; } catch { before = undefined; }
  const summary = await runPipeline({
    projectDir: project, outDir: out, formats: ['html', 'json'], now: at, env: {},
    log: { info: (l) => lines.push(l), warn: (l) => lines.push(l) }, ...extra,
  });
  expect(summary.exitCode).toBe(0);
  const kept = lines.some((l) => l.startsWith('Outputs unchanged'));
  expect(Boolean(summary.reusedFrom)).toBe(kept);
  // Kept means not written again; rendered means written again (a fresh file).
  if (before !== undefined) expect(statSync(html).mtimeMs === before).toBe(kept);
  const counted = lines.map((l) => /^Charts: (\d+) drawn, (\d+) reused/.exec(l)).find(Boolean);
  const charts = counted ? { drawn: Number(counted[1]), reused: Number(counted[2]) } : undefined;
  expect(charts === undefined).toBe(kept);
  return { kept, summary, charts };
}

describe('reusing an unchanged pack', () => {
  it('keeps the outputs when nothing changed, and renders again when anything that goes into them did', async () => {
    // Starts from the suite's load of the shipped sample, as a second run on it would; the extract edited below
    // then loads as a revision of it, as it would after any first run.
    await copySampleWithWarehouse(project);
    // A templates folder overriding the stylesheet, so a template can change without the config changing.
    mkdirSync(path.join(project, 'templates'));
    copyFileSync(path.join(REPO_ROOT, 'templates', 'pack.css'), path.join(project, 'templates', 'pack.css'));
    appendFileSync(path.join(project, 'boardpack.yaml'), '\ntemplates: templates\n');

    const first = await run();
    expect(first.kept).toBe(false);
    expect(first.charts!.drawn).toBeGreaterThan(50);
    const manifest = JSON.parse(readFileSync(path.join(out, MANIFEST_FILE), 'utf8')) as { reuseKey?: string; generatedAt: string };
    expect(manifest.reuseKey).toMatch(/^[0-9a-f]{64}$/);

    const second = await run();
    expect(second.kept).toBe(true);
    expect(second.summary.reusedFrom).toBe(manifest.generatedAt);
    expect(second.summary.files.map((f) => path.basename(f.path)).sort()).toEqual(['board-pack.html', 'results.json']);
    // The manifest is the first run's: the outputs are still exactly what it lists.
    expect(JSON.parse(readFileSync(path.join(out, MANIFEST_FILE), 'utf8'))).toEqual(manifest);

    // --force renders everything again, every chart included.
    const forced = await run({ force: true });
    expect(forced.kept).toBe(false);
    expect(forced.charts!.drawn).toBe(first.charts!.drawn);

    // An output changed since: not trusted, rendered again.
    appendFileSync(path.join(out, 'results.json'), ' ');
    expect((await run()).kept).toBe(false);

    // The commentary.
    const commentary = path.join(project, 'commentary.yaml');
    writeFileSync(commentary, readFileSync(commentary, 'utf8').replace('Fewer mothers smoke at delivery', 'Fewer mothers now smoke at delivery'));
    const withCommentary = await run();
    expect(withCommentary.kept).toBe(false);
    expect(readFileSync(path.join(out, 'board-pack.html'), 'utf8')).toContain('Fewer mothers now smoke at delivery');
    // The figures did not change: no chart is drawn again.
    expect(withCommentary.charts).toEqual({ drawn: 0, reused: first.charts!.drawn + first.charts!.reused });

    // A template.
    appendFileSync(path.join(project, 'templates', 'pack.css'), '\n.bp-reuse-test { color: inherit; }\n');
    expect((await run()).kept).toBe(false);

    // An extract.
    const extract = path.join(project, 'extracts', 'population_by_locality.csv');
    writeFileSync(extract, readFileSync(extract, 'utf8').replace('2021-22,BKF-L1,Central,18800,', '2021-22,BKF-L1,Central,18801,'));
    // Only the charts of figures that changed (rates per child in Central in 2021-22) are drawn again.
    const withExtract = await run();
    expect(withExtract.kept).toBe(false);
    expect(withExtract.charts!.drawn).toBeGreaterThan(0);
    expect(withExtract.charts!.drawn).toBeLessThan(first.charts!.drawn);
    expect((await run()).kept).toBe(true);

    // The options and SOURCE_DATE_EPOCH.
    expect((await run({ exceptionsOnly: true })).kept).toBe(false);
    expect((await run({ env: { SOURCE_DATE_EPOCH: '1800000000' } })).kept).toBe(false);
    expect((await run({ env: { SOURCE_DATE_EPOCH: '1800000000' } })).kept).toBe(true);
    expect((await run({ env: { SOURCE_DATE_EPOCH: '1800000001' } })).kept).toBe(false);
  }, 900_000);
});
