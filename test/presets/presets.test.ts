/**
 * The four seed frameworks as presets: each validates cleanly in a project that names it and takes
 * its source contracts, with the wording, grouping, providers, frequencies, targets and baselines the documents
 * give; the Stockport literal list (N and P both present) is reported as a duplicate.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { validateProject } from '../../src/pipeline/validate.js';
import { assess } from '../../src/assess/index.js';
import { runCliHere, REPO_ROOT } from '../helpers/cli.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** A project that names the preset under `indicators:` and takes every one of its source contracts. */
function presetProject(preset: string): string {
  const root = mkdtempSync(path.join(tmpdir(), `bp-preset-${preset}-`));
  const contracts = parse(readFileSync(path.join(REPO_ROOT, 'indicators', preset, 'sources.yaml'), 'utf8')) as { sources: Record<string, unknown> };
  const sources = Object.keys(contracts.sources).map((id) => `  ${id}: { contract: "preset:${preset}", path: extracts/${id}.csv }`).join('\n');
  writeFileSync(path.join(root, 'boardpack.yaml'), `partnership: { name: Test partnership }\nboard: { name: Test board }\nareas: [{ id: all, name: Test }, { id: north, name: North }]\nindicators: ["preset:${preset}"]\nsources:\n${sources}\n`);
  return root;
}

const PRESETS: Record<string, number> = { 'stoke-2020-24': 24, 'stoke-2017-20': 12, 'stockton-2014': 30, 'stockport-2017-20': 23 };

