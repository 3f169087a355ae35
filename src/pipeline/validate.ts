/**
 * `validateProject`: everything `loadProject` checks (config), plus every indicator's SQL bound against the
 * source contracts (measures/bind.ts, no data needed) and every comparator table read as `run` reads it (assess).
 * It calls the stages' checks in order, as the pipeline calls the stages.
 */
import { addLines, loadProject, type LoadResult } from '../config/load.js';
import { checkIndicatorSql } from '../measures/bind.js';
import { loadComparatorTables } from '../assess/comparator-tables.js';

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
