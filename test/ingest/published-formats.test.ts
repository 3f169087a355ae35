/**
 * Published files as sources: period layouts of official statistics (DfE tidy files, Fingertips, year
 * numbers, 31 March snapshots) and a national file filtered to the partnership (`area_codes:`, `where:`).
 * The key checks run on the DfE excerpt committed in examples/dfe-children-looked-after/data (Open Government
 * Licence, see its README); the full files in ../shared/real-data are read when present.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { publishedPeriodId } from '../../src/core/published-periods.js';
import { periodIdOf } from '../../src/ingest/period-formats.js';
import { laCodeCounterpart } from '../../src/core/la-codes.js';
import { ingestFolder } from '../helpers/ingest.js';
import { loadProject } from '../../src/config/load.js';
import { ingestProject } from '../../src/ingest/index.js';
import { openWarehouse } from '../../src/warehouse/db.js';
import { ensureMeta } from '../../src/warehouse/meta.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/dfe-children-looked-after/', import.meta.url));
const REAL_DATA = fileURLToPath(new URL('../../../shared/real-data/', import.meta.url));
const haveReal = existsSync(REAL_DATA);

/** A copy of the example project, with boardpack.yaml edited. */
function example(edit: (yaml: string) => string = (y) => y): string {
  const root = path.join(mkdtempSync(path.join(tmpdir(), 'bp-pub-')), 'project');
  cpSync(EXAMPLE, root, { recursive: true });
  const file = path.join(root, 'boardpack.yaml');
  const before = readFileSync(file, 'utf8');
  const after = edit(before);
  writeFileSync(file, after);
  return root;
}

const replaceOnce = (from: string, to: string) => (y: string) => {
  if (!y.includes(from)) throw new Error(`boardpack.yaml has no ${from}`);
  return y.replace(from, to);
};

describe('published period formats', () => {
  it('reads DfE time_period with its time_identifier', () => {
    // A 31 March snapshot ("Reporting year" 2025) is the financial year it ends.
    expect(publishedPeriodId('2025', 'dfe_ees', 'fy', 'Reporting year')).toBe('2024-25');
    expect(publishedPeriodId('202425', 'dfe_ees', 'fy', 'Financial year')).toBe('2024-25');
    expect(publishedPeriodId('2024-25', 'dfe_ees', 'fy', 'Financial year')).toBe('2024-25');
    expect(publishedPeriodId('202425', 'dfe_ees', 'academic_year', 'Academic year')).toBe('AY2024-25');
    expect(publishedPeriodId('2025', 'dfe_ees', 'calendar_year', 'Calendar year')).toBe('2025');
    expect(publishedPeriodId('202425', 'dfe_ees', 'fy_quarter', 'Financial year Q3')).toBe('2024-25-Q3');
    expect(publishedPeriodId('202425', 'dfe_ees', 'term', 'Spring term')).toBe('AY2024-25-T2');
    // The identifier decides: a calendar year is not a financial year, an academic year not a financial one.
    expect(publishedPeriodId('2025', 'dfe_ees', 'fy', 'Calendar year')).toBeUndefined();
    expect(publishedPeriodId('2025', 'dfe_ees', 'calendar_year', 'Reporting year')).toBeUndefined();
    expect(publishedPeriodId('202425', 'dfe_ees', 'fy', 'Academic year')).toBeUndefined();
    expect(publishedPeriodId('202426', 'dfe_ees', 'fy', 'Financial year')).toBeUndefined();
  });

  it('reads Fingertips periods, pooled ones keyed by their last year', () => {
    expect(publishedPeriodId('2023/24', 'fingertips', 'fy')).toBe('2023-24');
    expect(publishedPeriodId('2023/24', 'fingertips', 'academic_year')).toBe('AY2023-24');
    expect(publishedPeriodId('2021 - 23', 'fingertips', 'calendar_year')).toBe('2023');
    expect(publishedPeriodId('2020/21 - 22/23', 'fingertips', 'fy')).toBe('2022-23');
    expect(publishedPeriodId('2023', 'fingertips', 'calendar_year')).toBe('2023');
    expect(publishedPeriodId('2021 - 23', 'fingertips', 'fy')).toBeUndefined();
    expect(publishedPeriodId('2023 - 21', 'fingertips', 'calendar_year')).toBeUndefined();
  });

  it('reads year numbers and snapshot dates', () => {
    expect(publishedPeriodId('2025', 'fy_end_year', 'fy')).toBe('2024-25');
    expect(publishedPeriodId('2024', 'fy_start_year', 'fy')).toBe('2024-25');
    expect(publishedPeriodId('2024', 'ay_start_year', 'academic_year')).toBe('AY2024-25');
    expect(publishedPeriodId('2025', 'ay_end_year', 'academic_year')).toBe('AY2024-25');
    expect(publishedPeriodId('202425', 'dfe_year', 'academic_year')).toBe('AY2024-25');
    expect(publishedPeriodId('2024-25', 'fy_end_year', 'fy')).toBeUndefined();
    // 31 March ends the financial year; written out, as an ISO date or the UK way, with or without "as at".
    for (const text of ['31 March 2025', 'As at 31 Mar 2025', '2025-03-31', '31/03/2025']) {
      expect(periodIdOf(text, { column: 'p', type: 'fy' }), text).toBe('2024-25');
    }
    expect(periodIdOf('31 March 2025', { column: 'p', type: 'fy_quarter' })).toBe('2024-25-Q4');
    expect(periodIdOf('31 February 2025', { column: 'p', type: 'fy' })).toBeUndefined();
  });

  it('knows each authority by its ONS code and its DfE LA number', () => {
    expect(laCodeCounterpart('861')).toBe('E06000021');
    expect(laCodeCounterpart('e06000021')).toBe('861');
    // North Yorkshire became a unitary authority in 2023: its LA number maps to the new code, both codes to it.
    expect(laCodeCounterpart('815')).toBe('E06000065');
    expect(laCodeCounterpart('E10000023')).toBe('815');
    expect(laCodeCounterpart('E92000001')).toBeUndefined();
  });
});

