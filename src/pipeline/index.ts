/**
 * `boardpack run`: compute the pack once (`compute.ts`: config → ingest → warehouse → measures → assess, with
 * no output written), then write each output from it (`emit.ts`, `render.ts`, the manifest last), and decide
 * the exit code: a run that could not do all it was asked exits non-zero, but
 * still writes everything that is good (the pack lists what failed in its data-quality appendix).
 */
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Problem } from '../core/errors.js';
import { writeFileAtomic } from '../core/atomic-write.js';
import type { Project } from '../config/types.js';
import type { IngestReport } from '../ingest/index.js';
import type { Assessment } from '../assess/index.js';
import { renderPack, startBrowser, type BrowserLease, type RenderedFile } from './render.js';
import { browserTimeoutFromEnv } from '../report/browser.js';
import { validationGate, type FreshnessReport, type Gate } from './freshness.js';
import { removePreviousOutputs } from './stale.js';
import { MANIFEST_FILE, relativePosix, renderManifest, type Manifest } from './manifest.js';
import { computeLoaded, loadRunProject, StepClock, type ComputeOptions, type Logger, type PackResult, type Step } from './compute.js';
import { emitCompiledSql, emitResultsJson, emitValidationReport } from './emit.js';

export { computePack, defaultClock, STEPS, type ComputeOptions, type Logger, type PackResult, type Step } from './compute.js';

/** Exit codes (README): 0 done, 1 a problem the user can fix, 2 wrong usage, 3 a --strict gate failed. */
export const EXIT_CODES = { ok: 0, failure: 1, usage: 2, gate: 3 } as const;

export interface RunOptions extends ComputeOptions {
  projectDir: string;
  /** Exit 3 when any freshness or completeness gate fails (a source late or missing, an indicator not computed, validation errors). */
  strict?: boolean;
  /** The command line as typed, for manifest.json. */
  command?: string[];
  /** Board version: exceptions only in board-pack.*, the rest in board-pack-appendix.* (report/README.md). */
  exceptionsOnly?: boolean;
  /** Also one pack per locality, sharing the run's browser. */
  eachArea?: boolean;
  /** How long the browser may take to start and answer (default: BOARDPACK_BROWSER_TIMEOUT seconds, else 30 s). */
  browserTimeoutMs?: number;
}

export interface RunSummary {
  project: Project;
  /** The computed pack every output was written from. */
  pack: PackResult;
  assessment: Assessment;
  ingest: IngestReport;
  files: RenderedFile[];
  problems: Problem[];
  /** Freshness of every source, and every gate (what --strict fails on). */
  freshness: FreshnessReport;
  gates: Gate[];
  /** manifest.json, written last. */
  manifestPath: string;
  runId: string;
  /** 0 when everything asked was done, 1 when something failed (still written: what was good), 3 when --strict found a gate. */
  exitCode: number;
  elapsedMs: number;
  /** Milliseconds per step. */
  timings: Partial<Record<Step, number>>;
}

const silent: Logger = { info: () => {}, warn: () => {} };

export async function runPipeline(options: RunOptions): Promise<RunSummary> {
  const started = Date.now();
  const log = options.log ?? silent;
  const clock = new StepClock(log);
  clock.step('config');
  const { project, warnings } = await loadRunProject(options.projectDir, options);
  const config = project.config;

  // Issue #9: the browser starts now, while ingest and the measures run, instead of after the HTML is
  // written; every path out of the run closes it (finally), so a run that fails early leaves no browser behind.
  const env = options.env ?? process.env;
  const browserTimeoutMs = options.browserTimeoutMs ?? browserTimeoutFromEnv(env);
  const lease: BrowserLease | undefined = config.outputs.formats.includes('pdf') ? startBrowser(config, {
    timeoutMs: browserTimeoutMs,
    // Where a wrong browser path came from, for the message: the command line (or its variable) or the config.
    explicitFrom: options.browser ? '`--browser` (or BOARDPACK_BROWSER)' : project.config.browser ? '`browser:` in boardpack.yaml' : undefined,
  }) : undefined;
  try {
    const pack = await computeLoaded(project, warnings, options, clock);
    const { assessment } = pack;
    const problems = [...pack.problems];

    // emit: every output is written from the computed pack
    clock.step('results');
    const outDir = config.outputs.dir;
    mkdirSync(outDir, { recursive: true });
    // An earlier run's outputs never stay beside this run's (a Q1 PDF beside a Q2 HTML when the browser fails).
    removePreviousOutputs(outDir);
    const compiledFiles = await emitCompiledSql(pack, outDir);
    await emitValidationReport(pack, outDir);
    const files: RenderedFile[] = [];
    if (config.outputs.formats.includes('json')) files.push(await emitResultsJson(pack, outDir));
    clock.step('render');
    const rendered = await renderPack(config, assessment, { generatedAt: pack.generatedAt, outDir, toolVersion: pack.toolVersion, log, commentary: pack.commentary, exceptionsOnly: options.exceptionsOnly, eachArea: options.eachArea, browser: lease });
    files.push(...rendered.files);
    problems.push(...rendered.problems);

    // The PDF may have failed after the gates were checked: count it too.
    const errors = problems.filter((p) => p.severity === 'error');
    const gates = pack.freshness.gates.filter((g) => g.kind !== 'validation');
    const validation = validationGate(errors);
    if (validation) gates.push(validation);

    clock.step('manifest');
    const manifest: Manifest = {
      manifestVersion: 1,
      tool: { name: 'boardpack', version: pack.toolVersion, node: process.version },
      runId: pack.runId,
      generatedAt: pack.generatedAt,
      sourceDateEpoch: env.SOURCE_DATE_EPOCH && /^\d+$/.test(env.SOURCE_DATE_EPOCH) ? env.SOURCE_DATE_EPOCH : null,
      command: options.command ?? [],
      strict: Boolean(options.strict),
      period: { id: assessment.period.id, label: assessment.period.label, start: assessment.period.start, end: assessment.period.end },
      project: { root: relativePosix(outDir, config.root), ...pack.hashes },
      inputs: pack.inputs.map((i) => ({ source: i.source, path: i.path.split(path.sep).join('/'), sha256: i.sha256, bytes: i.bytes, rows: i.rows })),
      outputs: [...files, ...compiledFiles.map((c) => ({ ...c, format: 'sql' }))]
        .map((f) => ({ path: relativePosix(outDir, f.path), format: f.format, sha256: f.sha256, bytes: statSync(f.path).size }))
        .sort((a, b) => a.path.localeCompare(b.path)),
      gates: gates.map((g) => ({ code: g.code, message: g.message })),
    };
    const manifestPath = path.join(outDir, MANIFEST_FILE);
    await writeFileAtomic(manifestPath, renderManifest(manifest));
    clock.stop();

    return {
      project,
      pack,
      assessment,
      ingest: pack.ingest,
      files,
      problems,
      freshness: pack.freshness,
      gates,
      manifestPath,
      runId: pack.runId,
      exitCode: options.strict && gates.length ? EXIT_CODES.gate : errors.length ? EXIT_CODES.failure : EXIT_CODES.ok,
      elapsedMs: Date.now() - started,
      timings: clock.timings,
    };
  } finally {
    await lease?.close();
  }
}

