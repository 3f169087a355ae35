/**
 * 6 (in part). A definition that returns far more rows than an indicator can (one row per period and area) is
 * refused with the count before its rows become JS values, instead of exhausting Node's heap: the 40-million-row
 * case that crashed after 11 GB now ends in BP_MEASURE_TOO_MANY_ROWS in bounded memory, the other indicators
 * still compute and the run exits 1. The limit is BOARDPACK_MAX_INDICATOR_ROWS, or by default every period of the
 * indicator's type over two centuries for every area, and never less than 100,000.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultMaxRows, MIN_MAX_ROWS } from '../../src/measures/index.js';
import { runCliHere } from '../helpers/cli.js';
import { makeProject } from '../helpers/project.js';
import { runCliMeasured } from './helpers/files.js';

const manyRows = (n: number) => `id: many_rows
title: Many rows
kind: performance_measure
question: how_much
priority: early_help
polarity: none
unit: count
period_type: fy_quarter
sql: SELECT '2025-26-Q1' AS period, 'all' AS area, range AS numerator FROM range(${n})
`;

function computedIndicators(out: string): Set<string> {
  const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as { results: Array<{ indicator: string; value: number | null }> };
  return new Set(results.results.filter((r) => r.value !== null).map((r) => r.indicator));
}

describe('rows an indicator may return', () => {
  it('past BOARDPACK_MAX_INDICATOR_ROWS: a coded error with the count and the fix; the others compute; exit 1', async () => {
    const root = await makeProject({ 'indicators/many_rows.yaml': manyRows(1_000) });
    const out = path.join(root, 'out');
    const r = await runCliHere(['run', '--project', root, '--no-pdf', '--out', out], { env: { BOARDPACK_MAX_INDICATOR_ROWS: '100' } });
    expect(r.stderr).not.toMatch(/unexpected error|heap/i);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/BP_MEASURE_TOO_MANY_ROWS .*many_rows\.yaml.*indicators\.many_rows\.sql: .*returned 1,000 rows, more than the 100 .*BOARDPACK_MAX_INDICATOR_ROWS/);
    expect(r.stderr).toMatch(/fix: group the rows by period and area/);
    const computed = computedIndicators(out);
    expect(computed.has('many_rows')).toBe(false);
    for (const id of ['low_birth_weight', 'open_early_help', 'early_help_needs_met']) expect(computed.has(id), id).toBe(true);

    // At the limit exactly, the same definition computes (the bound is on more rows, not on the rows allowed).
    const at = await runCliHere(['run', '--project', root, '--no-pdf', '--out', out], { env: { BOARDPACK_MAX_INDICATOR_ROWS: '1000' } });
    expect(at.stderr).not.toMatch(/BP_MEASURE_TOO_MANY_ROWS/);
    expect(computedIndicators(out).has('many_rows')).toBe(true);

    const bad = await runCliHere(['run', '--project', root, '--no-pdf', '--out', out], { env: { BOARDPACK_MAX_INDICATOR_ROWS: 'lots' } });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/BOARDPACK_MAX_INDICATOR_ROWS="lots" is not a positive whole number/);
  }, 300_000);

  it('a bad BOARDPACK_MAX_INDICATOR_ROWS is refused before anything is ingested, and by validate', async () => {
    const root = await makeProject({});
    const env = { BOARDPACK_MAX_INDICATOR_ROWS: '1e6' };
    const run = await runCliHere(['run', '--project', root, '--no-pdf', '--out', path.join(root, 'out')], { env });
    expect(run.status, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/BOARDPACK_MAX_INDICATOR_ROWS="1e6" is not a positive whole number/);
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/ingest \w+: loaded/);
    expect(existsSync(path.join(root, '.boardpack', 'warehouse.duckdb'))).toBe(false);
    const validate = await runCliHere(['validate', '--project', root], { env });
    expect(validate.status, validate.stderr).toBe(2);
    expect(validate.stderr).toMatch(/BOARDPACK_MAX_INDICATOR_ROWS="1e6"/);
  }, 120_000);

  it('the default refuses the 40-million-row definition with its count, in bounded memory', async () => {
    expect(defaultMaxRows({ periodType: 'month' }, 50)).toBe(50 * 12 * 200);
    expect(defaultMaxRows({ periodType: 'fy_quarter' }, 3)).toBe(MIN_MAX_ROWS);
    const root = await makeProject({ 'indicators/many_rows.yaml': manyRows(40_000_000) });
    const out = path.join(root, 'out');
    const r = await runCliMeasured(['run', '--project', root, '--no-pdf', '--out', out], { timeoutMs: 280_000, env: { BOARDPACK_MAX_INDICATOR_ROWS: '' } });
    expect(r.signal).toBeNull();
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/BP_MEASURE_TOO_MANY_ROWS .*returned 40,000,000 rows, more than the 100,000 an indicator may return/);
    expect(existsSync(path.join(out, 'board-pack.html'))).toBe(true);
    expect(computedIndicators(out).has('low_birth_weight')).toBe(true);
    // Converting 40M rows took 11 GB before; refusing them holds one DuckDB top-N of the limit and a count.
    expect(r.peakRssMb).toBeDefined();
    expect(r.peakRssMb!).toBeLessThan(700);
  }, 300_000);
});
