/**
 * `boardpack status --chase [--period ID] [--json] [--csv FILE] [--templates DIR] [--no-ingest]`: per partner,
 * the sources due or late for the report period, with the due date, days late, the indicators waiting and the
 * contact; as a table, JSON, or a mail-merge CSV; with --templates, the request workbooks and the CSV in DIR.
 */
import path from 'node:path';
import { writeFileAtomic } from '../../core/atomic-write.js';
import { loadProjectOrThrow } from '../../config/load.js';
import { chaseList, renderChase, renderChaseCsv } from '../../request/chase.js';
import { requestClock, resolveReportPeriod, withWarehouse, writeRequest } from '../../request/index.js';
import type { CliLogger } from '../log.js';

export default async function chase(log: CliLogger, opts: { project?: string; warehouse?: string; period?: string; json?: boolean; csv?: string; templates?: string; ingest?: boolean }): Promise<number> {
  const { project } = await loadProjectOrThrow(path.resolve(opts.project ?? '.'), { warehousePath: opts.warehouse });
  const config = project.config;
  const now = requestClock();
  const today = now.toISOString().slice(0, 10);
  const reportPeriod = resolveReportPeriod(config, opts.period, today);
  const entries = await withWarehouse(config, opts.ingest !== false, async (wh, report) => {
    const errors = report?.problems.filter((p) => p.severity === 'error').length ?? 0;
    if (errors) log.warn(`${errors} problem(s) loading the extracts (run boardpack ingest to see them); a source that failed to load is chased`);
    const list = await chaseList(config, project.indicators, wh, reportPeriod, today);
    if (opts.templates) {
      const dir = path.resolve(opts.templates);
      for (const e of list) {
        const s = config.sources.find((x) => x.id === e.source)!;
        const w = await writeRequest(config, project.indicators, s, reportPeriod, wh, { dir, format: 'xlsx', generatedAt: now.toISOString() });
        e.template = w.files[0];
      }
    }
    return list;
  });
  const csvFile = opts.csv ? path.resolve(opts.csv) : opts.templates ? path.join(path.resolve(opts.templates), 'chase.csv') : undefined;
  if (csvFile) {
    await writeFileAtomic(csvFile, renderChaseCsv(entries));
    log.info(`mail-merge list → ${path.relative(process.cwd(), csvFile) || csvFile}`);
  }
  process.stdout.write(opts.json ? `${JSON.stringify({ today, reportPeriod: { id: reportPeriod.id, label: reportPeriod.label }, entries }, null, 2)}\n` : `${renderChase(entries, reportPeriod, today)}\n`);
  const late = entries.filter((e) => e.status === 'late').length;
  log.summary(`${entries.length} source(s) to chase for ${reportPeriod.label}: ${late} late, ${entries.length - late} due`);
  return 0;
}
