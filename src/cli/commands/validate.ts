import path from 'node:path';
import { formatProblem } from '../../core/errors.js';
import { validateProject } from '../../pipeline/validate.js';
import { maxRowsFromEnv } from '../../measures/index.js';
import type { CliLogger } from '../log.js';

/** Exit 0 when clean, 1 on any error (or any warning with --strict). `--json` prints one JSON document on stdout. */
export default async function validate(log: CliLogger, opts: { project?: string; json?: boolean; strict?: boolean }): Promise<number> {
  // The environment `run` would use is part of what validate checks.
  maxRowsFromEnv();
  const res = await validateProject(path.resolve(opts.project ?? '.'));
  const failed = res.errors > 0 || (Boolean(opts.strict) && res.warnings > 0);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ ok: !failed, errors: res.errors, warnings: res.warnings, indicators: res.indicators.map((d) => d.id), problems: res.problems }, null, 2)}\n`);
  } else {
    for (const p of res.problems) log.warn(formatProblem(p));
  }
  log.summary(`${res.indicators.length} indicator(s) valid: ${res.errors} error(s), ${res.warnings} warning(s)${failed && !res.errors ? ' (warnings fail with --strict)' : ''}`);
  return failed ? 1 : 0;
}
