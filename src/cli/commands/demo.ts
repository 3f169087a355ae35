/**
 * The bundled sample partnership, end to end. The demo never writes into the installed package: its
 * warehouse lives under the output folder.
 */
import path from 'node:path';
import type { CliLogger } from '../log.js';
import { PACKAGE_ROOT } from '../../config/load.js';
import { runAndReport, type RunCommandOptions } from './run.js';

export default async function demo(log: CliLogger, opts: RunCommandOptions): Promise<number> {
  const outDir = path.resolve(opts.out ?? 'out');
  return runAndReport(log, {
    ...opts,
    projectDir: path.join(PACKAGE_ROOT, 'sample-data'),
    outDir,
    warehousePath: path.join(outDir, '.boardpack', 'warehouse.duckdb'),
  });
}
