/**
 * IO first, then pure: read boardpack.yaml and every indicator file, validate each on its own with zod,
 * collect *all* problems (never stop at the first), normalise what is valid into `Config` / `IndicatorDef`.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BoardpackError, didYouMean, problem, type Problem } from '../core/errors.js';
import { tryParsePeriodId } from '../core/periods.js';
import { IndicatorSpec, PresetSpec, ProjectSpec, SourceContractsFile } from './schema.js';
import { normalizeConfig, normalizeIndicator } from './normalize.js';
import { lintIndicators } from './lint.js';
import type { Config, IndicatorDef, Project } from './types.js';
import { readYamlFile, type YamlFile } from './yaml.js';
import { mergeSource, mergeSpec, resolveRef } from './refs.js';
import { confineConfigPaths, confineIndicatorPaths } from './paths.js';
import { notRegularProblem, outsideProblem } from '../core/paths.js';
import { applyPublishedFormat } from './published-formats.js';
import { zodIssuesToProblems } from './zod-problems.js';

export const CONFIG_FILE = 'boardpack.yaml';
/** In a preset folder: the framework's title and priorities, and the source contracts its indicators expect. */
export const PRESET_FILE = 'preset.yaml';
export const CONTRACTS_FILE = 'sources.yaml';

export interface LoadResult {
  project?: Project;
  config?: Config;
  indicators: IndicatorDef[];
  problems: Problem[];
}

/** The package's own folder (two levels above src/config or dist/config). */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const PRESETS_DIR = path.join(PACKAGE_ROOT, 'indicators');
// Definitions shipped in the package (presets, and the sample's files that presets extend) are ours, not the
// project's, so a preset may reach them wherever the package is installed.
const SHIPPED_DIRS = [PRESETS_DIR, path.join(PACKAGE_ROOT, 'sample-data')];

export interface LoadOptions {
  /**
   * false: the indicator files are listed (one missing is still an error) but not read, validated or linted, and
   * no indicators are returned: for `ingest`, which needs only the sources and areas.
   */
  indicators?: boolean;
}

/** Load and validate a project; never throws for user mistakes, returns them as problems. */
export async function loadProject(dir: string, options: LoadOptions = {}): Promise<LoadResult> {
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
  const unresolved = new Set<string>();
  problems.push(...(await mergeSourceContracts(yaml, root, unresolved)));
  applyPublishedFormats(yaml);
  const parsed = ProjectSpec.safeParse(yaml.data ?? {}, { reportInput: true });
  if (!parsed.success) {
    return { indicators: [], problems: [...problems, ...zodIssuesToProblems(ProjectSpec, parsed.error.issues, yaml, 'BP_CONFIG')] };
  }
  const presets = await readPresets(parsed.data.indicators, yaml, problems);
  const config = normalizeConfig(parsed.data, root, configFile, presets);
  problems.push(...validateConfig(config, yaml, unresolved));
  problems.push(...confineConfigPaths(config, yaml));

  const files = listIndicatorFiles(parsed.data.indicators, root, yaml, problems);
  const indicators: IndicatorDef[] = [];
  const seen = new Map<string, string>();
  const sameMeasure = new Map<string, IndicatorDef>();
  for (const file of options.indicators === false ? [] : files) {
    let iy: YamlFile;
    try {
      iy = await readYamlFile(file);
    } catch (e) {
      if (e instanceof BoardpackError) { problems.push(...e.problems); continue; }
      throw e;
    }
    const docs = Array.isArray((iy.data as { indicators?: unknown })?.indicators) ? (iy.data as { indicators: unknown[] }).indicators : [iy.data];
    // `extends:` is resolved on the data as written, before validation, so the merged result is checked whole.
    const resolvedDocs = await Promise.all(docs.map((doc) => resolveExtends(doc, file, root)));
    docs.forEach((doc, i) => {
      const prefix = docs.length > 1 || doc !== iy.data ? ['indicators', String(i)] : [];
      const idGuess = typeof (doc as { id?: unknown })?.id === 'string' ? (doc as { id: string }).id : path.basename(file).replace(/\.ya?ml$/, '');
      const sub: YamlFile = prefix.length ? { ...iy, lineOf: (p) => iy.lineOf([...prefix, ...p]) } : iy;
      const resolved = resolvedDocs[i];
      if (!resolved.ok) { problems.push(...resolved.problems.map((p) => ({ ...p, line: p.line ?? sub.lineOf(['extends']), yamlPath: p.yamlPath ?? `indicators.${idGuess}.extends` }))); return; }
      const res = IndicatorSpec.safeParse(resolved.doc ?? {}, { reportInput: true });
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
      // The same measure under two ids (the Stockport strategy lists one injury measure as both N and P).
      const key = measureKey(def);
      const twin = sameMeasure.get(key);
      if (twin) {
        problems.push(problem('BP_INDICATOR_SAME_MEASURE', `indicator "${def.id}" computes exactly the same figure as "${twin.id}"`, {
          file, line: sub.lineOf(['numerator']) ?? sub.lineOf(['sql']), yamlPath: `indicators.${def.id}`, value: def.title,
          fix: `keep one of the two (the other is in ${twin.file}); if both belong in the pack, give them different definitions`,
        }));
        return;
      }
      sameMeasure.set(key, def);
      const own = [...validateIndicator(def, config, sub), ...confineIndicatorPaths(config, [def])];
      problems.push(...own);
      if (!own.some((p) => p.severity === 'error')) indicators.push(def);
    });
  }
  if (options.indicators !== false) problems.push(...lintIndicators(indicators, config));
  await addLines(problems);
  const failed = problems.some((p) => p.severity === 'error' && p.code.startsWith('BP_CONFIG'));
  return { project: failed ? undefined : { config, indicators }, config, indicators, problems };
}

