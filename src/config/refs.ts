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

/** `preset:NAME/file[#id]` or `relative/file[#id]` (relative to the file that refers) → absolute file and id. */
export function resolveRef(ref: string, fromFile: string, packageRoot: string): { file: string; id?: string } {
  const [target, id] = ref.split('#');
  let file = target.startsWith('preset:')
    ? path.join(packageRoot, 'indicators', target.slice('preset:'.length))
    : path.resolve(path.dirname(fromFile), target);
  if (!/\.ya?ml$/.test(file)) file += '.yaml';
  return { file, id: id || undefined };
}
