/**
 * Issue #10, database confinement: indicator SQL (possibly from a shared library someone else wrote) runs on a
 * read-only warehouse instance with external access and extensions off and the configuration locked. Each
 * forbidden definition is refused with a coded error naming the indicator, and the other indicators compute.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPipeline } from '../../src/pipeline/index.js';
import { computeMeasures, isConfined, openMeasuresWarehouse, statementKeywords } from '../../src/measures/index.js';
import { openWarehouse } from '../../src/warehouse/db.js';
import { makeProject } from '../helpers/project.js';
import { ingestFolder } from '../helpers/ingest.js';

const trap = mkdtempSync(path.join(tmpdir(), 'bp-sql-trap-'));
const stolen = path.join(trap, 'stolen.csv');
const attached = path.join(trap, 'other.duckdb');

/** A hostile indicator file: the shared header, then its SQL or its numerator expression. */
function hostileFile(id: string, body: string): string {
  return `id: ${id}
title: Hostile ${id}
kind: performance_measure
question: how_much
priority: early_help
polarity: none
unit: count
period_type: term
${body}
`;
}

const sqlIndicator = (id: string, sql: string) => hostileFile(id, `sql: |\n${sql.split('\n').map((l) => `  ${l}`).join('\n')}`);
const exprIndicator = (id: string, expr: string) => hostileFile(id, `numerator: { from: schools, expr: ${JSON.stringify(expr)} }`);

const GOOD = 'SELECT period, area, sum(taking_place) AS numerator FROM schools GROUP BY period, area';

/** Each hostile definition and the code it must be refused with. */
const hostile: Array<{ id: string; file: string; code: string }> = [
  { id: 'copy_to', file: sqlIndicator('copy_to', `COPY schools TO '${stolen}'`), code: 'BP_SQL_FORBIDDEN' },
  { id: 'copy_select_to', file: sqlIndicator('copy_select_to', `COPY (SELECT * FROM early_help) TO '${stolen}' (FORMAT csv)`), code: 'BP_SQL_FORBIDDEN' },
  { id: 'attach', file: sqlIndicator('attach', `ATTACH '${attached}' AS other`), code: 'BP_SQL_NOT_A_QUERY' },
  { id: 'read_passwd', file: sqlIndicator('read_passwd', `SELECT 'x' AS period, 'all' AS area, count(*) AS numerator FROM read_csv('/etc/passwd')`), code: 'BP_SQL_FORBIDDEN' },
  { id: 'install_httpfs', file: sqlIndicator('install_httpfs', 'INSTALL httpfs'), code: 'BP_SQL_NOT_A_QUERY' },
  { id: 'load_httpfs', file: sqlIndicator('load_httpfs', 'LOAD httpfs'), code: 'BP_SQL_NOT_A_QUERY' },
  { id: 'second_statement', file: sqlIndicator('second_statement', `${GOOD};\nCOPY schools TO '${stolen}'`), code: 'BP_SQL_MULTIPLE_STATEMENTS' },
  { id: 'second_select', file: sqlIndicator('second_select', `${GOOD}; SELECT 1`), code: 'BP_SQL_MULTIPLE_STATEMENTS' },
  { id: 'unlock_config', file: sqlIndicator('unlock_config', 'SET enable_external_access = true'), code: 'BP_SQL_NOT_A_QUERY' },
  { id: 'write_table', file: sqlIndicator('write_table', 'DELETE FROM schools'), code: 'BP_SQL_NOT_A_QUERY' },
  { id: 'url_scan', file: sqlIndicator('url_scan', `SELECT 'x' AS period, 'all' AS area, count(*) AS numerator FROM 'https://example.com/x.csv'`), code: 'BP_SQL_FORBIDDEN' },
  { id: 'glob_files', file: sqlIndicator('glob_files', `SELECT 'x' AS period, 'all' AS area, count(*) AS numerator FROM glob('/etc/*')`), code: 'BP_SQL_FORBIDDEN' },
  // Injection through a numerator expression: the compiled statement gains a second statement.
  { id: 'expr_injection', file: exprIndicator('expr_injection', `sum(taking_place))::DOUBLE AS v, NULL AS marker FROM schools s JOIN bp_periods p ON TRUE GROUP BY ALL); COPY schools TO '${stolen}'; SELECT (1`), code: 'BP_SQL_MULTIPLE_STATEMENTS' },
  { id: 'where_injection', file: exprIndicator('where_injection', 'sum(taking_place)').replace('expr: "sum(taking_place)" }', `expr: "sum(taking_place)", where: "TRUE; ATTACH '${attached}' AS o" }`), code: 'BP_SQL_MULTIPLE_STATEMENTS' },
  { id: 'expr_read_file', file: exprIndicator('expr_read_file', `(SELECT count(*) FROM read_text('/etc/hostname'))`), code: 'BP_SQL_FORBIDDEN' },
];