/** Like loadProject, but throws one BoardpackError listing every error (warnings are returned). */
export async function loadProjectOrThrow(dir: string, overrides: { warehousePath?: string } & LoadOptions = {}): Promise<{ project: Project; warnings: Problem[] }> {
  const res = await loadProject(dir, { indicators: overrides.indicators });
  const errors = res.problems.filter((p) => p.severity === 'error');
  if (!res.project || errors.some((p) => p.code.startsWith('BP_CONFIG'))) throw new BoardpackError(errors.length ? errors : res.problems);
  // `--warehouse` (or BOARDPACK_WAREHOUSE) names another warehouse file than boardpack.yaml's.
  const project = overrides.warehousePath ? { ...res.project, config: { ...res.project.config, warehousePath: path.resolve(overrides.warehousePath) } } : res.project;
  return { project, warnings: res.problems };
}

function listIndicatorFiles(entries: string[], root: string, yaml: YamlFile, problems: Problem[]): string[] {
  const files: string[] = [];
  entries.forEach((entry, i) => {
    const abs = entry.startsWith('preset:')
      ? path.join(PACKAGE_ROOT, 'indicators', entry.slice('preset:'.length))
      : path.resolve(root, entry);
    const at = { what: `the indicators entry ${JSON.stringify(entry.slice(0, 80))}`, file: yaml.file, line: () => yaml.lineOf(['indicators', i]), yamlPath: `indicators.${i}`, written: entry };
    // A preset stays inside the package's presets; anything else inside the project.
    const outside = outsideProblem(abs, entry.startsWith('preset:') ? [PRESETS_DIR] : [root], at);
    if (outside) { problems.push(outside); return; }
    if (!existsSync(abs)) {
      const presets = existsSync(path.join(PACKAGE_ROOT, 'indicators')) ? readdirSync(path.join(PACKAGE_ROOT, 'indicators')) : [];
      problems.push(problem('BP_CONFIG_INDICATORS_MISSING', `indicator file or folder not found: ${entry}`, {
        file: yaml.file, line: yaml.lineOf(['indicators', i]), yamlPath: `indicators.${i}`, value: entry,
        fix: entry.startsWith('preset:') ? `presets available: ${presets.map((p) => `preset:${p}`).join(', ') || 'none'}` : 'give a path relative to the project folder',
      }));
      return;
    }
    if (statSync(abs).isDirectory()) {
      // A preset folder's own preset.yaml and sources.yaml are not indicator files.
      const isPreset = existsSync(path.join(abs, PRESET_FILE));
      for (const f of readdirSync(abs).sort()) {
        if (!/\.ya?ml$/.test(f) || f.startsWith('_')) continue;
        if (isPreset && (f === PRESET_FILE || f === CONTRACTS_FILE)) continue;
        const file = path.join(abs, f);
        const q = outsideProblem(file, entry.startsWith('preset:') ? [PRESETS_DIR] : [root], { ...at, what: `the indicator file ${f}`, written: f }) ?? notRegularProblem(file, { ...at, what: `the indicator file ${f}`, written: f });
        if (q) problems.push(q); else files.push(file);
      }
    } else {
      const q = notRegularProblem(abs, at);
      if (q) problems.push(q); else files.push(abs);
    }
  });
  return files;
}

