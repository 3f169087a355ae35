/**
 * The one place that calls the stages in order: config → ingest → warehouse → measures → assess → report.
 * Each stage gets plain values and returns plain values; this module does the IO between them (artifacts,
 * atomic writes) and decides the exit code: a run that could not do all it was asked exits non-zero, but
 * still writes everything that is good (the pack lists what failed in its data-quality appendix).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { BoardpackError, formatProblem, problem, type Problem } from '../core/errors.js';
import { writeFileAtomic } from '../core/atomic-write.js';
import { sha256Text } from '../core/hash.js';
import { loadProjectOrThrow } from '../config/load.js';
import type { Config, Project } from '../config/types.js';
import { ingestProject, type IngestReport } from '../ingest/index.js';
import { openWarehouse, type Warehouse } from '../warehouse/db.js';
import { ensureMeta } from '../warehouse/meta.js';
import { computeMeasures } from '../measures/index.js';
import { assess, type Assessment } from '../assess/index.js';
import { buildResultsJson } from './results-json.js';
import { renderPack, type RenderedFile } from './render.js';

export interface Logger {
  info(line: string): void;
  warn(line: string): void;
}

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
}

export interface RunSummary {
  project: Project;
  assessment: Assessment;
  ingest: IngestReport;
  files: RenderedFile[];
  problems: Problem[];
  /** 0 when everything asked was done, 1 when something failed (still written: what was good). */
  exitCode: number;
  elapsedMs: number;
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
  const now = options.now ?? defaultClock();
  // config
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

  // ingest → warehouse
  const wh: Warehouse = await openWarehouse(config.warehousePath);
  let ingest: IngestReport;
  let assessment: Assessment;
  let compiled: Array<{ indicator: string; sql: string }>;
  try {
    await ensureMeta(wh);
    ingest = await ingestProject(wh, config, { now: () => now().toISOString(), log: (l) => log.info(`ingest ${l}`) });
    problems.push(...ingest.problems);
    for (const p of ingest.problems.filter((p) => p.severity === 'error').slice(0, 20)) log.warn(formatProblem(p));
    // measures
    const measures = await computeMeasures(wh, config, project.indicators);
    compiled = measures.compiled;
    for (const f of measures.failures) log.warn(formatProblem(f.problem));
    problems.push(...measures.failures.map((f) => f.problem));
    // assess
    assessment = assess(config, project.indicators, measures, { period: options.period });
    assessment.dataQuality.unshift(...ingest.problems, ...warnings.filter((w) => w.severity === 'error'));
  } finally {
    wh.close();
  }

  // report
  const outDir = config.outputs.dir;
  mkdirSync(outDir, { recursive: true });
  const generatedAt = now().toISOString();
  for (const c of compiled) await writeFileAtomic(path.join(outDir, 'target', 'compiled', `${c.indicator}.sql`), `${c.sql}\n`);
  const inputs = ingest.sources.flatMap((s) => s.files.map((f) => ({ source: s.source, path: f.path, sha256: f.sha256, rows: f.rows })));
  const files: RenderedFile[] = [];
  if (config.outputs.formats.includes('json')) {
    const json = buildResultsJson(config, assessment, { generatedAt, inputs });
    const file = path.join(outDir, 'results.json');
    await writeFileAtomic(file, json);
    files.push({ format: 'json', path: file, sha256: sha256Text(json) });
  }
  const rendered = await renderPack(config, assessment, { generatedAt, outDir, toolVersion: options.toolVersion ?? '0.0.0', log });
  files.push(...rendered.files);
  problems.push(...rendered.problems);

  const errors = problems.filter((p) => p.severity === 'error');
  return {
    project: { config, indicators: project.indicators },
    assessment,
    ingest,
    files,
    problems,
    exitCode: errors.length ? 1 : 0,
    elapsedMs: Date.now() - started,
  };
}