describe('indicator SQL confinement', () => {
  it('refuses every hostile definition with a coded error, and the run continues for the other indicators', async () => {
    const files: Record<string, string> = {};
    for (const h of hostile) files[`indicators/${h.id}.yaml`] = h.file;
    files['indicators/good_sql.yaml'] = sqlIndicator('good_sql', GOOD);
    const root = await makeProject(files);
    const out = path.join(root, 'out');
    const summary = await runPipeline({ projectDir: root, outDir: out, formats: ['json', 'html', 'xlsx'], now: () => new Date('2025-01-01T00:00:00Z') });

    expect(summary.exitCode).toBe(1);
    for (const h of hostile) {
      const p = summary.problems.find((x) => x.message.startsWith(`indicator ${h.id}:`));
      expect(p, `${h.id}: ${JSON.stringify(summary.problems.map((x) => [x.code, x.message]))}`).toBeDefined();
      expect(p!.code, `${h.id}: ${p!.message}`).toBe(h.code);
      expect(p!.file).toContain(`${h.id}.yaml`);
      expect(p!.fix).toBeTruthy();
    }
    // Nothing escaped: no file was written or attached outside the output folder.
    expect(existsSync(stolen)).toBe(false);
    expect(existsSync(attached)).toBe(false);
    expect(readdirSync(trap)).toEqual([]);

    // The three init indicators and the good SQL indicator still computed and reached the outputs.
    const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as unknown;
    const text = JSON.stringify(results);
    for (const id of ['low_birth_weight', 'two_year_old_take_up', 'open_early_help', 'good_sql']) {
      expect(summary.assessment.indicators.some((i: { id?: string; indicator?: { id: string } }) => (i.id ?? i.indicator?.id) === id), id).toBe(true);
      expect(text).toContain(id);
    }
    expect(existsSync(path.join(out, 'board-pack.html'))).toBe(true);
    // The hostile SQL never ran, so /etc/passwd's contents are nowhere in the outputs.
    expect(text).not.toMatch(/root:x:0:0/);
  });

  it('opens the measures warehouse read-only with external access off and the configuration locked', async () => {
    const root = await makeProject();
    const { config } = await ingestFolder(root);
    const wh = await openMeasuresWarehouse(config.warehousePath);
    try {
      expect(await isConfined(wh)).toBe(true);
      const settings = await wh.all<{ name: string; value: string }>(
        `SELECT name, value FROM duckdb_settings() WHERE name IN ('access_mode', 'enable_external_access', 'lock_configuration', 'autoload_known_extensions', 'autoinstall_known_extensions') ORDER BY name`);
      expect(Object.fromEntries(settings.map((s) => [s.name, s.value]))).toEqual({
        access_mode: 'read_only', autoinstall_known_extensions: 'false', autoload_known_extensions: 'false', enable_external_access: 'false', lock_configuration: 'true',
      });
      await expect(wh.run('SET enable_external_access = true')).rejects.toThrow(/locked/);
      await expect(wh.run('CREATE TABLE x AS SELECT 1')).rejects.toThrow(/read-only/);
      await expect(wh.run(`SELECT * FROM read_csv('/etc/passwd')`)).rejects.toThrow(/disabled by configuration/);
    } finally {
      wh.close();
    }
  });

  it('confines a read-write warehouse handed to computeMeasures before any indicator runs', async () => {
    const root = await makeProject({ 'indicators/read_passwd.yaml': hostile.find((h) => h.id === 'read_passwd')!.file });
    const { config, indicators } = await ingestFolder(root);
    const wh = await openWarehouse(config.warehousePath);
    try {
      expect(await isConfined(wh)).toBe(false);
      const m = await computeMeasures(wh, config, indicators);
      expect(await isConfined(wh)).toBe(true);
      expect(m.failures.map((f) => [f.indicator, f.problem.code])).toEqual([['read_passwd', 'BP_SQL_FORBIDDEN']]);
      expect(new Set(m.values.map((v) => v.indicator))).toEqual(new Set(['low_birth_weight', 'two_year_old_take_up', 'breastfeeding_6_8_weeks', 'early_help_needs_met', 'open_early_help']));
    } finally {
      wh.close();
    }
  });

  it('stops a runaway query at the time limit with a coded error, and computes the rest', async () => {
    const runaway = sqlIndicator('runaway', `WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r)\nSELECT 'x' AS period, 'all' AS area, count(*) AS numerator FROM r`);
    const root = await makeProject({ 'indicators/runaway.yaml': runaway });
    const { config, indicators } = await ingestFolder(root);
    const wh = await openMeasuresWarehouse(config.warehousePath);
    try {
      const m = await computeMeasures(wh, config, indicators, { queryTimeoutMs: 500 });
      expect(m.failures.map((f) => [f.indicator, f.problem.code])).toEqual([['runaway', 'BP_SQL_TIMEOUT']]);
      expect(m.values.some((v) => v.indicator === 'open_early_help')).toBe(true);
    } finally {
      wh.close();
    }
  });

  it('names the statements in messages, ignoring semicolons inside quotes and comments', () => {
    expect(statementKeywords(`select 1; copy t to 'x'`)).toEqual(['SELECT', 'COPY']);
    expect(statementKeywords(`select ';attach' -- ; install\n/* ; load */ ; attach 'db'`)).toEqual(['SELECT', 'ATTACH']);
    expect(statementKeywords(`(select "a;b" from t)`)).toEqual(['SELECT']);
  });
});
