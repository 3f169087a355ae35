/**
 * Every path a project names — extracts, commentary, templates, comparator tables, outputs, warehouse — must
 * stay inside the project folder once symlinks are resolved (core/paths.ts); checked when the project loads,
 * so `validate` and `run` refuse the same things. Paths given on the command line (`--out`, `--warehouse`)
 * are the user's own choice and are not checked here.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Problem } from '../core/errors.js';
import { expandFileGlob } from '../core/glob.js';
import { notRegularProblem, outsideProblem } from '../core/paths.js';
import type { Config, IndicatorDef } from './types.js';
import type { YamlFile } from './yaml.js';

export function confineConfigPaths(config: Config, yaml: YamlFile): Problem[] {
  const out: Problem[] = [];
  const roots = [config.root];
  const at = (yamlPath: string, what: string, written?: string) => ({ what, file: yaml.file, yamlPath, line: () => yaml.lineOf(yamlPath.split('.')), written });
  const check = (p: string, yamlPath: string, what: string, written?: string) => {
    const q = outsideProblem(p, roots, at(yamlPath, what, written));
    if (q) out.push(q);
    return !q;
  };
  check(config.warehousePath, 'warehouse', 'the warehouse');
  check(config.outputs.dir, 'outputs.dir', 'the output folder');
  if (config.commentaryPath && check(config.commentaryPath, 'commentary', 'the commentary file')) {
    const q = notRegularProblem(config.commentaryPath, at('commentary', 'the commentary file'));
    if (q) out.push(q);
  }
  if (config.templatesDir && check(config.templatesDir, 'templates', 'the templates folder') && existsSync(config.templatesDir) && statSync(config.templatesDir).isDirectory()) {
    for (const f of readdirSync(config.templatesDir)) {
      const file = path.join(config.templatesDir, f);
      if (check(file, 'templates', `the template ${f}`, f)) {
        const q = notRegularProblem(file, at('templates', `the template ${f}`, f));
        if (q && /\.hbs$/.test(f)) out.push(q);
      }
    }
  }
  for (const s of config.sources) {
    const yp = `sources.${s.id}.path`;
    if (!check(s.path, yp, `the path of source ${s.id}`, s.relativePath)) continue;
    for (const f of expandFileGlob(s.path)) check(f, yp, `the extract ${path.basename(f)} of source ${s.id}`, s.relativePath);
    // A named FIFO or device is skipped by the glob; a plain path to one must be named, not read.
    if (!/[*?]/.test(path.basename(s.path))) {
      const q = notRegularProblem(s.path, at(yp, `the extract of source ${s.id}`, s.relativePath));
      if (q) out.push(q);
    }
  }
  return out;
}

/** Comparator tables and neighbour models of the indicators, inside the project folder. */
export function confineIndicatorPaths(config: Config, defs: IndicatorDef[]): Problem[] {
  const out: Problem[] = [];
  for (const d of defs) {
    for (const [i, c] of (d.comparators ?? []).entries()) {
      for (const [p, key] of [[c.table?.path, 'table.path'], [c.neighboursModel, 'neighbours_model']] as const) {
        if (!p) continue;
        const ctx = { what: `comparator ${c.id}'s ${key}`, file: d.file, yamlPath: `indicators.${d.id}.comparators.${i}.${key}`, written: path.relative(config.root, p) };
        const q = outsideProblem(p, [config.root], ctx, 'BP_INDICATOR_PATH_OUTSIDE') ?? notRegularProblem(p, ctx, 'BP_INDICATOR_NOT_A_FILE');
        if (q) out.push(q);
      }
    }
  }
  return out;
}
