/**
 * Compute once, emit many: the package root's `computePack` returns the figures `run` writes, and writes no
 * output of its own.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { computePack } from '../../src/index.js';
import { runPipeline } from '../../src/pipeline/index.js';
import { buildResultsJson } from '../../src/pipeline/results-json.js';
import { copySampleWithWarehouse } from '../helpers/sample.js';

const dir = mkdtempSync(path.join(tmpdir(), 'bp-compute-pack-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = () => new Date('2026-11-20T09:00:00Z');

describe('computePack', () => {
  it('returns the same figures as run, and writes no pack', async () => {
    const project = path.join(dir, 'sample');
    await copySampleWithWarehouse(project);

    const pack = await computePack(project, { now: at });
    expect(existsSync(path.join(project, 'out'))).toBe(false);
    expect(pack.assessment.indicators.length).toBe(24);
    expect(pack.assessment.results.length).toBeGreaterThan(100);
    expect(pack.changes).toBeNull();
    expect(Object.keys(pack.lineage).length).toBe(24);

    const out = path.join(dir, 'out');
    const run = await runPipeline({ projectDir: project, outDir: out, formats: ['json'], now: at, history: false });
    const written = readFileSync(path.join(out, 'results.json'), 'utf8');
    const fromPack = buildResultsJson(pack.project.config, pack.assessment, { generatedAt: pack.generatedAt, inputs: pack.inputs.map(({ source, path: p, sha256, rows }) => ({ source, path: p, sha256, rows })), commentary: pack.commentary, areaCommentary: pack.areaCommentary });
    expect(JSON.parse(fromPack).results).toEqual(JSON.parse(written).results);
    expect(fromPack).toBe(written);
    expect(pack.runId).toBe(run.runId);
    expect(pack.gates.map((g) => g.code)).toEqual(run.gates.map((g) => g.code));
    expect(pack.assessment.period.id).toBe(run.assessment.period.id);
  }, 300_000);
});
