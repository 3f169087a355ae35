/**
 * `boardpack run`: compute the pack once (`compute.ts`: config → ingest → warehouse → measures → assess, with
 * no output written), then write each output from it (`emit.ts`, `render.ts`, the manifest last), and decide
 * the exit code: a run that could not do all it was asked exits non-zero, but
 * still writes everything that is good (the pack lists what failed in its data-quality appendix).
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { BoardpackError, problem, type Problem } from '../core/errors.js';
import { ensureWritableFolder, whyNotWritable, type NotWritable } from '../core/writable.js';
import { writeFileAtomic } from '../core/atomic-write.js';
import type { Project } from '../config/types.js';
import type { IngestReport } from '../ingest/index.js';
import type { Assessment } from '../assess/index.js';
import { renderPack, startBrowser, startRenderThread, type BrowserLease, type RenderedFile } from './render.js';
import { browserTimeoutFromEnv } from '../report/browser.js';
import { warehouseNotWritable } from '../warehouse/db.js';
import { maxRowsFromEnv } from '../measures/index.js';
import { validationGate, type FreshnessReport, type Gate } from './freshness.js';
import { removePreviousOutputs } from './stale.js';
import { MANIFEST_FILE, relativePosix, renderManifest, type Manifest } from './manifest.js';
import { computeLoaded, loadRunProject, StepClock, type ComputeOptions, type Logger, type PackResult, type Step } from './compute.js';
import { browserIdentity, keptKey, likelyReusable, packKey, reusable, toolFingerprint } from './reuse.js';
import { CHART_STORE_FILE, openChartStore } from './chart-store.js';
import type { Config } from '../config/types.js';

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
  /** Render every output even when the previous run's are up to date (`--force`). */
  force?: boolean;
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
  /** When nothing that goes into the outputs had changed: the previous run's files were kept, made at this time. */
  reusedFrom?: string;
}

/** The output folder (or the folder that would hold it) cannot be written: nothing has been written. */
function outNotWritableError(outDir: string, refused: NotWritable): BoardpackError {
  const same = refused.folder === path.resolve(outDir);
  return new BoardpackError(problem('BP_OUT_NOT_WRITABLE', `the output folder cannot be written: ${same ? 'it' : refused.folder} is not writable (${refused.reason}); nothing was written`, {
    file: outDir,
    fix: refused.code === 'ENOTDIR' ? 'move that file aside, or choose another output folder with --out DIR' : 'choose a folder you can write with --out DIR (or `outputs.dir:` in boardpack.yaml, with --allow-outside DIR when it is outside the project)',
  }));
}

const silent: Logger = { info: () => {}, warn: () => {} };

