/**
 * Comparators read from published tables: an indicator's comparator may name a CSV of every authority's
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
import { containingYear, makePeriod, tryParsePeriodId, type PeriodType } from '../core/periods.js';
import { publishedPeriodId } from '../core/published-periods.js';
import { laCodeCounterpart } from '../core/la-codes.js';
import type { ComparatorDef, ComparatorTableDef, Config, IndicatorDef } from '../config/types.js';
import type { Assessment } from './types.js';
import { DEFAULT_CLOSENESS_WEIGHTS, neighbourAverage, parseStatNeighbourModel, type StatNeighbourModel } from './comparators.js';

/** Official markers and blanks: no value, never zero. */
const NO_VALUE = /^(|c|x|z|u|low|:|\.\.|-|–|n\/a|na|null)$/i;

/** The year type a comparator table's periods have, for an indicator of `type` (a quarter's comparator is its year's). */
export function tableYearType(type: PeriodType): PeriodType {
  return type === 'fy_quarter' || type === 'month' ? 'fy' : type === 'term' ? 'academic_year' : type;
}

/**
 * Reads a table's period cell as a stable period id, or undefined. `type` (the indicator's period type) tells
 * the published formats which kind of year they name; `identifier` is a DfE row's time_identifier.
 */
export function tablePeriodId(text: string, format: ComparatorTableDef['periodFormat'], type: PeriodType = 'fy', identifier?: string): string | undefined {
  const s = String(text).trim();
  if (format === 'id') return tryParsePeriodId(s)?.id;
  if (format === 'dfe_year') {
    const m = /^(\d{4})(\d{2})$/.exec(s);
    return m && (Number(m[1]) + 1) % 100 === Number(m[2]) ? makePeriod(tableYearType(type) === 'academic_year' ? 'academic_year' : 'fy', Number(m[1])).id : undefined;
  }
  if (format === 'academic_start_year') return tablePeriodId(s, 'ay_start_year', 'academic_year');
  if (format === 'calendar_year') return /^\d{4}$/.test(s) ? makePeriod('calendar_year', Number(s)).id : undefined;
  if (format === 'fy_end_year' || format === 'fy_start_year') return publishedPeriodId(s, format, 'fy');
  if (format === 'ay_start_year' || format === 'ay_end_year') return publishedPeriodId(s, format, 'academic_year');
  return publishedPeriodId(s, format, tableYearType(type), identifier) ?? (tableYearType(type) !== type ? publishedPeriodId(s, format, type, identifier) : undefined);
}

/** The formats a comparator table's period column may be written in (for "did you mean" on a format that fits nothing). */
const TABLE_FORMATS: ReadonlyArray<ComparatorTableDef['periodFormat']> = ['id', 'fy_end_year', 'fy_start_year', 'ay_start_year', 'ay_end_year', 'calendar_year', 'dfe_year', 'dfe_ees', 'fingertips', 'label'];

export interface TableRow { period: string; area: string; value: number }

/** The first kept row's period cell (and DfE time_identifier), for a fix that names a format that reads it. */
function parseComparatorSample(csv: string, table: ComparatorTableDef): { period: string; identifier?: string } | undefined {
  const records = parse(csv, { columns: true, bom: true, skip_empty_lines: true, relax_column_count: true, trim: true, to_line: 2000 }) as Array<Record<string, string>>;
  const r = records.find((x) => Object.entries(table.where).every(([k, v]) => (x[k] ?? '') === v));
  return r ? { period: r[table.periodColumn] ?? '', identifier: r.time_identifier } : undefined;
}

/** Which key of `table:` names a column, for the YAML path of a problem. */
function columnKey(table: ComparatorTableDef, col: string): string {
  if (col === table.periodColumn) return 'period_column';
  if (col === table.areaColumn) return 'area_column';
  if (col === table.valueColumn) return 'value_column';
  return `where.${col}`;
}

const DEFAULT_COLUMNS: Record<string, string> = { period_column: 'period', area_column: 'area_code', value_column: 'value' };

