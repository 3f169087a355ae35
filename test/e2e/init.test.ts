/**
 * A first run without noise: `boardpack init` writes a project whose extracts run up to the latest period
 * complete before today, that validates with no warning, whose first `run --strict` passes every gate, and
 * whose `$schema` comments point at schema files it wrote.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliHere } from '../helpers/cli.js';

const epoch = (date: string) => String(Date.parse(`${date}T12:00:00Z`) / 1000);

describe('boardpack init', () => {
  for (const [today, quarter, term] of [['2026-12-02', '2026-27-Q2', 'AY2025-26-T3'], ['2025-07-15', '2025-26-Q1', 'AY2024-25-T2']] as const) {
    it(`on ${today}: data up to ${quarter}, no warning, a first --strict run with no gate`, async () => {
      const root = path.join(mkdtempSync(path.join(tmpdir(), 'bp-init-')), 'p');
      const env = { SOURCE_DATE_EPOCH: epoch(today) };
      const init = await runCliHere(['init', root], { env });
      expect(init.status, init.stderr).toBe(0);
      const validate = await runCliHere(['validate', '--project', root, '--json'], { env });
      expect(validate.status, validate.stdout).toBe(0);
      expect(JSON.parse(validate.stdout).problems).toEqual([]);
      const run = await runCliHere(['run', '--project', root, '--no-pdf', '--strict', '--json'], { env });
      expect(run.status, run.stderr).toBe(0);
      const summary = JSON.parse(run.stdout);
      expect(summary.period.id).toBe(quarter);
      expect(summary.gates).toEqual([]);
      expect(summary.problems).toEqual({ errors: 0, warnings: 0 });
      expect(summary.indicators).toMatchObject({ total: 5, computed: 5, failed: 0, awaitingData: 0 });
      expect(summary.sources.map((s: { source: string; latest: string }) => [s.source, s.latest])).toEqual([['health', quarter], ['schools', term], ['early_help', quarter]]);
    }, 120_000);
  }

  it('every $schema comment points at a schema file the project has', async () => {
    const root = path.join(mkdtempSync(path.join(tmpdir(), 'bp-init-')), 'p');
    expect((await runCliHere(['init', root])).status).toBe(0);
    const yamls = ['boardpack.yaml', ...readdirSync(path.join(root, 'indicators')).map((f) => `indicators/${f}`)];
    for (const rel of yamls) {
      const m = /^# yaml-language-server: \$schema=(\S+)$/m.exec(readFileSync(path.join(root, rel), 'utf8'));
      expect(m, rel).not.toBeNull();
      const target = path.resolve(path.dirname(path.join(root, rel)), m![1]);
      expect(existsSync(target), `${rel} → ${m![1]}`).toBe(true);
      expect(JSON.parse(readFileSync(target, 'utf8')).$schema).toMatch(/json-schema\.org/);
    }
  });
});

describe('boardpack schema', () => {
  it('carries each field\'s description, for an editor to show', async () => {
    const { jsonSchemas } = await import('../../src/config/json-schemas.js');
    const schemas = jsonSchemas();
    const source = schemas['source.schema.json'] as { properties: Record<string, { description?: string }> };
    for (const key of ['path', 'format', 'partner', 'lateness_days', 'area_column', 'area_codes', 'where', 'columns', 'key']) {
      expect(source.properties[key]?.description, key).toMatch(/\w{3}/);
    }
    expect(source.properties.format.description).toMatch(/dfe_ees/);
    const project = schemas['boardpack.schema.json'] as { properties: Record<string, { description?: string }> };
    expect(project.properties.indicators.description).toMatch(/preset:NAME/);
    // Every documented field of the YAML carries its text: more than 30 descriptions across the project schema.
    expect(JSON.stringify(project).match(/"description":/g)!.length).toBeGreaterThan(30);
  });
});