export async function runPipeline(options: RunOptions): Promise<RunSummary> {
  const started = Date.now();
  const log = options.log ?? silent;
  const clock = new StepClock(log);
  clock.step('config');
  const { project, warnings } = await loadRunProject(options.projectDir, options);
  const config = project.config;
  // Folders that cannot be written are named before any work is done (and before the warehouse changes).
  const outRefused = whyNotWritable(config.outputs.dir);
  const notWritable = [...(outRefused ? outNotWritableError(config.outputs.dir, outRefused).problems : []), warehouseNotWritable(config.warehousePath)].filter((p): p is Problem => p !== undefined);
  if (notWritable.length) throw new BoardpackError(notWritable);
  // A bad row limit is a usage error now, not after the ingest it would otherwise follow.
  const env = options.env ?? process.env;
  maxRowsFromEnv(env);

  // The browser starts now, while ingest and the measures run, instead of after the HTML is written; every
  // path out of the run closes it (finally), so a run that fails early leaves no browser behind.
  const browserTimeoutMs = options.browserTimeoutMs ?? browserTimeoutFromEnv(env);
  const wantsPdf = config.outputs.formats.includes('pdf');
  const outDir = config.outputs.dir;
  const launch = () => startBrowser(config, {
    timeoutMs: browserTimeoutMs,
    // Where a wrong browser path came from, for the message: the command line (or its variable) or the config.
    explicitFrom: options.browser ? '`--browser` (or BOARDPACK_BROWSER)' : project.config.browser ? '`browser:` in boardpack.yaml' : undefined,
  });
  // When the previous outputs will probably be kept, the browser is not started unless the key says otherwise.
  const likelyKept = !options.force && await likelyReusable(outDir, config.configFile);
  const deferBrowser = wantsPdf && likelyKept;
  let lease: BrowserLease | undefined = wantsPdf && !deferBrowser ? launch() : undefined;
  // A run that will render starts its render thread now: it loads the renderers (ECharts, Handlebars, the
  // sections) while this thread ingests and computes, without stalling it, and builds the HTML while this
  // thread writes the other outputs. Closed on every path, like the browser.
  const thread = !likelyKept && config.outputs.formats.some((f) => f === 'html' || f === 'pdf') ? startRenderThread() : undefined;
  try {
    const pack = await computeLoaded(project, warnings, options, clock);
    const { assessment } = pack;
    const problems = [...pack.problems];
    const sourceDateEpoch = env.SOURCE_DATE_EPOCH && /^\d+$/.test(env.SOURCE_DATE_EPOCH) ? env.SOURCE_DATE_EPOCH : null;

    clock.step('results');
    const keyOf = async () => packKey(pack, {
      formats: [...config.outputs.formats].sort(), exceptionsOnly: Boolean(options.exceptionsOnly), eachArea: Boolean(options.eachArea),
      strict: Boolean(options.strict), sourceDateEpoch, browser: wantsPdf ? await browserOf(config, lease) : null,
    });
    // Only an earlier run's key in the folder can let it be kept; without one the key (hashing the whole pack) is
    // worked out while the browser prints.
    let reuseKey = !options.force && keptKey(outDir) ? await keyOf() : undefined;
    const previous = reuseKey ? await reusable(outDir, reuseKey) : undefined;
    if (previous) {
      log.info(`Outputs unchanged: inputs, definitions, templates, commentary and options are those of the run of ${previous.generatedAt}, and its ${previous.outputs.length} files verify; kept them (--force to render again)`);
      return finish({ pack, problems, files: reusedFiles(outDir, previous), manifestPath: path.join(outDir, MANIFEST_FILE), reusedFrom: previous.generatedAt });
    }
    if (wantsPdf && !lease) lease = launch();
    // The emitters (and the report modules behind them) are loaded only now: a run that keeps its outputs never needs them.
    const { emitCompiledSql, emitResultsJson, emitValidationReport } = await import('./emit.js');

    // emit: every output is written from the computed pack
    const refused = ensureWritableFolder(outDir);
    if (refused) throw outNotWritableError(outDir, refused);
    // An earlier run's outputs never stay beside this run's (a Q1 PDF beside a Q2 HTML when the browser fails).
    removePreviousOutputs(outDir);
    let compiledFiles: Array<{ path: string; sha256: string }> = [];
    const files: RenderedFile[] = [];
    // The compiled SQL, the validation report and results.json are written while the browser prints the PDF.
    const alongside = async () => {
      reuseKey ??= await keyOf();
      compiledFiles = await emitCompiledSql(pack, outDir);
      await emitValidationReport(pack, outDir);
      if (config.outputs.formats.includes('json')) files.push(await emitResultsJson(pack, outDir));
    };
    clock.step('render');
    // Charts drawn by the last run are reused where identical (kept beside the warehouse); --force draws all.
    const charts = openChartStore(config.warehousePath === ':memory:' ? undefined : path.join(path.dirname(config.warehousePath), CHART_STORE_FILE), toolFingerprint(), options.force);
    const rendered = await renderPack(config, assessment, { generatedAt: pack.generatedAt, outDir, toolVersion: pack.toolVersion, log, commentary: pack.commentary, areaCommentary: pack.areaCommentary, exceptionsOnly: options.exceptionsOnly, eachArea: options.eachArea, browser: lease, charts, alongside, thread });
    log.info(`Charts: ${charts.drawn} drawn, ${charts.reused} reused (same figures as a chart already drawn)`);
    await charts.save();
    files.push(...rendered.files);
    problems.push(...rendered.problems);
    const gates = gatesOf(pack, problems);

    clock.step('manifest');
    const manifest: Manifest = {
      manifestVersion: 1,
      tool: { name: 'boardpack', version: pack.toolVersion, node: process.version },
      runId: pack.runId,
      generatedAt: pack.generatedAt,
      sourceDateEpoch,
      command: options.command ?? [],
      strict: Boolean(options.strict),
      period: { id: assessment.period.id, label: assessment.period.label, start: assessment.period.start, end: assessment.period.end },
      project: { root: relativePosix(outDir, config.root), ...pack.hashes },
      inputs: pack.inputs.map((i) => ({ source: i.source, path: i.path.split(path.sep).join('/'), sha256: i.sha256, bytes: i.bytes, rows: i.rows })),
      outputs: [...files, ...compiledFiles.map((c) => ({ ...c, format: 'sql' }))]
        .map((f) => ({ path: relativePosix(outDir, f.path), format: f.format, sha256: f.sha256, bytes: statSync(f.path).size }))
        .sort((a, b) => a.path.localeCompare(b.path)),
      gates: gates.map((g) => ({ code: g.code, message: g.message })),
      // Only a run that wrote everything it was asked can be kept by the next one (a failed PDF is retried).
      ...(rendered.problems.length ? {} : { reuseKey: reuseKey ?? await keyOf() }),
    };
    const manifestPath = path.join(outDir, MANIFEST_FILE);
    await writeFileAtomic(manifestPath, renderManifest(manifest));
    return finish({ pack, problems, files, manifestPath });
  } finally {
    await Promise.all([lease?.close(), thread?.close()]);
  }

  function finish(done: { pack: PackResult; problems: Problem[]; files: RenderedFile[]; manifestPath: string; reusedFrom?: string }): RunSummary {
    clock.stop();
    const gates = gatesOf(done.pack, done.problems);
    const errors = done.problems.filter((p) => p.severity === 'error');
    return {
      project,
      pack: done.pack,
      assessment: done.pack.assessment,
      ingest: done.pack.ingest,
      files: done.files,
      problems: done.problems,
      freshness: done.pack.freshness,
      gates,
      manifestPath: done.manifestPath,
      runId: done.pack.runId,
      exitCode: options.strict && gates.length ? EXIT_CODES.gate : errors.length ? EXIT_CODES.failure : EXIT_CODES.ok,
      elapsedMs: Date.now() - started,
      timings: clock.timings,
      ...(done.reusedFrom ? { reusedFrom: done.reusedFrom } : {}),
    };
  }
}

