import path from 'node:path';
import { formatProblem } from '../../core/errors.js';
import { loadProjectOrThrow } from '../../config/load.js';
import { ingestProject } from '../../ingest/index.js';
import { openWarehouse } from '../../warehouse/db.js';
import { ensureMeta } from '../../warehouse/meta.js';
import type { CliLogger } from '../log.js';

export default async function ingest(log: CliLogger, opts: { project?: string; source?: string[]; force?: boolean; maxErrors?: string }): Promise<number> {
  const { project } = await loadProjectOrThrow(path.resolve(opts.project ?? '.'));
  const wh = await openWarehouse(project.config.warehousePath);
  try {
    await ensureMeta(wh);
    const report = await ingestProject(wh, project.config, { sources: opts.source, force: opts.force, maxErrors: Number(opts.maxErrors ?? 200), log: (l) => log.info(l) });
    for (const p of report.problems) log.warn(formatProblem(p));
    const errors = report.problems.filter((p) => p.severity === 'error').length;
    const loaded = report.sources.filter((s) => s.status === 'loaded').length;
    const unchanged = report.sources.filter((s) => s.status === 'unchanged').length;
    log.summary(`Ingested ${loaded} source(s), ${unchanged} unchanged, ${report.sources.length - loaded - unchanged} not loaded; ${errors} error(s)`);
    return errors ? 1 : 0;
  } finally {
    wh.close();
  }
}
