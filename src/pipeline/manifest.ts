/**
 * manifest.json beside every pack: what the pack was made from and what it is, so an auditor can
 * rebuild it and `boardpack verify out/` can prove nothing was changed since. Paths of outputs are relative
 * to the output folder (the folder can be moved or unzipped anywhere); paths of inputs, the config and the
 * definitions are relative to the project folder, whose location is recorded relative to the output folder.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { sha256File, sha256Text } from '../core/hash.js';
import type { Config, IndicatorDef } from '../config/types.js';

export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_VERSION = 1;

export interface HashedFile { path: string; sha256: string; bytes?: number }

export interface Manifest {
  manifestVersion: number;
  tool: { name: 'boardpack'; version: string; node: string };
  runId: string;
  generatedAt: string;
  /** SOURCE_DATE_EPOCH when the run was reproducible, else null. */
  sourceDateEpoch: string | null;
  /** The command line, as typed (arguments after `boardpack`). */
  command: string[];
  strict: boolean;
  period: { id: string; label: string; start: string; end: string };
  project: {
    /** The project folder, relative to the output folder. */
    root: string;
    config: HashedFile;
    /** sha256 over every definition's path and hash (one value to compare). */
    definitionsSha256: string;
    definitions: Array<HashedFile & { indicator: string; version: string }>;
    templates: HashedFile[];
  };
  inputs: Array<HashedFile & { source: string; rows: number }>;
  outputs: Array<HashedFile & { format: string }>;
  /** Why --strict would fail (or did); empty when every gate passed. */
  gates: Array<{ code: string; message: string }>;
  /**
   * A hash of everything the outputs were made from (`reuse.ts`): a later run with the same key keeps these
   * outputs instead of rendering them again. Absent when the run could not write everything it was asked.
   */
  reuseKey?: string;
}

export interface ProjectHashes {
  config: HashedFile;
  definitions: Manifest['project']['definitions'];
  definitionsSha256: string;
  templates: HashedFile[];
}

const rel = (from: string, to: string) => path.relative(from, to).split(path.sep).join('/') || '.';

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let entries: string[];
    try { entries = readdirSync(d).sort(); } catch { return; }
    for (const e of entries) {
      const f = path.join(d, e);
      if (statSync(f).isDirectory()) walk(f); else out.push(f);
    }
  };
  walk(dir);
  return out;
}

/** Hashes of what the project's config, definitions and templates say (IO: reads the files). */
export async function hashProject(config: Config, indicators: IndicatorDef[]): Promise<ProjectHashes> {
  const root = config.root;
  const definitions = [];
  for (const def of [...indicators].sort((a, b) => a.id.localeCompare(b.id))) {
    definitions.push({ indicator: def.id, version: def.definitionVersion, path: rel(root, def.file), sha256: await sha256File(def.file) });
  }
  const templates: HashedFile[] = [];
  if (config.templatesDir) for (const f of listFiles(config.templatesDir)) templates.push({ path: rel(root, f), sha256: await sha256File(f) });
  return {
    config: { path: rel(root, config.configFile), sha256: await sha256File(config.configFile) },
    definitions,
    definitionsSha256: sha256Text(definitions.map((d) => `${d.path}\0${d.sha256}`).join('\n')),
    templates,
  };
}

/**
 * The run's identity: a hash of everything that decides its figures (not of the time), so re-running the
 * same inputs gives the same id. See src/warehouse/history.ts.
 */
export function runIdOf(parts: { toolVersion: string; period: string; hashes: ProjectHashes; inputs: Array<{ source: string; path: string; sha256: string }> }): string {
  return sha256Text(JSON.stringify({
    tool: parts.toolVersion, period: parts.period, config: parts.hashes.config.sha256, definitions: parts.hashes.definitionsSha256,
    templates: parts.hashes.templates.map((t) => [t.path, t.sha256]), inputs: parts.inputs.map((i) => [i.source, i.path, i.sha256]),
  })).slice(0, 16);
}

/** The manifest a previous run left in `outDir`, when there is one this version of the tool wrote; else undefined. */
export function readManifest(outDir: string): (Manifest & { reuseKey?: string }) | undefined {
  const file = path.join(outDir, MANIFEST_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const m = JSON.parse(readFileSync(file, 'utf8')) as Manifest & { reuseKey?: string };
    return m && m.manifestVersion === MANIFEST_VERSION && Array.isArray(m.outputs) ? m : undefined;
  } catch {
    return undefined;
  }
}

export function renderManifest(m: Manifest): string {
  return `${JSON.stringify(m, null, 2)}\n`;
}

export { rel as relativePosix };
