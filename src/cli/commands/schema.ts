import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../core/atomic-write.js';
import { IndicatorSpec, ProjectSpec, SourceSpec } from '../../config/schema.js';
import type { CliLogger } from '../log.js';

export function jsonSchemas(): Record<string, unknown> {
  const opts = { target: 'draft-2020-12' as const, io: 'input' as const, unrepresentable: 'any' as const };
  return {
    'boardpack.schema.json': { title: 'boardpack.yaml', ...z.toJSONSchema(ProjectSpec, opts) },
    'indicator.schema.json': { title: 'boardpack indicator definition', ...z.toJSONSchema(IndicatorSpec, opts) },
    'source.schema.json': { title: 'boardpack source contract', ...z.toJSONSchema(SourceSpec, opts) },
  };
}

export default async function schema(log: CliLogger, opts: { out?: string }): Promise<number> {
  const dir = path.resolve(opts.out ?? 'schema');
  for (const [name, s] of Object.entries(jsonSchemas())) {
    const file = path.join(dir, name);
    await writeFileAtomic(file, `${JSON.stringify(s, null, 2)}\n`);
    process.stdout.write(`${path.relative(process.cwd(), file)}\n`);
  }
  log.summary(`Wrote 3 JSON Schema files to ${path.relative(process.cwd(), dir) || '.'}; point your editor's YAML extension at them (# yaml-language-server: $schema=…)`);
  return 0;
}