/** The run's gates: the computation's, and validation counting every error (the PDF may have failed after). */
function gatesOf(pack: PackResult, problems: Problem[]): Gate[] {
  const gates = pack.freshness.gates.filter((g) => g.kind !== 'validation');
  const validation = validationGate(problems.filter((p) => p.severity === 'error'));
  if (validation) gates.push(validation);
  return gates;
}

/** The browser the PDF will be printed with, for the key: the started one's, or found now (without starting it). */
async function browserOf(config: Config, lease: BrowserLease | undefined): Promise<string | null> {
  if (lease) return browserIdentity((await lease.found)?.executablePath);
  try {
    const { resolveBrowser } = await import('../report/browser.js');
    return browserIdentity((await resolveBrowser({ explicit: config.browser })).executablePath);
  } catch {
    return null; // no browser: the key cannot match a run that printed a PDF, and the render reports why
  }
}

/** The kept outputs as this run's files (the compiled SQL is listed in the manifest, not among the files). */
function reusedFiles(outDir: string, m: Manifest): RenderedFile[] {
  return m.outputs
    .filter((o): o is typeof o & { format: RenderedFile['format'] } => ['html', 'pdf', 'xlsx', 'json'].includes(o.format))
    .map((o) => ({ format: o.format, path: path.resolve(outDir, o.path), sha256: o.sha256 }));
}

