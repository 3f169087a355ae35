/**
 * The value kept in `cache` under `key`, made by `make` on first use. Keys that come from the data (period ids,
 * an extract's dates) must never grow a cache without bound, so it is emptied once it holds `limit` entries.
 */
export function cached<K, V>(cache: Map<K, V>, key: K, make: () => V, limit = 10_000): V {
  if (cache.has(key)) return cache.get(key) as V;
  const value = make();
  if (cache.size >= limit) cache.clear();
  cache.set(key, value);
  return value;
}
