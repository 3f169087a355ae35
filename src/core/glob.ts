/** Expands a path whose file name may hold `*` or `?` (Node 20 has no fs.glob). Sorted for stable order. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export function expandFileGlob(pattern: string): string[] {
  const dir = path.dirname(pattern);
  const base = path.basename(pattern);
  if (!/[*?]/.test(base)) return existsSync(pattern) && statSync(pattern).isFile() ? [pattern] : [];
  if (!existsSync(dir)) return [];
  const re = new RegExp(`^${base.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return readdirSync(dir).filter((f) => re.test(f) && statSync(path.join(dir, f)).isFile()).sort().map((f) => path.join(dir, f));
}
