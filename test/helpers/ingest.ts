import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadProject } from '../../src/config/load.js';
import { ingestProject } from '../../src/ingest/index.js';
import { openWarehouse, type Warehouse } from '../../src/warehouse/db.js';
import { ensureMeta } from '../../src/warehouse/meta.js';
import { makeProject } from './project.js';

/** Runs a real ingest of a project folder into its real DuckDB warehouse. */
export async function ingestFolder(root: string, options: { sources?: string[]; keepOpen?: boolean } = {}) {
  const res = await loadProject(root);
  if (!res.config) throw new Error(`project does not load: ${JSON.stringify(res.problems)}`);
  const wh = await openWarehouse(res.config.warehousePath);
  await ensureMeta(wh);
  const report = await ingestProject(wh, res.config, { sources: options.sources, now: () => '2025-01-01T00:00:00Z' });
  if (!options.keepOpen) wh.close();
  return { report, config: res.config, indicators: res.indicators, wh: options.keepOpen ? wh : (undefined as unknown as Warehouse) };
}

/**
 * For a file of cases that each break a good load: the `init` project ingested once (by the first case that asks),
 * and for every case its own copy of that folder, warehouse included, with the report of that one load and the
 * copy's config. A closed DuckDB file is a whole database, so each copy is the load as ingest left it.
 */
export function loadedProjectCopies() {
  let loaded: Promise<{ root: string; report: Awaited<ReturnType<typeof ingestFolder>>['report'] }> | undefined;
  return async () => {
    loaded ??= (async () => {
      const root = await makeProject();
      return { root, report: (await ingestFolder(root)).report };
    })();
    const { root: original, report } = await loaded;
    const root = path.join(mkdtempSync(path.join(tmpdir(), 'bp-test-')), 'project');
    cpSync(original, root, { recursive: true });
    const { config } = await loadProject(root);
    if (!config) throw new Error(`the copy of ${original} does not load`);
    return { root, report, config };
  };
}
