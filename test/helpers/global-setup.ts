/**
 * Once per suite run: one temporary folder for the whole run, removed when the run ends, failed tests or not.
 * The test processes take it as their TMPDIR (test/helpers/run-tmpdir.ts), so every folder a test makes with
 * mkdtemp(tmpdir()), every CLI run's own temp files, browser profiles and user cache (the CLI's children inherit
 * the variable) land inside it. Without it the suite left thousands of folders in /tmp, gigabytes a day.
 * Inside it, `suite/` is the folder the test files share (the sample warehouse test/helpers/sample.ts builds on
 * first use).
 *
 * The projects of vitest.config.ts inherit this file, so vitest calls it once per project; the first call makes
 * the folder and the others provide the same one.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  interface ProvidedContext {
    /** The run's temporary folder: the test processes' TMPDIR. */
    runTmpDir: string;
    /** The suite's shared folder. */
    suiteDir: string;
  }
}

const KEY = Symbol.for('boardpack.test.runTmpDir');
const PREFIX = 'bp-run-';

export default function setup(project: TestProject) {
  const g = globalThis as { [KEY]?: string };
  const first = !g[KEY];
  if (first) {
    removeAbandoned();
    const dir = mkdtempSync(path.join(tmpdir(), `${PREFIX}${process.pid}-`));
    mkdirSync(path.join(dir, 'suite'));
    g[KEY] = dir;
  }
  const dir = g[KEY]!;
  project.provide('runTmpDir', dir);
  project.provide('suiteDir', path.join(dir, 'suite'));
  if (!first) return undefined;
  return () => {
    // A child a test left running (a browser closing) may still be writing: a few retries, then a warning
    // rather than a failed run.
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    } catch (e) {
      console.warn(`could not remove the run's temporary folder ${dir}: ${(e as Error).message}`);
    }
  };
}

/**
 * The folders of runs that were killed before their teardown (the process is gone, nothing written in the
 * folder itself for an hour): another user's, or a live run's, are left alone.
 */
function removeAbandoned(): void {
  const base = tmpdir();
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(new RegExp(`^${PREFIX}(\\d+)-`).exec(name)?.[1]);
    if (!pid || pid === process.pid || alive(pid)) continue;
    const dir = path.join(base, name);
    try {
      const st = statSync(dir);
      if (!st.isDirectory() || st.uid !== process.getuid?.() || Date.now() - st.mtimeMs < 3_600_000) continue;
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // Not ours to remove, or gone already.
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
