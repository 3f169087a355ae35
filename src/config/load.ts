/**
 * IO first, then pure: read boardpack.yaml and every indicator file, validate each on its own with zod,
 * collect *all* problems (never stop at the first), normalise what is valid into `Config` / `IndicatorDef`.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BoardpackError, didYouMean, problem, type Problem } from '../core/errors.js';
import { tryParsePeriodId } from '../core/periods.js';
import { IndicatorSpec, ProjectSpec } from './schema.js';
import { normalizeConfig, normalizeIndicator } from './normalize.js';
import { lintIndicators } from './lint.js';
import type { Config, IndicatorDef, Project } from './types.js';
import { readYamlFile, type YamlFile } from './yaml.js';
import { zodIssuesToProblems } from './zod-problems.js';

export const CONFIG_FILE = 'boardpack.yaml';

export interface LoadResult {
  project?: Project;
  config?: Config;
  indicators: IndicatorDef[];
  problems: Problem[];
}

/** The package's own folder (two levels above src/config or dist/config). */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Load and validate a project; never throws for user mistakes, returns them as problems. */
export async function loadProject(dir: string): Promise<LoadResult> {
  const root = path.resolve(dir);
  const configFile = path.join(root, CONFIG_FILE);
  if (!existsSync(configFile)) {
    return {
      indicators: [],
      problems: [problem('BP_CONFIG_MISSING', `no ${CONFIG_FILE} in ${root}`, {
        file: configFile,
        fix: `run boardpack in a project folder, pass --project DIR, or create one with \`boardpack init ${dir}\``,
      })],
    };
  }
  const problems: Problem[] = [];
  let yaml: YamlFile;
  try {
    yaml = await readYamlFile(configFile);
  } catch (e) {
    if (e instanceof BoardpackError) return { indicators: [], problems: e.problems };
    throw e;
  }
  const parsed = ProjectSpec.safeParse(yaml.data ?? {}, { reportInput: true });
  if (!parsed.success) {
    return { indicators: [], problems: zodIssuesToProblems(ProjectSpec, parsed.error.issues, yaml, 'BP_CONFIG') };
  }
  const config = normalizeConfig(parsed.data, root, configFile);
  problems.push(...validateConfig(config, yaml));

  const files = listIndicatorFiles(parsed.data.indicators, root, yaml, problems);
  const indicators: IndicatorDef[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    let iy: YamlFile;
    try {
      iy = await readYamlFile(file);
    } catch (e) {
      if (e instanceof BoardpackError) { problems.push(...e.problems); continue; }
      throw e;
    }
    const docs = Array.isArray((iy.data as { indicators?: unknown })?.indicators) ? (iy.data as { indicators: unknown[] }).indicators : [iy.data];
    docs.forEach((doc, i) => {
      const prefix = docs.length > 1 || doc !== iy.data ? ['indicators', String(i)] : [];
      const idGuess = typeof (doc as { id?: unknown })?.id === 'string' ? (doc as { id: string }).id : path.basename(file).replace(/\.ya?ml$/, '');
      const res = IndicatorSpec.safeParse(doc ?? {}, { reportInput: true });
      const sub: YamlFile = prefix.length ? { ...iy, lineOf: (p) => iy.lineOf([...prefix, ...p]) } : iy;
      if (!res.success) {
        problems.push(...zodIssuesToProblems(IndicatorSpec, res.error.issues, sub, 'BP_INDICATOR', ['indicators', idGuess]));
        return;
      }
      const def = normalizeIndicator(res.data, file, config);
      const dup = seen.get(def.id);
      if (dup) {
        problems.push(problem('BP_INDICATOR_DUPLICATE', `indicator id "${def.id}" is defined twice`, {
          file, line: sub.lineOf(['id']), yamlPath: `indicators.${def.id}.id`, value: def.id,
          fix: `the other definition is in ${dup}; rename one or remove the duplicate`,
        }));
        return;
      }
      seen.set(def.id, file);
      const own = validateIndicator(def, config, sub);
      problems.push(...own);
      if (!own.some((p) => p.severity === 'error')) indicators.push(def);
    });
  }
  problems.push(...lintIndicators(indicators, config));
  const failed = problems.some((p) => p.severity === 'error' && p.code.startsWith('BP_CONFIG'));
  return { project: failed ? undefined : { config, indicators }, config, indicators, problems };
}

/** Like loadProject, but throws one BoardpackError listing every error (warnings are returned). */
export async function loadProjectOrThrow(dir: string): Promise<{ project: Project; warnings: Problem[] }> {
  const res = await loadProject(dir);
  const errors = res.problems.filter((p) => p.severity === 'error');
  if (!res.project || errors.some((p) => p.code.startsWith('BP_CONFIG'))) throw new BoardpackError(errors.length ? errors : res.problems);
  return { project: res.project, warnings: res.problems };
}