describe('a national DfE file filtered to one authority (committed excerpt)', () => {
  it('loads the authority\'s rows as financial years, other areas counted once in the log', async () => {
    const root = example();
    const res = await loadProject(root);
    expect(res.problems).toEqual([]);
    const { report, wh } = await ingestFolder(root, { keepOpen: true });
    try {
      expect(report.problems).toEqual([]);
      const cla = report.sources.find((s) => s.source === 'dfe_cla')!;
      expect(cla.periods).toEqual(['2020-21', '2021-22', '2022-23', '2023-24', '2024-25']);
      // 835 rows of one population type: 5 years × (England, 9 regions, 153 authorities + 1 that changed code) less ours.
      expect(cla.ignoredRows).toEqual({ where: 0, otherAreas: 830 });
      // The published figures, read straight from the file: Stoke-on-Trent's rows, 2021 the year to 31 March 2021.
      const published = (parse(readFileSync(path.join(EXAMPLE, 'data/dfe_cla_31_march_2021_to_2025.csv')), { columns: true, bom: true }) as Array<Record<string, string>>)
        .filter((r) => r.new_la_code === 'E06000021')
        .map((r) => ({ period: `${Number(r.time_period) - 1}-${r.time_period.slice(2)}`, children_count: Number(r.children_count), population_estimate: Number(r.population_estimate), rate_per_10000: Number(r.rate_per_10000) }))
        .sort((a, b) => a.period.localeCompare(b.period));
      expect(published).toHaveLength(5);
      expect(await wh.all(`SELECT period, children_count, population_estimate, rate_per_10000 FROM dfe_cla ORDER BY period`)).toEqual(published);
      // Partnership-wide: no area column, so no locality to be missing.
      const cols = (await wh.all<{ column_name: string }>(`SELECT column_name FROM (DESCRIBE dfe_cla)`)).map((c) => c.column_name);
      expect(cols).not.toContain('area');
    } finally {
      wh.close();
    }
  });

  it('finds the same rows by DfE LA number, and logs the count of rows ignored', async () => {
    const root = example(replaceOnce('code: E06000021', "code: '861'"));
    const res = await loadProject(root);
    const wh = await openWarehouse(res.config!.warehousePath);
    const logs: string[] = [];
    try {
      await ensureMeta(wh);
      const report = await ingestProject(wh, res.config!, { log: (l) => logs.push(l) });
      expect(report.problems).toEqual([]);
      expect(await wh.all(`SELECT period, children_count FROM dfe_cla WHERE period = '2024-25'`)).toEqual([{ period: '2024-25', children_count: 1063 }]);
    } finally {
      wh.close();
    }
    expect(logs).toContain('dfe_cla: 830 rows for other areas ignored');
    expect(logs.filter((l) => /ignored/.test(l))).toHaveLength(2);
  });

  it('a code no row has, and a where: value no row has, are one error each naming what the file holds', async () => {
    const root = example((y) => replaceOnce('code: E06000021', 'code: E06000099')(y)
      .replace('where: { population_type: Children looked after on 31 March each year }', 'where: { population_type: Children looked after on 31 march }'));
    const { report } = await ingestFolder(root);
    const cla = report.sources.find((s) => s.source === 'dfe_cla')!;
    expect(cla.status).toBe('failed');
    expect(cla.problems.map((p) => p.code)).toEqual(['BP_INGEST_WHERE_NO_ROWS']);
    expect(cla.problems[0]).toMatchObject({ yamlPath: 'sources.dfe_cla.where.population_type', column: 'population_type', expected: 'one of Children looked after on 31 March each year' });
    const cin = report.sources.find((s) => s.source === 'dfe_cin_referrals')!;
    expect(cin.problems.map((p) => p.code)).toEqual(['BP_INGEST_NO_AREA_ROWS']);
    expect(cin.problems[0].expected).toMatch(/^codes as the file writes them, e\.g\. E06000001, /);
  });

  it('an area column on a national file names the areas that exist and suggests area_codes', async () => {
    const root = example(replaceOnce('    format: dfe_ees\n    where:', '    format: dfe_ees\n    area_codes: null\n    area_column: new_la_code\n    where:'));
    const { report } = await ingestFolder(root, { sources: ['dfe_cla'] });
    const unknown = report.problems.filter((p) => p.code === 'BP_INGEST_UNKNOWN_AREA');
    expect(unknown.length).toBeGreaterThan(100);
    expect(unknown[0].expected).toBe('an area of this project: Stoke-on-Trent (all, E06000021) (it has no localities)');
    expect(unknown[0].fix).toMatch(/area_codes: \[<column>\]/);
  });

  it('a DfE file of calendar years read as financial years says which type to set', async () => {
    const root = example();
    writeFileSync(path.join(root, 'data', 'neet.csv'), 'time_period,time_identifier,geographic_level,country_code,old_la_code,new_la_code,la_name,NEET_percent\n2025,Calendar year,National,E92000001,,,,3.4\n2025,Calendar year,Local authority,E92000001,861,E06000021,Stoke-on-Trent,4.1\n');
    writeFileSync(path.join(root, 'boardpack.yaml'), `${readFileSync(path.join(root, 'boardpack.yaml'), 'utf8')}  neet:\n    path: data/neet.csv\n    format: dfe_ees\n    columns: { NEET_percent: { type: percent } }\n`);
    const { report } = await ingestFolder(root, { sources: ['neet'] });
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatchObject({ code: 'BP_INGEST_BAD_PERIOD', value: '2025 (Calendar year)', column: 'time_period' });
    expect(report.problems[0].fix).toMatch(/time_identifier "Calendar year" gives a calendar year: set `period: \{type: calendar_year\}`/);
    // With the type set, it loads.
    writeFileSync(path.join(root, 'boardpack.yaml'), readFileSync(path.join(root, 'boardpack.yaml'), 'utf8').replace('    format: dfe_ees\n    columns: { NEET', '    format: dfe_ees\n    period: { type: calendar_year }\n    columns: { NEET'));
    const again = await ingestFolder(root, { sources: ['neet'] });
    expect(again.report.problems).toEqual([]);
    expect(again.report.sources[0]).toMatchObject({ periods: ['2025'], rowsLoaded: 1 });
  });
});

