/**
 * The command line: commander parses and dispatches; each command lives in its own file and is imported
 * only when it runs, so `boardpack --help` stays instant. One top-level handler turns every error into
 * a message and an exit code: 0 ok, 1 a failure the user can fix, 2 wrong usage.
 */
import { Command, CommanderError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { BoardpackError, formatProblem, isBoardpackError } from '../core/errors.js';
import { createLogger, type CliLogger } from './log.js';

export const EXIT = { ok: 0, failure: 1, usage: 2, gate: 3 } as const;

export function packageVersion(): string {
  const pkg = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'package.json');
  try {
    return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

export interface GlobalOptions { debug?: boolean; quiet?: boolean }

type Action = (log: CliLogger, opts: Record<string, unknown>, args: string[]) => Promise<number>;

function lazy(load: () => Promise<{ default: Action }>) {
  return async function (this: Command, ...params: unknown[]) {
    const cmd = params[params.length - 1] as Command;
    const opts = { ...cmd.optsWithGlobals() } as Record<string, unknown>;
    const args = cmd.args;
    const log = createLogger({ quiet: Boolean(opts.quiet), debug: Boolean(opts.debug) });
    const mod = await load();
    process.exitCode = await mod.default(log, opts, args);
  };
}

export function buildProgram(): Command {
  const program = new Command('boardpack')
    .description('Turn a children\'s and families\' partnership\'s extracts into its OBA board pack (PDF, HTML, XLSX, JSON).')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help for a command')
    .addOption(new Option('--debug', 'show stack traces and internal detail on errors'))
    .addOption(new Option('-q, --quiet', 'print only errors and the final summary'))
    .showSuggestionAfterError(true)
    .exitOverride();

  const projectOpt = () => new Option('-p, --project <dir>', 'project folder holding boardpack.yaml').default('.', 'current folder');
  const outOpt = (def: string) => new Option('-o, --out <dir>', 'folder for the board pack and its artifacts').default(def);
  const periodOpt = () => new Option('--period <id>', 'report period id, e.g. 2026-27-Q2 (default: latest with data)');

  program.command('demo')
    .description('build the board pack of the bundled sample partnership into out/ and print where the files are')
    .addOption(outOpt('out'))
    .addOption(periodOpt())
    .addOption(new Option('--browser <path>', 'Chrome/Chromium/Edge executable for the PDF (default: found automatically)'))
    .addOption(new Option('--no-pdf', 'skip the PDF (HTML, XLSX and JSON only)'))
    .action(lazy(() => import('./commands/demo.js')));

  program.command('run')
    .description('ingest a project\'s extracts, compute and assess every indicator, and render the board pack')
    .addOption(projectOpt())
    .addOption(periodOpt())
    .addOption(new Option('-o, --out <dir>', 'output folder (default: outputs.dir in boardpack.yaml, else out/)'))
    .addOption(new Option('--browser <path>', 'Chrome/Chromium/Edge executable for the PDF (default: found automatically)'))
    .addOption(new Option('--no-pdf', 'skip the PDF (HTML, XLSX and JSON only)'))
    .action(lazy(() => import('./commands/run.js')));

  program.command('init')
    .description('write a small working project (config, three indicators, one extract of each kind) into DIR')
    .argument('<dir>', 'folder to create (must be empty or absent)')
    .action(lazy(() => import('./commands/init.js')));

  program.command('validate')
    .description('check boardpack.yaml and every indicator file, reporting all problems at once')
    .addOption(projectOpt())
    .addOption(new Option('--json', 'print the problems as JSON on stdout'))
    .addOption(new Option('--strict', 'fail on warnings as well as errors'))
    .action(lazy(() => import('./commands/validate.js')));

  program.command('ingest')
    .description('load the project\'s extracts into its warehouse (only what changed) and report problems')
    .addOption(projectOpt())
    .addOption(new Option('--source <id...>', 'only these sources'))
    .addOption(new Option('--force', 'reload even when files are unchanged'))
    .addOption(new Option('--max-errors <n>', 'list at most this many problems per check (all are still checked)').default('200'))
    .action(lazy(() => import('./commands/ingest.js')));

  program.command('schema')
    .description('write JSON Schema files for boardpack.yaml, indicator files and source contracts')
    .addOption(new Option('-o, --out <dir>', 'folder to write the schema files to').default('schema'))
    .action(lazy(() => import('./commands/schema.js')));

  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync(argv);
  } catch (e) {
    process.exitCode = handleError(e, debug);
  }
}

/** The one top-level handler: user errors plainly, usage errors with exit 2, anything else as internal. */
export function handleError(e: unknown, debug: boolean): number {
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.ok;
    return EXIT.usage; // commander already printed the message
  }
  if (isBoardpackError(e)) {
    for (const p of (e as BoardpackError).problems) process.stderr.write(`${formatProblem(p)}\n`);
    if (debug) process.stderr.write(`${(e as Error).stack}\n`);
    return (e as BoardpackError).exitCode;
  }
  process.stderr.write(`unexpected error: ${(e as Error)?.message ?? String(e)}\n`);
  process.stderr.write(debug ? `${(e as Error)?.stack}\n` : 'run again with --debug for details, and report it if it persists\n');
  return EXIT.failure;
}
