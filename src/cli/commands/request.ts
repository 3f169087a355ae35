/**
 * `boardpack request [--source ID…] [--period ID] [--format xlsx|csv] [--out DIR] [--no-ingest]`: one data-return
 * template per source for the period (its workbook, or a header-only CSV with a README), for partners to fill in
 * and send back. The extracts are loaded first (only what changed), so the earlier periods shown are the ones held.
 */
import path from 'node:path';
import { loadProjectOrThrow } from '../../config/load.js';
import { chooseSources, requestClock, resolveReportPeriod, withWarehouse, writeRequest } from '../../request/index.js';
import type { CliLogger } from '../log.js';

export default async function request(log: CliLogger, opts: { project?: string; warehouse?: string; source?: string[]; period?: string; format?: string; out?: string; ingest?: boolean }): Promise<number> {
  const { project } = await loadProjectOrThrow(path.resolve(opts.project ?? '.'), { warehousePath: opts.warehouse });
  const config = project.config;
  const now = requestClock();
  const today = now.toISOString().slice(0, 10);
  const reportPeriod = resolveReportPeriod(config, opts.period, today);
  const sources = chooseSources(config, opts.source);
  const dir = path.resolve(opts.out ?? path.join(config.root, 'requests'));
  const format = opts.format === 'csv' ? 'csv' : 'xlsx';
  const written = await withWarehouse(config, opts.ingest !== false, async (wh, report) => {
    const errors = report?.problems.filter((p) => p.severity === 'error').length ?? 0;
    if (errors) log.warn(`${errors} problem(s) loading the extracts (run boardpack ingest to see them); the earlier periods shown are those held`);
    const out = [];
    for (const s of sources) {
      const w = await writeRequest(config, project.indicators, s, reportPeriod, wh, { dir, format, generatedAt: now.toISOString() });
      for (const f of w.files) log.info(`${s.id}: ${w.context.period.label}, due by ${w.context.dueBy} → ${path.relative(process.cwd(), f) || f}`);
      out.push(w);
    }
    return out;
  });
  log.summary(`${written.length} request(s) for ${reportPeriod.label} written to ${path.relative(process.cwd(), dir) || dir}`);
  return 0;
}