describe.skipIf(!haveReal)('the published files in ../shared/real-data with a format: preset', () => {
  const project = (sources: string) => {
    const root = example();
    const yaml = readFileSync(path.join(root, 'boardpack.yaml'), 'utf8');
    writeFileSync(path.join(root, 'boardpack.yaml'), `${yaml.slice(0, yaml.indexOf('sources:'))}sources:\n${sources}`);
    return root;
  };

  it('the whole DfE children-looked-after file: one authority, financial years, no hand edits', async () => {
    const root = project(`  dfe_cla:
    path: ${path.join(REAL_DATA, 'dfe_cla_number_and_rate_per_10k_children.csv')}
    format: dfe_ees
    where: { population_type: Children looked after on 31 March each year }
    columns: { population_type: { type: text }, population_estimate: { type: integer }, children_count: { type: integer }, rate_per_10000: { type: decimal } }
  dfe_cin_referrals:
    path: ${path.join(REAL_DATA, 'dfe_c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv')}
    format: dfe_ees
    columns: { referral_count: { type: integer }, rereferral_count: { type: integer }, rereferral_percent: { type: decimal } }
`);
    const { report, wh } = await ingestFolder(root, { keepOpen: true });
    try {
      expect(report.problems).toEqual([]);
      const cla = report.sources.find((s) => s.source === 'dfe_cla')!;
      // 2,505 rows: three population types; one of them, less Stoke-on-Trent's five years, is ignored as other areas.
      expect(cla.ignoredRows).toEqual({ where: 1670, otherAreas: 830 });
      expect(await wh.all(`SELECT period, children_count FROM dfe_cla ORDER BY period DESC LIMIT 1`)).toEqual([{ period: '2024-25', children_count: 1063 }]);
      const cin = report.sources.find((s) => s.source === 'dfe_cin_referrals')!;
      expect(cin.periods[0]).toBe('2012-13');
      expect(cin.periods.at(-1)).toBe('2024-25');
    } finally {
      wh.close();
    }
  }, 60_000);

  it('the Fingertips export: persons, all categories, Stoke-on-Trent\'s financial years', async () => {
    const root = project(`  injuries:
    path: ${path.join(REAL_DATA, 'fingertips_90284_hospital_admissions_injuries_0_14.csv')}
    format: fingertips
`);
    const { report, wh } = await ingestFolder(root, { keepOpen: true });
    try {
      expect(report.problems).toEqual([]);
      const rows = await wh.all<{ period: string; Count: number; Value: number }>(`SELECT period, "Count", "Value" FROM injuries ORDER BY period`);
      expect(rows.map((r) => r.period)).toEqual(['2010-11', '2011-12', '2012-13', '2013-14', '2014-15', '2015-16', '2016-17', '2017-18', '2018-19', '2019-20', '2020-21', '2021-22', '2022-23', '2023-24']);
      expect(rows[0]).toEqual({ period: '2010-11', Count: 602, Value: 133.3008569 });
    } finally {
      wh.close();
    }
  }, 60_000);

  it('the LAIT long file by LA number, one measure', async () => {
    const root = project(`  lait:
    path: ${path.join(REAL_DATA, 'lait_children_key_indicators_long.csv')}
    format: lait
    where: { measure_short: 16-17 NEET }
`);
    const { report, wh } = await ingestFolder(root, { keepOpen: true });
    try {
      expect(report.problems).toEqual([]);
      const periods = (await wh.all<{ period: string }>(`SELECT period FROM lait ORDER BY period`)).map((r) => r.period);
      // LAIT names a year by its end: 2018 is 2017-18 (the measure starts in 2018).
      expect(periods[0]).toBe('2017-18');
      expect(new Set(periods).size).toBe(periods.length);
    } finally {
      wh.close();
    }
  }, 60_000);
});

