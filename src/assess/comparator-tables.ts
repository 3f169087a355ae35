/**
 * Comparators read from published tables (#6): an indicator's comparator may name a CSV of every authority's
 * values (a DfE or Fingertips download) instead of typing values into its YAML. This module is the stage's
 * one read of files: `loadComparatorTables` reads each table and neighbour model once, before the pure
 * judgements, and fills the comparator's `values` (England, region, the neighbours' average) and `peers`
 * (to rank our figure among). Every problem is coded and names the file, column and value; a comparator
 * that cannot be read is dropped and the indicator still assessed.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { didYouMean, problem, type Problem } from '../core/errors.js';
import { makePeriod, tryParsePeriodId } from '../core/periods.js';
import type { ComparatorDef, ComparatorTableDef, Config, IndicatorDef } from '../config/types.js';
import { DEFAULT_CLOSENESS_WEIGHTS, neighbourAverage, parseStatNeighbourModel, type StatNeighbourModel } from './comparators.js';

/** Official markers and blanks: no value, never zero. */
const NO_VALUE = /^(|c|x|z|u|low|:|\.\.|-|–|n\/a|na|null)$/i;

/** Reads a table's period cell as a stable period id, or undefined. */
export function tablePeriodId(text: string, format: ComparatorTableDef['periodFormat']): string | undefined {
  const s = String(text).trim();
  if (format === 'id') return tryParsePeriodId(s)?.id;
  if (format === 'dfe_year') {
    const m = /^(\d{4})(\d{2})$/.exec(s);
    return m && (Number(m[1]) + 1) % 100 === Number(m[2]) ? makePeriod('fy', Number(m[1])).id : undefined;
  }
  const m = /^(\d{4})/.exec(s);
  if (!m) return undefined;
  const y = Number(m[1]);
  switch (format) {
    case 'fy_end_year': return makePeriod('fy', y - 1).id;
    case 'fy_start_year': return makePeriod('fy', y).id;
    case 'academic_start_year': return makePeriod('academic_year', y).id;
    case 'calendar_year': return makePeriod('calendar_year', y).id;
  }
}

export interface TableRow { period: string; area: string; value: number }