function validateConfig(config: Config, yaml: YamlFile, unresolved = new Set<string>()): Problem[] {
  const out: Problem[] = [];
  if (!config.framework.priorities.length) {
    out.push(problem('BP_CONFIG_NO_PRIORITIES', 'the framework has no priorities, so no indicator can belong to one', {
      file: yaml.file, line: yaml.lineOf(['framework']), yamlPath: 'framework.priorities',
      fix: 'list them under framework.priorities (`- {id: best_start, title: Best start in life}`), or name a preset under `indicators:`',
    }));
  }
  for (const s of config.sources) {
    if (unresolved.has(s.id)) continue; // its contract's own problem is reported instead
    const at = ['sources', s.id];
    if (!s.partner) out.push(problem('BP_CONFIG_REQUIRED', `source "${s.id}" does not say which partner sends it`, { file: yaml.file, line: yaml.lineOf(at), yamlPath: `sources.${s.id}.partner`, fix: 'add `partner: <organisation>` (or a `contract:` that has one)' }));
    if (!s.columns.length) out.push(problem('BP_CONFIG_REQUIRED', `source "${s.id}" has no column contract`, { file: yaml.file, line: yaml.lineOf(at), yamlPath: `sources.${s.id}.columns`, fix: 'list the extract\'s columns under `columns:`, or take them from a preset with `contract: preset:NAME`' }));
  }
  const tables = new Map<string, string>();
  for (const s of config.sources) {
    const other = tables.get(s.table);
    if (other) out.push(problem('BP_CONFIG_DUPLICATE_TABLE', `sources "${other}" and "${s.id}" would both load into table "${s.table}"`, { file: yaml.file, line: yaml.lineOf(['sources', s.id, 'table']), yamlPath: `sources.${s.id}.table`, value: s.table, fix: 'give each source its own `table:` (or leave it out: it defaults to the source id)' }));
    tables.set(s.table, s.id);
  }
  if (!config.areas.some((a) => a.isWhole)) {
    out.push(problem('BP_CONFIG_NO_WHOLE_AREA', 'areas must include the whole partnership with id "all"', {
      file: yaml.file, line: yaml.lineOf(['areas']), yamlPath: 'areas', fix: 'add `- {id: all, name: <partnership name>}` as the first area',
    }));
  }
  // `area_codes:` keeps the rows whose authority code is ours: without a code to match, every row would be
  // dropped at ingest, so it is a config error `validate` reports before any extract is read.
  for (const s of config.sources) {
    if (!s.areaCodes) continue;
    const wanted = s.areaColumn ? config.areas.filter((a) => !a.isWhole) : config.areas.filter((a) => a.isWhole);
    if (!wanted.length || wanted.some((a) => a.code || a.aliases.length)) continue;
    const whole = config.areas.findIndex((a) => a.isWhole);
    out.push(problem('BP_CONFIG_NO_AREA_CODE', s.areaColumn
      ? `source "${s.id}" keeps its localities' rows by \`area_codes:\`, but no locality has a code`
      : `source "${s.id}" keeps the partnership's rows by \`area_codes:\`, but the area \`all\` has no code`, {
      file: yaml.file, line: yaml.lineOf(s.areaColumn ? ['areas'] : ['areas', whole]), yamlPath: s.areaColumn ? 'areas' : `areas.${whole}.code`,
      value: wanted.map((a) => a.name).join(', '), expected: 'an ONS code (E06000021) or DfE LA number (861)',
      fix: s.areaColumn ? 'give each locality its `code:` in boardpack.yaml' : 'set `code:` of the area with id `all` to your authority\'s ONS code or DfE LA number',
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
  (def.spcOptions?.recalculateAt ?? []).forEach((id, i) => {
    if (tryParsePeriodId(id)) return;
    // Written under `spc:` or `spc_options:`; point at whichever the file holds.
    const key = y.lineOf(['spc', 'recalculate_at', i]) !== undefined ? 'spc' : 'spc_options';
    at([key, 'recalculate_at', i], 'BP_INDICATOR_RECALC_PERIOD', `SPC recalculation point "${id}" is not a period id, so the limits would never be recalculated there`, {
      value: id, expected: 'a period id such as 2024-25-Q1 (or a year, 2024-25, meaning its first period)', fix: 'write the first period of the new process as 2024-25-Q1',
    });
  });
  if (def.baseline && !tryParsePeriodId(def.baseline.period)) {
    at(['baseline', 'period'], 'BP_INDICATOR_BASELINE_PERIOD', `baseline period "${def.baseline.period}" is not a period id`, { value: def.baseline.period, fix: 'write it as 2019-20 or 2019-20-Q4' });
  }
  return out;
}


/** Two indicators with this same key compute the same figure. */
function measureKey(d: IndicatorDef): string {
  return JSON.stringify([d.numerator, d.denominator, d.sql?.replace(/\s+/g, ' ').trim(), d.unit, d.periodType, d.aggregate ?? null, d.aggregate ? d.aggregateDenominator : null]);
}

/** A `preset:NAME` entry or a folder path → its absolute folder (or file). */
export function resolveIndicatorEntry(entry: string, root: string): string {
  return entry.startsWith('preset:') ? path.join(PACKAGE_ROOT, 'indicators', entry.slice('preset:'.length)) : path.resolve(root, entry);
}

/** The preset.yaml of every folder named under `indicators:` that has one. */
async function readPresets(entries: string[], yaml: YamlFile, problems: Problem[]): Promise<PresetSpec[]> {
  const out: PresetSpec[] = [];
  for (const entry of entries) {
    const file = path.join(resolveIndicatorEntry(entry, path.dirname(yaml.file)), PRESET_FILE);
    if (!existsSync(file)) continue;
    try {
      const py = await readYamlFile(file);
      const res = PresetSpec.safeParse(py.data ?? {}, { reportInput: true });
      if (res.success) out.push(res.data);
      else problems.push(...zodIssuesToProblems(PresetSpec, res.error.issues, py, 'BP_PRESET'));
    } catch (e) {
      if (e instanceof BoardpackError) problems.push(...e.problems);
      else throw e;
    }
  }
  return out;
}

/**
 * `sources.X.contract: preset:NAME[#id]` (or a path): merge that contract under what the project wrote, in
 * place on the YAML data, so the merged source is validated whole by ProjectSpec.
 */
async function mergeSourceContracts(yaml: YamlFile, root: string, unresolved: Set<string>): Promise<Problem[]> {
  const out: Problem[] = [];
  const sources = (yaml.data as { sources?: unknown })?.sources;
  if (!sources || typeof sources !== 'object') return out;
  const cache = new Map<string, YamlFile | Problem[]>();
  for (const [id, entry] of Object.entries(sources as Record<string, unknown>)) {
    const ref = (entry as { contract?: unknown })?.contract;
    if (typeof ref !== 'string') continue;
    // The line only for a problem: finding it parses the text, which the parse cache otherwise spares.
    const line = () => yaml.lineOf(['sources', id, 'contract']);
    const at = { file: yaml.file, yamlPath: `sources.${id}.contract`, value: ref };
    const [target, wanted = id] = ref.split('#');
    const file = target.startsWith('preset:')
      ? path.join(PACKAGE_ROOT, 'indicators', target.slice('preset:'.length), CONTRACTS_FILE)
      : existsSync(path.resolve(root, target)) && statSync(path.resolve(root, target)).isDirectory() ? path.join(path.resolve(root, target), CONTRACTS_FILE) : path.resolve(root, target);
    const outside = outsideProblem(file, target.startsWith('preset:') ? SHIPPED_DIRS : [root], { what: 'the contract', ...at, written: ref, line });
    if (outside) { unresolved.add(id); out.push(outside); continue; }
    if (!cache.has(file)) {
      if (!existsSync(file)) cache.set(file, [problem('BP_CONFIG_CONTRACT_MISSING', `no source contracts at ${file}`, { ...at, line: line(), fix: `presets with contracts: ${listPresets().filter((p) => existsSync(path.join(PACKAGE_ROOT, 'indicators', p, CONTRACTS_FILE))).map((p) => `preset:${p}`).join(', ') || 'none'}` })]);
      else {
        try {
          const cy = await readYamlFile(file);
          const res = SourceContractsFile.safeParse(cy.data ?? {}, { reportInput: true });
          cache.set(file, res.success ? cy : zodIssuesToProblems(SourceContractsFile, res.error.issues, cy, 'BP_CONTRACT'));
        } catch (e) {
          if (e instanceof BoardpackError) cache.set(file, e.problems); else throw e;
        }
      }
    }
    const got = cache.get(file)!;
    if (Array.isArray(got)) { unresolved.add(id); if (!out.some((p) => got.includes(p))) out.push(...got); continue; }
    const contracts = (got.data as { sources: Record<string, unknown> }).sources;
    if (!contracts[wanted]) {
      unresolved.add(id);
      const s = didYouMean(wanted, Object.keys(contracts));
      out.push(problem('BP_CONFIG_CONTRACT_MISSING', `${target.startsWith('preset:') ? target : path.relative(root, file)} has no source contract "${wanted}"${s ? `; did you mean ${s}?` : ''}`, {
        ...at, line: line(), expected: `one of ${Object.keys(contracts).join(', ')}`, fix: s ? `write ${target}#${s}` : `name the contract as ${target}#<source id>`,
      }));
      continue;
    }
    const { contract: _drop, ...own } = entry as Record<string, unknown>;
    (sources as Record<string, unknown>)[id] = mergeSource(contracts[wanted] as Record<string, unknown>, own);
  }
  return out;
}

/** `format: dfe_ees | fingertips | lait`: the published layout's rules laid under each source that names one. */
function applyPublishedFormats(yaml: YamlFile): void {
  const sources = (yaml.data as { sources?: unknown })?.sources;
  if (!sources || typeof sources !== 'object') return;
  for (const [id, entry] of Object.entries(sources as Record<string, unknown>)) {
    if (entry && typeof entry === 'object' && !Array.isArray(entry)) (sources as Record<string, unknown>)[id] = applyPublishedFormat(entry as Record<string, unknown>);
  }
}

export function listPresets(): string[] {
  const dir = path.join(PACKAGE_ROOT, 'indicators');
  return existsSync(dir) ? readdirSync(dir).filter((p) => existsSync(path.join(dir, p, PRESET_FILE))).sort() : [];
}

type Resolved = { ok: true; doc: unknown } | { ok: false; problems: Problem[] };

/** Follows `extends:` chains (file[#id] or preset:NAME/file[#id]), detecting cycles, and merges them. */
async function resolveExtends(doc: unknown, file: string, root: string, chain: string[] = []): Promise<Resolved> {
  const ref = (doc as { extends?: unknown })?.extends;
  if (typeof ref !== 'string') return { ok: true, doc };
  const here = `${file}#${(doc as { id?: string }).id ?? ''}`;
  const target = resolveRef(ref, file, PACKAGE_ROOT);
  const key = `${target.file}#${target.id ?? ''}`;
  const seen = [...chain, here];
  if (seen.some((k) => k === key || (target.id === undefined && k.startsWith(`${target.file}#`)))) {
    return { ok: false, problems: [problem('BP_INDICATOR_CIRCULAR', `\`extends: ${ref}\` leads back to itself`, {
      file, value: ref, expected: 'a chain of extends that ends in a full definition',
      fix: `the chain is ${[...seen, key].map((k) => path.basename(k)).join(' → ')}; make one of them a full definition`,
    })] };
  }
  const outside = outsideProblem(target.file, [root, ...SHIPPED_DIRS], { what: `\`extends: ${ref.slice(0, 80)}\``, file, written: ref }, 'BP_INDICATOR_PATH_OUTSIDE')
    ?? notRegularProblem(target.file, { what: `\`extends: ${ref.slice(0, 80)}\``, file, written: ref }, 'BP_INDICATOR_NOT_A_FILE');
  if (outside) return { ok: false, problems: [outside] };
  if (!existsSync(target.file)) {
    return { ok: false, problems: [problem('BP_INDICATOR_EXTENDS_MISSING', `\`extends: ${ref}\`: no such file ${target.file}`, {
      file, value: ref, fix: 'give a path relative to this file, or preset:NAME/<file> (see `indicators/` in the package)',
    })] };
  }
  let base: YamlFile;
  try { base = await readYamlFile(target.file); } catch (e) {
    if (e instanceof BoardpackError) return { ok: false, problems: e.problems };
    throw e;
  }
  const list = Array.isArray((base.data as { indicators?: unknown })?.indicators) ? (base.data as { indicators: unknown[] }).indicators : [base.data];
  let picked = target.id === undefined && list.length === 1 ? list[0] : list.find((d) => (d as { id?: unknown })?.id === target.id);
  let pickedResolved: Resolved | undefined;
  if (!picked && target.id !== undefined) {
    // An entry of a set may itself take its id from what it extends (the stoke-2020-24 preset does).
    for (const d of list) {
      if (typeof (d as { extends?: unknown })?.extends !== 'string') continue;
      const r = await resolveExtends(d, target.file, root, seen);
      if (r.ok && (r.doc as { id?: unknown })?.id === target.id) { picked = d; pickedResolved = r; break; }
    }
  }
  if (!picked) {
    const ids = list.map((d) => String((d as { id?: unknown })?.id));
    return { ok: false, problems: [problem('BP_INDICATOR_EXTENDS_MISSING', `\`extends: ${ref}\`: ${path.basename(target.file)} has no indicator "${target.id ?? ''}"`, {
      file, value: ref, expected: `one of ${ids.map((i) => `#${i}`).join(', ')}`, fix: 'name the indicator after a # (file.yaml#id)',
    })] };
  }
  const inner = pickedResolved ?? await resolveExtends(picked, target.file, root, seen);
  if (!inner.ok) return inner;
  const { extends: _x, ...own } = doc as Record<string, unknown>;
  return { ok: true, doc: mergeSpec(inner.doc as Record<string, unknown>, own) };
}

/**
 * Fills in the line of problems that know their file and YAML path but not the line (the OBA lint and the SQL
 * check work on normalised definitions, which no longer know where they were written).
 */
export async function addLines(problems: Problem[]): Promise<void> {
  const cache = new Map<string, YamlFile | null>();
  for (const p of problems) {
    if (p.line !== undefined || !p.file || !p.yamlPath || !/\.ya?ml$/i.test(p.file)) continue;
    if (!cache.has(p.file)) cache.set(p.file, await readYamlFile(p.file).catch(() => null));
    const y = cache.get(p.file);
    if (!y) continue;
    const parts: Array<string | number> = p.yamlPath.split('.');
    let at = parts;
    if (parts[0] === 'indicators' && path.basename(p.file) !== CONFIG_FILE) {
      const list = (y.data as { indicators?: unknown })?.indicators;
      at = Array.isArray(list) ? ['indicators', list.findIndex((d) => (d as { id?: unknown })?.id === parts[1]), ...parts.slice(2)] : parts.slice(2);
    } else if (parts[0] === 'framework' && parts[1] === 'priorities' && parts[2] !== undefined) {
      const list = (y.data as { framework?: { priorities?: unknown } })?.framework?.priorities;
      if (Array.isArray(list)) at = ['framework', 'priorities', list.findIndex((d) => (d as { id?: unknown })?.id === parts[2])];
    }
    p.line = y.lineOf(at);
  }
}
