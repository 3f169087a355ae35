import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { neighbourAverage, ordinal, parseCloseness, parseStatNeighbourModel, rankAmong } from '../../src/assess/comparators.js';
import { loadComparatorTables, tablePeriodId } from '../../src/assess/comparator-tables.js';
import type { ComparatorDef, IndicatorDef } from '../../src/config/types.js';

const real = (name: string) => fileURLToPath(new URL(`../../../shared/real-data/${name}`, import.meta.url));
const SN = real('dfe_sn_model_2025_wide.csv');
const D2I = real('d2i_la_lookup_with_stat_neighbours.csv');
const CLA = real('dfe_cla_number_and_rate_per_10k_children.csv');
const LAIT = real('lait_children_key_indicators_long.csv');
const haveReal = existsSync(SN) && existsSync(D2I) && existsSync(CLA) && existsSync(LAIT);
const records = (file: string) => parse(readFileSync(file, 'utf8'), { columns: true, bom: true, skip_empty_lines: true }) as Array<Record<string, string>>;

describe('ranks and quartiles (LAIT style)', () => {
  it('ranks 1 as the best by polarity, ties sharing the better rank', () => {
    expect(rankAmong(5, [1, 2, 3, 9], 'higher_is_better')).toMatchObject({ rank: 2, of: 5, quartile: 'B', text: '2nd of 5' });
    expect(rankAmong(5, [1, 2, 3, 9], 'lower_is_better')).toMatchObject({ rank: 4, of: 5, quartile: 'D' });
    expect(rankAmong(5, [5, 5, 1], 'higher_is_better').rank).toBe(1);
    expect(rankAmong(5, [null, undefined, 7], 'none')).toMatchObject({ rank: 2, of: 2 });
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111].map(ordinal)).toEqual(['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '101st', '111th']);
  });

  it('swapping polarity mirrors the rank of distinct values (property)', () => {
    fc.assert(fc.property(fc.uniqueArray(fc.integer({ min: -1000, max: 1000 }), { minLength: 2, maxLength: 60 }), (xs) => {
      const [v, ...others] = xs;
      const h = rankAmong(v, others, 'higher_is_better');
      const l = rankAmong(v, others, 'lower_is_better');
      expect(h.rank + l.rank).toBe(h.of + 1);
      expect(rankAmong(v, others, 'none').rank).toBe(h.rank);
    }));
  });
});