describe('presets', () => {
  for (const [preset, count] of Object.entries(PRESETS)) {
    it(`${preset}: validates with no error, ${count} indicators, every SQL bound against its contracts`, async () => {
      const res = await validateProject(presetProject(preset));
      expect(res.problems.filter((p) => p.severity === 'error')).toEqual([]);
      expect(res.indicators).toHaveLength(count);
      expect(res.compiled).toHaveLength(count);
      // The preset's priorities and title reach the config, so naming the preset is enough.
      expect(res.config!.framework.priorities.length).toBeGreaterThan(0);
      for (const d of res.indicators) expect(res.config!.framework.priorities.map((p) => p.id)).toContain(d.priority);
    });
  }

  it('the real CLI validates a preset project with exit 0', async () => {
    const r = await runCliHere(['validate', '--project', presetProject('stoke-2017-20')]);
    expect(r.stderr).toContain('12 indicator(s) valid: 0 error(s)');
    expect(r.status).toBe(0);
  });

  it('stoke-2020-24 reuses the sample definitions, without the sample\'s own targets, and keeps the strategy\'s baselines', async () => {
    const res = await validateProject(presetProject('stoke-2020-24'));
    const byId = new Map(res.indicators.map((d) => [d.id, d]));
    const sample = await validateProject(path.join(REPO_ROOT, 'sample-data'));
    for (const s of sample.indicators) {
      const d = byId.get(s.id)!;
      expect(d, s.id).toBeDefined();
      expect([d.title, d.kind, d.question, d.priority, d.polarity, d.unit, d.periodType]).toEqual([s.title, s.kind, s.question, s.priority, s.polarity, s.unit, s.periodType]);
      expect(d.numerator).toEqual(s.numerator);
      expect(d.denominator).toEqual(s.denominator);
      expect(d.targets).toEqual({});
      expect(d.comparators).toEqual([]);
      expect(d.sourceNotes).toMatch(/^Strategy indicator: "/);
    }
    expect(byId.get('children_in_care')!.baseline).toMatchObject({ value: 129, period: '2019-20' });
    expect(byId.get('low_birth_weight')!.baseline).toMatchObject({ value: 9.5 });
    expect(res.indicators.filter((d) => d.baseline)).toHaveLength(2);
    // 18 strategy indicators, compound ones split: "birth weight, still-born, maternal smoking" is three.
    expect(new Set(res.indicators.map((d) => /"([^"]+)"/.exec(d.sourceNotes!)![1])).size).toBe(18);
    expect(res.indicators.filter((d) => d.sourceNotes!.includes('weight, still-born, maternal smoking'))).toHaveLength(3);
    expect(res.indicators.filter((d) => d.sourceNotes!.includes('(CIC), CP and CIN'))).toHaveLength(3);
  });

  it('stoke-2017-20 keeps each measure\'s stated direction', async () => {
    const res = await validateProject(presetProject('stoke-2017-20'));
    const pol = (id: string) => res.indicators.find((d) => d.id === id)!.polarity;
    expect(pol('children_receiving_statutory_services')).toBe('lower_is_better'); // 1. Reduction
    expect(pol('school_attendance')).toBe('higher_is_better'); // 4. Increase
    expect(pol('teenage_conceptions')).toBe('lower_is_better'); // 7. Reduction
    expect(pol('ehas_initiated_by_partners')).toBe('higher_is_better'); // 9. Increase
    const measures = new Set(res.indicators.map((d) => /Measure (\d+)/.exec(d.sourceNotes!)![1]));
    expect([...measures].map(Number).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('stockton-2014: every Appendix Two KPI with provider and frequency; only the obesity KPIs rated, the rest grey "no target set"', async () => {
    const res = await validateProject(presetProject('stockton-2014'));
    const rated = res.indicators.filter((d) => Object.keys(d.targets).length);
    expect(rated.map((d) => [d.id, d.targets['2014-15'].value])).toEqual([['obesity_reception', 9.5], ['obesity_year_6', 21.5]]);
    expect(res.indicators.find((d) => d.id === 'hv_contact_28_weeks')).toMatchObject({ dataProvider: expect.stringMatching(/^NTHFT/), frequency: 'quarterly' });
    expect(res.indicators.find((d) => d.id === 'caf_registered')).toMatchObject({ dataProvider: expect.stringMatching(/^SBC BUSI/), frequency: 'monthly' });
    expect(res.indicators.find((d) => d.id === 'persistent_absence_primary')).toMatchObject({ frequency: 'termly', periodType: 'term' });
    expect(res.indicators.find((d) => d.id === 'referrals_to_social_care')!.dataProvider).toBeUndefined(); // the document names none

    // Assess a 2014-15 figure for each annual measure: obesity is rated against its target, the others are grey.
    const annual = res.indicators.filter((d) => d.periodType === 'fy');
    const values = annual.flatMap((d) => [{ indicator: d.id, period: '2014-15', area: 'all', numerator: 100, denominator: 1000, value: d.unit === 'percent' ? 10 : 100, marker: null }]);
    const config = { ...res.config!, reporting: { ...res.config!.reporting, periodType: 'fy' as const } };
    const a = assess(config, annual, { values, compiled: [], failures: [] }, { period: '2014-15' });
    const latest = (id: string) => a.indicators.find((x) => x.indicator.id === id)!.latest;
    expect(latest('obesity_reception').rag).toBe('red'); // 10% against a 9.5% target, lower is better
    expect(latest('obesity_year_6').rag).toBe('green'); // 10% against 21.5%
    const unrated = a.indicators.filter((x) => !['obesity_reception', 'obesity_year_6'].includes(x.indicator.id));
    expect(unrated.length).toBeGreaterThan(0);
    for (const x of unrated) {
      expect(x.latest.rag).toBe('grey');
      expect(x.latest.ragReason).toMatch(/no target/);
    }
  });

  it('stockport-2017-20 keeps the injury measure once; validate on the document\'s literal list reports N and P as one measure', async () => {
    const preset = await validateProject(presetProject('stockport-2017-20'));
    expect(preset.indicators.filter((d) => /injur/i.test(d.title))).toHaveLength(1);
    const letters = new Set(preset.indicators.map((d) => /Measure ([A-Z])/.exec(d.sourceNotes!)![1]));
    expect([...letters].sort().join('')).toBe('ABCDEFGHIJKLMNOQT');

    const literal = path.join(FIXTURES, 'stockport-literal');
    const r = await runCliHere(['validate', '--project', literal, '--json']);
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout) as { problems: Array<{ code: string; severity: string; yamlPath: string; message: string; line?: number }> };
    const dup = out.problems.filter((p) => p.severity !== 'warning' && p.code === 'BP_INDICATOR_SAME_MEASURE');
    expect(dup).toHaveLength(1);
    expect(dup[0]).toMatchObject({ yamlPath: 'indicators.p_injury_admissions' });
    expect(dup[0].message).toContain('"n_injury_admissions"');
    expect(dup[0].line).toBe(18); // the P line of the fixture
    expect(out.problems.filter((p) => p.code !== 'BP_INDICATOR_SAME_MEASURE' && p.code !== 'BP_LINT_NO_BETTER_OFF')).toEqual([]);
  });

  it('a project can take one preset measure and set its own target (the README example)', async () => {
    const root = presetProject('stoke-2020-24');
    writeFileSync(path.join(root, 'boardpack.yaml'), readFileSync(path.join(root, 'boardpack.yaml'), 'utf8').replace('indicators: ["preset:stoke-2020-24"]', 'indicators: [local]\nframework: { priorities: [{ id: best_start, title: Best start in life }] }'));
    mkdirSync(path.join(root, 'local'));
    writeFileSync(path.join(root, 'local', 'lbw.yaml'), 'extends: "preset:stoke-2020-24/best_start#low_birth_weight"\nkind: performance_measure\nquestion: better_off\ntargets: { 2026-27: { value: 8.5, tolerance_pct: 5 } }\nowner: Director of Public Health\n');
    const res = await validateProject(root);
    expect(res.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(res.indicators).toHaveLength(1);
    expect(res.indicators[0]).toMatchObject({ id: 'low_birth_weight', owner: 'Director of Public Health', targets: { '2026-27': { value: 8.5 } }, baseline: { value: 9.5 } });
    expect(res.config!.framework.priorities.map((p) => p.id)).toEqual(['best_start']);
  });
});
