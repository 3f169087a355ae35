/**
 * "Where did this number come from?": results.json names, per indicator, the partner files behind its latest
 * figure (with the sha256 of the file as it is on disk and when it was loaded), and the appendix prints them.
 * Real project (`init`), real DuckDB, real files; a second load of one source changes only that source's lineage.
 */
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../../src/pipeline/index.js';
import { makeProject } from '../helpers/project.js';

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

interface Lineage { period: string; loads: Array<{ source: string; file: string; sha256: string; loadId: number; loadedAt: string; rows: number }> }

async function run(root: string, out: string, at: string): Promise<Record<string, Lineage>> {
  await runPipeline({ projectDir: root, outDir: path.join(root, out), formats: ['json', 'html'], history: false, now: () => new Date(at) });
  return (JSON.parse(readFileSync(path.join(root, out, 'results.json'), 'utf8')) as { lineage: Record<string, Lineage> }).lineage;
}

describe('lineage of each figure', () => {
  it('results.json and the appendix name the files (sha256, load, date) behind every latest figure', async () => {
    const root = await makeProject();
    dirs.push(root);
    const first = await run(root, 'out1', '2025-05-20T09:00:00Z');
    const html = readFileSync(path.join(root, 'out1', 'board-pack.html'), 'utf8');
    // Every indicator of the init project reads exactly one source, whose one file is named with its real hash.
    const expected: Record<string, string> = { low_birth_weight: 'health', two_year_old_take_up: 'schools', open_early_help: 'early_help' };
    for (const [id, source] of Object.entries(expected)) {
      const l = first[id];
      expect(l.loads.map((x) => x.source), id).toEqual([source]);
      const [load] = l.loads;
      expect(load.sha256).toBe(sha(path.join(root, load.file)));
      expect(load.loadedAt).toBe('2025-05-20T09:00:00.000Z');
      expect(load.rows).toBeGreaterThan(0);
      expect(html).toContain(`${path.basename(load.file)} (sha256 ${load.sha256.slice(0, 12)}, loaded 20 May 2025)`);
    }

    // The schools partner resends its file with one figure corrected: only that source's lineage moves to the new load.
    const schools = path.join(root, first.two_year_old_take_up.loads[0].file);
    const text = readFileSync(schools, 'utf8');
    writeFileSync(schools, text.replace(/^(Autumn 2023\/24,East,220,)169/m, '$1170'));
    expect(readFileSync(schools, 'utf8')).not.toBe(text);
    const second = await run(root, 'out2', '2025-06-01T09:00:00Z');
    const [before, after] = [first.two_year_old_take_up.loads[0], second.two_year_old_take_up.loads[0]];
    expect(after.sha256).toBe(sha(schools));
    expect(after.sha256).not.toBe(before.sha256);
    expect(after.loadId).toBeGreaterThan(before.loadId);
    expect(after.loadedAt).toBe('2025-06-01T09:00:00.000Z');
    expect(second.low_birth_weight).toEqual(first.low_birth_weight);
    expect(second.open_early_help).toEqual(first.open_early_help);
  }, 300_000);
});
