/**
 * `boardpack schema` output validates the shipped YAML files: the sample project, the init project
 * and every preset file, checked with ajv against the JSON Schema the real CLI writes. And it is not vacuous:
 * a misspelt polarity and an unknown key fail it.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCliHere, REPO_ROOT } from '../helpers/cli.js';
import { makeProject } from '../helpers/project.js';

const yamlIn = (dir: string) => readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).map((f) => path.join(dir, f));
const load = (file: string) => parse(readFileSync(file, 'utf8')) as unknown;

let validators: Record<string, (data: unknown) => string[]>;

beforeAll(async () => {
  const out = mkdtempSync(path.join(tmpdir(), 'bp-schema-'));
  const r = await runCliHere(['schema', '--out', out]);
  expect(r.status).toBe(0);
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  validators = {};
  for (const f of readdirSync(out)) {
    const v = ajv.compile(JSON.parse(readFileSync(path.join(out, f), 'utf8')) as object);
    validators[f] = (data) => (v(data) ? [] : (v.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));
  }
});

describe('boardpack schema', () => {
  it('writes the six schema files', () => {
    expect(Object.keys(validators).sort()).toEqual(['boardpack.schema.json', 'indicator.schema.json', 'preset.schema.json', 'results.schema.json', 'source.schema.json', 'sources.schema.json']);
  });

  it('validates sample-data/boardpack.yaml and every sample indicator file', () => {
    expect(validators['boardpack.schema.json'](load(path.join(REPO_ROOT, 'sample-data', 'boardpack.yaml')))).toEqual([]);
    const files = yamlIn(path.join(REPO_ROOT, 'sample-data', 'indicators'));
    expect(files.length).toBeGreaterThan(20);
    for (const f of files) expect(validators['indicator.schema.json'](load(f)), f).toEqual([]);
  });

  it('validates the init project', async () => {
    const root = await makeProject();
    expect(validators['boardpack.schema.json'](load(path.join(root, 'boardpack.yaml')))).toEqual([]);
    for (const f of yamlIn(path.join(root, 'indicators'))) expect(validators['indicator.schema.json'](load(f)), f).toEqual([]);
  });

  it('validates every preset file: preset.yaml, sources.yaml and the indicator sets', () => {
    const presets = readdirSync(path.join(REPO_ROOT, 'indicators'));
    expect(presets.sort()).toEqual(['stockport-2017-20', 'stockton-2014', 'stoke-2017-20', 'stoke-2020-24']);
    for (const p of presets) {
      for (const f of yamlIn(path.join(REPO_ROOT, 'indicators', p))) {
        const kind = path.basename(f) === 'preset.yaml' ? 'preset.schema.json' : path.basename(f) === 'sources.yaml' ? 'sources.schema.json' : 'indicator.schema.json';
        expect(validators[kind](load(f)), f).toEqual([]);
      }
    }
  });

  it('rejects a misspelt polarity and an unknown key', () => {
    const file = load(path.join(REPO_ROOT, 'sample-data', 'indicators', 'low_birth_weight.yaml')) as Record<string, unknown>;
    expect(validators['indicator.schema.json']({ ...file, polarity: 'lower_is_beter' })).not.toEqual([]);
    expect(validators['indicator.schema.json']({ ...file, polarty: 'lower_is_better' })).not.toEqual([]);
    const config = load(path.join(REPO_ROOT, 'sample-data', 'boardpack.yaml')) as Record<string, unknown>;
    expect(validators['boardpack.schema.json']({ ...config, disclosure: { threshold: 'ten' } })).not.toEqual([]);
  });
});
