/**
 * The bundled sample partnership: regenerating it gives the committed bytes, its YAML validates against the
 * config schemas, every source file exists, and the data keep the promises the README makes (totals add up,
 * numerators never exceed denominators, the youth justice latest quarter is missing).
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { generateSample, SAMPLE_DIR } from '../../scripts/generate-sample.js';
import { IndicatorSpec, ProjectSpec } from '../../src/config/schema.js';
import { tryParsePeriodId } from '../../src/core/periods.js';

/** What running boardpack leaves in a project folder (git-ignored): not part of the generated sample. */
const RUN_OUTPUTS = new Set(['.boardpack', 'out']);

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (!prefix && RUN_OUTPUTS.has(e.name)) continue;
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(path.join(dir, e.name), rel)));
    else out.push(rel);
  }
  return out.sort();
}

const readText = (rel: string) => readFile(path.join(SAMPLE_DIR, rel), 'utf8');
const readCsv = async (rel: string): Promise<Array<Record<string, string>>> => parseCsv(await readText(rel), { columns: true, skip_empty_lines: true });
const int = (s: string | undefined) => (s === undefined || s === '' ? null : Number(s.replace(/,/g, '')));

async function cellRows(file: string): Promise<Record<string, unknown[][]>> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const out: Record<string, unknown[][]> = {};
  wb.eachSheet((ws) => {
    const rows: unknown[][] = [];
    ws.eachRow({ includeEmpty: true }, (row, n) => {
      rows[n - 1] = (row.values as unknown[]).slice(1);
    });
    out[ws.name] = rows;
  });
  return out;
}

let project: ProjectSpec;
let tmp: string;

beforeAll(async () => {
  const parsed = ProjectSpec.safeParse(YAML.parse(await readText('boardpack.yaml')));
  if (!parsed.success) throw new Error(`boardpack.yaml: ${JSON.stringify(parsed.error.issues, null, 2)}`);
  project = parsed.data;
  tmp = await mkdtemp(path.join(os.tmpdir(), 'boardpack-sample-'));
});

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('sample-data generation', () => {
  it('regenerates exactly the committed files', async () => {
    await generateSample(tmp);
    const fresh = await listFiles(tmp);
    const committed = await listFiles(SAMPLE_DIR);
    expect(fresh).toEqual(committed);
    for (const rel of fresh) {
      const a = await readFile(path.join(tmp, rel));
      const b = await readFile(path.join(SAMPLE_DIR, rel));
      if (rel.endsWith('.xlsx') && !a.equals(b)) {
        // Zip bytes may differ if a library changes; the cell contents must not.
        expect(await cellRows(path.join(tmp, rel)), rel).toEqual(await cellRows(path.join(SAMPLE_DIR, rel)));
      } else {
        expect(a.equals(b), `${rel} differs from a fresh generation: run npm run sample:generate`).toBe(true);
      }
    }
  }, 60_000);

  it('stays small', async () => {
    let total = 0;
    for (const rel of await listFiles(SAMPLE_DIR)) total += (await readFile(path.join(SAMPLE_DIR, rel))).length;
    expect(total).toBeLessThan(2_000_000);
  });
});

describe('sample-data configuration', () => {
  it('has the partnership first, then four localities, and the four priorities', () => {
    expect(project.areas.map((a) => a.id)).toEqual(['all', 'central', 'north', 'east', 'south_west']);
    expect(project.framework.priorities!.map((p) => p.id)).toEqual(['best_start', 'adolescence', 'supporting_schools', 'confident_parents']);
    expect(project.reporting.period_type).toBe('fy_quarter');
    expect(project.disclosure.threshold).toBe(10);
    expect(project.board.meeting_date).toBe('2027-01-21');
  });

  it('points every source at a file that exists', async () => {
    const files = await listFiles(SAMPLE_DIR);
    for (const [id, src] of Object.entries(project.sources)) {
      const re = new RegExp(`^${src.path.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*/g, '.*').replace(/\*/g, '[^/]*').replace(/\?/g, '.')}$`);
      expect(files.filter((f) => re.test(f)), `source ${id}: ${src.path}`).not.toHaveLength(0);
    }
  });

  it('marks the pseudonymous child id as an identifier', () => {
    expect(project.sources.social_care_episodes.columns!.child_id.identifier).toBe(true);
  });

  it('names in CSV headers the columns of each CSV contract', async () => {
    for (const [id, src] of Object.entries(project.sources)) {
      if (src.format !== 'csv') continue;
      const header = (await readText(src.path)).split(/\r?\n/)[0].split(',');
      const expected = Object.entries(src.columns!).map(([key, c]) => c.aliases?.[0] ?? key);
      expect(header, id).toEqual(expected);
    }
  });
});

