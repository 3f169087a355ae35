/**
 * Smoke test of the benchmark's logic on tiny sizes: the plan, the figures, the generated data (it must pass the
 * sample contract, or the bench would measure a failing ingest), and one tiny end-to-end run writing --json.
 * No timing is asserted anywhere: speed is only ever reported by `npm run bench`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { episodes, prepareFramework, prepareProject, REPO_ROOT, writeEpisodesCsv } from '../../scripts/bench/data.js';
import { parseArgs } from '../../scripts/bench/plan.js';
import { formatTable, median, ratioRow, series } from '../../scripts/bench/stats.js';
import { ingestFolder } from '../helpers/ingest.js';
import { loadProject } from '../../src/config/load.js';
import { ingestProject } from '../../src/ingest/index.js';
import { openWarehouse } from '../../src/warehouse/db.js';
import { ensureMeta } from '../../src/warehouse/meta.js';

const run = promisify(execFile);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'bp-bench-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('bench plan', () => {
  it('--quick is a smaller plan than the full run, with the 10M CSV only in the full run and only once', () => {
    const quick = parseArgs(['--quick']);
    const full = parseArgs([]);
    expect(quick.quick).toBe(true);
    expect(Math.max(...quick.csv.map((s) => s.rows))).toBeLessThan(Math.max(...full.csv.map((s) => s.rows)));
    expect(full.csv.find((s) => s.rows === 10_000_000)?.reps).toBe(1);
    expect(quick.csv.some((s) => s.rows >= 1_000_000)).toBe(false);
  });

  it('reads sizes, steps, repetitions and the JSON file; rejects what it does not know', () => {
    const p = parseArgs(['--only', 'csv,help', '--csv-rows', '2k,1000', '--reps', '2', '--json', 'x.json']);
    expect(p.steps).toEqual(['csv', 'help']);
    expect(p.csv).toEqual([{ rows: 1000, reps: 2 }, { rows: 2000, reps: 2 }]);
    expect(p.jsonFile).toBe('x.json');
    expect(() => parseArgs(['--only', 'nope'])).toThrow(/unknown step nope/);
    expect(() => parseArgs(['--csv-rows', 'ten'])).toThrow(/--csv-rows/);
    expect(() => parseArgs(['--frobnicate'])).toThrow(/unknown option/);
  });
});

describe('bench figures', () => {
  it('takes medians and judges ratios against the target', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    const ours = series([130, 120, 125], [1000, 2000, null]);
    expect(ours.peakRssKb).toBe(2000);
    expect(ratioRow('x', ours, series([100]), 'floor', 1.3).met).toBe(true);
    expect(ratioRow('x', ours, series([90]), 'floor', 1.3).met).toBe(false);
    expect(ratioRow('x', series([100]), series([100]), 'pandas', 1, { strict: true }).met).toBe(false);
    const table = formatTable([ratioRow('CSV ingest', ours, series([100]), 'read_csv', 1.3, { size: 1_000_000 })]);
    expect(table).toMatch(/CSV ingest 1M .* 1\.25× +≤ 1\.3× +yes/);
  });
});

describe('bench data', () => {
  it('is the same bytes for the same seed', () => {
    const a = path.join(tmp, 'a.csv');
    const b = path.join(tmp, 'b.csv');
    writeEpisodesCsv(a, 500);
    writeEpisodesCsv(b, 500);
    expect(readFileSync(a, 'utf8')).toBe(readFileSync(b, 'utf8'));
    expect(readFileSync(a, 'utf8').trim().split('\n')).toHaveLength(501);
    expect([...episodes(3, 1)]).not.toEqual([...episodes(3, 2)]);
  });

  it('passes the sample contract as CSV and as XLSX, so the bench measures a clean load', async () => {
    const project = await prepareProject(path.join(tmp, 'project'), [300], [120], () => {});
    const res = await loadProject(project.root);
    expect(res.config).toBeDefined();
    const wh = await openWarehouse(path.join(tmp, 'wh.duckdb'));
    try {
      await ensureMeta(wh);
      const report = await ingestProject(wh, res.config!, { sources: ['csv_300', 'xlsx_120'] });
      expect(report.sources.map((s) => [s.source, s.status, s.rowsLoaded])).toEqual([['csv_300', 'loaded', 300], ['xlsx_120', 'loaded', 120]]);
      expect(report.problems.filter((p) => p.severity === 'error')).toEqual([]);
    } finally {
      wh.close();
    }
    // The sample sources still load beside the bench ones (the indicator step computes on them).
    const sample = await ingestFolder(project.root, { sources: ['social_care_episodes'] });
    expect(sample.report.sources[0].status).toBe('loaded');
  });
});

describe('bench framework', () => {
  it('makes the sample\'s indicators into four times as many distinct ones over the same extracts', async () => {
    const base = await loadProject(prepareFramework(path.join(tmp, 'fw-1'), 1));
    const big = await loadProject(prepareFramework(path.join(tmp, 'fw-4'), 4));
    expect(big.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(big.indicators).toHaveLength(base.indicators.length * 4);
    expect(new Set(big.indicators.map((d) => d.id)).size).toBe(big.indicators.length);
    expect(new Set(big.indicators.map((d) => d.numerator?.from))).toEqual(new Set(base.indicators.map((d) => d.numerator?.from)));
  });
});

describe('npm run bench on tiny sizes', () => {
  it('measures CSV ingest beside read_csv, prints the table and writes --json', async () => {
    const json = path.join(tmp, 'bench.json');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'scripts', 'bench.ts'), '--only', 'csv', '--csv-rows', '200,400', '--reps', '1', '--json', json], { cwd: REPO_ROOT, maxBuffer: 1 << 24 });
    expect(stdout).toMatch(/step +ours \(median, min–max\) +floor \/ peer +ratio +target +met\?/);
    expect(stdout).toMatch(/CSV ingest 200 /);
    const doc = JSON.parse(readFileSync(json, 'utf8')) as { rows: Array<{ step: string; size?: number; ratio: number; ours: { ms: number[]; peakRssKb: number | null } }>; failures: string[]; machine: { cpus: number } };
    expect(doc.failures).toEqual([]);
    expect(doc.machine.cpus).toBeGreaterThan(0);
    const csv = doc.rows.filter((r) => r.step === 'CSV ingest');
    expect(csv.map((r) => r.size)).toEqual([200, 400]);
    for (const r of csv) {
      expect(r.ratio).toBeGreaterThan(0);
      expect(r.ours.ms).toHaveLength(1);
      expect(r.ours.peakRssKb).toBeGreaterThan(0);
    }
  });
});
