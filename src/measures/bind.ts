/**
 * The bind check of `validate`: every indicator's compiled SQL bound (prepared, never run) against the warehouse
 * schema its source contracts promise, without any data. An in-memory DuckDB gets one empty table per source
 * with exactly the columns and types ingest would create (`warehouseSchema`, ingest's own typing), is confined
 * like the run's measures instance, and each statement goes through the same checks as the run.
 */
import { didYouMean, type Problem } from '../core/errors.js';
import { AGGREGATABLE } from '../core/periods.js';
import { openWarehouse, enrichDuckDbError, quoteIdent } from '../warehouse/db.js';
import { ensureMeta } from '../warehouse/meta.js';
import { warehouseSchema } from '../ingest/stage.js';
import { compileIndicator } from './compile.js';
import { checkIdentifierUse } from './identifiers.js';
import { checkFragment, checkStatement, confineWarehouse } from './confine.js';
import { aggregateProblem } from './index.js';
import { BoardpackError } from '../core/errors.js';
import type { Config, IndicatorDef } from '../config/types.js';

export async function checkIndicatorSql(config: Config, indicators: IndicatorDef[], compiled: Array<{ indicator: string; sql: string }> = []): Promise<Problem[]> {
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
      if (def.aggregate && !AGGREGATABLE[def.aggregate].includes(def.periodType)) { out.push(aggregateProblem(def)); continue; }
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
