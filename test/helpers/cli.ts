/**
 * Runs the real built CLI (bin/boardpack.js → dist/) as a user would, in a child process, capturing exit code and both
 * streams. runCliHere (below) runs the same commands in the test's own process.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { format } from 'node:util';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = path.join(REPO_ROOT, 'bin', 'boardpack.js');

export interface CliResult { status: number; stdout: string; stderr: string }

export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliResult {
  if (!existsSync(path.join(REPO_ROOT, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: `npm test` builds it first (pretest)');
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...process.env, CI: 'true', ...options.env },
    encoding: 'utf8',
    timeout: 300_000,
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** pdftotext from poppler-utils, when the machine has it (.ci/run installs it). */
export function pdfToText(file: string): string | undefined {
  const r = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout : undefined;
}

export function hasPdftotext(): boolean {
  return spawnSync('pdftotext', ['-v'], { encoding: 'utf8' }).status === 0;
}

let here: Promise<unknown> = Promise.resolve();

/**
 * The same built CLI called in this test process: the entry bin/boardpack.js calls (`main` of dist/cli/main.js, so
 * the pack is built in the render thread as a user's run builds it, not in line as the sources run it), with
 * `args`, the environment and working folder as runCli gives them, and what it writes to stdout and stderr and
 * its exit code captured. For tests about what a command does and says; a test about the process itself (a
 * signal, its memory, a hang, a terminal, a mount namespace, a lock held by another process) uses runCli.
 * It saves starting Node and loading the CLI's modules again for every command (about a second of CPU each).
 * Calls run one at a time: the environment, working folder and the two streams are the process's own.
 */
export function runCliHere(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  const call = here.then(() => callMain(args, options));
  here = call.catch(() => undefined);
  return call;
}

async function callMain(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv }): Promise<CliResult> {
  if (!existsSync(path.join(REPO_ROOT, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: `npm test` builds it first (pretest)');
  const { main } = (await import(pathToFileURL(path.join(REPO_ROOT, 'dist', 'cli', 'main.js')).href)) as typeof import('../../src/cli/main.js');
  const env = { ...process.env };
  const cwd = process.cwd();
  const exitCode = process.exitCode;
  const argv = process.argv;
  const writes = { stdout: process.stdout.write, stderr: process.stderr.write };
  const logs = { log: console.log, info: console.info, debug: console.debug, warn: console.warn, error: console.error };
  const captured = { stdout: '', stderr: '' };
  for (const [k, v] of Object.entries({ CI: 'true', ...options.env })) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  process.chdir(options.cwd ?? REPO_ROOT);
  process.exitCode = undefined;
  for (const name of ['stdout', 'stderr'] as const) {
    process[name].write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      captured[name] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      done?.();
      return true;
    }) as typeof process.stdout.write;
  }
  // Console output (a dependency's warning, say) lands where a CLI process prints it, not in the test runner's log.
  for (const name of ['log', 'info', 'debug', 'warn', 'error'] as const) {
    console[name] = (...parts: unknown[]) => { captured[name === 'warn' || name === 'error' ? 'stderr' : 'stdout'] += `${format(...parts)}\n`; };
  }
  // The command line as a CLI process has it (the manifest records it).
  process.argv = [process.execPath, BIN, ...args];
  try {
    await main(process.argv);
    return { status: Number(process.exitCode ?? 0), ...captured };
  } finally {
    process.stdout.write = writes.stdout;
    process.stderr.write = writes.stderr;
    Object.assign(console, logs);
    process.exitCode = exitCode;
    process.argv = argv;
    process.chdir(cwd);
    for (const k of Object.keys(process.env)) if (!(k in env)) delete process.env[k];
    Object.assign(process.env, env);
  }
}
