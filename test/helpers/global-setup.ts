/**
 * Once per suite run: a folder the test files share (the sample warehouse test/helpers/sample.ts builds on first
 * use), removed at the end of the run. It also holds the run's temporary folder: TMPDIR points into it before any
 * test worker starts, so the hundreds of projects, warehouses and browser profiles the tests (and the commands and
 * browsers they start) make under the temporary folder go when the run ends, instead of piling up on the machine.
 *
 * The projects of vitest.config.ts inherit this file, so vitest calls it once per project; the first call makes
 * the folder and the others provide the same one.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  interface ProvidedContext {
    /** The suite's shared folder. */
    suiteDir: string;
  }
}

const KEY = Symbol.for('boardpack.test.suiteDir');

export default async function setup(project: TestProject) {
  const g = globalThis as { [KEY]?: string };
  const first = !g[KEY];
  const before = process.env.TMPDIR;
  if (first) {
    g[KEY] = mkdtempSync(path.join(tmpdir(), 'bp-suite-'));
    const tmp = path.join(g[KEY], 'tmp');
    mkdirSync(tmp);
    process.env.TMPDIR = tmp;
    // @sparticuz/chromium unpacks its browser under the temporary folder on first use: done once here, before any
    // worker starts, so test files and the commands they start find it there rather than unpacking it at once.
    if (process.platform === 'linux' && process.arch === 'x64') {
      try {
        const { default: chromium } = await import('@sparticuz/chromium');
        await chromium.executablePath();
      } catch { /* a machine where it cannot unpack: the browser tests say so themselves */ }
    }
  }
  const dir = g[KEY]!;
  project.provide('suiteDir', dir);
  return first
    ? () => {
      rmSync(dir, { recursive: true, force: true });
      if (before === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = before;
    }
    : undefined;
}
