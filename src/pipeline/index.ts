/**
 * The one place that calls the stages in order: config → ingest → warehouse → measures → assess → report.
 * Each stage gets plain values and returns plain values; this module does the IO between them (artifacts,
 * atomic writes) and decides the exit code: a run that could not do all it was asked exits non-zero, but
 * still writes everything that is good (the pack lists what failed in its data-quality appendix).
 */
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { BoardpackError, formatProblem, problem, type Problem } from '../core/errors.js';
import { writeFileAtomic } from '../core/atomic-write.js';
import { sha256Text } from '../core/hash.js';
import { loadProjectOrThrow } from '../config/load.js';
import type { Config, Project } from '../config/types.js';
import { ingestProject, type IngestReport } from '../ingest/index.js';
import { writeValidationReport } from '../ingest/report.js';
import { openWarehouse, quoteIdent, type Warehouse } from '../warehouse/db.js';
import { ensureMeta } from '../warehouse/meta.js';
import { computeMeasures, openMeasuresWarehouse } from '../measures/index.js';
import { assess, type Assessment } from '../assess/index.js';
import { ensureHistory, readPreviousRun, recordRun } from '../warehouse/history.js';
import { buildResultsJson } from './results-json.js';
import { lineageOfLatest } from '../warehouse/lineage.js';
import { renderPack, startBrowser, type BrowserLease, type RenderedFile } from './render.js';
import { browserTimeoutFromEnv } from '../report/browser.js';
import { checkFreshness, validationGate, type FreshnessReport, type Gate, type SourceCoverage } from './freshness.js';
import { computeChanges, storedResults } from './changes.js';
import { hashProject, MANIFEST_FILE, relativePosix, renderManifest, runIdOf, type Manifest } from './manifest.js';

export interface Logger {
  info(line: string): void;
  warn(line: string): void;
  /** Step `index` (1-based) of `total` has started; a TTY logger draws a progress bar, others ignore it. */
  progress?(step: string, index: number, total: number): void;
}

/** Exit codes (README): 0 done, 1 a problem the user can fix, 2 wrong usage, 3 a --strict gate failed. */
export const EXIT_CODES = { ok: 0, failure: 1, usage: 2, gate: 3 } as const;

const STEPS = ['config', 'ingest', 'measures', 'assess', 'history', 'results', 'render', 'manifest'] as const;
export type Step = (typeof STEPS)[number];

export interface RunOptions {
  projectDir: string;
  /** Report period id; default: latest with data. */
  period?: string;
  /** Output folder (default: the config's `outputs.dir`). */
  outDir?: string;
  /** Warehouse file (default: the config's `warehouse`). */
  warehousePath?: string;
  formats?: Array<'html' | 'pdf' | 'xlsx' | 'json'>;
  browser?: string;
  /** Clock, frozen in tests and by SOURCE_DATE_EPOCH. */
  now?: () => Date;
  log?: Logger;
  toolVersion?: string;
  /** Exit 3 when any freshness or completeness gate fails (a source late or missing, an indicator not computed, validation errors). */
  strict?: boolean;
  /** The command line as typed, for manifest.json. */
  command?: string[];
  /** Keep this run's figures in the warehouse and compare with the previous run (default true). */
  history?: boolean;
  /** The environment (SOURCE_DATE_EPOCH for the manifest); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Board version: exceptions only in board-pack.*, the rest in board-pack-appendix.* (report/README.md). */
  exceptionsOnly?: boolean;
  /** Also one pack per locality, sharing the run's browser. */
  eachArea?: boolean;
  /** How long the browser may take to start and answer (default: BOARDPACK_BROWSER_TIMEOUT seconds, else 30 s). */
  browserTimeoutMs?: number;
}

export interface RunSummary {
  project: Project;
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

/** `SOURCE_DATE_EPOCH` (reproducible builds) fixes the generation time; otherwise the real clock. */
export function defaultClock(env: NodeJS.ProcessEnv = process.env): () => Date {
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch && /^\d+$/.test(epoch)) return () => new Date(Number(epoch) * 1000);
  return () => new Date();
}

