/**
 * Issue #4 acceptance: an indicator whose SQL names a column the extract lacks gets an error listing the
 * extract's columns before anything is computed (`validate` needs no data at all); in `run` the other
 * indicators still compute and the bad one is listed as failed in the pack's data-quality appendix.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliHere } from '../helpers/cli.js';
import { editFile, makeProject } from '../helpers/project.js';

const COLUMNS = 'health(period, area, quarter, locality, live_births, live_births__marker, low_birth_weight, low_birth_weight__marker, reviews_6_8_weeks, reviews_6_8_weeks__marker, breastfed_6_8_weeks, breastfed_6_8_weeks__marker)';

describe('an indicator naming a column the extract lacks', () => {
  it('validate reports it with the extract\'s columns, without any data loaded', async () => {
    const root = await makeProject();
    editFile(root, 'indicators/low_birth_weight.yaml', 'sum(low_birth_weight)', 'sum(low_birthweight)');
    const r = await runCliHere(['validate', '--project', root]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('BP_SQL_UNKNOWN_COLUMN');
    expect(r.stderr).toContain('at indicators.low_birth_weight.numerator.expr');
    expect(r.stderr).toContain(COLUMNS);
    expect(existsSync(path.join(root, '.boardpack'))).toBe(false); // nothing ingested, no warehouse made
  });

  it('run computes the others, exits 1 and lists the failed one in the data-quality appendix', async () => {
    const root = await makeProject();
    editFile(root, 'indicators/low_birth_weight.yaml', 'sum(low_birth_weight)', 'sum(low_birthweight)');
    const r = await runCliHere(['run', '--project', root, '--no-pdf']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('error BP_SQL_UNKNOWN_COLUMN');
    expect(r.stderr).toContain(COLUMNS);

    const results = JSON.parse(readFileSync(path.join(root, 'out', 'results.json'), 'utf8')) as { results: Array<{ indicator: string; area: string; value: number | null; status: string }> };
    const of = (id: string) => results.results.filter((x) => x.indicator === id);
    expect(of('low_birth_weight').length).toBeGreaterThan(0);
    expect(of('low_birth_weight').every((x) => x.status === 'failed' && x.value === null)).toBe(true);
    for (const id of ['two_year_old_take_up', 'open_early_help']) {
      expect(of(id).filter((x) => x.area === 'all' && typeof x.value === 'number').length, id).toBeGreaterThan(0);
    }

    const html = readFileSync(path.join(root, 'out', 'board-pack.html'), 'utf8');
    const start = html.indexOf('id="appendix-quality"');
    expect(start).toBeGreaterThan(-1);
    const appendix = html.slice(start, html.indexOf('</section>', start));
    expect(appendix).toContain('BP_SQL_UNKNOWN_COLUMN');
    expect(appendix).toContain('low_birth_weight');
    expect(appendix).toContain('low_birthweight');
    // The compiled SQL of the failed indicator is still written for inspection.
    expect(readFileSync(path.join(root, 'out', 'target', 'compiled', 'low_birth_weight.sql'), 'utf8')).toContain('sum(low_birthweight)');
  });
});