/** A comparator table's rows as read, by header: the same for every indicator that reads the file (never changed). */
export type TableRecords = ReadonlyArray<Readonly<Record<string, string>>>;

function tableRecords(csv: string): TableRecords {
  return parse(csv, { columns: true, bom: true, skip_empty_lines: true, relax_column_count: true, trim: true }) as Array<Record<string, string>>;
}

/**
 * A comparator table's records (`tableRecords`) as rows of period, area and value; markers and blanks are skipped,
 * not zero.
 * Errors: a column the table does not have (with its real headers), a `where:` value no row holds (with the
 * values that occur), a period format that reads none of the period cells (with a format that would).
 */
export function parseComparatorTable(records: TableRecords, table: ComparatorTableDef, where: { file: string; yamlPath: string; periodType?: PeriodType }): { rows: TableRow[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const columns = records.length ? Object.keys(records[0]) : [];
  const needed = [...new Set([table.periodColumn, table.areaColumn, table.valueColumn, ...Object.keys(table.where)])];
  for (const col of needed) {
    if (records.length && !columns.includes(col)) {
      const near = didYouMean(col, columns);
      const key = columnKey(table, col);
      const isDefault = DEFAULT_COLUMNS[key] === col;
      problems.push(problem('BP_COMPARATOR_COLUMN', `the comparator table has no column "${col}"${isDefault ? ` (\`${key}\` defaults to "${col}")` : ''}`, {
        file: where.file, column: col, yamlPath: `${where.yamlPath}.${key}`, value: col, expected: `one of the table's headers: ${columns.join(', ')}`,
        fix: near ? `did you mean "${near}"?` : `set \`${key}\` to one of the table's headers`,
      }));
    }
  }
  if (problems.length) return { rows: [], problems };
  // A `where:` value that no row holds leaves the comparator empty: name the values that do occur.
  for (const [k, v] of Object.entries(table.where)) {
    if (records.some((r) => (r[k] ?? '') === v)) continue;
    const held = [...new Set(records.map((r) => r[k] ?? ''))];
    const near = didYouMean(v, held);
    problems.push(problem('BP_COMPARATOR_WHERE', `no row of the comparator table has ${k} = "${v}"`, {
      file: where.file, column: k, yamlPath: `${where.yamlPath}.where.${k}`, value: v,
      expected: `one of ${held.slice(0, 20).map((x) => (x === '' ? '(blank)' : `"${x}"`)).join(', ')}${held.length > 20 ? ', …' : ''}`,
      fix: near ? `did you mean "${near}"?` : 'write the value exactly as the table has it',
    }));
  }
  if (problems.length) return { rows: [], problems };
  const rows: TableRow[] = [];
  const kept = records.map((r, i) => [r, i] as const).filter(([r]) => Object.entries(table.where).every(([k, v]) => (r[k] ?? '') === v));
  const periodOf = (r: Record<string, string>) => tablePeriodId(r[table.periodColumn] ?? '', table.periodFormat, where.periodType, r.time_identifier);
  let badPeriods = 0;
  for (const [r, i] of kept) {
    const raw = String(r[table.valueColumn] ?? '').replace(/,/g, '').trim();
    if (NO_VALUE.test(raw)) continue;
    const period = periodOf(r);
    const value = Number(raw);
    if (!period) {
      if (badPeriods++ === 0) {
        problems.push(problem('BP_COMPARATOR_PERIOD', `the comparator table's period "${r[table.periodColumn]}" is not a ${table.periodFormat === 'id' ? 'period id' : table.periodFormat.replace(/_/g, ' ')}`, {
          severity: 'warning', file: where.file, row: i + 2, column: table.periodColumn, yamlPath: `${where.yamlPath}.period_format`, value: r[table.periodColumn],
          fix: 'set period_format to how the table writes its periods (id, fy_end_year, fy_start_year, ay_start_year, ay_end_year, calendar_year, dfe_year, dfe_ees, fingertips)',
        }));
      }
      continue;
    }
    if (!Number.isFinite(value)) {
      problems.push(problem('BP_COMPARATOR_VALUE', `the comparator table's value "${r[table.valueColumn]}" is not a number`, {
        severity: 'warning', file: where.file, row: i + 2, column: table.valueColumn, yamlPath: `${where.yamlPath}.value_column`, value: r[table.valueColumn],
        fix: 'use a number or an official marker (c, x, z, u, low)',
      }));
      continue;
    }
    rows.push({ period, area: String(r[table.areaColumn] ?? '').trim(), value });
  }
  if (!rows.length && badPeriods) {
    // Not one period read: the format is wrong, not a cell. Name a format that reads them.
    const sample = kept.map(([r]) => r).filter((r) => !NO_VALUE.test(String(r[table.valueColumn] ?? '').trim()));
    const wanted = where.periodType;
    const serves = (id: string | undefined) => id !== undefined && (!wanted || [wanted, tableYearType(wanted)].includes(tryParsePeriodId(id)?.type as PeriodType));
    const fits = TABLE_FORMATS.find((f) => f !== table.periodFormat && sample.length && sample.every((r) => serves(tablePeriodId(r[table.periodColumn] ?? '', f, wanted, r.time_identifier))));
    problems.splice(problems.findIndex((p) => p.code === 'BP_COMPARATOR_PERIOD'), 1, problem('BP_COMPARATOR_PERIOD', `period_format ${table.periodFormat} reads none of the table's periods (column "${table.periodColumn}" holds e.g. "${sample[0]?.[table.periodColumn] ?? ''}")`, {
      file: where.file, column: table.periodColumn, yamlPath: `${where.yamlPath}.period_format`, value: table.periodFormat,
      expected: `a format that reads "${sample[0]?.[table.periodColumn] ?? ''}"`,
      fix: fits ? `set \`period_format: ${fits}\`` : 'set period_format to how the table writes its periods (id, fy_end_year, fy_start_year, ay_start_year, calendar_year, dfe_year, dfe_ees, fingertips)',
    }));
  }
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

const TYPE_WORDS: Record<PeriodType, string> = {
  fy_quarter: 'financial-year quarters', fy: 'financial years', academic_year: 'academic years', term: 'terms', month: 'months', calendar_year: 'calendar years',
};

/** Why a table's periods cannot serve the indicator's (a table of calendar years for a financial-year indicator), or undefined. */
function periodTypeMismatch(def: IndicatorDef, rows: TableRow[]): string | undefined {
  if (!rows.length) return undefined;
  const types = new Set(rows.map((r) => tryParsePeriodId(r.period)?.type));
  if (types.has(def.periodType) || types.has(tableYearType(def.periodType))) return undefined;
  const [t] = [...types];
  return `the comparator table's periods read as ${t ? TYPE_WORDS[t] : 'no period type'} (e.g. ${rows[0].period}), but the indicator reports ${TYPE_WORDS[def.periodType]}: no figure can be compared`;
}

/** A period format that reads `text` as the indicator's periods (or the years holding them), for the fix. */
function formatFor(text: string, type: PeriodType, identifier?: string): ComparatorTableDef['periodFormat'] | undefined {
  return TABLE_FORMATS.find((f) => {
    const id = tablePeriodId(text, f, type, identifier);
    const t = id ? tryParsePeriodId(id)?.type : undefined;
    return t === type || t === tableYearType(type);
  });
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
  // A file several indicators read (one export holding many indicators, picked by `where:`) is parsed once.
  const parsed = new Map<string, TableRecords>();
  const records = (file: string, text: string) => parsed.get(file) ?? parsed.set(file, tableRecords(text)).get(file)!;
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
      const { rows, problems: ps } = parseComparatorTable(records(c.table.path, text), c.table, { file: c.table.path, yamlPath: `${yamlPath}.table`, periodType: def.periodType });
      problems.push(...ps);
      if (ps.some((p) => p.severity === 'error')) return;
      const mismatch = periodTypeMismatch(def, rows);
      if (mismatch) {
        const sample = text.split(/\r?\n/)[1] ? parseComparatorSample(text, c.table) : undefined;
        const fits = sample ? formatFor(sample.period, def.periodType, sample.identifier) : undefined;
        problems.push(problem('BP_COMPARATOR_PERIOD', mismatch, {
          file: def.file, column: c.table.periodColumn, yamlPath: `${yamlPath}.table.period_format`, value: c.table.periodFormat,
          fix: fits ? `set \`period_format: ${fits}\` (it reads "${sample!.period}" as ${tablePeriodId(sample!.period, fits, def.periodType, sample!.identifier)})` : `set period_format so the table's periods are the indicator's ${TYPE_WORDS[def.periodType]} (or the years that hold them), or correct the indicator's period_type`,
        }));
        return;
      }
      let areaCode = c.areaCode ?? whole?.code;
      // An authority named by its ONS code in a table (or model) keyed by DfE LA numbers, or the other way round.
      const other = areaCode ? laCodeCounterpart(areaCode) : undefined;
      if (areaCode && other && !rows.some((r) => r.area === areaCode) && rows.some((r) => r.area === other)) areaCode = other;
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
        if (!model.has(areaCode) && other && model.has(other)) areaCode = other;
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
  return { indicators: resolved, problems: problems.map((p) => atIndicator(p, indicators, config.root)) };
}

/**
 * A comparator problem is the indicator's: its file is the indicator's YAML (so `validate` can give the line of
 * its YAML path), and the table or model it is about is named in the message.
 */
function atIndicator(p: Problem, indicators: IndicatorDef[], root: string): Problem {
  const def = indicators.find((d) => d.id === p.yamlPath?.split('.')[1]);
  if (!def || !p.file || p.file === def.file) return p;
  const rel = path.relative(root, p.file) || p.file;
  return { ...p, file: def.file, message: p.code === 'BP_COMPARATOR_FILE' ? p.message : `${rel}: ${p.message}` };
}

/**
 * What the run reports about comparators beside the pack's appendix: every comparator that could not be read
 * (an error: exit 1 and a --strict gate), and every comparator with no value for an indicator's report period
 * (a warning: "England –: not compared" must not pass unnoticed). `gaps` are new; `errors` are already among
 * the assessment's data-quality notes.
 */
export function comparatorRunProblems(assessment: Pick<Assessment, 'indicators' | 'dataQuality'>): { errors: Problem[]; gaps: Problem[] } {
  const errors = assessment.dataQuality.filter((p) => p.code.startsWith('BP_COMPARATOR_') && p.severity === 'error');
  const gaps: Problem[] = [];
  for (const ia of assessment.indicators) {
    const def = ia.indicator;
    const period = ia.latest.period;
    const year = tryParsePeriodId(period);
    def.comparators.forEach((c, i) => {
      const result = ia.latest.comparators.find((r) => r.id === c.id);
      if (!result || result.value !== null) return;
      const peers = c.peers?.[period] ?? (year ? c.peers?.[containingYear(year).id] : undefined);
      if (c.statistic === 'rank' && peers?.length) return;
      const held = Object.keys(c.values).concat(Object.keys(c.peers ?? {})).sort();
      gaps.push(problem('BP_COMPARATOR_NO_VALUE', `${def.title}: comparator "${c.label}" has no value for ${ia.latest.periodLabel}`, {
        severity: 'warning', file: def.file, yamlPath: `indicators.${def.id}.comparators.${def.comparators.indexOf(c) >= 0 ? def.comparators.indexOf(c) : i}`, value: c.id,
        expected: held.length ? `a value for ${period}; it has ${[...new Set(held)].slice(-4).join(', ')}` : `a value for ${period}; it has none at all`,
        fix: held.length ? 'the comparator\'s figures end earlier than ours: add the newer release of its table (or its value under `values:`)' : 'check the comparator\'s table, `where:`, `area_code` and `period_format` (boardpack validate checks them)',
      }));
    });
  }
  return { errors, gaps };
}
