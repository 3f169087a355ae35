/**
 * A preset adapts without copying: a project's `columns:` under a preset's contract change single columns
 * (aliases added, keys overridden, `null` removes one) and keep the rest; a bind error names the YAML key that
 * holds the bad column, the source, and the columns that source really has.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProject } from '../../src/config/load.js';
import { validateProject } from '../../src/pipeline/validate.js';

const SOURCES = ['massh_contacts', 'eha_episodes', 'youth_justice', 'schools', 'missing_from_home', 'maternity', 'child_health_annual', 'looked_after', 'employment'];

/** A project on the Stockport preset; `own` is written under each named source beside its contract and path. */
function stockport(own: Record<string, string> = {}, extra = ''): string {
  const root = path.join(mkdtempSync(path.join(tmpdir(), 'bp-adapt-')), 'project');
  mkdirSync(root, { recursive: true });
  writeFileSync(path.join(root, 'boardpack.yaml'), `partnership: { name: Stockport }
board: { name: Board }
areas: [{ id: all, name: Stockport }]
indicators: ["preset:stockport-2017-20"${extra ? ', indicators' : ''}]
sources:
${SOURCES.map((s) => `  ${s}: { contract: "preset:stockport-2017-20", path: ${s}.csv${own[s] ? `, ${own[s]}` : ''} }`).join('\n')}
`);
  if (extra) {
    mkdirSync(path.join(root, 'indicators'));
    writeFileSync(path.join(root, 'indicators', 'extra.yaml'), extra);
  }
  return root;
}

describe('adapting a preset\'s source contract', () => {
  it('merges single columns into the contract: aliases added, keys overridden, null removes, the rest kept', async () => {
    const res = await loadProject(stockport({
      massh_contacts: 'columns: { contact_date: { aliases: [Date of contact] }, outcome: { required: false }, presenting_issue: null }',
    }));
    expect(res.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const massh = res.config!.sources.find((s) => s.id === 'massh_contacts')!;
    expect(massh.columns.map((c) => c.name)).toEqual(['contact_id', 'locality', 'contact_date', 'outcome', 'eha_within_30_working_days']);
    expect(massh.columns.find((c) => c.name === 'contact_date')).toMatchObject({ type: 'date', required: true, aliases: ['Date of contact'] });
    // The preset's allowed values survive an override of `required`.
    expect(massh.columns.find((c) => c.name === 'outcome')).toMatchObject({ type: 'code', required: false, values: ['EHA_REC', 'OPEN_EHA', 'UNIVERSAL_REC', 'SWA'] });
    expect(massh.columns.find((c) => c.name === 'contact_id')?.identifier).toBe(true);
  });

  it('a column renamed away from what an indicator reads: the error names the period rule, the source and its columns', async () => {
    const res = await validateProject(stockport({ eha_episodes: 'columns: { completed_date: null, date_completed: { type: date } }' }));
    const errors = res.problems.filter((p) => p.severity === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      code: 'BP_SQL_UNKNOWN_COLUMN',
      yamlPath: 'indicators.ehas_completed.numerator.period.event',
      message: 'indicator ehas_completed: source "eha_episodes" has no column "completed_date" (named in numerator.period.event)',
      value: 'completed_date',
    });
    expect(errors[0].fix).toMatch(/^the columns that exist are: eha_episodes\(area, child_id, locality, start_date, date_completed\)/);
    expect(errors[0].message).not.toMatch(/"s"/);
    expect(errors[0].line).toBeGreaterThan(0);
  });

  it('a bad column in an expression or a filter is reported at that key, with a did-you-mean', async () => {
    const extra = `indicators:
  - id: ehas_started
    title: Early help assessments started
    kind: performance_measure
    question: how_much
    priority: collective
    polarity: none
    unit: count
    numerator: { from: eha_episodes, expr: count(DISTINCT child_idd), period: { event: start_date } }
  - id: ehas_north
    title: Early help assessments started in the north
    kind: performance_measure
    question: how_much
    priority: collective
    polarity: none
    unit: count
    numerator: { from: eha_episodes, expr: count(*), where: "localty = 'North'", period: { event: start_date } }
`;
    const res = await validateProject(stockport({}, extra));
    const errors = res.problems.filter((p) => p.severity === 'error');
    expect(errors.map((p) => [p.yamlPath, p.value])).toEqual([
      ['indicators.ehas_started.numerator.expr', 'child_idd'],
      ['indicators.ehas_north.numerator.where', 'localty'],
    ]);
    expect(errors[0].fix).toMatch(/^did you mean "child_id"\?/);
    expect(errors[1].fix).toMatch(/^did you mean "locality"\?/);
  });
});