describe('the DfE statistical neighbour model', () => {
  it('reads closeness bands as the file spells them', () => {
    expect(parseCloseness('Close ')).toBe('close');
    expect(parseCloseness('Extremely close')).toBe('extremely_close');
    expect(parseCloseness('Somewhat close')).toBe('somewhat_close');
    expect(parseCloseness('')).toBeNull();
  });

  it('averages the neighbours with a value, and weights them by closeness', () => {
    const model = parseStatNeighbourModel('old_la_code,la_name,region_ind,region_name,SN_1,SN_1P,SN_2,SN_2P,SN_3,SN_3P,SN_4,SN_4P\n1,Us,1,R,2,Very close,3,Close ,4,Somewhat close,5,Not close\n');
    const avg = neighbourAverage(model, '1', new Map([['2', 10], ['3', 20], ['4', 40], ['5', 1000]]));
    expect(avg.mean).toBe((10 + 20 + 40 + 1000) / 4);
    expect(avg.weightedMean).toBe((3 * 10 + 2 * 20 + 1 * 40) / 6);
    const gap = neighbourAverage(model, '1', new Map([['2', 10], ['3', null]]));
    expect(gap).toMatchObject({ mean: 10, missing: ['3', '4', '5'] });
    expect(() => neighbourAverage(model, '999', new Map())).toThrow(/not in the statistical neighbour model/);
  });

  it.skipIf(!haveReal)('parses all 153 authorities of the 2025 model, each with the same 10 neighbours the d2i lookup lists', () => {
    const model = parseStatNeighbourModel(readFileSync(SN, 'utf8'));
    expect(model.size).toBe(153);
    for (const la of model.values()) {
      expect(la.neighbours).toHaveLength(10);
      for (const n of la.neighbours) expect(n.closeness, `${la.code} ${n.code}`).not.toBeNull();
    }
    expect(model.get('839')?.name).toBe('Bournemouth, Christchurch and Poole');
    const lookup = records(D2I);
    let checked = 0;
    for (const r of lookup) {
      const la = model.get(r.la_code);
      if (!la) continue;
      expect(la.neighbours.map((n) => n.code), r.la_code).toEqual(r.stat_neighbours.split(',').map((s) => s.trim()));
      checked++;
    }
    expect(checked).toBe(153);
  });

  it.skipIf(!haveReal)('ranks every authority on a LAIT measure: rank 1 is the lowest for a "Low" polarity and the quartiles are even', () => {
    const rows = records(LAIT).filter((r) => r.measure_short === 'ReReferral' && r.period === '2024' && r.value !== '' && Number.isFinite(Number(r.value)));
    expect(rows.length).toBeGreaterThan(140);
    const values = rows.map((r) => Number(r.value));
    const bands = { A: 0, B: 0, C: 0, D: 0 };
    rows.forEach((r, i) => {
      const others = values.filter((_, j) => j !== i);
      const res = rankAmong(values[i], others, 'lower_is_better');
      expect(res.of).toBe(rows.length);
      bands[res.quartile]++;
      if (values[i] === Math.min(...values)) expect(res.rank).toBe(1);
    });
    for (const b of Object.values(bands)) expect(Math.abs(b - rows.length / 4)).toBeLessThanOrEqual(6);
  });
});

