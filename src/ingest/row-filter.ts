/**
 * Row filters of a source, applied to the raw rows before they are typed: `where:` (keep rows whose columns
 * hold these values) and `area_codes:` (keep the partnership's own rows of a national file, matched by ONS
 * code or DfE LA number). Rows filtered out are counted once ("8,412 rows for other areas ignored"), never
 * reported one by one; a filter that keeps nothing is an error that lists what the file does hold.
 */
import { problem, type Problem } from '../core/errors.js';
import { laCodeCounterpart } from '../core/la-codes.js';
import type { Area, SourceDef } from '../config/types.js';
import { quoteIdent as q, quoteLiteral, type Warehouse } from '../warehouse/db.js';
import { RAW_TABLE } from './raw-table.js';

export interface RowFilterResult {
  problems: Problem[];
  /** Rows dropped by `where:` and by `area_codes:`. */
  ignored: { where: number; otherAreas: number };
  /** One line for the log, or undefined when nothing was filtered. */
  summary?: string;
}

const count = (n: number) => n.toLocaleString('en-GB');

/** Codes compared without case, spaces or punctuation ("E06000021", "e06000021 "). */
const codeKey = (s: string) => s.trim().toLowerCase().replace(/[^a-z0-9]/g, '');

/** The codes each area is known by in published files: its code, aliases, and the other of its ONS / DfE codes. */
export function areaCodeLookup(areas: Area[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const a of areas) {
    for (const k of [a.code, ...a.aliases]) {
      if (!k) continue;
      out.set(codeKey(k), a.id);
      const other = laCodeCounterpart(k);
      if (other) out.set(codeKey(other), a.id);
    }
  }
  return out;
}

/** The areas a project has, for messages: `Stoke-on-Trent (all, E06000021), Hanley (hanley, E05…)`. */
export function knownAreas(areas: Area[]): string {
  return areas.map((a) => `${a.name} (${[a.id, a.code].filter(Boolean).join(', ')})`).join('; ');
}

