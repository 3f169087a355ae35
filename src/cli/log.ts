/** Logs to stderr (stdout is for data), plain lines without timestamps; `--quiet` keeps only warnings and the summary. */
export interface CliLogger {
  info(line: string): void;
  warn(line: string): void;
  summary(line: string): void;
  debug(line: string): void;
}

export function createLogger(options: { quiet?: boolean; debug?: boolean } = {}, stream: NodeJS.WritableStream = process.stderr): CliLogger {
  return {
    info: (l) => { if (!options.quiet) stream.write(`${l}\n`); },
    warn: (l) => stream.write(`${l}\n`),
    summary: (l) => stream.write(`${l}\n`),
    debug: (l) => { if (options.debug) stream.write(`debug: ${l}\n`); },
  };
}
