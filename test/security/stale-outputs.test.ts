/**
 * 9. A run never leaves an earlier run's output beside its own: a second run into the same folder, whose PDF
 * fails (a browser that cannot start) and which makes no locality packs, leaves neither the first run's
 * locality packs nor any PDF; its manifest lists exactly the files in the folder, and `verify` agrees.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliHere } from '../helpers/cli.js';
import { makeProject } from '../helpers/project.js';

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? listFiles(p, base) : [path.relative(base, p).split(path.sep).join('/')];
  });
}

describe.skipIf(process.platform === 'win32')('no stale outputs', () => {
  it('a second run removes what the first wrote and it did not; the manifest lists exactly the folder', async () => {
    const root = await makeProject();
    const out = path.join(root, 'out');
    const first = await runCliHere(['run', '--project', root, '--out', out, '--no-pdf', '--each', 'area']);
    expect(first.status).toBe(0);
    expect(listFiles(out).filter((f) => /^board-pack-(east|west)\./.test(f)).length).toBeGreaterThan(0);

    const second = await runCliHere(['run', '--project', root, '--out', out, '--browser', '/bin/false']);
    expect(second.status).not.toBe(0);
    expect(second.stderr).toMatch(/BP_(BROWSER_LAUNCH_FAILED|PDF_FAILED)/);
    const files = listFiles(out);
    expect(files.filter((f) => /^board-pack-(east|west)\./.test(f))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.pdf'))).toEqual([]);
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as { outputs: Array<{ path: string }> };
    const listed = manifest.outputs.map((o) => o.path).sort();
    // Everything but the manifest itself and the validation reports (not part of the pack) is listed.
    expect(files.filter((f) => f !== 'manifest.json' && !f.startsWith('validation-report.')).sort()).toEqual(listed);
    expect((await runCliHere(['verify', out, '--no-inputs'])).status).toBe(0);
  });
});
