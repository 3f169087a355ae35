/**
 * One broken configuration per error code: each starts from the `boardpack init` project, breaks one
 * thing, and asserts the code, the YAML path and the exit code of `boardpack validate` (the command's own
 * function in-process for most; the real CLI, with --json, for those marked `cli`).
 */
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Problem } from '../../src/core/errors.js';
import { validateProject } from '../../src/pipeline/validate.js';
import validateCommand from '../../src/cli/commands/validate.js';
import type { CliLogger } from '../../src/cli/log.js';
import { runCliHere } from '../helpers/cli.js';
import { editFile, makeProject } from '../helpers/project.js';

const LBW = 'indicators/low_birth_weight.yaml';
const TAKE = 'indicators/two_year_old_take_up.yaml';
const OPEN = 'indicators/open_early_help.yaml';
const CFG = 'boardpack.yaml';
const put = (root: string, rel: string, text: string) => writeFileSync(path.join(root, rel), text);

interface Case {
  code: string;
  /** Dotted YAML path of the problem; null where the problem has none (a missing or unparsable file). */
  yamlPath: string | null;
  exit: 0 | 1;
  /** Exit code with --strict (defaults to `exit`, or 1 for a warning). */
  strictExit?: 0 | 1;
  severity?: 'error' | 'warning';
  break(root: string): void;
  check?(p: Problem, all: Problem[]): void;
  cli?: boolean;
}

