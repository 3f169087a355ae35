/**
 * Turns zod issues into boardpack Problems with a stable code, the YAML path, the line, the bad value,
 * the allowed values and a "did you mean …?" where a near-miss name exists.
 */
import type { z } from 'zod';
import { didYouMean, problem, type Problem } from '../core/errors.js';
import type { YamlFile } from './yaml.js';

export function zodIssuesToProblems(schema: z.ZodType, issues: z.core.$ZodIssue[], yaml: YamlFile, codePrefix: string, pathPrefix: string[] = []): Problem[] {
  const out: Problem[] = [];
  for (const issue of issues) {
    const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    const yamlPath = [...pathPrefix, ...path].join('.') || '(top level)';
    const line = yaml.lineOf(path);
    const input = (issue as { input?: unknown }).input;
    const base = { file: yaml.file, line, yamlPath };
    switch (issue.code) {
      case 'invalid_value': {
        const allowed = issue.values.map(String);
        const suggestion = typeof input === 'string' ? didYouMean(input, allowed) : undefined;
        out.push(problem(`${codePrefix}_INVALID_VALUE`, suggestion ? `not an allowed value; did you mean ${suggestion}?` : 'not an allowed value', {
          ...base, value: input, expected: `one of ${allowed.join(', ')}`,
          fix: suggestion ? `write ${suggestion}` : `use one of ${allowed.join(', ')}`,
        }));
        break;
      }
      case 'unrecognized_keys':
        for (const key of issue.keys) {
          const known = knownKeysAt(schema, path);
          const suggestion = known ? didYouMean(key, known) : undefined;
          out.push(problem(`${codePrefix}_UNKNOWN_KEY`, `unknown key "${key}"${suggestion ? `; did you mean ${suggestion}?` : ''}`, {
            ...base, yamlPath: [...pathPrefix, ...path, key].join('.'), line: yaml.lineOf([...path, key]) ?? line, value: key,
            fix: suggestion ? `rename it to ${suggestion}` : 'remove it, or check the spelling against the JSON Schema from `boardpack schema`',
          }));
        }
        break;
      case 'invalid_type':
        if (input === undefined) {
          out.push(problem(`${codePrefix}_REQUIRED`, `required key is missing (${issue.expected})`, { ...base, fix: `add ${path[path.length - 1] ?? 'it'}: <${issue.expected}>` }));
        } else {
          out.push(problem(`${codePrefix}_INVALID_TYPE`, `expected ${issue.expected}`, { ...base, value: input, expected: String(issue.expected), fix: `write a ${issue.expected} here` }));
        }
        break;
      case 'invalid_union':
        out.push(problem(`${codePrefix}_INVALID_TYPE`, 'this value has none of the accepted shapes', {
          ...base, value: input,
          expected: issue.errors.map((errs) => errs[0]?.code === 'invalid_type' ? (errs[0] as { expected: string }).expected : 'an object').join(' or '),
          fix: 'see `boardpack schema` for the accepted shapes',
        }));
        break;
      case 'invalid_format':
        out.push(problem(`${codePrefix}_INVALID_FORMAT`, issue.message, { ...base, value: input, fix: 'use lower-case letters, digits and _ for ids' }));
        break;
      case 'too_small':
      case 'too_big':
        out.push(problem(`${codePrefix}_OUT_OF_RANGE`, issue.message, { ...base, value: input }));
        break;
      default:
        out.push(problem(`${codePrefix}_INVALID`, issue.message, { ...base, value: input }));
    }
  }
  return out;
}

/** The keys the (strict) object schema at `path` accepts, found by walking the schema. */
function knownKeysAt(schema: z.ZodType, path: ReadonlyArray<string | number>): string[] | undefined {
  let node: unknown = schema;
  const unwrap = (n: unknown): unknown => {
    for (let i = 0; i < 10; i++) {
      const def = (n as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
      if (!def) return n;
      if (def.innerType) n = def.innerType;
      else if (def.type === 'union') n = (def.options as unknown[]).find((o) => (o as { _zod: { def: { type: string } } })._zod.def.type === 'object') ?? n;
      else return n;
      if (def.type === 'union') return n;
    }
    return n;
  };
  for (const key of path) {
    node = unwrap(node);
    const def = (node as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
    if (!def) return undefined;
    if (def.type === 'object') node = (def.shape as Record<string, unknown>)[String(key)];
    else if (def.type === 'array') node = def.element;
    else if (def.type === 'record') node = def.valueType;
    else return undefined;
  }
  const def = (unwrap(node) as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
  return def?.type === 'object' ? Object.keys(def.shape as Record<string, unknown>) : undefined;
}
