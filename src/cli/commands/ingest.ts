/**
 * `boardpack ingest [--project DIR] [--source ID…] [--file PATH…] [--force] [--max-errors N]`: loads what
 * changed, prints a summary table of problems (per code and file), lists at most N problems (every cell is
 * still checked), and writes the full validation report to the project's `.boardpack/` folder.
 */
import path from 'node:path';
import { formatProblem, UsageError } from '../../core/errors.js';
import { loadProjectOrThrow } from '../../config/load.js';
import { ingestProject, type IngestProgress } from '../../ingest/index.js';

import { renderSummaryTable, summarize, writeValidationReport } from '../../ingest/report.js';
import { openWarehouse } from '../../warehouse/db.js';
import { ensureMeta } from '../../warehouse/meta.js';
import type { CliLogger } from '../log.js';

export default async function ingest(log: CliLogger, opts: { project?: string; warehouse?: string; source?: string[]; file?: string[]; force?: boolean; maxErrors?: string }): Promise<number> {
  const maxErrors = Number(opts.maxErrors ?? 50);
  if (!Number.isInteger(maxErrors) || maxErrors < 0) throw new UsageError(`--max-errors must be a whole number, not "${opts.maxErrors}"`, 'e.g. --max-errors 100');
  // Ingest needs the sources and areas only: the indicator files are not read (validate and run check them).
  const { project } = await loadProjectOrThrow(path.resolve(opts.project ?? '.'), { warehousePath: opts.warehouse, indicators: false });
  const config = project.config;
  const wh = await openWarehouse(config.warehousePath);
  // Progress (files, rows) is drawn by the logger on a terminal only: never with CI=true or when redirected.
  let lastDraw = 0;
  const progress = (p: IngestProgress) => {
    const now = Date.now();
    if (p.phase === 'reading' && p.rows > 0 && now - lastDraw < 100) return;
    lastDraw = now;
    const what = p.phase === 'reading' ? `${p.source}: ${p.file}` : `${p.source}: ${p.phase}`;
    log.progress(`${what} — ${p.rows.toLocaleString('en-GB')} rows`, p.fileIndex, p.files);
  };
  let report;
  try {
    await ensureMeta(wh);
    report = await ingestProject(wh, config, {
      sources: opts.source, files: opts.file?.map((f) => path.resolve(f)), force: opts.force,
      log: (l) => log.info(l), progress,
    });
  } finally {
    wh.close();
  }
  const listed = report.problems.slice(0, maxErrors);
  for (const p of listed) log.warn(formatProblem(p));
  const dir = path.dirname(config.warehousePath);
  const files = await writeValidationReport(dir, report, { title: `Validation report: ${config.partnership.name}`, generatedAt: new Date().toISOString() });
  const summary = summarize(report);
  const total = summary.reduce((a, r) => a + r.count, 0);
  if (total > listed.length) log.warn(`… ${total - listed.length} more problem(s) not listed here (--max-errors ${maxErrors}); all are in ${path.relative(process.cwd(), files.csv) || files.csv}`);
  if (summary.length) log.warn(renderSummaryTable(summary));
  log.info(`Validation report: ${files.csv} and ${files.html}`);
  const errors = summary.filter((r) => r.severity === 'error').reduce((a, r) => a + r.count, 0);
  const warnings = total - errors;
  const loaded = report.sources.filter((s) => s.status === 'loaded').length;
  const unchanged = report.sources.filter((s) => s.status === 'unchanged').length;
  log.summary(`Ingested ${loaded} source(s), ${unchanged} unchanged, ${report.sources.length - loaded - unchanged} not loaded; ${errors} error(s), ${warnings} warning(s)`);
  return errors ? 1 : 0;
}
