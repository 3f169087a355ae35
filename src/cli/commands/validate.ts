import path from 'node:path';
import { formatProblem } from '../../core/errors.js';
import { loadProject } from '../../config/load.js';
import type { CliLogger } from '../log.js';

export default async function validate(log: CliLogger, opts: { project?: string; json?: boolean; strict?: boolean }): Promise<number> {
  const res = await loadProject(path.resolve(opts.project ?? '.'));
  const errors = res.problems.filter((p) => p.severity === 'error');
  const warnings = res.problems.filter((p) => p.severity === 'warning');
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ ok: errors.length === 0 && (!opts.strict || warnings.length === 0), errors: errors.length, warnings: warnings.length, problems: res.problems }, null, 2)}\n`);
  } else {
    for (const p of res.problems) log.warn(formatProblem(p));
  }
  log.summary(`${res.indicators.length} indicator(s) checked: ${errors.length} error(s), ${warnings.length} warning(s)`);
  return errors.length || (opts.strict && warnings.length) ? 1 : 0;
}
