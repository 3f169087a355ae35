/**
 * Copies of the bundled sample project for tests, and one sample warehouse per suite run: the first test file
 * that asks for it ingests the sample (in-process, boardpack's own ingest) into the suite's shared folder
 * (global-setup.ts); every later one gets its own copy of that file instead of ingesting again. A closed DuckDB
 * file is a complete database, so a copy opens as the original would; nothing ever writes to the shared one.
 *
 * Only a copy whose sources are unchanged may start from the shared warehouse (its extracts, contracts and areas
 * as shipped; indicators, commentary and outputs may differ): ingest then finds every source "unchanged", exactly
 * as a second run on the same files would. A test that edits an extract must ingest for itself, because its
 * edited file would load as a revision of the shipped data rather than as a first load.
 */
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { loadProject } from '../../src/config/load.js';
import { formatProblem } from '../../src/core/errors.js';
import { ingestProject } from '../../src/ingest/index.js';
import { openWarehouse } from '../../src/warehouse/db.js';
import { ensureMeta } from '../../src/warehouse/meta.js';
import { REPO_ROOT } from './cli.js';

export const SAMPLE_DIR = path.join(REPO_ROOT, 'sample-data');
const WAREHOUSE = path.join('.boardpack', 'warehouse.duckdb');

/** Copies the bundled sample project to `root`, leaving out any warehouse or outputs a run there left behind. */
export function copySampleProject(root: string): string {
  cpSync(SAMPLE_DIR, root, { recursive: true, filter: (src) => !/[/\\](\.boardpack|out)$/.test(src) });
  return root;
}

/**
 * A copy of the sample in `root` whose warehouse (at the project's default place) already holds the shipped
 * extracts, so its first run skips ingest. Only for tests that leave the sample's sources as they are.
 */
export async function copySampleWithWarehouse(root: string): Promise<string> {
  copySampleProject(root);
  await placeSampleWarehouse(path.join(root, WAREHOUSE));
  return root;
}

/** Puts a private copy of the suite's sample warehouse at `file` (for `demo`, `<out>/.boardpack/warehouse.duckdb`). */
export async function placeSampleWarehouse(file: string): Promise<void> {
  const built = await sampleWarehouse();
  mkdirSync(path.dirname(file), { recursive: true });
  // The database file and, were one ever left, its write-ahead log.
  for (const name of readdirSync(path.dirname(built.file)).filter((n) => n.startsWith(path.basename(built.file)))) {
    copyFileSync(path.join(path.dirname(built.file), name), path.join(path.dirname(file), name.replace(path.basename(built.file), path.basename(file))));
  }
}

/** What the suite's one ingest of the shipped sample reported: its problems, formatted (none, as shipped). */
export async function sampleIngestProblems(): Promise<string[]> {
  return (await sampleWarehouse()).problems;
}

interface Built { file: string; problems: string[] }
let mine: Promise<Built> | undefined;

/** The suite's sample warehouse: built by the first file to ask (under a lock), then read by all. */
function sampleWarehouse(): Promise<Built> {
  mine ??= acquire();
  return mine;
}

async function acquire(): Promise<Built> {
  // Run on its own (no global setup), a file builds a warehouse of its own.
  const shared = inject('suiteDir') as string | undefined;
  const dir = path.join(shared ?? mkdtempSync(path.join(tmpdir(), 'bp-sample-')), 'sample');
  const done = `${dir}.json`;
  const lock = `${dir}.lock`;
  const deadline = Date.now() + 600_000;
  for (;;) {
    if (existsSync(done)) {
      const result = JSON.parse(readFileSync(done, 'utf8')) as Built | { error: string };
      if ('error' in result) throw new Error(`the shared sample warehouse could not be built: ${result.error}`);
      return result;
    }
    try {
      mkdirSync(lock);
    } catch {
      if (Date.now() > deadline) throw new Error(`gave up waiting for the shared sample warehouse (${lock} is still held)`);
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    let result: Built | { error: string };
    try {
      result = await build(dir);
    } catch (e) {
      result = { error: e instanceof Error ? e.message : String(e) };
    }
    // Renamed into place whole, so a waiting file never reads half of it.
    writeFileSync(`${done}.tmp`, JSON.stringify(result));
    renameSync(`${done}.tmp`, done);
    if ('error' in result) throw new Error(`the shared sample warehouse could not be built: ${result.error}`);
    return result;
  }
}

async function build(dir: string): Promise<Built> {
  rmSync(dir, { recursive: true, force: true });
  copySampleProject(dir);
  const loaded = await loadProject(dir);
  if (!loaded.project) throw new Error(`sample-data does not load:\n${loaded.problems.map(formatProblem).join('\n')}`);
  const file = loaded.project.config.warehousePath;
  const wh = await openWarehouse(file);
  let problems: string[];
  try {
    await ensureMeta(wh);
    const report = await ingestProject(wh, loaded.project.config);
    problems = report.problems.map(formatProblem);
  } finally {
    wh.close();
  }
  return { file, problems };
}