describe('comparators from published tables', () => {
  it('reads period cells in each supported format', () => {
    expect(tablePeriodId('2025', 'fy_end_year')).toBe('2024-25');
    expect(tablePeriodId('2024', 'fy_start_year')).toBe('2024-25');
    expect(tablePeriodId('2024', 'academic_start_year')).toBe('AY2024-25');
    expect(tablePeriodId('202425', 'dfe_year')).toBe('2024-25');
    expect(tablePeriodId('202426', 'dfe_year')).toBeUndefined();
    expect(tablePeriodId('2024-25-Q1', 'id')).toBe('2024-25-Q1');
  });

  const def = (comparators: ComparatorDef[]): IndicatorDef => ({
    id: 'cla', title: 'Children in care', shortTitle: 'CLA', description: '', kind: 'performance_measure', priority: 'p', polarity: 'lower_is_better',
    unit: 'rate_per_10000', decimals: 0, frequency: 'annual', periodType: 'fy', targets: {}, minDenominator: 0, disclosure: true, comparators, spc: false,
    definitionVersion: '1', file: '/p/indicators/cla.yaml',
  });
  const table = (where: Record<string, string>, areaColumn: string) => ({
    path: CLA, periodColumn: 'time_period', periodFormat: 'fy_end_year' as const, areaColumn, valueColumn: 'rate_per_10000',
    where: { population_type: 'Children looked after on 31 March each year', ...where },
  });

  it.skipIf(!haveReal)('takes England, a region and the statistical neighbours from the DfE children looked after file', () => {
    const { indicators, problems } = loadComparatorTables({ root: '/p', areas: [{ id: 'all', name: 'Barnsley', code: '370', aliases: [], isWhole: true }] }, [def([
      { id: 'england', label: 'England', values: {}, table: table({ geographic_level: 'National' }, 'country_code'), areaCode: 'E92000001' },
      { id: 'region', label: 'Yorkshire and The Humber', values: {}, table: table({ geographic_level: 'Regional' }, 'region_code'), areaCode: 'E12000003' },
      { id: 'sn', label: 'Statistical neighbours', values: {}, table: table({ geographic_level: 'Local authority' }, 'old_la_code'), statistic: 'neighbours_mean', neighboursModel: SN },
      { id: 'snw', label: 'Statistical neighbours (weighted)', values: {}, table: table({ geographic_level: 'Local authority' }, 'old_la_code'), statistic: 'neighbours_weighted', neighboursModel: SN },
      { id: 'all_las', label: 'All authorities', values: {}, table: table({ geographic_level: 'Local authority' }, 'old_la_code'), statistic: 'rank' },
    ])]);
    expect(problems).toEqual([]);
    const [eng, region, sn, snw, all] = indicators[0].comparators;
    expect(eng.values).toMatchObject({ '2024-25': 67, '2023-24': 69, '2020-21': 69 });
    const regionRow = records(CLA).find((r) => r.geographic_level === 'Regional' && r.region_code === 'E12000003' && r.time_period === '2025' && r.population_type.startsWith('Children looked after on'))!;
    expect(region.values['2024-25']).toBe(Number(regionRow.rate_per_10000));
    // Barnsley's ten neighbours in the 2025 model, read straight from the files.
    const nCodes = records(SN).find((r) => r.old_la_code === '370')!;
    const las = new Map(records(CLA).filter((r) => r.geographic_level === 'Local authority' && r.time_period === '2025' && r.population_type.startsWith('Children looked after on')).map((r) => [r.old_la_code, Number(r.rate_per_10000)]));
    const nv = Array.from({ length: 10 }, (_, i) => las.get(nCodes[`SN_${i + 1}`])!);
    expect(sn.values['2024-25']).toBeCloseTo(nv.reduce((s, x) => s + x, 0) / 10, 12);
    expect(sn.peers?.['2024-25']).toEqual(nv);
    expect(sn.peerGroup).toBe('statistical neighbours');
    // Barnsley's neighbours are all "very close", so the weighted mean equals the plain one.
    expect(snw.values['2024-25']).toBeCloseTo(sn.values['2024-25'], 12);
    // Every other authority with a figure: Cumbria, Northamptonshire and Scilly are `z`, City of London `c`.
    const withFigure = [...las].filter(([code, v]) => code !== '370' && Number.isFinite(v));
    expect(withFigure).toHaveLength(150);
    expect([...all.peers!['2024-25']].sort((a, b) => a - b)).toEqual(withFigure.map(([, v]) => v).sort((a, b) => a - b));
    expect(all.values).toEqual({});
  });

  it.skipIf(!haveReal)('reports a wrong column with the real headers, a missing file and an unknown LA, and keeps the good comparators', () => {
    const { indicators, problems } = loadComparatorTables({ root: '/p', areas: [{ id: 'all', name: 'X', aliases: [], isWhole: true }] }, [def([
      { id: 'typo', label: 'England', values: {}, table: { ...table({}, 'country_code'), valueColumn: 'rate_per_10k' }, areaCode: 'E92000001' },
      { id: 'gone', label: 'Gone', values: {}, table: { ...table({}, 'country_code'), path: '/p/nowhere.csv' }, areaCode: 'E92000001' },
      { id: 'sn', label: 'SN', values: {}, table: table({}, 'old_la_code'), statistic: 'neighbours_mean', neighboursModel: SN, areaCode: '371x' },
      { id: 'noarea', label: 'No area', values: {}, table: table({}, 'old_la_code') },
      { id: 'typed', label: 'Typed', values: { '2024-25': 1 } },
    ])]);
    expect(problems.map((p) => p.code)).toEqual(['BP_COMPARATOR_COLUMN', 'BP_COMPARATOR_FILE', 'BP_COMPARATOR_AREA', 'BP_COMPARATOR_AREA']);
    expect(problems[0]).toMatchObject({ column: 'rate_per_10k', fix: 'did you mean "rate_per_10000"?', yamlPath: 'indicators.cla.comparators.0.table.value_column' });
    expect(problems[0].expected).toMatch(/^one of the table's headers: time_period, time_identifier, /);
    expect(problems[2].fix).toMatch(/did you mean "371"/);
    expect(indicators[0].comparators.map((c) => c.id)).toEqual(['typed']);
  });
});
