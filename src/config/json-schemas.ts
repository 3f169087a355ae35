/**
 * The zod schemas as JSON Schema (draft 2020-12), as the user writes the files: an indicator file may hold one
 * indicator, an `extends:` override, or a set under `indicators:`. A test validates every shipped YAML file
 * (the sample, the init project, every preset) against these with ajv.
 */
import { z } from 'zod';
import { IndicatorFile, PresetSpec, ProjectSpec, SourceContractsFile, SourceSpec } from './schema.js';

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
