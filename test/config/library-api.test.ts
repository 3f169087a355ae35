/** The package root (`import … from 'boardpack'`, here its source) exports typed loadProject and validateProject (#4). */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as boardpack from '../../src/index.js';
import type { Config, IndicatorDef, Problem } from '../../src/index.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { editFile, makeProject } from '../helpers/project.js';

describe('library API', () => {
  it('loadProject returns the typed project, config, indicators and problems', async () => {
    const res = await boardpack.loadProject(path.join(REPO_ROOT, 'sample-data'));
    const config: Config = res.config!;
    const indicators: IndicatorDef[] = res.indicators;
    const problems: Problem[] = res.problems;
    expect(config.partnership.shortName).toBe('Brackenfield');
    expect(indicators).toHaveLength(24);
    expect(res.project!.indicators).toBe(indicators);
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('validateProject adds the SQL check and counts', async () => {
    const root = await makeProject();
    editFile(root, 'indicators/low_birth_weight.yaml', 'sum(low_birth_weight)', 'sum(lbw)');
    const res = await boardpack.validateProject(root);
    expect(res.errors).toBe(1);
    expect(res.problems.find((p) => p.severity === 'error')).toMatchObject({ code: 'BP_SQL_UNKNOWN_COLUMN', yamlPath: 'indicators.low_birth_weight.numerator.expr' });
    expect(res.indicators.map((d) => d.id).sort()).toEqual(['breastfeeding_6_8_weeks', 'early_help_needs_met', 'open_early_help', 'two_year_old_take_up']);
    expect(boardpack.formatProblem(res.problems.find((p) => p.severity === 'error')!)).toContain('the columns that exist are: health(');
  });

  it('lists the bundled presets and exports the JSON Schemas', () => {
    expect(boardpack.listPresets()).toEqual(['stockport-2017-20', 'stockton-2014', 'stoke-2017-20', 'stoke-2020-24']);
    expect(Object.keys(boardpack.jsonSchemas())).toContain('indicator.schema.json');
  });
});
