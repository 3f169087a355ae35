/**
 * Reusing the previous run's outputs when nothing that goes into them has changed. The pack's key is a hash of
 * everything its files are made from: the computed pack (every figure and judgement, the changes since the
 * previous run, lineage, data-quality notes, gates, the commentary, the compiled SQL, the inputs' hashes), the
 * config and definitions, the templates, the run's options, the tool itself (its version and the code and
 * bundled templates it runs from), the browser that prints the PDF, SOURCE_DATE_EPOCH and the time zone. The
 * key is stored in manifest.json; a later run whose key is the same, and whose outputs still have the hashes
 * the manifest lists, leaves them as they are and says so. Anything else (or `--force`) renders afresh.
 *
 * The figures are still computed on every run: freshness depends on today's date, the warehouse can change
 * without any file in the project changing, and `--strict` must judge this run's gates. Only the rendering
 * (charts, HTML, XLSX, JSON and above all the PDF) is skipped.
 */
import { type Dirent, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { sha256File } from '../core/hash.js';
import { userCacheDir, writeCacheFile } from '../core/user-cache.js';
import { PACKAGE_ROOT } from '../config/load.js';
import { readManifest, type Manifest } from './manifest.js';
import type { PackResult } from './compute.js';

/** What of the run's options changes the files written (not `--json`, `--quiet` or the command line). */
export interface ReuseOptions {
  formats: string[];
  exceptionsOnly: boolean;
  eachArea: boolean;
  strict: boolean;
  /** SOURCE_DATE_EPOCH, or null: without it the generation time is not part of the key (it would never match). */
  sourceDateEpoch: string | null;
  /** The browser that prints the PDF (path, size and modification time), when a PDF is wanted. */
  browser: string | null;
}

let codeFingerprint: string | undefined;

/**
 * A hash of the code this process runs (its compiled or source modules), the bundled templates and
 * package.json (the exact versions of the libraries that draw, write and print): a rebuilt or upgraded tool
 * never reuses a pack an older one made, even under the same version number.
 */
export function toolFingerprint(): string {
  codeFingerprint ??= treeFingerprint(
    [path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'), path.join(PACKAGE_ROOT, 'templates')],
    path.join(PACKAGE_ROOT, 'package.json'),
    fingerprintCacheFile(),
  );
  return codeFingerprint;
}

/** The files that make up the tool: code, templates and data it reads (declaration files and source maps do not run). */
const TOOL_FILE = /\.(js|ts|hbs|css|json)$/;
const NOT_RUN = /\.d\.ts$/;

/**
 * The hash of every tool file under `roots` (path and content) and of `manifestFile`'s content. Reading and
 * hashing a few hundred files costs more than the rest of deciding to reuse a pack, so the digest is kept in
 * `cacheFile` with each file's size, modification and change times and inode: a file written since (even to the
 * same size and with its modification time put back, which its change time still records), added, removed or
 * renamed misses the cache and the files are read again. package.json is always read (it is small).
 */
export function treeFingerprint(roots: string[], manifestFile: string, cacheFile?: string): string {
  const files: Array<{ rel: string; file: string }> = [];
  const stats = createHash('sha256');
  for (const root of roots) {
    const walk = (dir: string) => {
      let entries: Dirent[];
      try { entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)); } catch { return; }
      for (const entry of entries) {
        const { name } = entry;
        const file = path.join(dir, name);
        // Only the files that count are stat'ed (a link is followed, as reading it would).
        if (entry.isDirectory() || (entry.isSymbolicLink() && statSync(file).isDirectory())) walk(file);
        else if (TOOL_FILE.test(name) && !NOT_RUN.test(name)) {
          const st = statSync(file);
          const rel = path.relative(roots[0], file);
          files.push({ rel, file });
          stats.update(`${rel}\0${st.size}\0${st.mtimeMs}\0${st.ctimeMs}\0${st.ino}\n`);
        }
      }
    };
    walk(root);
  }
  let manifest: Buffer | undefined;
  try { manifest = readFileSync(manifestFile); } catch { /* a package without one: the code still counts */ }
  stats.update(manifest ?? '');
  const signature = stats.digest('hex');
  const cached = cacheFile ? readFingerprintCache(cacheFile) : undefined;
  if (cached?.signature === signature && /^[0-9a-f]{64}$/.test(cached.fingerprint)) return cached.fingerprint;
  const h = createHash('sha256');
  for (const { rel, file } of files) h.update(`${rel}\0`).update(readFileSync(file)).update('\0');
  if (manifest) h.update(manifest);
  const fingerprint = h.digest('hex');
  if (cacheFile) writeCacheFile(cacheFile, JSON.stringify({ signature, fingerprint }));
  return fingerprint;
}

