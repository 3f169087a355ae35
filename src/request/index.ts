/**
 * Data-return requests: per source, a workbook (or a header-only CSV and a README) made from its contract for
 * one period, which the partner fills in and sends back; and the chase list of what is due or late. Shared by
 * `boardpack request` and `boardpack status --chase`.
 */
import path from 'node:path';
import { UsageError } from '../core/errors.js';
import { writeFileAtomic } from '../core/atomic-write.js';
import { periodOfDate, shiftPeriod, tryParsePeriodId, type Period } from '../core/periods.js';
import type { Config, IndicatorDef, SourceDef } from '../config/types.js';
import { ingestProject, type IngestReport } from '../ingest/index.js';
import { openWarehouse, type Warehouse } from '../warehouse/db.js';
import { ensureMeta } from '../warehouse/meta.js';
import { requestContext, type RequestContext } from './context.js';
import { renderRequestCsv, renderRequestReadme } from './csv.js';
import { requestFileName } from './layout.js';
import { renderRequestWorkbook } from './workbook.js';

export type { RequestContext } from './context.js';
import { sourceDateEpoch } from '../core/clock.js';
export { findReturns, readReturnIdentity } from './read-return.js';

/** `SOURCE_DATE_EPOCH` fixes "now" (reproducible files, and "today" for what is late); otherwise the clock. */
export function requestClock(env: NodeJS.ProcessEnv = process.env): Date {
  const epoch = sourceDateEpoch(env);
  return epoch !== undefined ? new Date(epoch * 1000) : new Date();
}

/** The report period: the one named, or the latest of the project's reporting type that has ended by today. */
export function resolveReportPeriod(config: Config, id: string | undefined, today: string): Period {
  if (id) {
    const p = tryParsePeriodId(id);
    if (!p) throw new UsageError(`--period "${id}" is not a period id`, `write it as an id, e.g. ${shiftPeriod(periodOfDate(config.reporting.periodType, today), -1).id}`);
    return p;
  }
  return shiftPeriod(periodOfDate(config.reporting.periodType, today), -1);
}

/** The sources named (all when none), or a usage error naming the unknown ones and the choices. */
export function chooseSources(config: Config, ids: string[] | undefined): SourceDef[] {
  if (!ids?.length) return config.sources;
  const unknown = ids.filter((id) => !config.sources.some((s) => s.id === id));
  if (unknown.length) throw new UsageError(`no source ${unknown.map((u) => `"${u}"`).join(', ')} in boardpack.yaml`, `use one of: ${config.sources.map((s) => s.id).join(', ')}`);
  return config.sources.filter((s) => ids.includes(s.id));
}

/**
 * Opens the project's warehouse for a request or a chase list. With `ingest`, the extracts on disk (and any
 * returns) are loaded first, as `boardpack ingest` would (only what changed), so that nobody is chased for data
 * already received and the earlier periods shown are the ones held; without it, the warehouse is read as it is
 * (or not at all when there is none).
 */
export async function withWarehouse<T>(config: Config, ingest: boolean, fn: (wh: Warehouse | undefined, report?: IngestReport) => Promise<T>): Promise<T> {
  const { existsSync } = await import('node:fs');
  if (!ingest && !existsSync(config.warehousePath)) return fn(undefined);
  const wh = await openWarehouse(config.warehousePath, { readOnly: !ingest });
  try {
    let report: IngestReport | undefined;
    if (ingest) {
      await ensureMeta(wh);
      report = await ingestProject(wh, config, {});
    }
    return await fn(wh, report);
  } finally {
    wh.close();
  }
}

export interface WrittenRequest { source: string; period: string; files: string[]; context: RequestContext }

/** Writes one source's request into `dir`: `<source>_<period>_return.xlsx`, or the CSV and its README. */
export async function writeRequest(config: Config, indicators: IndicatorDef[], source: SourceDef, reportPeriod: Period, wh: Warehouse | undefined, options: { dir: string; format: 'xlsx' | 'csv'; generatedAt: string; previous?: number }): Promise<WrittenRequest> {
  const ctx = await requestContext(config, indicators, source, reportPeriod, wh, { generatedAt: options.generatedAt, previous: options.previous });
  const files: string[] = [];
  if (options.format === 'xlsx') {
    const file = path.join(options.dir, requestFileName(source.id, ctx.period.id, 'xlsx'));
    await writeFileAtomic(file, await renderRequestWorkbook(ctx));
    files.push(file);
  } else {
    const csvName = requestFileName(source.id, ctx.period.id, 'csv');
    const file = path.join(options.dir, csvName);
    const readme = path.join(options.dir, `${source.id}_${ctx.period.id}_README.txt`);
    await writeFileAtomic(file, renderRequestCsv(ctx));
    await writeFileAtomic(readme, renderRequestReadme(ctx, csvName));
    files.push(file, readme);
  }
  return { source: source.id, period: ctx.period.id, files, context: ctx };
}
