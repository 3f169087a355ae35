/**
 * `validateProject`: everything `loadProject` checks, plus every indicator's compiled SQL bound against the
 * warehouse schema the source contracts promise, without any data. An in-memory DuckDB gets one empty table
 * per source with exactly the columns ingest would create (`warehouseColumns`: the contract's columns typed as
 * stage.ts types them, plus `period`, `area` and `<col>__marker`), and each statement is bound with DESCRIBE.
 * This reads the later stages' pure functions (compile, warehouseColumns) but runs none of their IO, except that
 * every comparator table is read as `run` would read it.
 */
import { didYouMean, type Problem } from '../core/errors.js';
import { openWarehouse, enrichDuckDbError, quoteIdent } from '../warehouse/db.js';
import { ensureMeta } from '../warehouse/meta.js';
import { warehouseColumns } from '../ingest/stage.js';
import { compileIndicator } from '../measures/compile.js';
import { checkIdentifierUse } from '../measures/identifiers.js';
import { checkFragment, checkStatement, confineWarehouse } from '../measures/confine.js';
import { BoardpackError } from '../core/errors.js';
import { loadComparatorTables } from '../assess/comparator-tables.js';
import { addLines, loadProject, type LoadResult } from './load.js';
import type { Config, IndicatorDef, SourceDef } from './types.js';

export interface ValidateResult extends LoadResult {
  /** The compiled SQL of every indicator that was checked against the schema. */
  compiled: Array<{ indicator: string; sql: string }>;
  errors: number;
  warnings: number;
}

/** Load, validate and bind a project; never throws for user mistakes. */
export async function validateProject(dir: string): Promise<ValidateResult> {
  const res = await loadProject(dir);
  const compiled: ValidateResult['compiled'] = [];
  if (res.config && res.indicators.length) {
    const sqlProblems = await checkIndicatorSql(res.config, res.indicators, compiled);
    await addLines(sqlProblems);
    res.problems.push(...sqlProblems);
    const failed = new Set(sqlProblems.map((p) => p.yamlPath?.split('.')[1]));
    res.indicators = res.indicators.filter((d) => !failed.has(d.id));
    if (res.project) res.project.indicators = res.indicators;
  }
  if (res.config && res.indicators.some((d) => d.comparators.some((c) => c.table))) {
    // Every comparator table read as `run` reads it: file, columns, `where:` values, period format, neighbour model.
    const { problems } = loadComparatorTables(res.config, res.indicators);
    await addLines(problems);
    res.problems.push(...problems);
  }
  return {
    ...res,
    compiled,
    errors: res.problems.filter((p) => p.severity === 'error').length,
    warnings: res.problems.filter((p) => p.severity === 'warning').length,
  };
}

const NUMERIC = new Set(['integer', 'decimal', 'percent']);

/** DuckDB column types of a source's warehouse table, as ingest's stage.ts produces them. */
export function warehouseSchema(source: SourceDef): Array<[string, string]> {
  const markers = new Set(source.columns.filter((c) => NUMERIC.has(c.type)).map((c) => `${c.name}__marker`));
  const types = new Map(source.columns.map((c) => [c.name, NUMERIC.has(c.type) ? 'DOUBLE' : c.type === 'date' ? 'DATE' : 'VARCHAR']));
  return warehouseColumns(source, markers).map((name) => [name, name === '_row' ? 'INTEGER' : types.get(name) ?? 'VARCHAR']);
}

