/**
 * Once per suite run: a folder the test files share (the sample warehouse test/helpers/sample.ts builds on first
 * use), removed at the end of the run.
 *
 * The projects of vitest.config.ts inherit this file, so vitest calls it once per project; the first call makes
 * the folder and the others provide the same one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
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

export default function setup(project: TestProject) {
  const g = globalThis as { [KEY]?: string };
  const first = !g[KEY];
  g[KEY] ??= mkdtempSync(path.join(tmpdir(), 'bp-suite-'));
  const dir = g[KEY];
  project.provide('suiteDir', dir);
  return first ? () => rmSync(dir, { recursive: true, force: true }) : undefined;
}
