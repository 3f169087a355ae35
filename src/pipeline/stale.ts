/**
 * Before a run writes its outputs, the previous run's are removed: everything the previous manifest.json lists
 * (regular files inside the output folder only: a manifest is data, not an instruction) and the manifest
 * itself. So a pack folder only ever holds one run's files, and a run that could not make its PDF leaves no PDF
 * rather than an older one that `verify` or a publishing script could mistake for this run's.
 */
import { existsSync, lstatSync, rmSync } from 'node:fs';
import path from 'node:path';
import { isInside, realish } from '../core/paths.js';
import { MANIFEST_FILE, readManifest } from './manifest.js';

export function removePreviousOutputs(outDir: string): string[] {
  const manifestFile = path.join(outDir, MANIFEST_FILE);
  if (!existsSync(manifestFile)) return [];
  // An unreadable manifest lists nothing; it is removed below all the same.
  const listed = (readManifest(outDir)?.outputs ?? []).map((o) => o.path).filter((p): p is string => typeof p === 'string');
  const root = realish(outDir);
  const removed: string[] = [];
  for (const rel of listed) {
    const file = path.resolve(outDir, rel);
    if (!isInside(realish(file), root) || !existsSync(file) || !lstatSync(file).isFile()) continue;
    rmSync(file, { force: true });
    removed.push(rel);
  }
  rmSync(manifestFile, { force: true });
  return removed;
}