describe('sample-data indicators', () => {
  let files: string[] = [];
  const specs: IndicatorSpec[] = [];

  beforeAll(async () => {
    files = (await listFiles(path.join(SAMPLE_DIR, 'indicators'))).filter((f) => f.endsWith('.yaml'));
    for (const f of files) {
      const parsed = IndicatorSpec.safeParse(YAML.parse(await readText(`indicators/${f}`)));
      if (!parsed.success) throw new Error(`indicators/${f}: ${JSON.stringify(parsed.error.issues, null, 2)}`);
      expect(parsed.data.id).toBe(f.replace(/\.yaml$/, ''));
      specs.push(parsed.data);
    }
  });

  it('validates every indicator file and covers the 18 OBA indicators (24 once split)', () => {
    expect(files).toHaveLength(24);
    expect(specs).toHaveLength(24);
  });

  it('gives each priority a better-off performance measure', () => {
    for (const p of project.framework.priorities!) {
      const mine = specs.filter((s) => s.priority === p.id);
      expect(mine.length, p.id).toBeGreaterThan(0);
      expect(mine.some((s) => s.kind === 'performance_measure' && s.question === 'better_off'), p.id).toBe(true);
    }
  });

  it('keeps targets on performance measures and baselines on population indicators', () => {
    for (const s of specs) {
      if (s.kind === 'population_indicator') {
        expect(s.targets, s.id).toBeUndefined();
        expect(s.baseline, s.id).toBeDefined();
      } else if (s.polarity !== 'none') {
        expect(Object.keys(s.targets ?? {}).length, s.id).toBeGreaterThan(0);
      }
      for (const key of [...Object.keys(s.targets ?? {}), ...(s.comparators ?? []).flatMap((c) => Object.keys(c.values ?? {}))]) {
        expect(tryParsePeriodId(key), `${s.id}: ${key}`).toBeDefined();
      }
      if (s.baseline) expect(tryParsePeriodId(s.baseline.period), s.id).toBeDefined();
    }
  });

  it('reads only sources and columns that the project defines', () => {
    const SQL_WORDS = new Set(['sum', 'count', 'distinct', 'and', 'or', 'in', 'not', 'is', 'null', 'like']);
    for (const s of specs) {
      for (const part of [s.numerator, s.denominator]) {
        if (!part) continue;
        const src = project.sources[part.from];
        expect(src, `${s.id}: ${part.from}`).toBeDefined();
        const code = `${part.expr} ${part.where ?? ''}`.replace(/'[^']*'/g, '');
        const names = (code.match(/[a-z_][a-z0-9_]*/gi) ?? []).filter((w) => !SQL_WORDS.has(w.toLowerCase()));
        const periodCols = part.period && 'snapshot' in part.period ? part.period.snapshot : part.period && 'event' in part.period ? [part.period.event] : [];
        for (const n of [...names, ...periodCols]) expect(Object.keys(src.columns!), `${s.id}: ${n}`).toContain(n);
        if (periodCols.length === 0) expect(src.period, `${s.id}: ${part.from} has no period column`).toBeDefined();
      }
      expect(project.framework.priorities!.map((p) => p.id)).toContain(s.priority);
    }
  });
});