/** Where the fingerprint is cached: one file per installation of the tool in the user's private cache folder. */
function fingerprintCacheFile(): string | undefined {
  const dir = userCacheDir();
  return dir && path.join(dir, `tool-${createHash('sha256').update(PACKAGE_ROOT).digest('hex').slice(0, 16)}.json`);
}

function readFingerprintCache(file: string): { signature: string; fingerprint: string } | undefined {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as { signature?: unknown; fingerprint?: unknown };
    return typeof v.signature === 'string' && typeof v.fingerprint === 'string' ? { signature: v.signature, fingerprint: v.fingerprint } : undefined;
  } catch {
    return undefined;
  }
}

/** The browser's identity for the key: a new browser (another path, an upgrade) can print other bytes. */
export function browserIdentity(executablePath: string | undefined): string | null {
  if (!executablePath) return null;
  try {
    const st = statSync(executablePath);
    return `${executablePath}\0${st.size}\0${st.mtimeMs}`;
  } catch {
    return executablePath;
  }
}

/**
 * Which parts of the computed pack go into the key. Every field of `PackResult` must be named here (the
 * compiler checks), so a field added to the pack is a decision, not a silent gap in the key: `true` hashes it
 * whole; `false` only where the field is covered otherwise (said beside it).
 */
const KEYED: Record<keyof PackResult, boolean> = {
  project: true, assessment: true, changes: true, lineage: true, freshness: true, gates: true,
  commentary: true, areaCommentary: true, compiled: true, problems: true, runId: true, hashes: true, inputs: true, toolVersion: true,
  ingest: false, // its problems are hashed below (the rest is timings and counts, which the inputs' hashes decide)
  generatedAt: false, // only with SOURCE_DATE_EPOCH (below): otherwise it differs on every run
};

/** The hash of everything the pack's files are made from (see the module comment). */
export function packKey(pack: PackResult, options: ReuseOptions): string {
  const h = createHash('sha256');
  const part = (name: string, value: unknown) => h.update(`${name}\0${JSON.stringify(value) ?? 'undefined'}\n`);
  part('tool', toolFingerprint());
  part('options', options);
  part('zone', Intl.DateTimeFormat().resolvedOptions().timeZone);
  // Where the outputs and the warehouse are is not what they are made from: the same project built into two
  // folders has one key (the warehouse's content is in the computed pack).
  const { config } = pack.project;
  const project = { ...pack.project, config: { ...config, outputs: { ...config.outputs, dir: null }, warehousePath: null } };
  for (const [name, keyed] of Object.entries(KEYED) as Array<[keyof PackResult, boolean]>) {
    if (keyed) part(name, name === 'project' ? project : name === 'assessment' ? compactAssessment(pack.assessment) : pack[name]);
  }
  part('ingest', pack.ingest.problems);
  if (options.sourceDateEpoch !== null) part('generatedAt', pack.generatedAt);
  return h.digest('hex');
}

/**
 * The assessment with each indicator's latest figure, series and localities' figures written as their place in
 * `results` where they are the very objects listed there (as assess makes them): the same content, hashed once
 * rather than twice. A figure that is not one of those objects is written whole.
 */
function compactAssessment(a: PackResult['assessment']): unknown {
  const place = new Map<object, number>();
  a.results.forEach((r, i) => place.set(r, i));
  const ref = <T extends object>(v: T): T | { result: number } => {
    const i = place.get(v);
    return i === undefined ? v : { result: i };
  };
  return { ...a, indicators: a.indicators.map((ia) => ({ ...ia, latest: ref(ia.latest), series: ia.series.map(ref), byArea: ia.byArea.map(ref) })) };
}

/**
 * Whether the previous run in `outDir` is likely to be reused (it has a key, and its config and inputs still
 * have the sizes and hash it lists): then the browser is not started until the key says it is needed. Only a
 * guess for scheduling; `reusable` decides.
 */
export async function likelyReusable(outDir: string, configFile: string): Promise<boolean> {
  const m = readManifest(outDir);
  if (!m?.reuseKey) return false;
  try {
    if (await sha256File(configFile) !== m.project.config.sha256) return false;
    const root = path.resolve(outDir, m.project.root);
    return m.inputs.every((i) => statSync(path.resolve(root, i.path)).size === i.bytes);
  } catch {
    return false;
  }
}

/** The key of the run whose outputs are in `outDir`, if it left one (only then can they be kept). */
export function keptKey(outDir: string): string | undefined {
  return readManifest(outDir)?.reuseKey;
}

/** The previous run's manifest when its key is `key` and every output it lists still has its hash; else undefined. */
export async function reusable(outDir: string, key: string): Promise<Manifest | undefined> {
  const m = readManifest(outDir);
  if (!m || m.reuseKey !== key) return undefined;
  for (const o of m.outputs) {
    const file = path.resolve(outDir, o.path);
    try {
      if (!statSync(file).isFile() || await sha256File(file) !== o.sha256) return undefined;
    } catch {
      return undefined;
    }
  }
  return m;
}
