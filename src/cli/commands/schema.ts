import path from 'node:path';
import { writeFileAtomic } from '../../core/atomic-write.js';
import { jsonSchemas } from '../../config/json-schemas.js';
import { resultsJsonSchema } from '../../pipeline/results-schema.js';
import type { CliLogger } from '../log.js';

/** The config files' JSON Schemas (src/config) and results.json's (src/pipeline), into one folder. */
export default async function schema(log: CliLogger, opts: { out?: string }): Promise<number> {
  const dir = path.resolve(opts.out ?? 'schema');
  const schemas = { ...jsonSchemas(), 'results.schema.json': resultsJsonSchema() };
  for (const [name, s] of Object.entries(schemas)) {
    const file = path.join(dir, name);
    await writeFileAtomic(file, `${JSON.stringify(s, null, 2)}\n`);
    process.stdout.write(`${path.relative(process.cwd(), file)}\n`);
  }
  log.summary(`Wrote ${Object.keys(schemas).length} JSON Schema files to ${path.relative(process.cwd(), dir) || '.'}; point your editor's YAML extension at them (# yaml-language-server: $schema=…), and check results.json with results.schema.json`);
  return 0;
}
