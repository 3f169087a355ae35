import path from 'node:path';
import type { CliLogger } from '../log.js';
import { packageVersion } from '../main.js';
import { runPipeline, type RunSummary } from '../../pipeline/index.js';

export interface RunCommandOptions { project?: string; period?: string; out?: string; browser?: string; pdf?: boolean; warehouse?: string }

export function summarise(s: RunSummary, cwd = process.cwd()): string {
  const c = s.assessment.counts;
  const failed = s.assessment.indicators.filter((i) => i.failure).length;
  const awaiting = s.assessment.indicators.filter((i) => i.latest.status === 'awaiting_data' && !i.failure).length;
  const main = s.files.find((f) => f.format === 'pdf') ?? s.files.find((f) => f.format === 'html');
  const extras = [failed ? `${failed} failed` : '', awaiting ? `${awaiting} awaiting data` : ''].filter(Boolean).join(', ');
  return `Computed ${c.total - failed} of ${c.total} indicators for ${s.assessment.period.label}${extras ? ` (${extras})` : ''}; ${c.onTarget} of ${c.rated} rated on or better than target`
    + `${main ? ` → ${path.relative(cwd, main.path) || main.path}` : ''} in ${(s.elapsedMs / 1000).toFixed(1)} s`;
}

export async function runAndReport(log: CliLogger, opts: RunCommandOptions & { projectDir: string; outDir?: string; warehousePath?: string }): Promise<number> {
  const summary = await runPipeline({
    projectDir: opts.projectDir,
    period: opts.period,
    outDir: opts.outDir,
    warehousePath: opts.warehousePath,
    browser: opts.browser,
    formats: opts.pdf === false ? ['html', 'xlsx', 'json'] : undefined,
    log,
    toolVersion: packageVersion(),
  });
  for (const f of summary.files) process.stdout.write(`${path.relative(process.cwd(), f.path) || f.path}\n`);
  const errors = summary.problems.filter((p) => p.severity === 'error');
  if (errors.length) log.warn(`${errors.length} problem(s) stopped part of the run; they are listed above and in the pack's data-quality appendix`);
  log.summary(summarise(summary));
  return summary.exitCode;
}

export default async function run(log: CliLogger, opts: RunCommandOptions): Promise<number> {
  return runAndReport(log, { ...opts, projectDir: path.resolve(opts.project ?? '.'), outDir: opts.out });
}
