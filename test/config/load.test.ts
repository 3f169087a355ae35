import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProject } from '../../src/config/load.js';
import { editFile, makeProject } from '../helpers/project.js';

async function problemsAfter(edit: (root: string) => void) {
  const root = await makeProject();
  edit(root);
  const res = await loadProject(root);
  return { res, errors: res.problems.filter((p) => p.severity === 'error'), warnings: res.problems.filter((p) => p.severity === 'warning') };
}

describe('loadProject', () => {
  // A project's YAML is usually read from the parse cache; the lines of its problems are found from the text only
  // when there is a problem, and must be those of the text whether it was parsed now or before.
  it('names the line of a path or contract problem, read from the parse cache or not', async () => {
    const root = await makeProject();
    editFile(root, 'boardpack.yaml', 'indicators: [indicators]\n', 'indicators: [indicators, ../../elsewhere]\n');
    editFile(root, 'boardpack.yaml', 'path: extracts/schools.csv\n', 'path: ../../outside.csv\n');
    editFile(root, 'boardpack.yaml', '    path: extracts/early-help-episodes.csv\n', '    contract: contracts.yaml#no_such_source\n    path: extracts/early-help-episodes.csv\n');
    appendFileSync(path.join(root, 'contracts.yaml'), 'sources:\n  other:\n    columns:\n      n: { type: integer }\n');
    const lines = (await import('node:fs')).readFileSync(path.join(root, 'boardpack.yaml'), 'utf8').split('\n');
    const lineOf = (text: string) => lines.findIndex((l) => l.includes(text)) + 1;
    const want = [
      ['BP_CONFIG_PATH_OUTSIDE', 'indicators.1', lineOf('../../elsewhere')],
      ['BP_CONFIG_PATH_OUTSIDE', 'sources.schools.path', lineOf('../../outside.csv')],
      ['BP_CONFIG_CONTRACT_MISSING', 'sources.early_help.contract', lineOf('contracts.yaml#no_such_source')],
    ];
    for (let i = 0; i < 2; i++) {
      const got = (await loadProject(root)).problems.filter((p) => p.severity === 'error').map((p) => [p.code, p.yamlPath, p.line]);
      for (const w of want) expect(got).toContainEqual(w);
    }
    expect(want.every(([, , line]) => (line as number) > 0)).toBe(true);
  });

  it('loads the init project cleanly, normalised to camelCase with defaults', async () => {
    const root = await makeProject();
    const res = await loadProject(root);
    expect(res.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(res.indicators.map((i) => i.id).sort()).toEqual(['breastfeeding_6_8_weeks', 'early_help_needs_met', 'low_birth_weight', 'open_early_help', 'two_year_old_take_up']);
    expect(res.config!.areas[0]).toMatchObject({ id: 'all', isWhole: true });
    expect(res.config!.disclosure.threshold).toBe(10);
    const take = res.indicators.find((i) => i.id === 'two_year_old_take_up')!;
    expect(take.targets.default).toEqual({ value: 75, tolerancePct: 5, toleranceAbs: undefined, amberValue: undefined, blueMarginPct: undefined });
    expect(take.numerator).toMatchObject({ from: 'schools', area: 'area', period: { kind: 'column', column: 'period' } });
  });

  it('without indicators (as ingest loads it): the same sources and areas, no indicator read, a missing indicator folder still an error', async () => {
    const root = await makeProject();
    const full = await loadProject(root);
    const light = await loadProject(root, { indicators: false });
    expect(light.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(light.indicators).toEqual([]);
    expect(light.config!.sources).toEqual(full.config!.sources);
    expect(light.config!.areas).toEqual(full.config!.areas);
    // A broken indicator file is not read, so not reported; an indicators entry that names nothing still is.
    appendFileSync(path.join(root, 'indicators/low_birth_weight.yaml'), '\n  bad: [\n');
    expect((await loadProject(root)).problems.some((p) => p.code.startsWith('BP_YAML'))).toBe(true);
    expect((await loadProject(root, { indicators: false })).problems).toEqual([]);
    editFile(root, 'boardpack.yaml', 'indicators: [indicators]', 'indicators: [indicators, nowhere]');
    expect((await loadProject(root, { indicators: false })).problems.map((p) => p.code)).toContain('BP_CONFIG_INDICATORS_MISSING');
  });

  it('a project-wide direction_of_travel band applies to every indicator that does not set its own', async () => {
    const root = await makeProject();
    appendFileSync(path.join(root, 'boardpack.yaml'), '\ndirection_of_travel:\n  no_change_pct: 2\n');
    appendFileSync(path.join(root, 'indicators/low_birth_weight.yaml'), '\ndirection_of_travel:\n  no_change_abs: 0.5\n');
    const res = await loadProject(root);
    expect(res.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(res.config!.noChange).toEqual({ relative: 0.02, absolute: undefined });
    const band = Object.fromEntries(res.indicators.map((i) => [i.id, i.noChange]));
    expect(band).toEqual({
      low_birth_weight: { relative: undefined, absolute: 0.5 },
      two_year_old_take_up: { relative: 0.02, absolute: undefined },
      breastfeeding_6_8_weeks: { relative: 0.02, absolute: undefined },
      early_help_needs_met: { relative: 0.02, absolute: undefined },
      open_early_help: { relative: 0.02, absolute: undefined },
    });
  });

  it('reports a missing boardpack.yaml with a fix', async () => {
    const res = await loadProject('/nonexistent-folder-for-test');
    expect(res.problems[0].code).toBe('BP_CONFIG_MISSING');
    expect(res.problems[0].fix).toMatch(/init/);
  });

  it('suggests lower_is_better for a misspelt polarity, with file, line and YAML path', async () => {
    const { errors } = await problemsAfter((r) => editFile(r, 'indicators/low_birth_weight.yaml', 'polarity: lower_is_better', 'polarity: lower_is_beter'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'BP_INDICATOR_INVALID_VALUE', yamlPath: 'indicators.low_birth_weight.polarity', value: 'lower_is_beter', line: 7 });
    expect(errors[0].message).toContain('did you mean lower_is_better?');
  });

  it('reports every problem at once, across files', async () => {
    const { errors } = await problemsAfter((r) => {
      editFile(r, 'indicators/low_birth_weight.yaml', 'unit: percent', 'unit: percentage');
      editFile(r, 'indicators/two_year_old_take_up.yaml', 'priority: best_start', 'priority: best_strat');
      editFile(r, 'indicators/open_early_help.yaml', 'from: early_help', 'from: earlyhelp');
    });
    expect(errors.map((e) => e.code).sort()).toEqual(['BP_INDICATOR_INVALID_VALUE', 'BP_INDICATOR_UNKNOWN_PRIORITY', 'BP_INDICATOR_UNKNOWN_SOURCE']);
    expect(errors.find((e) => e.code === 'BP_INDICATOR_UNKNOWN_PRIORITY')!.message).toContain('did you mean best_start?');
    expect(errors.find((e) => e.code === 'BP_INDICATOR_UNKNOWN_SOURCE')!.message).toContain('did you mean early_help?');
  });

  it('names an unknown key and suggests the right one', async () => {
    const { errors } = await problemsAfter((r) => editFile(r, 'boardpack.yaml', 'protective_marking: OFFICIAL', 'protective_markng: OFFICIAL'));
    expect(errors[0]).toMatchObject({ code: 'BP_CONFIG_UNKNOWN_KEY', yamlPath: 'board.protective_markng' });
    expect(errors[0].message).toContain('did you mean protective_marking?');
  });

  it('reports YAML syntax errors with a line', async () => {
    const { res } = await problemsAfter((r) => editFile(r, 'boardpack.yaml', 'partnership:\n', 'partnership:\n  bad: [unclosed\n'));
    expect(res.problems[0]).toMatchObject({ code: 'BP_YAML_SYNTAX' });
    expect(res.problems[0].line).toBeGreaterThan(0);
  });

  it('refuses a YAML alias bomb', async () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`)].join('\n');
    const root = await makeProject({ 'boardpack.yaml': bomb });
    const res = await loadProject(root);
    expect(res.problems[0].code).toBe('BP_YAML_ALIAS_BOMB');
  });

  it('flags duplicate indicator ids and keeps the first', async () => {
    const root = await makeProject();
    const { readFileSync, writeFileSync } = await import('node:fs');
    writeFileSync(`${root}/indicators/copy.yaml`, readFileSync(`${root}/indicators/low_birth_weight.yaml`));
    const res = await loadProject(root);
    expect(res.problems.find((p) => p.code === 'BP_INDICATOR_DUPLICATE')).toMatchObject({ yamlPath: 'indicators.low_birth_weight.id' });
    expect(res.indicators.filter((i) => i.id === 'low_birth_weight')).toHaveLength(1);
  });

  it('requires a question on a performance measure and a denominator on a percent', async () => {
    const { errors } = await problemsAfter((r) => {
      editFile(r, 'indicators/two_year_old_take_up.yaml', 'question: how_well\n', '');
      editFile(r, 'indicators/low_birth_weight.yaml', /denominator:.*\n/, '');
    });
    expect(errors.map((e) => e.code).sort()).toEqual(['BP_INDICATOR_NO_DENOMINATOR', 'BP_INDICATOR_NO_QUESTION']);
  });

  it('rejects a target keyed by something that is not a period', async () => {
    const { errors } = await problemsAfter((r) => editFile(r, 'indicators/two_year_old_take_up.yaml', 'default: { value: 75', '"2024/25": { value: 75'));
    expect(errors[0]).toMatchObject({ code: 'BP_INDICATOR_TARGET_PERIOD', yamlPath: 'indicators.two_year_old_take_up.targets.2024/25' });
  });

  it('warns (OBA lint) when a population indicator has a target', async () => {
    const { warnings, errors } = await problemsAfter((r) => editFile(r, 'indicators/low_birth_weight.yaml', 'owner:', 'targets: { default: 8 }\nowner:'));
    expect(errors).toEqual([]);
    expect(warnings.map((w) => w.code)).toContain('BP_LINT_POPULATION_TARGET');
  });

  it('reports a wrong type with the value found', async () => {
    const { errors } = await problemsAfter((r) => editFile(r, 'boardpack.yaml', 'partnership:\n', 'disclosure: { threshold: ten }\npartnership:\n'));
    expect(errors[0]).toMatchObject({ code: 'BP_CONFIG_INVALID_TYPE', yamlPath: 'disclosure.threshold', value: 'ten' });
  });
});
