/**
 * `boardpack verify [dir]`: recompute the sha256 of every file manifest.json lists and compare.
 * The pack's own files must all be there and unchanged; the project's inputs, config and definitions are
 * checked where they still are (a moved project is a warning, a changed file an error). Exit 0 all match,
 * 1 any mismatch or missing output.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { BoardpackError, excerptOf, formatProblem, problem, type Problem } from '../../core/errors.js';
import { isInside, realish } from '../../core/paths.js';
import { sha256File } from '../../core/hash.js';
import { MANIFEST_FILE, type Manifest } from '../../pipeline/manifest.js';
import type { CliLogger } from '../log.js';

export interface VerifyResult {
  manifest: string;
  checked: { outputs: number; inputs: number };
  problems: Problem[];
  ok: boolean;
}

export async function verifyPack(dir: string, options: { inputs?: boolean } = {}): Promise<VerifyResult> {
  const manifestFile = path.join(dir, MANIFEST_FILE);
  if (!existsSync(manifestFile)) {
    throw new BoardpackError(problem('BP_VERIFY_NO_MANIFEST', `no ${MANIFEST_FILE} in ${dir}`, {
      file: manifestFile, fix: 'point verify at the folder a `boardpack run` wrote (it writes manifest.json beside the pack)',
    }));
  }
  let m: Manifest;
  try {
    m = JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest;
  } catch (e) {
    throw new BoardpackError(problem('BP_VERIFY_BAD_MANIFEST', `${MANIFEST_FILE} is not valid JSON: ${(e as Error).message}`, { file: manifestFile, fix: 'rebuild the pack; the manifest cannot be trusted' }));
  }
  if (!Array.isArray(m.outputs) || m.manifestVersion !== 1) {
    throw new BoardpackError(problem('BP_VERIFY_BAD_MANIFEST', `${MANIFEST_FILE} is not a boardpack manifest (version 1)`, { file: manifestFile, value: m.manifestVersion }));
  }
  const problems: Problem[] = [];
  const check = async (file: string, shown: string, expected: string, missing: 'error' | 'warning', what: string, within: string) => {
    // A manifest is data, not an instruction: it may only name regular files inside the folder it describes
    // (`../../dev/zero` would never finish hashing; `/etc/shadow` is none of its business).
    if (!isInside(realish(file), realish(within))) {
      problems.push(problem('BP_VERIFY_OUTSIDE', `${what} ${excerptOf(shown, 80)} is listed outside the ${what === 'output' ? "pack's folder" : 'project folder'}, so it is not read`, {
        severity: missing, file: MANIFEST_FILE, fix: missing === 'error' ? 'the manifest has been tampered with or damaged: rebuild the pack' : 'not checked: verify reads only files inside the project folder',
      }));
      return false;
    }
    if (existsSync(file) && !statSync(file).isFile()) {
      problems.push(problem('BP_VERIFY_NOT_A_FILE', `${what} ${excerptOf(shown, 80)} is not a regular file, so it is not read`, {
        file: shown, fix: 'the manifest has been tampered with or damaged: rebuild the pack',
      }));
      return false;
    }
    if (!existsSync(file)) {
      problems.push(problem(missing === 'error' ? 'BP_VERIFY_MISSING' : 'BP_VERIFY_INPUT_ABSENT', `${what} ${shown} is missing`, {
        severity: missing, file: shown, fix: missing === 'error' ? 'the pack is incomplete: rebuild it or restore the file' : 'not checked: the project is not where the pack was built',
      }));
      return false;
    }
    const actual = await sha256File(file);
    if (actual !== expected) {
      problems.push(problem('BP_VERIFY_MISMATCH', `${what} ${shown} has changed since the pack was built`, {
        file: shown, value: actual, expected: `sha256 ${expected}`,
        fix: what === 'output' ? 'the file was edited or damaged after it was built: rebuild the pack' : 'the project has changed since this pack: a rebuild would give different figures',
      }));
    }
    return true;
  };
  let outputs = 0;
  for (const o of m.outputs) if (await check(path.join(dir, o.path), o.path, o.sha256, 'error', 'output', dir)) outputs++;
  let inputs = 0;
  if (options.inputs !== false && m.project) {
    const root = path.resolve(dir, m.project.root);
    const projectFiles = [
      ...m.inputs.map((i) => ({ ...i, what: 'input' })),
      ...(m.project.config ? [{ ...m.project.config, what: 'config' }] : []),
      ...m.project.definitions.map((d) => ({ ...d, what: 'definition' })),
      ...(m.project.templates ?? []).map((t) => ({ ...t, what: 'template' })),
    ];
    for (const f of projectFiles) if (await check(path.resolve(root, f.path), f.path, f.sha256, 'warning', f.what, root)) inputs++;
  }
  return { manifest: manifestFile, checked: { outputs, inputs }, problems, ok: !problems.some((p) => p.severity === 'error') };
}

export default async function verify(log: CliLogger, opts: { json?: boolean; inputs?: boolean }, args: string[]): Promise<number> {
  const dir = path.resolve(args[0] ?? 'out');
  const r = await verifyPack(dir, { inputs: opts.inputs });
  if (opts.json) process.stdout.write(`${JSON.stringify({ ok: r.ok, manifest: path.relative(process.cwd(), r.manifest) || r.manifest, checked: r.checked, problems: r.problems })}\n`);
  for (const p of r.problems) log.warn(formatProblem(p));
  const errors = r.problems.filter((p) => p.severity === 'error').length;
  log.summary(r.ok
    ? `Verified ${r.checked.outputs} output file(s) and ${r.checked.inputs} project file(s) against ${path.relative(process.cwd(), r.manifest) || r.manifest}: all match`
    : `${errors} file(s) do not match ${path.relative(process.cwd(), r.manifest) || r.manifest}`);
  return r.ok ? 0 : 1;
}