function listIndicatorFiles(entries: string[], root: string, yaml: YamlFile, problems: Problem[]): string[] {
  const files: string[] = [];
  entries.forEach((entry, i) => {
    const abs = entry.startsWith('preset:')
      ? path.join(PACKAGE_ROOT, 'indicators', entry.slice('preset:'.length))
      : path.resolve(root, entry);
    if (!existsSync(abs)) {
      const presets = existsSync(path.join(PACKAGE_ROOT, 'indicators')) ? readdirSync(path.join(PACKAGE_ROOT, 'indicators')) : [];
      problems.push(problem('BP_CONFIG_INDICATORS_MISSING', `indicator file or folder not found: ${entry}`, {
        file: yaml.file, line: yaml.lineOf(['indicators', i]), yamlPath: `indicators.${i}`, value: entry,
        fix: entry.startsWith('preset:') ? `presets available: ${presets.map((p) => `preset:${p}`).join(', ') || 'none'}` : 'give a path relative to the project folder',
      }));
      return;
    }
    if (statSync(abs).isDirectory()) {
      for (const f of readdirSync(abs).sort()) if (/\.ya?ml$/.test(f) && !f.startsWith('_')) files.push(path.join(abs, f));
    } else files.push(abs);
  });
  return files;
}

function validateConfig(config: Config, yaml: YamlFile): Problem[] {
  const out: Problem[] = [];
  if (!config.areas.some((a) => a.isWhole)) {
    out.push(problem('BP_CONFIG_NO_WHOLE_AREA', 'areas must include the whole partnership with id "all"', {
      file: yaml.file, line: yaml.lineOf(['areas']), yamlPath: 'areas', fix: 'add `- {id: all, name: <partnership name>}` as the first area',
    }));
  }
  const ids = new Set<string>();
  config.areas.forEach((a, i) => {
    if (ids.has(a.id)) out.push(problem('BP_CONFIG_DUPLICATE_AREA', `area id "${a.id}" appears twice`, { file: yaml.file, line: yaml.lineOf(['areas', i, 'id']), yamlPath: `areas.${i}.id`, value: a.id, fix: 'give each area its own id' }));
    ids.add(a.id);
  });
  return out;
}

function validateIndicator(def: IndicatorDef, config: Config, y: YamlFile): Problem[] {
  const out: Problem[] = [];
  const at = (p: Array<string | number>, code: string, message: string, extra: Partial<Problem> = {}) =>
    out.push(problem(code, message, { file: def.file, line: y.lineOf(p), yamlPath: ['indicators', def.id, ...p].join('.'), ...extra }));
  const sources = config.sources.map((s) => s.id);
  for (const part of ['numerator', 'denominator'] as const) {
    const m = def[part];
    if (m && !sources.includes(m.from)) {
      const s = didYouMean(m.from, sources);
      at([part, 'from'], 'BP_INDICATOR_UNKNOWN_SOURCE', `no source "${m.from}" in boardpack.yaml${s ? `; did you mean ${s}?` : ''}`, {
        value: m.from, expected: `one of ${sources.join(', ')}`, fix: s ? `write ${s}` : 'add the source under `sources:` in boardpack.yaml',
      });
    }
  }
  if (!def.numerator && !def.sql) at([], 'BP_INDICATOR_NO_MEASURE', 'the indicator has neither `numerator:` nor `sql:`', { fix: 'add a numerator part (and a denominator for a rate or percent)' });
  if (def.numerator && def.sql) at(['sql'], 'BP_INDICATOR_TWO_MEASURES', 'give either `numerator:`/`denominator:` or `sql:`, not both', { fix: 'remove one of them' });
  if (def.unit !== 'count' && def.numerator && !def.denominator) {
    at(['denominator'], 'BP_INDICATOR_NO_DENOMINATOR', `unit ${def.unit} needs a denominator`, { fix: 'add `denominator:` or change `unit:` to count' });
  }
  const priorities = config.framework.priorities.map((p) => p.id);
  if (!priorities.includes(def.priority)) {
    const s = didYouMean(def.priority, priorities);
    at(['priority'], 'BP_INDICATOR_UNKNOWN_PRIORITY', `no priority "${def.priority}" in boardpack.yaml${s ? `; did you mean ${s}?` : ''}`, {
      value: def.priority, expected: `one of ${priorities.join(', ')}`, fix: s ? `write ${s}` : 'add it under framework.priorities',
    });
  }
  if (def.kind === 'performance_measure' && !def.question) {
    at(['question'], 'BP_INDICATOR_NO_QUESTION', 'a performance measure needs its OBA question', { expected: 'how_much, how_well or better_off', fix: 'add `question: how_well` (or how_much / better_off)' });
  }
  for (const key of Object.keys(def.targets)) {
    if (key !== 'default' && !tryParsePeriodId(key)) {
      at(['targets', key], 'BP_INDICATOR_TARGET_PERIOD', `target key "${key}" is not a period id`, {
        value: key, expected: 'a period id such as 2024-25, 2024-25-Q1, AY2024-25, or `default`', fix: 'write the financial year as 2024-25',
      });
    }
  }
  if (def.baseline && !tryParsePeriodId(def.baseline.period)) {
    at(['baseline', 'period'], 'BP_INDICATOR_BASELINE_PERIOD', `baseline period "${def.baseline.period}" is not a period id`, { value: def.baseline.period, fix: 'write it as 2019-20 or 2019-20-Q4' });
  }
  return out;
}