if (!haveReal) describe('the published files in ../shared/real-data', () => it.skip('skipped: ../shared/real-data is absent (the team workspace is not checked out beside this repository)', () => {}));

describe('the example project on the committed DfE excerpt, run as a user would', () => {
  it('reports financial year 2024/25 as at 31 March 2025, with England and the statistical neighbours from the published files', async () => {
    const { runCliHere } = await import('../helpers/cli.js');
    const root = example();
    const r = await runCliHere(['run', '--project', root, '--no-pdf', '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).problems).toEqual({ errors: 0, warnings: 0 });
    const results = JSON.parse(readFileSync(path.join(root, 'out', 'results.json'), 'utf8'));
    expect(results).toMatchObject({ period: '2024-25', dataAsAt: '2025-03-31' });
    const figure = results.results.find((x: { indicator: string; period: string; area: string }) => x.indicator === 'cla_rate' && x.period === '2024-25' && x.area === 'all');
    // The published figures, read from the files in the test: England's rate, and the mean of the ten neighbours'.
    const rows = parse(readFileSync(path.join(EXAMPLE, 'data/dfe_cla_31_march_2021_to_2025.csv')), { columns: true, bom: true }) as Array<Record<string, string>>;
    const model = parse(readFileSync(path.join(EXAMPLE, 'data/dfe_sn_model_2025_wide.csv')), { columns: true, bom: true }) as Array<Record<string, string>>;
    const in2025 = rows.filter((x) => x.time_period === '2025');
    const england = Number(in2025.find((x) => x.geographic_level === 'National')!.rate_per_10000);
    const stoke = model.find((m) => m.old_la_code === '861')!;
    const neighbours = Array.from({ length: 10 }, (_, i) => Number(in2025.find((x) => x.old_la_code === stoke[`SN_${i + 1}`])!.rate_per_10000));
    const mean = neighbours.reduce((a, b) => a + b, 0) / neighbours.length;
    const ours = Number(in2025.find((x) => x.new_la_code === 'E06000021')!.rate_per_10000);
    const comparators = Object.fromEntries(figure.comparators.map((c: { id: string }) => [c.id, c]));
    expect(comparators.england.value).toBe(england);
    expect(comparators.neighbours.value).toBeCloseTo(mean, 9);
    // Lower is better: our place among the neighbours and us.
    const rank = 1 + neighbours.filter((v) => v < ours).length;
    expect(comparators.neighbours.rank).toMatchObject({ rank, of: 11 });
  }, 120_000);
});
