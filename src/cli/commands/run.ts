/**
 * `boardpack run`: the whole job on one project. Prints the files written on stdout (or, with --json, one
 * machine-readable summary and nothing else), logs and one summary line on stderr, and exits 0 done,
 * 1 something failed (what was good is still written), 3 a --strict gate failed.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CliLogger } from '../log.js';
import { packageVersion } from '../main.js';
import { sha256Text } from '../../core/hash.js';
import { isBoardpackError } from '../../core/errors.js';
import { runPipeline, EXIT_CODES, type RunSummary } from '../../pipeline/index.js';

export interface RunCommandOptions {
  project?: string; period?: string; out?: string; browser?: string; pdf?: boolean; warehouse?: string;
  strict?: boolean; json?: boolean;
  /** Board version (exceptions only) plus the appendix file; `--each area`: one pack per locality too. */
  exceptionsOnly?: boolean; each?: string;
  /** Render again even when the previous outputs are up to date. */
  force?: boolean;
}

/** BOARDPACK_STRICT=1/true/yes turns --strict on (for CI); unset, empty, 0, false or no leave it off. */
export function strictFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = (env.BOARDPACK_STRICT ?? '').trim().toLowerCase();
  return v !== '' && !['0', 'false', 'no', 'off'].includes(v);
}

const notComputed = (s: RunSummary) => ({
  failed: s.assessment.indicators.filter((i) => i.failure).map((i) => i.indicator.id),
  awaiting: s.assessment.indicators.filter((i) => i.latest.status === 'awaiting_data' && !i.failure).map((i) => i.indicator.id),
});

export function summarise(s: RunSummary, cwd = process.cwd()): string {
  const c = s.assessment.counts;
  const { failed, awaiting } = notComputed(s);
  const main = s.files.find((f) => f.format === 'pdf') ?? s.files.find((f) => f.format === 'html');
  const extras = [failed.length ? `${failed.length} failed` : '', awaiting.length ? `${awaiting.length} awaiting data` : ''].filter(Boolean).join(', ');
  return `Computed ${c.total - failed.length} of ${c.total} indicators for ${s.assessment.period.label}${extras ? ` (${extras})` : ''}; ${c.onTarget} of ${c.rated} rated on or better than target`
    + `${main ? ` → ${path.relative(cwd, main.path) || main.path}` : ''}${s.reusedFrom ? ` (unchanged: kept from ${s.reusedFrom})` : ''} in ${(s.elapsedMs / 1000).toFixed(1)} s`;
}

/** The --json document: one object, stable keys, for CI to read (`jq .gates`). */
export function jsonSummary(s: RunSummary, strict: boolean, cwd = process.cwd()) {
  const { failed, awaiting } = notComputed(s);
  const c = s.assessment.counts;
  const manifestText = readFileSync(s.manifestPath);
  const files = [
    ...s.files.map((f) => ({ format: f.format, path: path.relative(cwd, f.path) || f.path, sha256: f.sha256 })),
    { format: 'manifest', path: path.relative(cwd, s.manifestPath) || s.manifestPath, sha256: sha256Text(manifestText) },
  ];
  return {
    status: s.exitCode === EXIT_CODES.gate ? 'gate_failed' : s.exitCode === EXIT_CODES.failure ? 'failed' : 'ok',
    exitCode: s.exitCode,
    strict,
    runId: s.runId,
    period: { id: s.assessment.period.id, label: s.assessment.period.label },
    indicators: {
      total: c.total,
      computed: c.total - failed.length - awaiting.length,
      failed: failed.length,
      awaitingData: awaiting.length,
      byStatus: { red: c.red, amber: c.amber, green: c.green, blue: c.blue, grey: c.grey },
      onTarget: c.onTarget,
      rated: c.rated,
    },
    failed,
    awaitingData: awaiting,
    gates: s.gates.map((g) => ({ code: g.code, kind: g.kind, source: g.source ?? null, period: g.period ?? null, indicators: g.indicators, message: g.message })),
    sources: s.freshness.sources.map((f) => ({ source: f.source, status: f.status, latest: f.latest, due: f.due.period, dueBy: f.due.dueBy, ...(f.overdue ? { overdue: f.overdue.period } : {}) })),
    changes: s.assessment.changes
      ? { since: s.assessment.changes.since.runId, newlyRed: s.assessment.changes.newlyRed.map((x) => x.indicator), newlyGreen: s.assessment.changes.newlyGreen.map((x) => x.indicator), revised: s.assessment.changes.revised.length, added: s.assessment.changes.added.map((x) => x.indicator), removed: s.assessment.changes.removed.map((x) => x.indicator) }
      : null,
    problems: { errors: s.problems.filter((p) => p.severity === 'error').length, warnings: s.problems.filter((p) => p.severity === 'warning').length },
    files,
    /** The generation time of the previous run whose outputs were kept because nothing had changed; else null. */
    reusedFrom: s.reusedFrom ?? null,
    timingsMs: { ...s.timings, total: s.elapsedMs },
  };
}

export async function runAndReport(log: CliLogger, opts: RunCommandOptions & { projectDir: string; outDir?: string; warehousePath?: string }): Promise<number> {
  const strict = Boolean(opts.strict) || strictFromEnv();
  let summary: RunSummary;
  try {
    summary = await runPipeline({
      projectDir: opts.projectDir,
      period: opts.period,
      outDir: opts.outDir,
      warehousePath: opts.warehousePath,
      browser: opts.browser,
      formats: opts.pdf === false ? ['html', 'xlsx', 'json'] : undefined,
      log,
      toolVersion: packageVersion(),
      strict,
      command: process.argv.slice(2),
      exceptionsOnly: opts.exceptionsOnly,
      eachArea: opts.each === 'area',
      force: opts.force,
    });
  } catch (e) {
    // --json promises one document on stdout even when the run cannot start (a config that does not load);
    // the problems are also printed on stderr by the top-level handler, which sets the exit code.
    if (opts.json && isBoardpackError(e)) {
      process.stdout.write(`${JSON.stringify({ status: 'failed', exitCode: e.exitCode, strict, problems: e.problems })}\n`);
    }
    throw e;
  }
  log.done();
  if (opts.json) process.stdout.write(`${JSON.stringify(jsonSummary(summary, strict))}\n`);
  else {
    for (const f of summary.files) process.stdout.write(`${path.relative(process.cwd(), f.path) || f.path}\n`);
    process.stdout.write(`${path.relative(process.cwd(), summary.manifestPath) || summary.manifestPath}\n`);
  }
  const errors = summary.problems.filter((p) => p.severity === 'error');
  if (errors.length) log.warn(`${errors.length} problem(s) stopped part of the run; they are listed above and in the pack's data-quality appendix`);
  if (summary.gates.length) {
    const head = strict ? `strict: ${summary.gates.length} gate(s) failed, exit 3:` : `${summary.gates.length} gate(s) would fail with --strict (listed in the pack's data-quality appendix; missing figures show "awaiting data"):`;
    const lines = summary.gates.map((g) => `  ${g.code}: ${g.message}`);
    if (strict) log.warn([head, ...lines].join('\n'));
    else log.info([head, ...lines].join('\n'));
  }
  log.summary(summarise(summary));
  return summary.exitCode;
}

export default async function run(log: CliLogger, opts: RunCommandOptions): Promise<number> {
  return runAndReport(log, { ...opts, projectDir: path.resolve(opts.project ?? '.'), outDir: opts.out, warehousePath: opts.warehouse });
}
