/**
 * The computation of a pack, with no output written: config → ingest → warehouse → measures → assess, then the
 * judgements that need the whole run (freshness gates, what changed since the previous run, lineage). It returns
 * one typed `PackResult`; the emitters (`emit.ts`, `render.ts`) write HTML, PDF, XLSX and JSON from it, and
 * `commentary export` and people scripting around the CLI (`computePack` from the package root) read it.
 *
 * Its only writes are to the warehouse: the extracts it loads, and (unless `history: false`) this run's figures
 * for the next run's "what changed".
 */
import { sourceDateEpoch } from '../core/clock.js';
import path from 'node:path';
import { formatProblem, type Problem } from '../core/errors.js';
import { loadProjectOrThrow } from '../config/load.js';
import type { Config, Project } from '../config/types.js';
import { ingestProject, type IngestReport } from '../ingest/index.js';
import { openWarehouse, quoteIdent, type Warehouse } from '../warehouse/db.js';
import { ensureMeta } from '../warehouse/meta.js';
import { computeMeasures, openMeasuresWarehouse } from '../measures/index.js';
import { comparatorRunProblems } from '../assess/comparator-tables.js';
import { assess, type Assessment } from '../assess/index.js';
import type { ChangeSet } from '../assess/types.js';
import { ensureHistory, readPreviousRun, recordRun } from '../warehouse/history.js';
import { lineageOfLatest } from '../warehouse/lineage.js';
import { checkFreshness, validationGate, type FreshnessReport, type Gate, type SourceCoverage } from './freshness.js';
import { computeChanges, storedResults, withRevisions } from './changes.js';
import { hashProject, runIdOf, type ProjectHashes } from './manifest.js';
import { readProjectCommentary } from './render.js';
import type { Commentary } from '../report/model.js';

export interface Logger {
  info(line: string): void;
  warn(line: string): void;
  /** Step `index` (1-based) of `total` has started; a TTY logger draws a progress bar, others ignore it. */
  progress?(step: string, index: number, total: number): void;
}

export const STEPS = ['config', 'ingest', 'measures', 'assess', 'history', 'results', 'render', 'manifest'] as const;
export type Step = (typeof STEPS)[number];

export interface ComputeOptions {
  /** Report period id; default: the latest with data. */
  period?: string;
  /** Output folder the emitters will write to (default: the config's `outputs.dir`). */
  outDir?: string;
  /** Warehouse file (default: the config's `warehouse`). */
  warehousePath?: string;
  formats?: Array<'html' | 'pdf' | 'xlsx' | 'json'>;
  browser?: string;
  /** Clock, frozen in tests and by SOURCE_DATE_EPOCH. */
  now?: () => Date;
  log?: Logger;
  toolVersion?: string;
  /** Keep this run's figures in the warehouse and compare with the previous run (default true). */
  history?: boolean;
  /** Read the project's commentary file (default true; `commentary export` writes it instead). */
  readCommentary?: boolean;
  /** The environment (SOURCE_DATE_EPOCH); default process.env. */
  env?: NodeJS.ProcessEnv;
}

/** One input file of the run, as the manifest and results.json list it. */
export interface RunInput { source: string; path: string; sha256: string; rows: number; bytes: number }

