/**
 * Logs to stderr (stdout is for data), plain lines without timestamps; `--quiet` keeps only warnings and the
 * summary. On an interactive terminal (a TTY, not CI, not --no-progress, TERM not dumb) a one-line progress
 * bar is drawn and warnings are coloured (unless NO_COLOR); everywhere else the output is plain text with no
 * control characters at all, so CI logs stay readable.
 */
export interface CliLogger {
  info(line: string): void;
  warn(line: string): void;
  summary(line: string): void;
  debug(line: string): void;
  /** Step `index` of `total` has started: redraws the progress bar on a TTY, nothing otherwise. */
  progress(step: string, index: number, total: number): void;
  /** Clears the progress bar (before the command exits). */
  done(): void;
  readonly interactive: boolean;
}

export interface LoggerOptions {
  quiet?: boolean;
  debug?: boolean;
  /** false for --no-progress. */
  progress?: boolean;
}

/** `CI=true` (GitHub Actions, GitLab, most CI services) and friends; `CI=false` or `CI=0` do not count. */
export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env.CI;
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}

/** Whether to draw progress and colour on `stream`. */
export function isInteractive(stream: NodeJS.WritableStream, options: LoggerOptions = {}, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean((stream as { isTTY?: boolean }).isTTY) && !isCi(env) && options.progress !== false && !options.quiet && env.TERM !== 'dumb';
}

/**
 * Text from data files can carry control characters (an ESC in a cell, a stray CR): shown escaped, so a log
 * line can never move the cursor, recolour a terminal or hide itself. Newlines separate lines and stay.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g;
export function plain(text: string): string {
  return text.replace(CONTROL, (c) => (c === '\t' ? ' ' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

const ESC = '\u001b[';
const BAR_WIDTH = 24;

export function createLogger(options: LoggerOptions = {}, stream: NodeJS.WritableStream = process.stderr, env: NodeJS.ProcessEnv = process.env): CliLogger {
  const interactive = isInteractive(stream, options, env);
  const colour = interactive && env.NO_COLOR === undefined;
  let bar = '';
  const paint = (code: string, s: string) => (colour ? `${ESC}${code}m${s}${ESC}0m` : s);
  const write = (line: string) => {
    if (bar) stream.write(`\r${ESC}2K`);
    stream.write(`${plain(line)}\n`);
    if (bar) stream.write(bar);
  };
  return {
    interactive,
    info: (l) => { if (!options.quiet) write(l); },
    warn: (l) => {
      if (!colour) return write(l);
      const [first, ...rest] = plain(l).split('\n');
      if (bar) stream.write(`\r${ESC}2K`);
      stream.write(`${paint(/^error\b/.test(first) ? '31' : '33', first)}${rest.length ? `\n${rest.join('\n')}` : ''}\n`);
      if (bar) stream.write(bar);
    },
    summary: (l) => {
      if (bar) { stream.write(`\r${ESC}2K`); bar = ''; }
      stream.write(`${colour ? paint('1', plain(l)) : plain(l)}\n`);
    },
    debug: (l) => { if (options.debug) write(`debug: ${l}`); },
    progress: (step, index, total) => {
      if (!interactive) return;
      const filled = Math.round((index / total) * BAR_WIDTH);
      bar = `${paint('36', `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`)} ${index}/${total} ${step}`;
      stream.write(`\r${ESC}2K${bar}`);
    },
    done: () => {
      if (bar) { stream.write(`\r${ESC}2K`); bar = ''; }
    },
  };
}
