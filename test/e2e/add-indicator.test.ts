/** README promise: adding an indicator to the sample needs one YAML file and nothing else. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { REPO_ROOT, runCliHere } from '../helpers/cli.js';
import { copySampleWithWarehouse } from '../helpers/sample.js';

it('the README\'s example indicator, saved as one file in a copy of the sample, is computed and rated', async () => {
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const yaml = /```yaml\n(id: low_birth_weight_term[\s\S]*?)```/.exec(readme)?.[1];
  expect(yaml).toBeDefined();
  const project = path.join(mkdtempSync(path.join(tmpdir(), 'bp-add-')), 'sample');
  await copySampleWithWarehouse(project);
  writeFileSync(path.join(project, 'indicators', 'low_birth_weight_term.yaml'), yaml!);
  const r = await runCliHere(['run', '--project', project, '--no-pdf']);
  expect(r.status, r.stderr).toBe(0);
  expect(r.stderr).toContain('Computed 25 of 25 indicators');
  const results = JSON.parse(readFileSync(path.join(project, 'out', 'results.json'), 'utf8'));
  const latest = results.results.find((x: { indicator: string; period: string; area: string }) => x.indicator === 'low_birth_weight_term' && x.period === '2026-27-Q2' && x.area === 'all');
  expect(latest.value).toBeGreaterThan(0);
  expect(latest.value).toBeLessThan(10);
  expect(['red', 'amber', 'green', 'blue']).toContain(latest.rag);
  expect(readFileSync(path.join(project, 'out', 'board-pack.html'), 'utf8')).toContain('Term babies born with a low birth weight');
}, 300_000);
