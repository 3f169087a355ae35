import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../core/atomic-write.js';
import { IndicatorFile, PresetSpec, ProjectSpec, SourceContractsFile, SourceSpec } from '../../config/schema.js';
import type { CliLogger } from '../log.js';

/**
 * The zod schemas as JSON Schema (draft 2020-12), as the user writes the files: an indicator file may hold one
 * indicator, an `extends:` override, or a set under `indicators:`. A test validates every shipped YAML file
 * (the sample, the init project, every preset) against these with ajv.
 */
export function jsonSchemas(): Record<string, Record<string, unknown>> {
  const opts = { target: 'draft-2020-12' as const, io: 'input' as const, unrepresentable: 'any' as const };
  return {
    'boardpack.schema.json': { title: 'boardpack.yaml', ...z.toJSONSchema(ProjectSpec, opts) },
    'indicator.schema.json': { title: 'boardpack indicator file', ...z.toJSONSchema(IndicatorFile, opts) },
    'source.schema.json': { title: 'boardpack source contract', ...z.toJSONSchema(SourceSpec, opts) },
    'sources.schema.json': { title: 'boardpack source contracts file (a preset\'s sources.yaml)', ...z.toJSONSchema(SourceContractsFile, opts) },
    'preset.schema.json': { title: 'boardpack preset (preset.yaml)', ...z.toJSONSchema(PresetSpec, opts) },
  };
}

export default async function schema(log: CliLogger, opts: { out?: string }): Promise<number> {
  const dir = path.resolve(opts.out ?? 'schema');
  const schemas = jsonSchemas();
  for (const [name, s] of Object.entries(schemas)) {
    const file = path.join(dir, name);
    await writeFileAtomic(file, `${JSON.stringify(s, null, 2)}\n`);
    process.stdout.write(`${path.relative(process.cwd(), file)}\n`);
  }
  log.summary(`Wrote ${Object.keys(schemas).length} JSON Schema files to ${path.relative(process.cwd(), dir) || '.'}; point your editor's YAML extension at them (# yaml-language-server: $schema=…)`);
  return 0;
}