/** Parses a comparator table into rows of period, area and value; markers and blanks are skipped, not zero. */
export function parseComparatorTable(csv: string, table: ComparatorTableDef, where: { file: string; yamlPath: string }): { rows: TableRow[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const records = parse(csv, { columns: true, bom: true, skip_empty_lines: true, relax_column_count: true, trim: true }) as Array<Record<string, string>>;
  const columns = records.length ? Object.keys(records[0]) : [];
  const needed = [table.periodColumn, table.areaColumn, table.valueColumn, ...Object.keys(table.where)];
  for (const col of needed) {
    if (records.length && !columns.includes(col)) {
      const near = didYouMean(col, columns);
      problems.push(problem('BP_COMPARATOR_COLUMN', `the comparator table has no column "${col}"`, {
        file: where.file, column: col, yamlPath: where.yamlPath, value: col, expected: `one of: ${columns.join(', ')}`,
        fix: near ? `did you mean "${near}"?` : 'set period_column, area_column and value_column to the table\'s headers',
      }));
    }
  }
  if (problems.length) return { rows: [], problems };
  const rows: TableRow[] = [];
  let badPeriods = 0;
  records.forEach((r, i) => {
    for (const [k, v] of Object.entries(table.where)) if ((r[k] ?? '') !== v) return;
    const raw = String(r[table.valueColumn] ?? '').replace(/,/g, '').trim();
    if (NO_VALUE.test(raw)) return;
    const period = tablePeriodId(r[table.periodColumn] ?? '', table.periodFormat);
    const value = Number(raw);
    if (!period) {
      if (badPeriods++ === 0) {
        problems.push(problem('BP_COMPARATOR_PERIOD', `the comparator table's period "${r[table.periodColumn]}" is not a ${table.periodFormat === 'id' ? 'period id' : table.periodFormat.replace(/_/g, ' ')}`, {
          severity: 'warning', file: where.file, row: i + 2, column: table.periodColumn, yamlPath: where.yamlPath, value: r[table.periodColumn],
          fix: 'set period_format to how the table writes its periods (id, fy_end_year, fy_start_year, academic_start_year, calendar_year, dfe_year)',
        }));
      }
      return;
    }
    if (!Number.isFinite(value)) {
      problems.push(problem('BP_COMPARATOR_VALUE', `the comparator table's value "${r[table.valueColumn]}" is not a number`, {
        severity: 'warning', file: where.file, row: i + 2, column: table.valueColumn, yamlPath: where.yamlPath, value: r[table.valueColumn],
        fix: 'use a number or an official marker (c, x, z, u, low)',
      }));
      return;
    }
    rows.push({ period, area: String(r[table.areaColumn] ?? '').trim(), value });
  });
  return { rows, problems };
}

/**
 * Fills `values` and `peers` of one comparator from its table rows: the area's own value, the statistical
 * neighbours' plain or weighted mean (with the neighbours as the peer group), or only the peer group of
 * every other area (`rank`).
 */
export function resolveComparator(c: ComparatorDef, rows: TableRow[], areaCode: string, model?: StatNeighbourModel): ComparatorDef {
  const statistic = c.statistic ?? (model ? 'neighbours_mean' : 'value');
  const byPeriod = new Map<string, Map<string, number>>();
  for (const r of rows) (byPeriod.get(r.period) ?? byPeriod.set(r.period, new Map()).get(r.period)!).set(r.area, r.value);
  const values: Record<string, number> = { ...c.values };
  const peers: Record<string, number[]> = {};
  for (const [period, areas] of byPeriod) {
    if (statistic === 'value') {
      const v = areas.get(areaCode);
      if (v !== undefined) values[period] = v;
    } else if (statistic === 'rank') {
      peers[period] = [...areas].filter(([a]) => a !== areaCode).map(([, v]) => v);
    } else {
      const avg = neighbourAverage(model!, areaCode, areas, DEFAULT_CLOSENESS_WEIGHTS);
      const v = statistic === 'neighbours_weighted' ? avg.weightedMean : avg.mean;
      if (v !== null) values[period] = v;
      peers[period] = avg.used.map((u) => u.value);
    }
  }
  const out: ComparatorDef = { ...c, statistic, values };
  if (statistic !== 'value') {
    out.peers = peers;
    out.peerGroup = statistic === 'rank' ? 'all authorities' : 'statistical neighbours';
  }
  return out;
}

/** Reads every comparator table and neighbour model the indicators name (each file once) and resolves them. */
export function loadComparatorTables(config: Pick<Config, 'root' | 'areas'>, indicators: IndicatorDef[]): { indicators: IndicatorDef[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const texts = new Map<string, string | null>();
  const read = (file: string, yamlPath: string): string | null => {
    if (!texts.has(file)) {
      try {
        texts.set(file, readFileSync(file, 'utf8'));
      } catch (e) {
        texts.set(file, null);
        problems.push(problem('BP_COMPARATOR_FILE', `cannot read the comparator file ${path.relative(config.root, file) || file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
          file, yamlPath, value: path.relative(config.root, file), fix: 'check the path (relative to the project folder) and that the file is there',
        }));
      }
    }
    return texts.get(file) ?? null;
  };
  const models = new Map<string, StatNeighbourModel>();
  const whole = config.areas.find((a) => a.isWhole);
  const resolved = indicators.map((def) => {
    if (!def.comparators.some((c) => c.table)) return def;
    const comparators: ComparatorDef[] = [];
    def.comparators.forEach((c, i) => {
      const yamlPath = `indicators.${def.id}.comparators.${i}`;
      if (!c.table) { comparators.push(c); return; }
      const text = read(c.table.path, `${yamlPath}.table.path`);
      if (text === null) return;
      const { rows, problems: ps } = parseComparatorTable(text, c.table, { file: c.table.path, yamlPath: `${yamlPath}.table` });
      problems.push(...ps);
      if (ps.some((p) => p.severity === 'error')) return;
      const areaCode = c.areaCode ?? whole?.code;
      if (!areaCode) {
        problems.push(problem('BP_COMPARATOR_AREA', `comparator "${c.id}" needs an area code`, { file: def.file, yamlPath: `${yamlPath}.area_code`, fix: 'set area_code, or a code for the partnership (area `all`) in boardpack.yaml' }));
        return;
      }
      let model: StatNeighbourModel | undefined;
      const wantsModel = c.statistic === 'neighbours_mean' || c.statistic === 'neighbours_weighted' || (!c.statistic && c.neighboursModel);
      if (wantsModel) {
        if (!c.neighboursModel) {
          problems.push(problem('BP_COMPARATOR_MODEL', `comparator "${c.id}" asks for ${c.statistic} but names no statistical neighbour model`, { file: def.file, yamlPath: `${yamlPath}.neighbours_model`, fix: 'set neighbours_model to the DfE statistical neighbour model CSV (wide layout, SN_1 … SN_10)' }));
          return;
        }
        const mtext = read(c.neighboursModel, `${yamlPath}.neighbours_model`);
        if (mtext === null) return;
        model = models.get(c.neighboursModel) ?? parseStatNeighbourModel(mtext);
        models.set(c.neighboursModel, model);
        if (!model.has(areaCode)) {
          const near = didYouMean(areaCode, [...model.keys()]);
          problems.push(problem('BP_COMPARATOR_AREA', `LA code "${areaCode}" is not in the statistical neighbour model`, { file: c.neighboursModel, yamlPath: `${yamlPath}.area_code`, value: areaCode, expected: 'a 3-digit DfE LA code from the model\'s old_la_code column', fix: near ? `did you mean "${near}"?` : 'set area_code to your authority\'s DfE code' }));
          return;
        }
      } else if ((c.statistic ?? 'value') === 'value' && rows.length && !rows.some((r) => r.area === areaCode)) {
        problems.push(problem('BP_COMPARATOR_AREA', `no row of the comparator table has area "${areaCode}" in column "${c.table.areaColumn}"`, { severity: 'warning', file: c.table.path, column: c.table.areaColumn, yamlPath: `${yamlPath}.area_code`, value: areaCode, fix: 'set area_code to the code the table uses (e.g. E92000001 for England)' }));
      }
      comparators.push(resolveComparator(c, rows, areaCode, model));
    });
    return { ...def, comparators };
  });
  return { indicators: resolved, problems };
}