export async function runPipeline(options: RunOptions): Promise<RunSummary> {
  const started = Date.now();
  const log = options.log ?? silent;
  const now = options.now ?? defaultClock(options.env);
  const timings: Partial<Record<Step, number>> = {};
  let stepStarted = started;
  let current: Step | undefined;
  const step = (name: Step) => {
    const t = Date.now();
    if (current) timings[current] = t - stepStarted;
    current = name;
    stepStarted = t;
    log.progress?.(name, STEPS.indexOf(name) + 1, STEPS.length);
  };
  // config
  step('config');
  const { project, warnings } = await loadProjectOrThrow(options.projectDir);
  const config: Config = {
    ...project.config,
    outputs: { dir: options.outDir ? path.resolve(options.outDir) : project.config.outputs.dir, formats: options.formats ?? project.config.outputs.formats },
    warehousePath: options.warehousePath ? path.resolve(options.warehousePath) : project.config.warehousePath,
    browser: options.browser ?? project.config.browser,
  };
  const problems: Problem[] = [...warnings];
  for (const w of warnings.filter((p) => p.severity === 'error')) log.warn(formatProblem(w));
  log.info(`Project ${config.partnership.name}: ${project.indicators.length} indicators, ${config.sources.length} sources`);

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
    // ingest → warehouse
    step('ingest');
    const wh: Warehouse = await openWarehouse(config.warehousePath);
    let ingest: IngestReport;
    let assessment: Assessment;
    let compiled: Array<{ indicator: string; sql: string }>;
    let coverage: Record<string, SourceCoverage>;
    try {
      await ensureMeta(wh);
      ingest = await ingestProject(wh, config, { now: () => now().toISOString(), log: (l) => log.info(`ingest ${l}`) });
      problems.push(...ingest.problems);
      for (const p of ingest.problems.filter((p) => p.severity === 'error').slice(0, 20)) log.warn(formatProblem(p));
      coverage = await readCoverage(wh, config);
    } finally {
      if (config.warehousePath !== ':memory:') wh.close();
    }
    // measures: indicator SQL is untrusted, so it runs on a second, read-only and confined instance of the
    // warehouse (no files, URLs, ATTACH or extensions; SECURITY.md). DuckDB cannot open one file twice in a
    // process with different settings, hence close-then-reopen; an in-memory warehouse is confined in place.
    step('measures');
    const mwh: Warehouse = config.warehousePath === ':memory:' ? wh : await openMeasuresWarehouse(config.warehousePath);
    try {
      const measures = await computeMeasures(mwh, config, project.indicators);
      compiled = measures.compiled;
      for (const f of measures.failures) log.warn(formatProblem(f.problem));
      problems.push(...measures.failures.map((f) => f.problem));
      // assess
      step('assess');
      assessment = assess(config, project.indicators, measures, { period: options.period });
      assessment.dataQuality.unshift(...ingest.problems, ...warnings.filter((w) => w.severity === 'error'));
      // Lineage: the loads behind each indicator's latest figure, for results.json and the appendix.
      assessment.lineage = await lineageOfLatest(mwh, config, assessment.indicators.map((ia) => ({ def: ia.indicator, period: ia.latest.period })));
    } finally {
      mwh.close();
    }
    const today = now().toISOString().slice(0, 10);
    const freshness = checkFreshness({
      config, indicators: project.indicators, assessment, coverage, today, byClock: !options.period, errors: problems,
    });
    assessment.dataQuality.push(...freshness.notes);

    // history: what changed since the previous run made from different inputs
    step('history');
    const toolVersion = options.toolVersion ?? '0.0.0';
    const generatedAt = now().toISOString();
    const inputs = ingest.sources.flatMap((s) => s.files.map((f) => ({ source: s.source, path: f.path, sha256: f.sha256, rows: f.rows, bytes: f.size })));
    const hashes = await hashProject(config, project.indicators);
    const runId = runIdOf({ toolVersion, period: assessment.period.id, hashes, inputs });
    if (options.history !== false && config.warehousePath !== ':memory:') {
      const hwh = await openWarehouse(config.warehousePath);
      try {
        await ensureHistory(hwh);
        const previous = await readPreviousRun(hwh, runId);
        if (previous) assessment.changes = computeChanges(previous, assessment);
        await recordRun(hwh, { runId, generatedAt, period: assessment.period.id, periodLabel: assessment.period.label, toolVersion }, storedResults(assessment));
      } finally {
        hwh.close();
      }
    }

    // report
    step('results');
    const outDir = config.outputs.dir;
    mkdirSync(outDir, { recursive: true });
    const compiledFiles: Array<{ path: string; sha256: string }> = [];
    for (const c of compiled) {
      const file = path.join(outDir, 'target', 'compiled', `${c.indicator}.sql`);
      await writeFileAtomic(file, `${c.sql}\n`);
      compiledFiles.push({ path: file, sha256: sha256Text(`${c.sql}\n`) });
    }
    // Every ingest problem in full (the pack's appendix and the terminal show a summary): out/validation-report.csv|html.
    await writeValidationReport(outDir, ingest, { title: `Validation report: ${config.partnership.name}`, generatedAt });
    const files: RenderedFile[] = [];
    if (config.outputs.formats.includes('json')) {
      const json = buildResultsJson(config, assessment, { generatedAt, inputs: inputs.map(({ source, path: p, sha256, rows }) => ({ source, path: p, sha256, rows })) });
      const file = path.join(outDir, 'results.json');
      await writeFileAtomic(file, json);
      files.push({ format: 'json', path: file, sha256: sha256Text(json) });
    }
    step('render');
    const rendered = await renderPack(config, assessment, { generatedAt, outDir, toolVersion, log, exceptionsOnly: options.exceptionsOnly, eachArea: options.eachArea, browser: lease });
    files.push(...rendered.files);
    problems.push(...rendered.problems);

    // The PDF may have failed after the gates were checked: count it too.
    const errors = problems.filter((p) => p.severity === 'error');
    const gates = freshness.gates.filter((g) => g.kind !== 'validation');
    const validation = validationGate(errors);
    if (validation) gates.push(validation);

    step('manifest');
    const manifest: Manifest = {
      manifestVersion: 1,
      tool: { name: 'boardpack', version: toolVersion, node: process.version },
      runId,
      generatedAt,
      sourceDateEpoch: env.SOURCE_DATE_EPOCH && /^\d+$/.test(env.SOURCE_DATE_EPOCH) ? env.SOURCE_DATE_EPOCH : null,
      command: options.command ?? [],
      strict: Boolean(options.strict),
      period: { id: assessment.period.id, label: assessment.period.label, start: assessment.period.start, end: assessment.period.end },
      project: { root: relativePosix(outDir, config.root), ...hashes },
      inputs: inputs.map((i) => ({ source: i.source, path: i.path.split(path.sep).join('/'), sha256: i.sha256, bytes: i.bytes, rows: i.rows })),
      outputs: [...files, ...compiledFiles.map((c) => ({ ...c, format: 'sql' }))]
        .map((f) => ({ path: relativePosix(outDir, f.path), format: f.format, sha256: f.sha256, bytes: statSync(f.path).size }))
        .sort((a, b) => a.path.localeCompare(b.path)),
      gates: gates.map((g) => ({ code: g.code, message: g.message })),
    };
    const manifestPath = path.join(outDir, MANIFEST_FILE);
    await writeFileAtomic(manifestPath, renderManifest(manifest));
    timings[current!] = Date.now() - stepStarted;

    return {
      project: { config, indicators: project.indicators },
      assessment,
      ingest,
      files,
      problems,
      freshness,
      gates,
      manifestPath,
      runId,
      exitCode: options.strict && gates.length ? EXIT_CODES.gate : errors.length ? EXIT_CODES.failure : EXIT_CODES.ok,
      elapsedMs: Date.now() - started,
      timings,
    };
  } finally {
    await lease?.close();
  }
}

/** What the warehouse holds for each source: its period ids, or for record-level sources its latest date. */
async function readCoverage(wh: Warehouse, config: Config): Promise<Record<string, SourceCoverage>> {
  const out: Record<string, SourceCoverage> = {};
  const tables = new Set((await wh.all<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'`)).map((r) => r.table_name));
  const stored = new Map((await wh.all<{ source: string; periods: string | null }>(`SELECT source, periods FROM bp_sources`)).map((r) => [r.source, r.periods]));
  for (const s of config.sources) {
    const loaded = tables.has(s.table) && stored.has(s.id);
    const periods = (stored.get(s.id) ?? '').split(',').filter(Boolean);
    let maxDate: string | null = null;
    if (loaded && !s.period) {
      for (const c of s.columns.filter((c) => c.type === 'date')) {
        try {
          const [{ m }] = await wh.all<{ m: string | null }>(`SELECT max(${quoteIdent(c.name)})::VARCHAR AS m FROM ${quoteIdent(s.table)}`);
          if (m && (!maxDate || m > maxDate)) maxDate = m.slice(0, 10);
        } catch {
          // an optional date column absent from this extract: the others still tell the coverage
        }
      }
    }
    out[s.id] = { loaded, periods, maxDate };
  }
  return out;
}
