/**
 * The reuse key's parts that are computed cheaply must still see every change. A figure shared between an
 * indicator's series and the run's results is hashed once, yet a change to it, or a series figure that is not
 * one of the results, changes the key. The tool's fingerprint (part of every reuse key) is cached by the files' sizes, times and inodes; the cache
 * must never hide a change: a file rewritten with the same size and its modification time put back, a file
 * added or removed, package.json changed, or a damaged cache all give the fingerprint of the files as they are.
 */
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packKey, toolFingerprint, treeFingerprint, type ReuseOptions } from '../../src/pipeline/reuse.js';
import type { PackResult } from '../../src/pipeline/compute.js';

const dir = mkdtempSync(path.join(tmpdir(), 'bp-toolfp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const code = path.join(dir, 'dist');
const templates = path.join(dir, 'templates');
const pkg = path.join(dir, 'package.json');
const cache = path.join(dir, 'cache.json');

/** The fingerprint with the cache, and (the truth) without it. */
const both = () => ({ cached: treeFingerprint([code, templates], pkg, cache), fresh: treeFingerprint([code, templates], pkg) });

describe('tool fingerprint', () => {
  it('is the same with and without its cache after any change to the files it covers', () => {
    mkdirSync(path.join(code, 'report'), { recursive: true });
    mkdirSync(templates);
    writeFileSync(path.join(code, 'main.js'), 'export const a = 1;\n');
    writeFileSync(path.join(code, 'report', 'charts.js'), 'export const b = 2;\n');
    writeFileSync(path.join(code, 'main.d.ts'), 'export declare const a: number;\n');
    writeFileSync(path.join(templates, 'pack.css'), 'body { color: black }\n');
    writeFileSync(pkg, '{"version":"1.0.0"}');
    // A whole second, so the time can be put back exactly after the edit below.
    const file = path.join(code, 'report', 'charts.js');
    utimesSync(file, 1_700_000_000, 1_700_000_000);

    const first = both();
    expect(first.cached).toBe(first.fresh);
    expect(JSON.parse(readFileSync(cache, 'utf8')).fingerprint).toBe(first.fresh);
    expect(both().cached).toBe(first.fresh); // from the cache

    // Same size, modification time put back: the change time and the content still tell.
    const st = statSync(file);
    writeFileSync(file, 'export const b = 3;\n');
    utimesSync(file, 1_700_000_000, 1_700_000_000);
    expect(statSync(file).mtimeMs).toBe(st.mtimeMs);
    expect(statSync(file).size).toBe(st.size);
    const edited = both();
    expect(edited.fresh).not.toBe(first.fresh);
    expect(edited.cached).toBe(edited.fresh);

    // A template, package.json, a new file, a renamed file.
    const seen = new Set([first.fresh, edited.fresh]);
    const step = (change: () => void) => {
      change();
      const now = both();
      expect(now.cached).toBe(now.fresh);
      expect(seen.has(now.fresh)).toBe(false);
      seen.add(now.fresh);
    };
    step(() => writeFileSync(path.join(templates, 'pack.css'), 'body { color: navy }\n'));
    step(() => writeFileSync(pkg, '{"version":"1.0.1"}'));
    step(() => writeFileSync(path.join(code, 'extra.js'), 'export {};\n'));
    step(() => renameSync(path.join(code, 'extra.js'), path.join(code, 'other.js')));

    // Declaration files do not run: they do not count.
    const before = both().fresh;
    writeFileSync(path.join(code, 'main.d.ts'), 'export declare const a: 1;\n');
    expect(both().fresh).toBe(before);

    // A damaged or foreign cache is recomputed, not trusted.
    writeFileSync(cache, '{"signature":"x","fingerprint":"y"}');
    expect(both().cached).toBe(before);
    writeFileSync(cache, 'not json');
    expect(both().cached).toBe(before);
  });

  it('fingerprints the running tool as a 64-digit hash, the same on every call', () => {
    expect(toolFingerprint()).toMatch(/^[0-9a-f]{64}$/);
    expect(toolFingerprint()).toBe(toolFingerprint());
  });
});

describe('pack key', () => {
  const options: ReuseOptions = { formats: ['html'], exceptionsOnly: false, eachArea: false, strict: false, sourceDateEpoch: null, browser: null };
  /** A pack reduced to what the key reads, its series figures the very objects of its results (as assess makes them). */
  const pack = () => {
    const results = [
      { indicator: 'a', period: '2026-27-Q1', area: 'all', value: 10, sentence: 'A is 10' },
      { indicator: 'a', period: '2026-27-Q2', area: 'all', value: 12, sentence: 'A is 12' },
      { indicator: 'a', period: '2026-27-Q2', area: 'north', value: 7, sentence: 'A is 7 in the north' },
    ];
    const assessment = { results, indicators: [{ indicator: { id: 'a' }, latest: results[1], series: [results[0], results[1]], byArea: [results[2]] }] };
    return {
      project: { config: { outputs: { dir: '/out' }, warehousePath: '/w' }, indicators: [] }, assessment, changes: null, lineage: {}, freshness: {}, gates: [],
      commentary: {}, areaCommentary: {}, compiled: [], problems: [], runId: 'r', hashes: {}, inputs: [], toolVersion: '1', ingest: { problems: [] }, generatedAt: 'now',
    } as unknown as PackResult & { assessment: typeof assessment };
  };

  it('changes with any figure, shared or not', () => {
    const base = packKey(pack(), options);
    expect(packKey(pack(), options)).toBe(base);
    const keys = new Set([base]);
    const changed = (edit: (p: ReturnType<typeof pack>) => void) => {
      const p = pack();
      edit(p);
      const k = packKey(p, options);
      expect(keys.has(k)).toBe(false);
      keys.add(k);
    };
    changed((p) => { p.assessment.results[0].value = 11; }); // in the series and the results
    changed((p) => { p.assessment.results[2].sentence = 'A is 7 in the north, up'; }); // a locality's figure
    changed((p) => { p.assessment.indicators[0].series[0] = { ...p.assessment.results[0], value: 9 }; }); // a series figure of its own
    changed((p) => { p.assessment.indicators[0].latest = p.assessment.results[0]; }); // another figure as the latest
    changed((p) => { p.assessment.indicators[0].byArea = []; });
  });
});