/** Everything a pack is made of, computed once; every output is written from this and nothing else. */
export interface PackResult {
  /** The project as used: the config with the run's overrides (output folder, formats, warehouse, browser). */
  project: Project;
  /**
   * The judged figures, as the report stage reads them: assess's result with the run's data-quality notes,
   * `changes`, `lineage` and revised figures (`revisedFrom`) composed in (a new value; assess's own is not changed).
   */
  assessment: Assessment;
  /** What changed since the previous run made from different inputs; null on a first run or without history. */
  changes: ChangeSet | null;
  /** Per indicator, the loads behind its latest figure. */
  lineage: NonNullable<Assessment['lineage']>;
  /** Freshness of every source and the computation's gates (what --strict fails on). */
  freshness: FreshnessReport;
  gates: Gate[];
  ingest: IngestReport;
  /** The owners' commentary by indicator or priority id, as the pack prints it. */
  commentary: Record<string, Commentary>;
  /** Each locality's own commentary, by area id then indicator or priority id (printed only in its pack). */
  areaCommentary: Record<string, Record<string, Commentary>>;
  /** The compiled SQL of every indicator. */
  compiled: Array<{ indicator: string; sql: string }>;
  /** Every problem of the computation (config warnings and errors, ingest, failed indicators). */
  problems: Problem[];
  runId: string;
  hashes: ProjectHashes;
  inputs: RunInput[];
  generatedAt: string;
  toolVersion: string;
}

const silent: Logger = { info: () => {}, warn: () => {} };

/** `SOURCE_DATE_EPOCH` (reproducible builds) fixes the generation time; otherwise the real clock. */
export function defaultClock(env: NodeJS.ProcessEnv = process.env): () => Date {
  const epoch = sourceDateEpoch(env);
  if (epoch !== undefined) return () => new Date(epoch * 1000);
  return () => new Date();
}

/** Times each step and reports it to `log.progress`. */
export class StepClock {
  readonly timings: Partial<Record<Step, number>> = {};
  private current: Step | undefined;
  private startedAt = Date.now();
  constructor(private readonly log: Logger) {}
  step(name: Step): void {
    const t = Date.now();
    if (this.current) this.timings[this.current] = t - this.startedAt;
    this.current = name;
    this.startedAt = t;
    this.log.progress?.(name, STEPS.indexOf(name) + 1, STEPS.length);
  }
  stop(): void {
    if (this.current) this.timings[this.current] = Date.now() - this.startedAt;
    this.current = undefined;
  }
}

/** Read the project and apply the run's overrides (output folder, formats, warehouse, browser). */
export async function loadRunProject(projectDir: string, options: ComputeOptions): Promise<{ project: Project; warnings: Problem[] }> {
  const { project, warnings } = await loadProjectOrThrow(projectDir);
  const config: Config = {
    ...project.config,
    outputs: { dir: options.outDir ? path.resolve(options.outDir) : project.config.outputs.dir, formats: options.formats ?? project.config.outputs.formats },
    warehousePath: options.warehousePath ? path.resolve(options.warehousePath) : project.config.warehousePath,
    browser: options.browser ?? project.config.browser,
  };
  return { project: { config, indicators: project.indicators }, warnings };
}

/**
 * Compute a project's pack without writing any output: for people scripting around the CLI. The figures are
 * exactly those `boardpack run` writes (a test compares them). History is not recorded unless asked.
 */
export async function computePack(projectDir: string, options: ComputeOptions = {}): Promise<PackResult> {
  const log = options.log ?? silent;
  const clock = new StepClock(log);
  clock.step('config');
  const loaded = await loadRunProject(path.resolve(projectDir), options);
  const result = await computeLoaded(loaded.project, loaded.warnings, { history: false, ...options }, clock);
  clock.stop();
  return result;
}

