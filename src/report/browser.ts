/**
 * Finding and launching the headless browser that prints the PDF.
 *
 * Resolution order: an explicit setting (`browser:` in config or a CLI flag) → an environment variable
 * (`BOARDPACK_BROWSER`, then the de-facto `PUPPETEER_EXECUTABLE_PATH` and `CHROME_PATH`) → a Chrome, Chromium or
 * Edge installed in the usual place → the Chromium bundled in `@sparticuz/chromium`. A path that was *given* but
 * does not exist is an error rather than a silent fall-through: the user asked for that browser.
 *
 * puppeteer-core and @sparticuz/chromium are imported lazily so commands that never print a PDF pay nothing.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, win32 } from 'node:path';
import type { Browser } from 'puppeteer-core';
import { BoardpackError, problem } from '../core/errors.js';
import { formatSeconds } from '../core/format.js';

export type BrowserSource = 'setting' | 'env' | 'system' | 'bundled';

export interface ResolvedBrowser {
  executablePath: string;
  source: BrowserSource;
  /** Extra command-line flags this particular browser needs, added to `LAUNCH_ARGS`. */
  args: string[];
  /** Where it came from, for messages: the setting's name, the variable's name, or the package. */
  origin: string;
}

export interface ResolveBrowserOptions {
  /** Path from the config's `browser:` or a CLI flag. */
  explicit?: string;
  /** How to name the explicit setting in messages. */
  explicitFrom?: string;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** Fall back to the bundled Chromium (default true). */
  allowBundled?: boolean;
}

/** Checked in this order; the first that is set (non-empty) wins. */
export const BROWSER_ENV_VARS = ['BOARDPACK_BROWSER', 'PUPPETEER_EXECUTABLE_PATH', 'CHROME_PATH'] as const;

/**
 * Every flag we launch with, in one place. The aim is a browser that makes no network connection of its own
 * (updates, sync, metrics, QUIC probes) and renders the same way everywhere.
 * `--no-sandbox` is added only when running as root, where Chrome refuses to start with its sandbox.
 */
export const LAUNCH_ARGS: readonly string[] = [
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--no-default-browser-check',
  '--disable-default-apps',
  '--disable-extensions',
  '--disable-domain-reliability',
  '--disable-client-side-phishing-detection',
  '--disable-breakpad',
  '--no-pings',
  '--mute-audio',
  // Font hinting changes glyph advances between machines; without it text metrics, and so page breaks, are stable
  // (puppeteer/puppeteer#2410).
  '--font-render-hinting=none',
];

const ROOT_ARGS: readonly string[] = ['--no-sandbox'];

const FIX_HINT =
  'install Google Chrome, Chromium or Microsoft Edge, or set BOARDPACK_BROWSER (or `browser:` in the config) to the path of a Chrome-compatible browser';

