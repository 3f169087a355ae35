/**
 * A private folder of this user's own under the temporary folder, for caches that only save time (the tool's
 * fingerprint, parsed YAML): made with mode 0700 and used only when it is a real folder owned by this user that
 * nobody else can write, so another user cannot plant an entry. Without a user id (Windows) there is none.
 */
import { lstatSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export function userCacheDir(): string | undefined {
  if (typeof process.getuid !== 'function') return undefined;
  const dir = path.join(tmpdir(), `boardpack-${process.getuid()}`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = lstatSync(dir);
    if (!st.isDirectory() || st.uid !== process.getuid() || (st.mode & 0o077) !== 0) return undefined;
  } catch {
    return undefined;
  }
  return dir;
}

/**
 * Writes a cache file whole, then renames it into place, so a concurrent run reads the old entry or the new one,
 * never half of one. Synchronous (a cache may be written as the process exits) and best effort: a cache that
 * cannot be written only costs time.
 */
export function writeCacheFile(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } catch {
    try { rmSync(tmp, { force: true }); } catch { /* nothing to clean */ }
  }
}
