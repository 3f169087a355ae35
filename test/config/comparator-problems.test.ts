/**
 * Comparator mistakes are problems: `validate` reads every comparator table as `run` does and reports each
 * broken one with its YAML path; `run` exits 1 on an unreadable comparator (3 with --strict) and warns, on the
 * terminal and in --json, about a comparator with no value for the report period. Built on the example
 * project and its committed DfE excerpt (examples/dfe-children-looked-after).
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateProject } from '../../src/pipeline/validate.js';
import { runCliHere } from '../helpers/cli.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/dfe-children-looked-after/', import.meta.url));

function project(edits: Record<string, Array<[string, string]>>): string {
  const root = path.join(mkdtempSync(path.join(tmpdir(), 'bp-cmp-')), 'project');
  cpSync(EXAMPLE, root, { recursive: true });
  for (const [rel, pairs] of Object.entries(edits)) {
    const file = path.join(root, rel);
    let text = readFileSync(file, 'utf8');
    for (const [from, to] of pairs) {
      if (!text.includes(from)) throw new Error(`${rel} has no ${from}`);
      text = text.replace(from, to);
    }
    writeFileSync(file, text);
  }
  return root;
}

const broken = () => project({
  'indicators/cla_rate.yaml': [
    ['value_column: rate_per_10000, where: { geographic_level: National }', 'value_column: rate_per_10k, where: { geographic_level: National }'],
    ['where: { geographic_level: Regional }', 'where: { geographic_level: Region }'],
  ],
  'indicators/rereferrals.yaml': [
    ['path: data/dfe_cin_referrals_2021_to_2025.csv, period_column: time_period, period_format: fy_end_year, area_column: country_code', 'path: data/cin_2025.csv, period_column: time_period, period_format: fy_end_year, area_column: country_code'],
    ['period_format: fy_end_year, area_column: old_la_code', 'period_format: dfe_year, area_column: old_la_code'],
  ],
});

describe('comparator problems', () => {
  it('the example project validates with no problem at all', async () => {
    const res = await validateProject(EXAMPLE);
    expect(res.problems).toEqual([]);
  });

  it('validate reports each broken comparator with its YAML path, line, the real headers and a fix', async () => {
    const res = await validateProject(broken());
    expect(res.problems.map((p) => [p.code, p.yamlPath])).toEqual([
      ['BP_COMPARATOR_COLUMN', 'indicators.cla_rate.comparators.0.table.value_column'],
      ['BP_COMPARATOR_WHERE', 'indicators.cla_rate.comparators.1.table.where.geographic_level'],
      ['BP_COMPARATOR_FILE', 'indicators.rereferrals.comparators.0.table.path'],
      ['BP_COMPARATOR_PERIOD', 'indicators.rereferrals.comparators.1.table.period_format'],
    ]);
    const [column, where, file, period] = res.problems;
    expect(column.expected).toBe('one of the table\'s headers: time_period, time_identifier, geographic_level, country_code, country_name, region_code, region_name, old_la_code, la_name, new_la_code, population_type, population_estimate, children_count, rate_per_10000');
    expect(column.fix).toBe('did you mean "rate_per_10000"?');
    expect(column.file).toMatch(/indicators\/cla_rate\.yaml$/);
    expect(column.line).toBe(readFileSync(column.file!, 'utf8').split('\n').findIndex((l) => l.includes('rate_per_10k')) + 1);
    expect(where).toMatchObject({ value: 'Region', expected: 'one of "National", "Regional", "Local authority"', fix: 'did you mean "Regional"?' });
    expect(file.message).toMatch(/data\/cin_2025\.csv: ENOENT/);
    // "2025" (time_identifier "Reporting year") is not a six-digit DfE year: the format that reads it is named.
    expect(period.message).toMatch(/^data\/dfe_cin_referrals_2021_to_2025\.csv: period_format dfe_year reads none of the table's periods \(column "time_period" holds e\.g\. "2025"\)/);
    expect(period.fix).toBe('set `period_format: fy_end_year`');
    expect(res.errors).toBe(4);
  });

  it('a period format that gives the wrong kind of year is named with the one that fits', async () => {
    const res = await validateProject(project({ 'indicators/cla_rate.yaml': [['period_format: fy_end_year, area_column: country_code', 'period_format: id, area_column: country_code']] }));
    expect(res.problems).toHaveLength(1);
    expect(res.problems[0]).toMatchObject({ code: 'BP_COMPARATOR_PERIOD', yamlPath: 'indicators.cla_rate.comparators.0.table.period_format', fix: 'set `period_format: fy_end_year` (it reads "2025" as 2024-25)' });
    expect(res.problems[0].message).toMatch(/periods read as calendar years \(e\.g\. 2025\), but the indicator reports financial years/);
  });

  it('run: broken comparators exit 1, and 3 with --strict, listed on the terminal and in --json', async () => {
    const root = broken();
    const plain = await runCliHere(['run', '--project', root, '--no-pdf', '--json']);
    expect(plain.status, plain.stderr).toBe(1);
    const summary = JSON.parse(plain.stdout);
    expect(summary.problems.errors).toBe(4);
    for (const code of ['BP_COMPARATOR_COLUMN', 'BP_COMPARATOR_WHERE', 'BP_COMPARATOR_FILE', 'BP_COMPARATOR_PERIOD']) expect(plain.stderr).toContain(code);
    const strict = await runCliHere(['run', '--project', root, '--no-pdf', '--strict', '--json']);
    expect(strict.status).toBe(3);
    expect(JSON.parse(strict.stdout).gates.map((g: { kind: string }) => g.kind)).toContain('validation');
  }, 120_000);

  it('run: a comparator without a value for the report period is a warning on the terminal and in --json', async () => {
    // The neighbours' table ends a year before ours: keep only the rows up to 2024 (the year to 31 March 2024).
    const root = project({});
    const file = path.join(root, 'data', 'dfe_cla_31_march_2021_to_2025.csv');
    const lines = readFileSync(file, 'utf8').split('\n');
    writeFileSync(path.join(root, 'data', 'cla_to_2024.csv'), [lines[0], ...lines.slice(1).filter((l) => l && !l.startsWith('2025,'))].join('\n'));
    const cla = path.join(root, 'indicators', 'cla_rate.yaml');
    writeFileSync(cla, readFileSync(cla, 'utf8').replace('table: { path: data/dfe_cla_31_march_2021_to_2025.csv, period_column: time_period, period_format: fy_end_year, area_column: old_la_code',
      'table: { path: data/cla_to_2024.csv, period_column: time_period, period_format: fy_end_year, area_column: old_la_code'));
    const r = await runCliHere(['run', '--project', root, '--no-pdf', '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).problems).toEqual({ errors: 0, warnings: 1 });
    expect(r.stderr).toMatch(/warning BP_COMPARATOR_NO_VALUE .*at indicators\.cla_rate\.comparators\.2: Children looked after on 31 March, rate per 10,000 children: comparator "Statistical neighbours" has no value for 2024\/25/);
    expect(r.stderr).toMatch(/a value for 2024-25; it has 2020-21, 2021-22, 2022-23, 2023-24/);
  }, 120_000);
});