/** The computation from a loaded project (the pipeline loads it first to start the browser early). */
export async function computeLoaded(project: Project, warnings: Problem[], options: ComputeOptions, clock: StepClock): Promise<PackResult> {
  const log = options.log ?? silent;
  const now = options.now ?? defaultClock(options.env);
  const { config, indicators } = project;
  const problems: Problem[] = [...warnings];
  for (const w of warnings.filter((p) => p.severity === 'error')) log.warn(formatProblem(w));
  log.info(`Project ${config.partnership.name}: ${indicators.length} indicators, ${config.sources.length} sources`);

  // ingest → warehouse
  clock.step('ingest');
  const wh: Warehouse = await openWarehouse(config.warehousePath);
  let ingest: IngestReport;
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
  clock.step('measures');
  const mwh: Warehouse = config.warehousePath === ':memory:' ? wh : await openMeasuresWarehouse(config.warehousePath);
  let assessed: Assessment;
  let compiled: Array<{ indicator: string; sql: string }>;
  let lineage: NonNullable<Assessment['lineage']>;
  try {
    const measures = await computeMeasures(mwh, config, indicators);
    compiled = measures.compiled;
    for (const f of measures.failures) log.warn(formatProblem(f.problem));
    problems.push(...measures.failures.map((f) => f.problem));
    clock.step('assess');
    assessed = assess(config, indicators, measures, { period: options.period });
    // Comparators: one that cannot be read is an error of the run (exit 1, a --strict gate); one without a
    // value for the report period is a warning on the terminal and in --json, not only in the appendix.
    const comparators = comparatorRunProblems(assessed);
    assessed.dataQuality.push(...comparators.gaps);
    for (const p of [...comparators.errors, ...comparators.gaps]) log.warn(formatProblem(p));
    problems.push(...comparators.errors, ...comparators.gaps);
    // Lineage: the loads behind each indicator's latest figure, for results.json and the appendix.
    lineage = await lineageOfLatest(mwh, config, assessed.indicators.map((ia) => ({ def: ia.indicator, period: ia.latest.period })));
  } finally {
    mwh.close();
  }
  const today = now().toISOString().slice(0, 10);
  const freshness = checkFreshness({ config, indicators, assessment: assessed, coverage, today, byClock: !options.period, errors: problems });

  // history: what changed since the previous run made from different inputs
  clock.step('history');
  const toolVersion = options.toolVersion ?? '0.0.0';
  const generatedAt = now().toISOString();
  const inputs: RunInput[] = ingest.sources.flatMap((s) => s.files.map((f) => ({ source: s.source, path: f.path, sha256: f.sha256, rows: f.rows, bytes: f.size })));
  const hashes = await hashProject(config, indicators);
  const runId = runIdOf({ toolVersion, period: assessed.period.id, hashes, inputs });
  let changes: ChangeSet | null = null;
  if (options.history !== false && config.warehousePath !== ':memory:') {
    const hwh = await openWarehouse(config.warehousePath);
    try {
      await ensureHistory(hwh);
      const previous = await readPreviousRun(hwh, runId);
      if (previous) changes = computeChanges(previous, assessed);
      await recordRun(hwh, { runId, generatedAt, period: assessed.period.id, periodLabel: assessed.period.label, toolVersion }, storedResults(assessed));
    } finally {
      hwh.close();
    }
  }

  let composed: Assessment = {
    ...(changes ? withRevisions(assessed, changes) : assessed),
    dataQuality: [...ingest.problems, ...warnings.filter((w) => w.severity === 'error'), ...assessed.dataQuality, ...freshness.notes],
    lineage,
    ...(changes ? { changes } : {}),
  };
  // The commentary is an input like the extracts: read once, printed by the pack, its status in results.json.
  let commentary: Record<string, Commentary> = {};
  let areaCommentary: Record<string, Record<string, Commentary>> = {};
  if (options.readCommentary !== false) {
    const read = await readProjectCommentary(config, composed);
    commentary = read.commentary;
    areaCommentary = read.areas;
    // An error (an area the partnership does not have) names its file, row and column; warnings stay one line.
    for (const p of read.problems) log.warn(p.severity === 'error' ? formatProblem(p) : `${p.code}: ${p.message}`);
    problems.push(...read.problems);
    if (read.problems.length) composed = { ...composed, dataQuality: [...composed.dataQuality, ...read.problems] };
  }
  const gates = freshness.gates.filter((g) => g.kind !== 'validation');
  const validation = validationGate(problems);
  if (validation) gates.push(validation);
  return { project, assessment: composed, changes, lineage, freshness, gates, ingest, commentary, areaCommentary, compiled, problems, runId, hashes, inputs, generatedAt, toolVersion };
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
