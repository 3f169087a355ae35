/**
 * Items grouped by a key, each group in the items' order. Looking items up by indicator (or area) in a group
 * instead of filtering the whole list each time keeps the work linear in the size of the framework.
 */
export function groupBy<K, T>(items: Iterable<T>, key: (item: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = out.get(k);
    if (group) group.push(item);
    else out.set(k, [item]);
  }
  return out;
}
