/**
 * The command line: commander parses and dispatches; each command lives in its own file and is imported
 * only when it runs, so `boardpack --help` stays instant. One top-level handler turns every error into
 * a message and an exit code: 0 ok, 1 a failure the user can fix, 2 wrong usage, 3 a --strict gate failed.
 * Paths and the browser can also come from BOARDPACK_* environment variables (for CI); a flag always wins.
 */
import { Command, CommanderError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { BoardpackError, formatProblem, isBoardpackError } from '../core/errors.js';
import { createLogger, type CliLogger } from './log.js';
import { setAllowedOutside } from '../core/paths.js';

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
    const log = createLogger({ quiet: Boolean(opts.quiet), debug: Boolean(opts.debug), progress: opts.progress !== false });
    const mod = await load();
    try {
      process.exitCode = await mod.default(log, opts, args);
    } finally {
      log.done();
    }
  };
}

export function buildProgram(): Command {
  const program = new Command('boardpack')
    .description('Turn a children\'s and families\' partnership\'s extracts into its OBA board pack (PDF, HTML, XLSX, JSON).')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help for a command')
    .addOption(new Option('--debug', 'show stack traces and internal detail on errors'))
    .addOption(new Option('-q, --quiet', 'print only errors and the final summary'))
    .addOption(new Option('--allow-outside <path...>', 'let the project\'s files name files or folders under PATH outside the project folder (paths are otherwise confined to it)'))
    .addOption(new Option('--no-progress', 'never draw a progress bar or colour (they are drawn only on a terminal, and never when CI=true)'))
    .showSuggestionAfterError(true)
    .exitOverride()
    .hook('preAction', (_program, action) => setAllowedOutside(action.optsWithGlobals().allowOutside as string[] | undefined));

  const projectOpt = () => new Option('-p, --project <dir>', 'project folder holding boardpack.yaml').default('.', 'current folder').env('BOARDPACK_PROJECT');
  const outOpt = (def: string) => new Option('-o, --out <dir>', 'folder for the board pack and its artifacts').default(def).env('BOARDPACK_OUT');
  const periodOpt = () => new Option('--period <id>', 'report period id, e.g. 2026-27-Q2 (default: latest with data)').env('BOARDPACK_PERIOD');
  const browserOpt = () => new Option('--browser <path>', 'Chrome/Chromium/Edge executable for the PDF (default: found automatically)').env('BOARDPACK_BROWSER');
  const warehouseOpt = () => new Option('--warehouse <file>', 'warehouse file (default: warehouse in boardpack.yaml, else .boardpack/warehouse.duckdb)').env('BOARDPACK_WAREHOUSE');
  const strictOpt = () => new Option('--strict', 'exit 3 when any gate fails: a source late or missing for the period, an indicator not computed, an error (also BOARDPACK_STRICT=1)');
  const jsonOpt = () => new Option('--json', 'print one machine-readable summary of the run on stdout (files with sha256, counts, gates, timings)');
  /** The options `demo` and `run` share: what to render and how strictly. */
  const withPackOptions = (cmd: Command) => [
    browserOpt(),
    new Option('--no-pdf', 'skip the PDF (HTML, XLSX and JSON only)'),
    strictOpt(),
    jsonOpt(),
    new Option('--exceptions-only', 'board version: only the exceptions in board-pack.*, the full scorecard and appendix in board-pack-appendix.*'),
    new Option('--each <what>', 'also one pack per locality (board-pack-<area>.*), sharing one browser').choices(['area']),
    new Option('--force', 'render every output again even when nothing that goes into them has changed since the last run into the same folder'),
  ].reduce((c, o) => c.addOption(o), cmd);

  withPackOptions(program.command('demo')
    .description('build the board pack of the bundled sample partnership into out/ and print where the files are')
    .addOption(outOpt('out'))
    .addOption(periodOpt()))
    .action(lazy(() => import('./commands/demo.js')));

  withPackOptions(program.command('run')
    .description('ingest a project\'s extracts, compute and assess every indicator, and render the board pack')
    .addOption(projectOpt())
    .addOption(periodOpt())
    .addOption(new Option('-o, --out <dir>', 'output folder (default: outputs.dir in boardpack.yaml, else out/)').env('BOARDPACK_OUT'))
    .addOption(warehouseOpt()))
    .action(lazy(() => import('./commands/run.js')));

  program.command('commentary')
    .description('the commentary workbook owners fill in: `commentary export` writes it (last quarter\'s text carried forward); `run` reads it back')
    .argument('<action>', 'export')
    .addOption(projectOpt())
    .addOption(periodOpt())
    .addOption(new Option('--format <format>', 'workbook or YAML (default: from the file name, else xlsx)').choices(['xlsx', 'yaml']))
    .addOption(new Option('-o, --out <file>', 'where to write it (default: commentary: in boardpack.yaml, else commentary.xlsx in the project)'))
    .addOption(new Option('--each <what>', 'also one row per locality for every priority and indicator, for text printed only in that locality\'s pack').choices(['area']))
    .action(lazy(() => import('./commands/commentary.js')));

  program.command('verify')
    .description('check a pack against its manifest.json: every output (and every input still present) must have the recorded sha256')
    .argument('[dir]', 'the pack\'s folder (holding manifest.json)', 'out')
    .addOption(new Option('--json', 'print the result as JSON on stdout'))
    .addOption(new Option('--no-inputs', 'check only the pack\'s own files, not the project\'s inputs and definitions'))
    .action(lazy(() => import('./commands/verify.js')));

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
    .addOption(new Option('--file <path...>', 'only these files (each loads into the source whose path it matches, or the one --source)'))
    .addOption(new Option('--force', 'reload even when files are unchanged'))
    .addOption(new Option('--max-errors <n>', 'list at most this many problems (all are still checked, counted and written to the validation report)').default('50'))
    .addOption(warehouseOpt())
    .action(lazy(() => import('./commands/ingest.js')));

  program.command('status')
    .description('show per source and period what is loaded, missing or late, and what the last load changed')
    .addOption(projectOpt())
    .addOption(new Option('--json', 'print the status as JSON on stdout'))
    .addOption(new Option('--chase', 'list, per partner, the sources due or late for the report period (due date, days late, indicators waiting, contact)'))
    .addOption(periodOpt())
    .addOption(new Option('--csv <file>', 'with --chase: also write the list as a mail-merge CSV'))
    .addOption(new Option('--templates <dir>', 'with --chase: write each listed source\'s request workbook into DIR, with the mail-merge CSV (chase.csv) beside them'))
    .addOption(new Option('--no-ingest', 'with --chase: read the warehouse as it is, without loading what changed on disk first'))
    .addOption(warehouseOpt())
    .action(lazy(() => import('./commands/status.js')));

  program.command('request')
    .description('write a data-return template per source for partners to fill in: a workbook made from its contract (or --format csv)')
    .addOption(projectOpt())
    .addOption(new Option('--source <id...>', 'only these sources (default: all)'))
    .addOption(periodOpt())
    .addOption(new Option('--format <format>', 'a workbook, or a header-only CSV with a README').choices(['xlsx', 'csv']).default('xlsx'))
    .addOption(new Option('-o, --out <dir>', 'folder to write the templates to (default: requests/ in the project)'))
    .addOption(new Option('--no-ingest', 'read the warehouse as it is, without loading what changed on disk first'))
    .addOption(warehouseOpt())
    .action(lazy(() => import('./commands/request.js')));

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
