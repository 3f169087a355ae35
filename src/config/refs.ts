/** References between YAML files (`extends:` of indicators, `contract:` of sources) and how they merge. */
import path from 'node:path';

/**
 * `base` with `own` laid over it, key by key at the top level: a key written in `own` replaces the base's value
 * whole (a target table or a column list is never half-merged), and `null` removes it.
 */
export function mergeSpec(base: Record<string, unknown>, own: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  delete out.$schema;
  for (const [k, v] of Object.entries(own)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}

/**
 * A source contract with the project's keys laid over it: as `mergeSpec`, except that `columns:` is merged
 * column by column (a column written here changes only the keys it sets, its `aliases:` are added to the
 * contract's, and `null` removes the column), so adapting a preset never means copying its whole column map.
 */
export function mergeSource(base: Record<string, unknown>, own: Record<string, unknown>): Record<string, unknown> {
  const out = mergeSpec(base, own);
  const baseCols = base.columns;
  const ownCols = own.columns;
  if (!isObject(baseCols) || !isObject(ownCols)) return out;
  const columns: Record<string, unknown> = { ...baseCols };
  for (const [name, col] of Object.entries(ownCols)) {
    const was = baseCols[name];
    if (col === null) delete columns[name];
    else if (isObject(was) && isObject(col)) {
      const merged = mergeSpec(was, col);
      if (Array.isArray(was.aliases) && Array.isArray(col.aliases)) merged.aliases = [...new Set([...was.aliases, ...col.aliases])];
      columns[name] = merged;
    } else columns[name] = col;
  }
  out.columns = columns;
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `preset:NAME/file[#id]` or `relative/file[#id]` (relative to the file that refers) → absolute file and id. */
export function resolveRef(ref: string, fromFile: string, packageRoot: string): { file: string; id?: string } {
  const [target, id] = ref.split('#');
  let file = target.startsWith('preset:')
    ? path.join(packageRoot, 'indicators', target.slice('preset:'.length))
    : path.resolve(path.dirname(fromFile), target);
  if (!/\.ya?ml$/.test(file)) file += '.yaml';
  return { file, id: id || undefined };
}