describe('sample-data extracts', () => {
  it('leaves out the youth justice latest quarter (2026-27 Q2) but has the one before', async () => {
    const src = project.sources.youth_justice_fte;
    const periods = new Set((await readCsv(src.path)).map((r) => r.Quarter));
    expect(periods.has('2026-27-Q1')).toBe(true);
    expect(periods.has('2026-27-Q2')).toBe(false);
    expect(periods.size).toBe(21);
  });

  it('has 2026-27 Q2 from the other quarterly partners', async () => {
    const nhs = await cellRows(path.join(SAMPLE_DIR, project.sources.nhs_maternity_child_health.path));
    expect(nhs['2026-27'].some((r) => r?.[1] === '2026/27 Q2')).toBe(true);
    const episodes = await readCsv(project.sources.social_care_episodes.path);
    expect(episodes.some((e) => e.start_date >= '2026-07-01' && e.start_date <= '2026-09-30')).toBe(true);
    expect(episodes.every((e) => !e.end_date || e.end_date <= '2026-09-30')).toBe(true);
  });

  it('maps every locality spelling in the extracts to an area', async () => {
    const names = new Set(project.areas.flatMap((a) => [a.id, a.name, a.code, ...(a.aliases ?? [])].filter(Boolean).map((x) => x!.toLowerCase())));
    const nhs = await cellRows(path.join(SAMPLE_DIR, project.sources.nhs_maternity_child_health.path));
    const header = 5;
    const spellings = new Set<string>();
    for (const sheet of project.sources.nhs_maternity_child_health.sheets!) {
      for (const r of nhs[sheet].slice(header)) if (r && r[0] !== 'Total') spellings.add(String(r[0]));
    }
    for (const r of await readCsv(project.sources.education_termly.path)) spellings.add(r.Locality);
    for (const r of await readCsv(project.sources.youth_justice_fte.path)) spellings.add(r.Locality);
    for (const r of await readCsv(project.sources.population.path)) spellings.add(r['Area code']);
    for (const r of await readCsv(project.sources.social_care_episodes.path)) spellings.add(r.locality);
    for (const s of spellings) expect(names.has(s.toLowerCase()), s).toBe(true);
  });

  it('keeps the NHS workbook consistent: Total rows are the sums and numerators fit their denominators', async () => {
    const src = project.sources.nhs_maternity_child_health;
    const nhs = await cellRows(path.join(SAMPLE_DIR, src.path));
    // Title block on rows 1-3, a blank row, the header on row 5 (the contract says `header_row: auto`).
    const headerAt = 5;
    expect(src.header_row).toBe('auto');
    expect(nhs['2021-22'][headerAt - 1]?.[0]).toBe('Locality');
    const headerRow = nhs['2021-22'][headerAt - 1] as string[];
    const col = (key: string) => headerRow.indexOf(src.columns![key].aliases![0]);
    let quarters = 0;
    for (const sheet of src.sheets!) {
      const rows = nhs[sheet].slice(headerAt).filter(Boolean);
      for (let i = 0; i < rows.length; i += 5) {
        const locs = rows.slice(i, i + 4);
        const total = rows[i + 4];
        expect(total[0]).toBe('Total');
        quarters++;
        for (let c = 2; c < headerRow.length; c++) {
          const vals = locs.map((r) => r[c]);
          if (vals.includes('x')) expect(total[c]).toBe('x');
          else expect(total[c], `${sheet} ${total[1]} ${headerRow[c]}`).toBe(vals.reduce((s: number, v) => s + (v as number), 0));
        }
        for (const r of [...locs, total]) {
          const v = (k: string) => r[col(k)] as number;
          expect(v('lbw_births')).toBeLessThanOrEqual(v('live_births'));
          expect(v('lbw_term_births')).toBeLessThanOrEqual(Math.min(v('lbw_births'), v('term_live_births')));
          expect(v('smoking_at_delivery')).toBeLessThanOrEqual(v('maternities'));
          expect(v('pmh_improved')).toBeLessThanOrEqual(v('pmh_discharges'));
          expect(v('u18_conceptions')).toBeLessThan(v('female_pop_15_17'));
          if (r[col('camhs_seen_4_weeks')] !== 'x') expect(v('camhs_seen_4_weeks')).toBeLessThanOrEqual(v('camhs_referrals'));
        }
      }
    }
    expect(quarters).toBe(22);
  });

  it('keeps the education extract consistent', async () => {
    const rows = await readCsv(project.sources.education_termly.path);
    expect(rows).toHaveLength(15 * 4);
    const pairs: Array<[string, string]> = [
      ['2 year olds in funded place', 'Eligible 2 year olds'],
      ['3 and 4 year olds in funded place', '3 and 4 year olds (population estimate)'],
      ['Pupils achieving GLD', 'EYFSP cohort'],
      ['Phonics check pass (Year 1)', 'Phonics check cohort (Year 1)'],
      ['Reception pupils with visually obvious tooth decay', 'Reception pupils examined (oral health survey)'],
      ['Sessions attended', 'Sessions possible'],
      ['Young people aged 16-17 participating in education or training', 'Young people aged 16-17 (resident cohort)'],
    ];
    for (const r of rows) {
      expect(tryParsePeriodId(r.Term)?.type).toBe('term');
      const summer = r.Term.endsWith('-T3');
      expect(r['Pupils achieving GLD'] !== '', r.Term).toBe(summer);
      for (const [n, d] of pairs) if (r[n] !== '') expect(int(r[n])!, `${r.Term} ${r.Locality} ${n}`).toBeLessThanOrEqual(int(r[d])!);
      const attendance = int(r['Sessions attended'])! / int(r['Sessions possible'])!;
      expect(attendance).toBeGreaterThan(0.88);
      expect(attendance).toBeLessThan(0.96);
    }
  });

  it('keeps social care episodes well formed', async () => {
    const rows = await readCsv(project.sources.social_care_episodes.path);
    expect(rows.length).toBeGreaterThan(10_000);
    const iso = /^\d{4}-\d{2}-\d{2}$/;
    const seen = new Set<string>();
    for (const r of rows) {
      expect(r.start_date).toMatch(iso);
      if (r.end_date) {
        expect(r.end_date).toMatch(iso);
        expect(r.end_date > r.start_date).toBe(true);
        expect(r.end_date >= '2021-04-01').toBe(true);
      }
      expect(['EHA', 'CIN', 'CP', 'CLA']).toContain(r.episode_type);
      if (r.episode_type === 'EHA') {
        expect(['Y', 'N']).toContain(r.factor_parental_substance_misuse);
        if (!r.end_date) expect(r.parent_confidence_improved).toBe('');
      } else {
        expect(r.factor_parental_substance_misuse + r.factor_parental_conflict_da + r.parent_confidence_improved).toBe('');
      }
      const key = `${r.child_id} ${r.episode_type} ${r.start_date}`;
      expect(seen.has(key), key).toBe(false);
      seen.add(key);
    }
  });

  it('puts the rates where the README says they are', async () => {
    const pop = (await readCsv(project.sources.population.path)).filter((r) => r['Financial year'] === '2026-27');
    const children = pop.reduce((s, r) => s + int(r['Population aged 0-17'])!, 0);
    expect(children).toBeGreaterThan(50_000);
    expect(children).toBeLessThan(60_000);
    const episodes = await readCsv(project.sources.social_care_episodes.path);
    const openAt = (types: string[], day: string) => new Set(episodes.filter((e) => types.includes(e.episode_type) && e.start_date <= day && (!e.end_date || e.end_date > day)).map((e) => e.child_id)).size;
    const rate = (n: number) => (n / children) * 10_000;
    expect(rate(openAt(['CLA'], '2026-09-30'))).toBeGreaterThan(70);
    expect(rate(openAt(['CLA'], '2026-09-30'))).toBeLessThan(130);
    expect(rate(openAt(['CP'], '2026-09-30'))).toBeGreaterThan(35);
    expect(rate(openAt(['CP'], '2026-09-30'))).toBeLessThan(70);
    expect(rate(openAt(['CIN', 'CP', 'CLA'], '2026-09-30'))).toBeGreaterThan(280);
    expect(rate(openAt(['CIN', 'CP', 'CLA'], '2026-09-30'))).toBeLessThan(420);
  });
});
