/**
 * `validateProject`: everything `loadProject` checks, plus every indicator's compiled SQL bound against the
 * warehouse schema the source contracts promise, without any data. An in-memory DuckDB gets one empty table
 * per source with exactly the columns ingest would create (`warehouseColumns`: the contract's columns typed as
 * stage.ts types them, plus `period`, `area` and `<col>__marker`), and each statement is bound with DESCRIBE.
 * This reads the later stages' pure functions (compile, warehouseColumns) but runs none of their IO, except that
 * every comparator table is read as `run` would read it.
 */
import type { Problem } from '../core/errors.js';
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
        // The text as written at that path is the offending value.
        const [name, key] = part.split('.') as ['numerator' | 'denominator' | 'sql', 'expr' | 'where' | 'period' | undefined];
        const written = name === 'sql' ? def.sql : key === 'expr' || key === 'where' ? def[name]?.[key] : undefined;
        if (p.value === undefined && written !== undefined) p.value = written.trim();
        out.push(p);
      }
    }
  } finally {
    wh.close();
  }
  return out;
}

/** Which part of the definition an error most likely comes from: the part whose text names the bad column. */
function partAt(e: unknown, def: IndicatorDef): string {
  const col = /column "?([^"\s]+)"?/i.exec((e as Error)?.message ?? '')?.[1];
  for (const name of ['numerator', 'denominator'] as const) {
    const p = def[name];
    if (!p) continue;
    if (col && new RegExp(`\\b${col.replace(/[^\w]/g, '')}\\b`).test(p.expr)) return `${name}.expr`;
    if (col && p.where && new RegExp(`\\b${col.replace(/[^\w]/g, '')}\\b`).test(p.where)) return `${name}.where`;
    const periodCols = p.period.kind === 'snapshot' ? [p.period.start, p.period.end] : [p.period.column];
    if (col && periodCols.includes(col)) return `${name}.period`;
  }
  return 'numerator.expr';
}
