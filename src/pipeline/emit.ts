/**
 * Emitters: each writes one kind of output from a computed `PackResult` (atomically) and returns what it wrote.
 * None computes a figure; HTML, PDF and XLSX are in `render.ts`, the manifest in `manifest.ts`.
 */
import path from 'node:path';
import { writeFileAtomicHashed } from '../core/atomic-write.js';
import { writeValidationReport } from '../ingest/report.js';
import { buildResultsJson } from './results-json.js';
import type { PackResult } from './compute.js';
import type { RenderedFile } from './render.js';

/** The compiled SQL of every indicator, as dbt leaves it: `target/compiled/<id>.sql`. */
export async function emitCompiledSql(pack: PackResult, outDir: string): Promise<Array<{ path: string; sha256: string }>> {
  const out: Array<{ path: string; sha256: string }> = [];
  for (const c of pack.compiled) {
    const file = path.join(outDir, 'target', 'compiled', `${c.indicator}.sql`);
    out.push({ path: file, sha256: await writeFileAtomicHashed(file, `${c.sql}\n`) });
  }
  return out;
}

/** Every ingest problem in full (the pack's appendix and the terminal show a summary): validation-report.csv|html. */
export async function emitValidationReport(pack: PackResult, outDir: string): Promise<void> {
  const config = pack.project.config;
  await writeValidationReport(outDir, pack.ingest, { title: `Validation report: ${config.partnership.name}`, generatedAt: pack.generatedAt });
}

/** results.json: every figure of every computed period with its judgements. */
export async function emitResultsJson(pack: PackResult, outDir: string): Promise<RenderedFile> {
  const json = buildResultsJson(pack.project.config, pack.assessment, {
    generatedAt: pack.generatedAt,
    inputs: pack.inputs.map(({ source, path: p, sha256, rows }) => ({ source, path: p, sha256, rows })),
    commentary: pack.commentary,
    areaCommentary: pack.areaCommentary,
  });
  const file = path.join(outDir, 'results.json');
  return { format: 'json', path: file, sha256: await writeFileAtomicHashed(file, json) };
}