const cases: Record<string, Case> = {
  'no boardpack.yaml': { code: 'BP_CONFIG_MISSING', yamlPath: null, exit: 1, cli: true, break: (r) => rmSync(path.join(r, CFG)), check: (p) => expect(p.fix).toMatch(/init/) },
  'YAML syntax error': { code: 'BP_YAML_SYNTAX', yamlPath: null, exit: 1, break: (r) => editFile(r, CFG, 'partnership:\n', 'partnership:\n  bad: [unclosed\n'), check: (p) => expect(p.line).toBeGreaterThan(0) },
  'alias bomb': {
    code: 'BP_YAML_ALIAS_BOMB', yamlPath: null, exit: 1,
    break: (r) => editFile(r, CFG, 'partnership:\n', `x0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n${Array.from({ length: 6 }, (_, i) => `x${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(', ')}]`).join('\n')}\npartnership:\n`),
  },
  'misspelt config key': { code: 'BP_CONFIG_UNKNOWN_KEY', yamlPath: 'board.protective_markng', exit: 1, cli: true, break: (r) => editFile(r, CFG, 'protective_marking: OFFICIAL', 'protective_markng: OFFICIAL'), check: (p) => expect(p.message).toContain('did you mean protective_marking?') },
  'bad enum in config': { code: 'BP_CONFIG_INVALID_VALUE', yamlPath: 'board.decision', exit: 1, break: (r) => editFile(r, CFG, 'decision: assurance', 'decision: assurence'), check: (p) => expect(p.message).toContain('did you mean assurance?') },
  'missing partnership name': { code: 'BP_CONFIG_REQUIRED', yamlPath: 'partnership.name', exit: 1, break: (r) => editFile(r, CFG, '  name: Example Children and Families Partnership\n', '') },
  'wrong type in config': { code: 'BP_CONFIG_INVALID_TYPE', yamlPath: 'disclosure.threshold', exit: 1, break: (r) => editFile(r, CFG, 'indicators: [indicators]', 'indicators: [indicators]\ndisclosure: { threshold: ten }') },
  'bad area id': { code: 'BP_CONFIG_INVALID_FORMAT', yamlPath: 'areas.1.id', exit: 1, break: (r) => editFile(r, CFG, '{ id: east,', '{ id: East Side,') },
  'threshold out of range': { code: 'BP_CONFIG_OUT_OF_RANGE', yamlPath: 'disclosure.threshold', exit: 1, break: (r) => editFile(r, CFG, 'indicators: [indicators]', 'indicators: [indicators]\ndisclosure: { threshold: 0 }') },
  'unknown preset': { code: 'BP_CONFIG_INDICATORS_MISSING', yamlPath: 'indicators.1', exit: 1, cli: true, break: (r) => editFile(r, CFG, 'indicators: [indicators]', 'indicators: [indicators, "preset:stoke-2020"]'), check: (p) => expect(p.fix).toContain('preset:stoke-2020-24') },
  'no whole-partnership area': { code: 'BP_CONFIG_NO_WHOLE_AREA', yamlPath: 'areas', exit: 1, break: (r) => editFile(r, CFG, '{ id: all, name: Example', '{ id: everyone, name: Example') },
  'duplicate area': { code: 'BP_CONFIG_DUPLICATE_AREA', yamlPath: 'areas.2.id', exit: 1, break: (r) => editFile(r, CFG, '{ id: west,', '{ id: east,') },
  'no priorities': { code: 'BP_CONFIG_NO_PRIORITIES', yamlPath: 'framework.priorities', exit: 1, break: (r) => editFile(r, CFG, /  priorities:\n(    - .*\n)+/, '') },
  'area_codes without a code to match': { code: 'BP_CONFIG_NO_AREA_CODE', yamlPath: 'areas.0.code', exit: 1, cli: true, break: (r) => { editFile(r, CFG, ', code: E06000000 }', ' }'); editFile(r, CFG, '    period: { column: term, type: term }\n    area_column: locality\n', '    period: { column: term, type: term }\n    area_codes: [la_code]\n'); }, check: (p) => { expect(p.message).toContain('source "schools"'); expect(p.line).toBeGreaterThan(0); } },
  'two sources into one table': { code: 'BP_CONFIG_DUPLICATE_TABLE', yamlPath: 'sources.schools.table', exit: 1, break: (r) => editFile(r, CFG, '    path: extracts/schools.csv\n', '    path: extracts/schools.csv\n    table: health\n') },
  'contract not in preset': { code: 'BP_CONFIG_CONTRACT_MISSING', yamlPath: 'sources.health.contract', exit: 1, break: (r) => editFile(r, CFG, '    path: extracts/health.xlsx\n', '    contract: "preset:stoke-2020-24#nhs_maternity_child_heath"\n    path: extracts/health.xlsx\n'), check: (p) => expect(p.message).toContain('did you mean nhs_maternity_child_health?') },
  'source without columns': { code: 'BP_CONFIG_REQUIRED', yamlPath: 'sources.early_help.columns', exit: 1, break: (r) => editFile(r, CFG, /    columns:\n      child_id.*\n      locality.*\n      start_date.*\n      end_date.*\n      outcome.*\n/, '') },
  'bad contracts file': {
    code: 'BP_CONTRACT_UNKNOWN_KEY', yamlPath: 'sources.health.frequncy', exit: 1,
    break: (r) => {
      put(r, 'contracts.yaml', 'sources:\n  health:\n    partner: Example NHS Trust\n    frequncy: quarterly\n    columns: { quarter: { type: text } }\n');
      editFile(r, CFG, '    path: extracts/health.xlsx\n', '    contract: contracts.yaml\n    path: extracts/health.xlsx\n');
    },
  },
  'misspelt polarity': { code: 'BP_INDICATOR_INVALID_VALUE', yamlPath: 'indicators.low_birth_weight.polarity', exit: 1, cli: true, break: (r) => editFile(r, LBW, 'polarity: lower_is_better', 'polarity: lower_is_beter'), check: (p) => { expect(p.message).toContain('did you mean lower_is_better?'); expect(p.line).toBe(7); } },
  'misspelt indicator key': { code: 'BP_INDICATOR_UNKNOWN_KEY', yamlPath: 'indicators.low_birth_weight.polarty', exit: 1, break: (r) => editFile(r, LBW, 'polarity:', 'polarty:'), check: (p) => expect(p.message).toContain('did you mean polarity?') },
  'indicator without title': { code: 'BP_INDICATOR_REQUIRED', yamlPath: 'indicators.low_birth_weight.title', exit: 1, break: (r) => editFile(r, LBW, 'title: Low birth weight babies\n', '') },
  'decimals as words': { code: 'BP_INDICATOR_INVALID_TYPE', yamlPath: 'indicators.low_birth_weight.decimals', exit: 1, break: (r) => editFile(r, LBW, 'unit: percent', 'unit: percent\ndecimals: one') },
  'id with capitals': { code: 'BP_INDICATOR_INVALID_FORMAT', yamlPath: 'indicators.Low-Birth-Weight.id', exit: 1, break: (r) => editFile(r, LBW, 'id: low_birth_weight', 'id: Low-Birth-Weight') },
  'decimals out of range': { code: 'BP_INDICATOR_OUT_OF_RANGE', yamlPath: 'indicators.low_birth_weight.decimals', exit: 1, break: (r) => editFile(r, LBW, 'unit: percent', 'unit: percent\ndecimals: 9') },
  'same id twice': { code: 'BP_INDICATOR_DUPLICATE', yamlPath: 'indicators.low_birth_weight.id', exit: 1, break: (r) => put(r, 'indicators/zz_copy.yaml', 'id: low_birth_weight\ntitle: Copy\nkind: population_indicator\npriority: best_start\npolarity: lower_is_better\nunit: count\nnumerator: { from: health, expr: sum(live_births) }\n') },
  'same measure under another id': {
    code: 'BP_INDICATOR_SAME_MEASURE', yamlPath: 'indicators.low_birth_weight_again', exit: 1,
    break: (r) => put(r, 'indicators/zz_again.yaml', 'extends: low_birth_weight.yaml\nid: low_birth_weight_again\ntitle: Low birth weight (again)\n'),
    check: (p) => expect(p.message).toContain('"low_birth_weight"'),
  },
  'unknown source': { code: 'BP_INDICATOR_UNKNOWN_SOURCE', yamlPath: 'indicators.low_birth_weight.numerator.from', exit: 1, break: (r) => editFile(r, LBW, '{ from: health, expr: sum(low_birth_weight) }', '{ from: helth, expr: sum(low_birth_weight) }'), check: (p) => expect(p.message).toContain('did you mean health?') },
  'no numerator or sql': { code: 'BP_INDICATOR_NO_MEASURE', yamlPath: 'indicators.low_birth_weight', exit: 1, break: (r) => editFile(r, LBW, /numerator:.*\ndenominator:.*\n/, '') },
  'numerator and sql': { code: 'BP_INDICATOR_TWO_MEASURES', yamlPath: 'indicators.low_birth_weight.sql', exit: 1, break: (r) => editFile(r, LBW, 'unit: percent', 'unit: percent\nsql: SELECT period, area, 1 AS numerator, 2 AS denominator FROM health') },
  'percent without denominator': { code: 'BP_INDICATOR_NO_DENOMINATOR', yamlPath: 'indicators.low_birth_weight.denominator', exit: 1, break: (r) => editFile(r, LBW, /denominator:.*\n/, '') },
  'unknown priority': { code: 'BP_INDICATOR_UNKNOWN_PRIORITY', yamlPath: 'indicators.two_year_old_take_up.priority', exit: 1, break: (r) => editFile(r, TAKE, 'priority: best_start', 'priority: best_strat'), check: (p) => expect(p.message).toContain('did you mean best_start?') },
  'measure without question': { code: 'BP_INDICATOR_NO_QUESTION', yamlPath: 'indicators.two_year_old_take_up.question', exit: 1, break: (r) => editFile(r, TAKE, 'question: how_well\n', '') },
  'target keyed by a non-period': { code: 'BP_INDICATOR_TARGET_PERIOD', yamlPath: 'indicators.two_year_old_take_up.targets.FY24', exit: 1, break: (r) => editFile(r, TAKE, '  default: {', '  FY24: {') },
  'baseline period not a period': { code: 'BP_INDICATOR_BASELINE_PERIOD', yamlPath: 'indicators.low_birth_weight.baseline.period', exit: 1, break: (r) => editFile(r, LBW, 'unit: percent', 'unit: percent\nbaseline: { period: last year, value: 8 }') },
  'SPC recalculation point not a period': { code: 'BP_INDICATOR_RECALC_PERIOD', yamlPath: 'indicators.low_birth_weight.spc.recalculate_at.0', exit: 1, break: (r) => editFile(r, LBW, 'unit: percent', 'unit: percent\nspc:\n  recalculate_at: [April 2024]'), check: (p) => { expect(p.value).toBe('April 2024'); expect(p.line).toBeGreaterThan(0); } },
  'extends in a circle': {
    code: 'BP_INDICATOR_CIRCULAR', yamlPath: 'indicators.loop_a.extends', exit: 1,
    break: (r) => { put(r, 'indicators/loop_a.yaml', 'extends: loop_b.yaml\nid: loop_a\n'); put(r, 'indicators/loop_b.yaml', 'extends: loop_a.yaml\nid: loop_b\n'); },
    check: (p) => expect(p.fix).toMatch(/loop_a\.yaml.*loop_b\.yaml.*loop_a\.yaml/),
  },
  'extends a missing file': { code: 'BP_INDICATOR_EXTENDS_MISSING', yamlPath: 'indicators.lbw_local.extends', exit: 1, break: (r) => put(r, 'indicators/lbw_local.yaml', 'extends: low_birth_wieght.yaml\nid: lbw_local\n') },
  'column the extract lacks': {
    code: 'BP_SQL_UNKNOWN_COLUMN', yamlPath: 'indicators.low_birth_weight.numerator.expr', exit: 1, cli: true,
    break: (r) => editFile(r, LBW, 'sum(low_birth_weight)', 'sum(low_birthweight)'),
    check: (p) => { expect(p.message).toContain('low_birthweight'); expect(p.fix).toContain('health(period, area, quarter, locality, live_births, live_births__marker, low_birth_weight'); expect(p.line).toBe(10); },
  },
  'table that does not exist': { code: 'BP_SQL_UNKNOWN_TABLE', yamlPath: 'indicators.open_early_help.sql', exit: 1, break: (r) => editFile(r, OPEN, /numerator:\n(  .*\n)+/, 'sql: SELECT period, area, count(*) AS numerator FROM early_help_episodes GROUP BY ALL\n'), check: (p) => expect(p.fix).toContain('early_help') },
  'SQL syntax error': { code: 'BP_SQL_SYNTAX', yamlPath: 'indicators.two_year_old_take_up.numerator.expr', exit: 1, break: (r) => editFile(r, TAKE, 'sum(taking_place)', 'sum(taking_place))') },
  'SQL type error': { code: 'BP_SQL_ERROR', yamlPath: 'indicators.two_year_old_take_up.numerator.expr', exit: 1, break: (r) => editFile(r, TAKE, 'sum(taking_place)', 'sum(locality)'), check: (p) => expect(p.message).toMatch(/sum/i) },
  'population indicator with a target': { code: 'BP_LINT_POPULATION_TARGET', severity: 'warning', yamlPath: 'indicators.low_birth_weight.targets', exit: 0, strictExit: 1, cli: true, break: (r) => editFile(r, LBW, 'unit: percent', 'unit: percent\ntargets: { default: 7 }') },
  'better off as a bare count': { code: 'BP_LINT_BETTER_OFF_COUNT', severity: 'warning', yamlPath: 'indicators.open_early_help.unit', exit: 0, strictExit: 1, break: (r) => editFile(r, OPEN, 'question: how_much', 'question: better_off') },
  'rated without polarity': { code: 'BP_LINT_NO_POLARITY', yamlPath: 'indicators.two_year_old_take_up.polarity', exit: 1, break: (r) => editFile(r, TAKE, 'polarity: higher_is_better', 'polarity: none') },
  'target on the wrong side of the baseline': { code: 'BP_LINT_TARGET_WRONG_SIDE', severity: 'warning', yamlPath: 'indicators.two_year_old_take_up.targets.default', exit: 0, strictExit: 1, break: (r) => editFile(r, TAKE, 'targets:', 'baseline: { period: 2023-24, value: 80 }\ntargets:') },
  'recommendation that asks a paper for assurance to approve something': {
    code: 'BP_LINT_DECISION_MISMATCH', severity: 'warning', yamlPath: 'board.recommendation', exit: 0, strictExit: 1,
    break: (r) => editFile(r, CFG, 'recommendation: The board notes the performance report.', 'recommendation: The board is asked to approve the new targets.'),
  },
  'priority without a better-off measure': { code: 'BP_LINT_NO_BETTER_OFF', severity: 'warning', yamlPath: 'framework.priorities.early_help', exit: 0, strictExit: 1, break: (r) => rmSync(path.join(r, 'indicators/early_help_needs_met.yaml')) },
  'bad preset.yaml': {
    code: 'BP_PRESET_REQUIRED', yamlPath: 'title', exit: 1,
    break: (r) => { put(r, 'indicators/preset.yaml', 'priorities: [{ id: best_start, title: Best start }]\n'); },
  },
};

