/**
 * Issue #10, the catalogue of bad inputs, continued (test/ingest/bad-inputs.test.ts and test/config hold the
 * first ones): config, indicator, template and extract cases run through the real CLI after a good load.
 * Each asserts a coded error (no stack trace, exit 1) and that the previously loaded data is intact.
 *
 * The good load is done once, through the CLI; each case breaks its own copy of that loaded project (a closed
 * DuckDB file is a whole database, so the copy is the load as the CLI left it). The CLI runs in this process
 * (runCliHere): what is tested is what a command says and leaves behind, not the process.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliHere } from '../helpers/cli.js';
import { editFile, makeProject } from '../helpers/project.js';
import { openWarehouse } from '../../src/warehouse/db.js';

type Break = (root: string) => void;
const put = (rel: string, content: string | Buffer): Break => (root) => { mkdirSync(path.dirname(path.join(root, rel)), { recursive: true }); writeFileSync(path.join(root, rel), content); };
const edit = (rel: string, from: string | RegExp, to: string): Break => (root) => editFile(root, rel, from, to);
const withTemplates = (name: string, content: string): Break => (root) => {
  editFile(root, 'boardpack.yaml', 'indicators: [indicators]\n', 'indicators: [indicators]\ntemplates: templates\n');
  put(`templates/${name}`, content)(root);
};
const SCHOOLS_HEADER = 'term,locality,eligible_2yo,taking_place';

const cases: Array<{ name: string; code: string; break: Break }> = [
  // config
  { name: 'boardpack.yaml with a tab-indented block', code: 'BP_YAML_SYNTAX', break: edit('boardpack.yaml', 'partnership:\n  name:', 'partnership:\n\tname:') },
  { name: 'a duplicated key in boardpack.yaml', code: 'BP_YAML_SYNTAX', break: edit('boardpack.yaml', 'board:\n', 'board:\n  name: Twice\n') },
  { name: 'an indicator file over 5 MB', code: 'BP_YAML_TOO_LARGE', break: put('indicators/huge.yaml', `# ${'x'.repeat(6 * 1024 * 1024)}\nid: huge\n`) },
  { name: 'an indicator file that is binary', code: 'BP_', break: put('indicators/binary.yaml', Buffer.from([0, 1, 2, 0xff, 0xfe, 0x00, 0x1b, 0x5b, 0x41])) },
  { name: 'an indicator with an unknown unit', code: 'BP_', break: edit('indicators/open_early_help.yaml', 'unit: count', 'unit: bananas') },
  { name: 'an indicator reading a source that does not exist', code: 'BP_', break: edit('indicators/open_early_help.yaml', 'from: early_help', 'from: early_hlep') },
  { name: 'an indicator that is a list, not a mapping', code: 'BP_', break: put('indicators/list.yaml', '- id: a\n- id: b\n') },
  { name: 'a source column with an unknown type', code: 'BP_', break: edit('boardpack.yaml', 'eligible_2yo: { type: integer }', 'eligible_2yo: { type: bignum }') },
  { name: 'a target for a period that does not parse', code: 'BP_', break: edit('indicators/two_year_old_take_up.yaml', '  default: { value: 75, tolerance_pct: 5 }', '  default: { value: 75, tolerance_pct: 5 }\n  Autumn 0000: { value: 1 }') },
  { name: 'an indicators folder that does not exist', code: 'BP_', break: edit('boardpack.yaml', 'indicators: [indicators]', 'indicators: [indicators, no-such-folder]') },
  // indicator SQL
  { name: 'indicator SQL with COPY … TO', code: 'BP_SQL_FORBIDDEN', break: put('indicators/copy.yaml', "id: copy\ntitle: Copy\nkind: performance_measure\nquestion: how_much\npriority: early_help\npolarity: none\nunit: count\nsql: COPY schools TO '/tmp/bp-should-not-exist.csv'\n") },
  { name: 'indicator SQL with a second statement', code: 'BP_SQL_MULTIPLE_STATEMENTS', break: put('indicators/two.yaml', 'id: two\ntitle: Two\nkind: performance_measure\nquestion: how_much\npriority: early_help\npolarity: none\nunit: count\nsql: SELECT period, area, 1 AS numerator FROM schools; DROP TABLE schools\n') },
  // rendering
  { name: 'a templates folder that does not exist', code: 'BP_TEMPLATES_DIR', break: edit('boardpack.yaml', 'indicators: [indicators]\n', 'indicators: [indicators]\ntemplates: no-such-templates\n') },
  { name: 'a template with a Handlebars syntax error', code: 'BP_', break: withTemplates('cover.hbs', '<h1>{{#if partnership}}{{partnership.name}}</h1>') },
  { name: 'a template that outputs a value unescaped', code: 'BP_', break: withTemplates('cover.hbs', '<h1>{{{partnership.name}}}</h1>') },
  // extracts
  { name: 'a CSV with NUL bytes', code: 'BP_INGEST_', break: put('extracts/schools.csv', Buffer.concat([Buffer.from(`${SCHOOLS_HEADER}\nAutumn 2023/24,East,`), Buffer.from([0, 0, 0]), Buffer.from(',1\n')])) },
  { name: 'a CSV that is only a byte-order mark', code: 'BP_INGEST_', break: put('extracts/schools.csv', '\uFEFF') },
  { name: 'a formula in a number cell', code: 'BP_INGEST_BAD_NUMBER', break: put('extracts/schools.csv', `${SCHOOLS_HEADER}\nAutumn 2023/24,East,"=cmd|' /C calc'!A0",1\n`) },
  { name: 'a period label in the year 0000', code: 'BP_INGEST_BAD_PERIOD', break: put('extracts/schools.csv', `${SCHOOLS_HEADER}\nAutumn 0000,East,200,150\n`) },
  { name: 'an impossible UK-style date', code: 'BP_INGEST_BAD_DATE', break: put('extracts/early-help-episodes.csv', 'child_id,locality,start_date,end_date\nA1,East,31/02/2024,\n') },
  { name: 'a locality that is a formula', code: 'BP_INGEST_UNKNOWN_AREA', break: put('extracts/schools.csv', `${SCHOOLS_HEADER}\nAutumn 2023/24,=1+1,200,150\n`) },
  { name: 'a date in the year 0000', code: 'BP_INGEST_BAD_DATE', break: put('extracts/early-help-episodes.csv', 'child_id,locality,start_date,end_date\nA1,East,2024-01-03,\nA2,West,0000-01-04,\n') },
  { name: 'the header row repeated inside the data (two extracts pasted together)', code: 'BP_INGEST_BAD_PERIOD', break: put('extracts/schools.csv', `${SCHOOLS_HEADER}\nAutumn 2023/24,East,200,150\n${SCHOOLS_HEADER}\nAutumn 2023/24,West,100,50\n`) },
  { name: 'data rows without a header', code: 'BP_INGEST_', break: put('extracts/schools.csv', 'Autumn 2023/24,East,200,150\nAutumn 2023/24,West,100,50\n') },
];

async function counts(warehouse: string): Promise<Record<string, number>> {
  const wh = await openWarehouse(warehouse, { readOnly: true });
  try {
    const out: Record<string, number> = {};
    for (const t of ['health', 'schools', 'early_help']) out[t] = (await wh.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${t}`))[0].n;
    return out;
  } finally {
    wh.close();
  }
}

describe('bad inputs through the CLI: coded error, previous data intact', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'bp-bad-inputs-'));
  let loaded: string | undefined;
  let before: Record<string, number>;
  beforeAll(async () => {
    loaded = await makeProject();
    const good = await runCliHere(['ingest', '--project', loaded]);
    expect(good.status, good.stderr).toBe(0);
    before = await counts(path.join(loaded, '.boardpack', 'warehouse.duckdb'));
    expect(Object.values(before).every((n) => n > 0), JSON.stringify(before)).toBe(true);
  }, 300_000);
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    if (loaded) rmSync(path.dirname(loaded), { recursive: true, force: true });
  });

  cases.forEach((c, i) => {
    it(`${c.name} → ${c.code}…`, async () => {
      const root = path.join(dir, String(i));
      cpSync(loaded!, root, { recursive: true });
      const warehouse = path.join(root, '.boardpack', 'warehouse.duckdb');
      expect(await counts(warehouse)).toEqual(before);
      c.break(root);
      const run = await runCliHere(['run', '--project', root, '--no-pdf']);
      expect(run.status, run.stderr).toBe(1);
      expect(run.stderr).toMatch(new RegExp(`\\b${c.code}[A-Z_]*\\b`));
      expect(run.stderr).not.toMatch(/unexpected error|\n\s+at \S+ \(/);
      expect(await counts(warehouse)).toEqual(before);
    }, 300_000);
  });
  it('the stray file outside the project was never written', () => {
    expect(() => readFileSync('/tmp/bp-should-not-exist.csv')).toThrow();
  });
});
