/**
 * `boardpack status [--project DIR] [--json]`: per source and period what the warehouse holds, what is
 * missing or late against the source's frequency and `lateness_days`, and what the last load changed.
 * Opens the warehouse read-only, so it can run beside nothing else but never changes anything.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadProjectOrThrow } from '../../config/load.js';
import { openWarehouse } from '../../warehouse/db.js';
import { readStatus, renderStatus } from '../../warehouse/status.js';
import type { CliLogger } from '../log.js';

export default async function status(log: CliLogger, opts: { project?: string; warehouse?: string; json?: boolean; chase?: boolean }): Promise<number> {
  if (opts.chase) return (await import('./chase.js')).default(log, opts);
  const { project } = await loadProjectOrThrow(path.resolve(opts.project ?? '.'), { warehousePath: opts.warehouse });
  const config = project.config;
  const today = new Date().toISOString().slice(0, 10);
  let statuses;
  if (!existsSync(config.warehousePath)) {
    const wh = await openWarehouse(':memory:');
    try {
      const { ensureMeta } = await import('../../warehouse/meta.js');
      await ensureMeta(wh);
      statuses = await readStatus(wh, config, today);
    } finally {
      wh.close();
    }
  } else {
    const wh = await openWarehouse(config.warehousePath, { readOnly: true });
    try {
      statuses = await readStatus(wh, config, today);
    } finally {
      wh.close();
    }
  }
  process.stdout.write(opts.json ? `${JSON.stringify({ today, sources: statuses }, null, 2)}\n` : `${renderStatus(statuses)}\n`);
  log.summary(`${statuses.length} source(s): ${statuses.filter((s) => s.state === 'loaded').length} loaded and on time, ${statuses.filter((s) => s.state === 'late').length} late, ${statuses.filter((s) => s.state === 'never loaded').length} never loaded`);
  return 0;
}