const quiet = (): CliLogger => ({ info() {}, warn() {}, summary() {}, debug() {}, progress() {}, done() {}, interactive: false });

describe('validate on broken configurations: one per error code', () => {
  it('covers at least 25 distinct codes', () => {
    expect(new Set(Object.values(cases).map((c) => c.code)).size).toBeGreaterThanOrEqual(25);
  });

  for (const [name, c] of Object.entries(cases)) {
    it(`${name} → ${c.code}${c.yamlPath ? ` at ${c.yamlPath}` : ''}, exit ${c.exit}`, async () => {
      const root = await makeProject();
      c.break(root);
      let problems: Problem[];
      if (c.cli) {
        const r = await runCliHere(['validate', '--project', root, '--json']);
        expect(r.status).toBe(c.exit);
        const out = JSON.parse(r.stdout) as { ok: boolean; problems: Problem[] };
        expect(out.ok).toBe(c.exit === 0);
        problems = out.problems;
        if (c.strictExit !== undefined) expect((await runCliHere(['validate', '--project', root, '--strict'])).status).toBe(c.strictExit);
      } else {
        problems = (await validateProject(root)).problems;
        expect(await validateCommand(quiet(), { project: root })).toBe(c.exit);
        expect(await validateCommand(quiet(), { project: root, strict: true })).toBe(c.strictExit ?? (c.exit || 1));
      }
      const found = problems.filter((p) => p.code === c.code);
      expect(found.map((p) => p.yamlPath ?? null), JSON.stringify(problems, null, 1)).toContain(c.yamlPath);
      const p = found.find((x) => (x.yamlPath ?? null) === c.yamlPath)!;
      expect(p.severity).toBe(c.severity ?? 'error');
      expect(p.file).toBeTruthy();
      expect(p.fix ?? p.message).toBeTruthy();
      c.check?.(p, problems);
    });
  }
});