export async function applyRowFilters(wh: Warehouse, source: SourceDef, areas: Area[], relFile: (f: string) => string = (f) => f): Promise<RowFilterResult> {
  const out: RowFilterResult = { problems: [], ignored: { where: 0, otherAreas: 0 } };
  if (!source.where && !source.areaCodes) return out;
  const rawCols = new Set((await wh.all<{ column_name: string }>(`SELECT column_name FROM (DESCRIBE ${RAW_TABLE})`)).map((c) => c.column_name));
  const [{ n: before }] = await wh.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${RAW_TABLE}`);
  const firstFile = async () => relFile((await wh.all<{ f: string }>(`SELECT min(_file) AS f FROM ${RAW_TABLE}`))[0]?.f ?? source.relativePath);

  if (source.where) {
    const conds = Object.entries(source.where).map(([col, values]) => {
      const cell = `coalesce(trim(${q(col)}), '')`;
      return `${cell} IN (${values.map((v) => quoteLiteral(v.trim())).join(', ')})`;
    });
    // What each where-column holds, to name it when the filter keeps nothing.
    if (before > 0) {
      const [{ kept }] = await wh.all<{ kept: number }>(`SELECT count(*)::INTEGER AS kept FROM ${RAW_TABLE} WHERE ${conds.join(' AND ')}`);
      if (kept === 0) {
        for (const [col, values] of Object.entries(source.where)) {
          const held = (await wh.all<{ v: string }>(`SELECT DISTINCT coalesce(trim(${q(col)}), '') AS v FROM ${RAW_TABLE} ORDER BY 1 LIMIT 21`)).map((r) => r.v);
          if (values.some((v) => held.includes(v.trim()))) continue;
          out.problems.push(problem('BP_INGEST_WHERE_NO_ROWS', `\`where: {${col}: ${values.join(' | ')}}\` keeps no row: the column never holds ${values.length > 1 ? 'any of these values' : 'that value'}`, {
            file: await firstFile(), column: col, yamlPath: `sources.${source.id}.where.${col}`, value: values.join(', '),
            expected: `one of ${held.slice(0, 20).map((v) => (v === '' ? '(blank)' : v)).join(', ')}${held.length > 20 ? ', …' : ''}`,
            fix: 'write the value exactly as the file has it (or remove the filter)',
          }));
        }
        if (!out.problems.length) {
          out.problems.push(problem('BP_INGEST_WHERE_NO_ROWS', `\`where:\` keeps no row: no row has all of these values together`, {
            file: await firstFile(), yamlPath: `sources.${source.id}.where`, value: Object.entries(source.where).map(([k, v]) => `${k}=${v.join('|')}`).join(', '),
            fix: 'check the combination of values in the file',
          }));
        }
        return out;
      }
      await wh.run(`DELETE FROM ${RAW_TABLE} WHERE NOT (${conds.join(' AND ')})`);
      out.ignored.where = before - kept;
    }
  }

  if (source.areaCodes) {
    const cols = source.areaCodes.filter((c) => rawCols.has(c));
    const whole = areas.find((a) => a.isWhole);
    // With an area column the localities' rows are kept (and mapped by it); otherwise the partnership's own.
    const wanted = source.areaColumn ? areas.filter((a) => !a.isWhole) : areas.filter((a) => a.isWhole);
    const lookup = areaCodeLookup(wanted);
    if (!lookup.size) {
      out.problems.push(problem('BP_INGEST_NO_AREA_CODE', source.areaColumn
        ? 'no locality has a code, so `area_codes:` cannot tell their rows from other authorities\''
        : `the partnership (area \`all\`${whole ? `, ${whole.name}` : ''}) has no code, so \`area_codes:\` cannot find its rows`, {
        yamlPath: source.areaColumn ? 'areas' : 'areas.0.code', value: knownAreas(areas),
        expected: 'an ONS code (E06000021) or DfE LA number (861)',
        fix: source.areaColumn ? 'give each locality its `code:` in boardpack.yaml' : 'set `code:` of the area with id `all` in boardpack.yaml to your authority\'s ONS code or DfE LA number',
      }));
      return out;
    }
    const codes = [...lookup.keys()];
    // codeKey in SQL, for the few code columns.
    const canonSql = (c: string) => `lower(regexp_replace(coalesce(trim(${q(c)}), ''), '[^A-Za-z0-9]', '', 'g'))`;
    const match = cols.map((c) => `${canonSql(c)} IN (${codes.map(quoteLiteral).join(', ')})`).join(' OR ') || 'FALSE';
    const [{ n: rows }] = await wh.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${RAW_TABLE}`);
    const [{ kept }] = await wh.all<{ kept: number }>(`SELECT count(*)::INTEGER AS kept FROM ${RAW_TABLE} WHERE ${match}`);
    if (rows > 0 && kept === 0) {
      const sample = cols.length ? (await wh.all<{ v: string }>(`SELECT DISTINCT trim(${q(cols[0])}) AS v FROM ${RAW_TABLE} WHERE trim(${q(cols[0])}) <> '' ORDER BY 1 LIMIT 8`)).map((r) => r.v) : [];
      out.problems.push(problem('BP_INGEST_NO_AREA_ROWS', `no row has ${source.areaColumn ? 'a locality\'s' : 'the partnership\'s'} code in ${source.areaCodes.join(' or ')}`, {
        file: await firstFile(), column: source.areaCodes.join(', '), yamlPath: `sources.${source.id}.area_codes`,
        value: wanted.map((a) => a.code).filter(Boolean).join(', '),
        expected: cols.length ? `codes as the file writes them, e.g. ${sample.join(', ')}` : `a column named ${source.areaCodes.join(' or ')}`,
        fix: cols.length ? `set \`code:\` of ${source.areaColumn ? 'each locality' : 'the area `all`'} in boardpack.yaml to a code the file uses (ONS E06… or DfE LA number)` : 'name the column(s) holding authority codes in `area_codes:`',
      }));
      return out;
    }
    await wh.run(`DELETE FROM ${RAW_TABLE} WHERE NOT (${match})`);
    out.ignored.otherAreas = rows - kept;
  }
  const parts = [
    out.ignored.otherAreas ? `${count(out.ignored.otherAreas)} rows for other areas ignored` : '',
    out.ignored.where ? `${count(out.ignored.where)} rows outside \`where:\` ignored` : '',
  ].filter(Boolean);
  if (parts.length) out.summary = parts.join(', ');
  return out;
}