/** Usual install locations, most specific first. Pure, so it can be checked per platform. */
export function systemBrowserCandidates(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string[] {
  if (platform === 'darwin') {
    const apps = [
      'Google Chrome.app/Contents/MacOS/Google Chrome',
      'Chromium.app/Contents/MacOS/Chromium',
      'Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
      'Google Chrome Canary.app/Contents/MacOS/Google Chrome Canary',
    ];
    const home = env.HOME || homedir();
    return [...apps.map((a) => `/Applications/${a}`), ...apps.map((a) => `${home}/Applications/${a}`)];
  }
  if (platform === 'win32') {
    const roots = [env.PROGRAMFILES, env['PROGRAMFILES(X86)'], env.LOCALAPPDATA].filter((r): r is string => !!r);
    const rels = [
      'Google\\Chrome\\Application\\chrome.exe',
      'Chromium\\Application\\chrome.exe',
      'Microsoft\\Edge\\Application\\msedge.exe',
    ];
    return rels.flatMap((rel) => roots.map((root) => win32.join(root, rel)));
  }
  return [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/usr/bin/microsoft-edge',
    '/usr/bin/microsoft-edge-stable',
    '/snap/bin/chromium',
    '/opt/google/chrome/chrome',
  ];
}

/** Paths copied from Windows Explorer arrive wrapped in quotes. */
function unquote(value: string | undefined): string | undefined {
  return value?.trim().replace(/^"(.*)"$/, '$1').trim() || undefined;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function notFound(what: string, path: string, from: string, fix: string): BoardpackError {
  let exists = false;
  try {
    exists = statSync(path).isDirectory();
  } catch {
    /* does not exist */
  }
  const why = exists ? 'is a folder, not a program' : 'does not exist';
  return new BoardpackError(
    problem('BP_BROWSER_NOT_FOUND', `${what} points to a browser that ${why}`, {
      value: path,
      fix: `${fix} (it is set by ${from})`,
    }),
  );
}

/** Find a browser; throws BP_BROWSER_NOT_FOUND with what was tried when there is none. */
export async function resolveBrowser(options: ResolveBrowserOptions = {}): Promise<ResolvedBrowser> {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;

  const explicit = unquote(options.explicit);
  if (explicit) {
    const from = options.explicitFrom ?? 'the `browser` setting';
    if (!isFile(explicit)) {
      throw notFound(`The browser path`, explicit, from, `correct the path, or leave it out to let boardpack find a browser; otherwise ${FIX_HINT}`);
    }
    return { executablePath: explicit, source: 'setting', args: [], origin: from };
  }

  for (const name of BROWSER_ENV_VARS) {
    const value = unquote(env[name]);
    if (!value) continue;
    if (!isFile(value)) {
      throw notFound(`The environment variable ${name}`, value, `the environment variable ${name}`, `set ${name} to the full path of a browser executable, or unset it`);
    }
    return { executablePath: value, source: 'env', args: [], origin: name };
  }

  const tried: string[] = [...BROWSER_ENV_VARS.map((n) => `$${n} (not set)`)];
  for (const candidate of systemBrowserCandidates(platform, env)) {
    if (isFile(candidate)) return { executablePath: candidate, source: 'system', args: [], origin: candidate };
    tried.push(candidate);
  }

  if (options.allowBundled !== false) {
    // The bundled build in the npm package is a Linux x64 headless shell (its arm64 pack is a separate download).
    if (platform === 'linux' && process.arch === 'x64') {
      try {
        const { default: chromium } = await import('@sparticuz/chromium');
        const path = await chromium.executablePath();
        if (path && isFile(path)) return { executablePath: path, source: 'bundled', args: [], origin: '@sparticuz/chromium' };
        tried.push(`@sparticuz/chromium (unpacked to ${path}, which is not a file)`);
      } catch (err) {
        tried.push(`@sparticuz/chromium (${firstLine(err)})`);
      }
    } else {
      tried.push(`@sparticuz/chromium (only for Linux x64, this is ${platform} ${process.arch})`);
    }
  }

  throw new BoardpackError(
    problem('BP_BROWSER_NOT_FOUND', `no browser found to print the PDF; tried: ${tried.join('; ')}`, { fix: FIX_HINT }),
  );
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** The full flag list for a resolved browser: shared flags, its own, and the sandbox rule. */
export function launchArgs(resolved: ResolvedBrowser, root: boolean = isRoot()): string[] {
  return [...LAUNCH_ARGS, ...resolved.args, ...(root ? ROOT_ARGS : [])];
}

/** How long the browser may take to start and answer, unless set (`BOARDPACK_BROWSER_TIMEOUT`, in seconds). */
export const DEFAULT_LAUNCH_TIMEOUT_MS = 30_000;
/** The budget of one DevTools call once started: the PDF's own default budget (60 s) and a margin. */
export const DEFAULT_PROTOCOL_TIMEOUT_MS = 65_000;

export interface LaunchOptions {
  /** How long to wait for the browser to start and answer (default 30 s); then it is killed (BP_BROWSER_TIMEOUT). */
  timeoutMs?: number;
  /**
   * How long any one call to the started browser may take (default 65 s): a browser that hangs while printing
   * then fails the call instead of holding the run. Must exceed the PDF's time budget, as printing is one call.
   */
  protocolTimeoutMs?: number;
  /** Abort the start: the browser is killed and the launch fails (a run that ended before it needed the PDF). */
  signal?: AbortSignal;
}

/** Kills a launched browser's whole process group (@puppeteer/browsers does it on abort), for `closeBrowser`. */
const killers = new WeakMap<Browser, AbortController>();

/**
 * Launch headless with a fresh profile in a temp folder, removed when the browser closes or dies.
 * `pipe: true` talks to the browser over stdio, so no DevTools port is opened on localhost.
 *
 * With a pipe, puppeteer's own launch `timeout` does not apply, and a browser that starts but never
 * answers held the run for minutes. So launch() races a deadline; at the deadline the abort signal makes
 * @puppeteer/browsers SIGKILL the browser's process group (the browser runs as a group leader), and the run
 * gets BP_BROWSER_TIMEOUT. `protocolTimeout` bounds every later call (setContent, printToPDF, close).
 */
export async function launchBrowser(resolved: ResolvedBrowser, options: LaunchOptions = {}): Promise<Browser> {
  const { launch } = await import('puppeteer-core');
  const timeoutMs = options.timeoutMs ?? DEFAULT_LAUNCH_TIMEOUT_MS;
  const userDataDir = mkdtempSync(join(tmpdir(), 'boardpack-browser-'));
  const removeProfile = () => {
    try {
      rmSync(userDataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    } catch {
      /* a leftover temp folder is not worth failing a run */
    }
  };
  const killer = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let browser: Browser;
  try {
    const launching = launch({
      executablePath: resolved.executablePath,
      headless: true,
      pipe: true,
      args: launchArgs(resolved),
      userDataDir,
      timeout: timeoutMs,
      protocolTimeout: Math.max(options.protocolTimeoutMs ?? DEFAULT_PROTOCOL_TIMEOUT_MS, 1_000),
      signal: killer.signal,
    });
    const stopped = new Promise<'deadline' | 'aborted'>((resolve) => {
      timer = setTimeout(() => resolve('deadline'), timeoutMs);
      if (options.signal?.aborted) resolve('aborted');
      options.signal?.addEventListener('abort', () => resolve('aborted'), { once: true });
    });
    const first = await Promise.race([launching, stopped]);
    if (first === 'deadline' || first === 'aborted') {
      killer.abort();
      // The pipe closes with the process, so launch() fails at once and cleans up; wait for that (bounded), so
      // the profile is not removed under it, and close a browser that answered at the very last moment.
      const late = await Promise.race([launching.catch(() => undefined), sleep(5_000)]);
      if (late) await late.close().catch(() => undefined);
      if (first === 'aborted') {
        throw new BoardpackError(problem('BP_BROWSER_LAUNCH_FAILED', `the start of the browser at ${resolved.executablePath} was stopped: the run no longer needed it`));
      }
      throw new BoardpackError(
        problem('BP_BROWSER_TIMEOUT', `the browser at ${resolved.executablePath} (from ${resolved.origin}) started but did not answer within ${formatSeconds(timeoutMs)}, and was stopped; the HTML, XLSX and JSON are still written`, {
          value: resolved.executablePath,
          fix: `check that this browser runs headless on this machine (try \`"${resolved.executablePath}" --headless --dump-dom about:blank\`), allow it more time with BOARDPACK_BROWSER_TIMEOUT (seconds), or ${FIX_HINT}`,
        }),
      );
    }
    browser = first;
  } catch (err) {
    removeProfile();
    if (err instanceof BoardpackError) throw err;
    const message = firstLine(err);
    const sandbox = /sandbox/i.test(message)
      ? 'the browser could not start its sandbox: run it where user namespaces are allowed, or as root in a container; '
      : '';
    throw new BoardpackError(
      problem('BP_BROWSER_LAUNCH_FAILED', `the browser at ${resolved.executablePath} (from ${resolved.origin}) did not start: ${message}`, {
        fix: `${sandbox}check that this browser runs on this machine (missing system libraries are the usual cause), or ${FIX_HINT}`,
      }),
      { cause: err },
    );
  } finally {
    clearTimeout(timer);
  }
  killers.set(browser, killer);
  // The process's 'exit' comes after Chrome has stopped writing to its profile, on close() and on a crash
  // alike, and (being a synchronous listener) runs before close() resolves. 'disconnected' is too early: it
  // fires when the pipe closes, while Chrome may still be shutting down.
  const child = browser.process();
  if (child && child.exitCode === null) child.once('exit', removeProfile);
  else browser.once('disconnected', removeProfile);
  return browser;
}

/**
 * Close a browser, and kill its process group when it does not close within `graceMs` (a hung browser would
 * otherwise hold close() for the whole protocol timeout). Never throws.
 */
export async function closeBrowser(browser: Browser, graceMs = 5_000): Promise<void> {
  const closing = browser.close().then(() => true, () => false);
  const closed = await Promise.race([closing, sleep(graceMs).then(() => false)]);
  if (closed) return;
  const killer = killers.get(browser);
  if (killer) killer.abort();
  else browser.process()?.kill('SIGKILL');
  await Promise.race([closing, sleep(2_000)]);
}

function sleep(ms: number): Promise<undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), ms).unref());
}

/**
 * `BOARDPACK_BROWSER_TIMEOUT`: seconds the browser may take to start and answer. Unset or empty: the default.
 * Throws BP_BROWSER_TIMEOUT_INVALID for anything but a positive number.
 */
export function browserTimeoutFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env.BOARDPACK_BROWSER_TIMEOUT?.trim();
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || !(seconds > 0)) {
    throw new BoardpackError(
      problem('BP_BROWSER_TIMEOUT_INVALID', 'the environment variable BOARDPACK_BROWSER_TIMEOUT is not a number of seconds', {
        value: env.BOARDPACK_BROWSER_TIMEOUT,
        expected: `a positive number of seconds, such as 60 (the default is ${DEFAULT_LAUNCH_TIMEOUT_MS / 1000})`,
        fix: 'set it to a number of seconds, or unset it',
      }),
    );
  }
  return Math.round(seconds * 1000);
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n').find((l) => l.trim())?.trim() ?? 'unknown error';
}
