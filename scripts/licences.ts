/**
 * `npm run licences`: the licence of every package boardpack ships — the production dependency tree, read
 * from the package.json files under node_modules (no network) — and any install script among them.
 *
 *   npm run licences            a table: name, version, licence
 *   npm run licences -- --json  the same as JSON
 *   npm run licences -- --check exit 1 when a package has no licence, a licence outside ALLOWED, or an
 *                               install script (nothing shipped may run code or download at install time)
 *
 * Optional dependencies for other platforms (DuckDB's bindings for Windows, musl…) are not installed here and
 * are listed as such. See SECURITY.md, "Dependencies".
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ShippedPackage {
  name: string;
  version: string;
  licence: string;
  dir: string;
  installScripts: string[];
}

/** Licences compatible with shipping boardpack under MIT; anything else needs a human look. */
export const ALLOWED = new Set([
  'MIT', 'MIT/X11', 'ISC', 'BSD-2-Clause', 'BSD-3-Clause', 'Apache-2.0', '0BSD', 'Unlicense', 'BlueOak-1.0.0', 'PSF-2.0',
  'CC0-1.0', 'CC-BY-3.0', 'CC-BY-4.0', 'Zlib', 'Python-2.0',
]);

/**
 * Packages whose package.json has no licence field, reviewed by hand: name@version → the licence and where
 * it is stated. A new version is not covered and shows up as UNKNOWN again.
 */
export const REVIEWED: Record<string, string> = {
  // Declares no licence in package.json or README; its author (substack) published his packages as MIT/X11.
  // Reached only via exceljs → unzipper → binary. To confirm against the upstream repository (not possible
  // offline here): see SECURITY.md.
  'buffers@0.1.1': 'MIT/X11',
};

const INSTALL_HOOKS = ['preinstall', 'install', 'postinstall'];

interface PackageJson {
  name?: string; version?: string; license?: unknown; licenses?: unknown; scripts?: Record<string, string>;
  dependencies?: Record<string, string>; optionalDependencies?: Record<string, string>;
}

function licenceOf(j: PackageJson): string {
  if (typeof j.license === 'string') return j.license;
  if (j.license && typeof j.license === 'object' && 'type' in j.license) return String((j.license as { type: unknown }).type);
  if (Array.isArray(j.licenses)) return j.licenses.map((l) => (typeof l === 'string' ? l : (l as { type?: string }).type ?? '?')).join(' OR ');
  return 'UNKNOWN';
}

/** Node's resolution: the nearest node_modules/<name> walking up from `from`. */
function resolvePackage(name: string, from: string): string | undefined {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name, 'package.json');
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Every package in the production tree of the project at `root`; `missing` lists optional ones not installed. */
export function shippedPackages(root: string): { packages: ShippedPackage[]; missing: string[] } {
  const rootJson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as PackageJson;
  const seen = new Map<string, ShippedPackage>();
  const missing = new Set<string>();
  const visit = (name: string, from: string, optional: boolean) => {
    const file = resolvePackage(name, from);
    if (!file) {
      if (optional) { missing.add(name); return; }
      throw new Error(`${name} (needed from ${from}) is not installed: run npm ci`);
    }
    if (seen.has(file)) return;
    const j = JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
    const scripts = j.scripts ?? {};
    const licence = licenceOf(j);
    seen.set(file, {
      name: j.name ?? name, version: j.version ?? '?', licence: licence === 'UNKNOWN' ? REVIEWED[`${j.name}@${j.version}`] ?? licence : licence, dir: path.dirname(file),
      installScripts: INSTALL_HOOKS.filter((k) => scripts[k]).map((k) => `${k}: ${scripts[k]}`),
    });
    for (const dep of Object.keys(j.dependencies ?? {})) visit(dep, path.dirname(file), false);
    for (const dep of Object.keys(j.optionalDependencies ?? {})) visit(dep, path.dirname(file), true);
  };
  for (const dep of Object.keys(rootJson.dependencies ?? {})) visit(dep, root, false);
  for (const dep of Object.keys(rootJson.optionalDependencies ?? {})) visit(dep, root, true);
  const packages = [...seen.values()].sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
  return { packages, missing: [...missing].sort() };
}

/** True when every part of an SPDX expression (`(MIT OR GPL-3.0)`, `(MIT AND Zlib)`) allows shipping. */
export function licenceAllowed(expr: string): boolean {
  const ids = expr.replace(/[()]/g, ' ').split(/\s+(?:OR|AND)\s+|\s+/).filter(Boolean);
  if (!ids.length) return false;
  // An OR needs one allowed choice; an AND needs all. Plain lists are treated as AND (the strict reading).
  if (/\bOR\b/.test(expr) && !/\bAND\b/.test(expr)) return ids.some((id) => ALLOWED.has(id));
  return ids.every((id) => ALLOWED.has(id));
}

export function checkPackages(packages: ShippedPackage[]): string[] {
  const out: string[] = [];
  for (const p of packages) {
    if (!licenceAllowed(p.licence)) out.push(`${p.name}@${p.version}: licence "${p.licence}" is not in the allowed list`);
    if (p.installScripts.length) out.push(`${p.name}@${p.version}: runs an install script (${p.installScripts.join('; ')})`);
  }
  return out;
}

function main(argv: string[]) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const { packages, missing } = shippedPackages(root);
  if (argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify({ packages: packages.map(({ dir: _dir, ...p }) => p), notInstalledOnThisPlatform: missing }, null, 2)}\n`);
  } else {
    const w = Math.max(...packages.map((p) => `${p.name}@${p.version}`.length));
    for (const p of packages) process.stdout.write(`${`${p.name}@${p.version}`.padEnd(w)}  ${p.licence}${p.installScripts.length ? '  [install script]' : ''}\n`);
    const counts = new Map<string, number>();
    for (const p of packages) counts.set(p.licence, (counts.get(p.licence) ?? 0) + 1);
    process.stderr.write(`${packages.length} packages shipped: ${[...counts].sort((a, b) => b[1] - a[1]).map(([l, n]) => `${l} ${n}`).join(', ')}\n`);
    if (missing.length) process.stderr.write(`optional, not installed on this platform: ${missing.join(', ')}\n`);
  }
  if (argv.includes('--check')) {
    const problems = checkPackages(packages);
    for (const p of problems) process.stderr.write(`licences: ${p}\n`);
    if (problems.length) process.exitCode = 1;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