export async function checkIndicatorSql(config: Config, indicators: IndicatorDef[], compiled: ValidateResult['compiled'] = []): Promise<Problem[]> {
  const out: Problem[] = [];
  const wh = await openWarehouse(':memory:');
  try {
    await ensureMeta(wh);
    const tables: Record<string, string[]> = {};
    for (const s of config.sources) {
      if (tables[s.table]) continue;
      const cols = warehouseSchema(s);
      await wh.run(`CREATE TABLE ${quoteIdent(s.table)} (${cols.map(([n, t]) => `${quoteIdent(n)} ${t}`).join(', ')})`);
      tables[s.table] = cols.map(([n]) => n);
    }
    await confineWarehouse(wh);
    for (const def of indicators) {
      // A source without a column contract has already been reported; binding against it would only repeat that.
      const parts = [def.numerator, def.denominator].filter((p) => p !== undefined);
      if (parts.some((p) => !config.sources.find((s) => s.id === p.from)?.columns.length)) continue;
      const sql = compileIndicator(def, config, tables);
      compiled.push({ indicator: def.id, sql });
      const used = [def.numerator?.from, def.denominator?.from].filter(Boolean) as string[];
      const seen = Object.fromEntries((used.length ? used : config.sources.map((s) => s.id)).map((id) => {
        const t = config.sources.find((x) => x.id === id)?.table ?? id;
        return [t, (tables[t] ?? []).filter((c) => !c.startsWith('_'))];
      }));
      try {
        // The same checks, on the same kind of confined connection, as the run: so validate and run agree.
        const ctx = { what: `indicator ${def.id}`, file: def.file };
        for (const [part, key] of [[def.numerator, 'numerator'], [def.denominator, 'denominator']] as const) {
          checkFragment(part?.expr, { ...ctx, yamlPath: `indicators.${def.id}.${key}.expr` });
          checkFragment(part?.where, { ...ctx, yamlPath: `indicators.${def.id}.${key}.where` });
        }
        await checkIdentifierUse(wh, def, config);
        const sqlCtx = { ...ctx, yamlPath: `indicators.${def.id}.${def.sql ? 'sql' : 'numerator.expr'}` };
        if (def.sql) (await checkStatement(wh, def.sql.trim().replace(/;\s*$/, ''), sqlCtx)).prepared.destroySync();
        (await checkStatement(wh, sql, sqlCtx)).prepared.destroySync();
      } catch (e) {
        if (e instanceof BoardpackError) { out.push(...e.problems); continue; }
        const part = def.sql ? 'sql' : partAt(e, def);
        const p = enrichDuckDbError(e, { what: `indicator ${def.id}`, file: def.file, yamlPath: `indicators.${def.id}.${part}`, tables: seen }).problems[0];
        const [name, key] = part.split('.') as ['numerator' | 'denominator' | 'sql', 'expr' | 'where' | 'period' | undefined];
        const column = boundColumn(e);
        const source = name === 'sql' ? undefined : config.sources.find((s) => s.id === def[name]?.from);
        if (column && source) {
          // Name the source (not the compiled SQL's alias), the YAML key that holds the column, and the source's own columns.
          const has = (tables[source.table] ?? []).filter((c) => !c.startsWith('_') && !c.endsWith('__marker'));
          const near = didYouMean(column, has);
          p.message = `indicator ${def.id}: source "${source.id}" has no column "${column}" (named in ${name}.${part.split('.').slice(1).join('.')})`;
          p.value = column;
          p.fix = `${near ? `did you mean "${near}"? ` : ''}${p.fix}; if the extract calls it something else, give the source's column an alias (\`${near ?? column}: {aliases: [<header>]}\`: with a preset's contract only the columns you write change)`;
        } else {
          // The text as written at that path is the offending value.
          const written = name === 'sql' ? def.sql : key === 'expr' || key === 'where' ? def[name]?.[key] : undefined;
          if (p.value === undefined && written !== undefined) p.value = written.trim();
        }
        out.push(p);
      }
    }
  } finally {
    wh.close();
  }
  return out;
}

/** The column a DuckDB bind error names, if any. */
function boundColumn(e: unknown): string | undefined {
  const msg = (e as Error)?.message ?? '';
  const m = /does not have a column named "?([^"\s]+)"?/i.exec(msg) ?? /Referenced column "?([^"\s]+)"? not found/i.exec(msg) ?? /column "?([^"\s]+)"? (?:does not exist|not found)/i.exec(msg);
  return m?.[1];
}

/** Which YAML key of the definition holds the bad column: the expression, the filter or the period rule that names it. */
function partAt(e: unknown, def: IndicatorDef): string {
  const col = boundColumn(e);
  const names = (text: string | undefined) => col !== undefined && text !== undefined && new RegExp(`(^|[^\\w"])"?${col.replace(/[^\w]/g, (c) => `\\${c}`)}"?([^\\w"]|$)`).test(text);
  for (const name of ['numerator', 'denominator'] as const) {
    const p = def[name];
    if (!p || !col) continue;
    if (p.period.kind === 'event' && p.period.column === col) return `${name}.period.event`;
    if (p.period.kind === 'snapshot' && (p.period.start === col || p.period.end === col)) return `${name}.period.snapshot`;
    if (p.period.kind === 'column' && p.period.column === col) return `${name}.period.column`;
    if (names(p.expr)) return `${name}.expr`;
    if (names(p.where)) return `${name}.where`;
    if (p.area === col) return `${name}.area`;
  }
  return 'numerator.expr';
}
