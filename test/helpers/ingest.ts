import { loadProject } from '../../src/config/load.js';
import { ingestProject } from '../../src/ingest/index.js';
import { openWarehouse, type Warehouse } from '../../src/warehouse/db.js';
import { ensureMeta } from '../../src/warehouse/meta.js';

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
