/**
 * Year-to-date and part periods from record-level data: a record-level extract of completed early help
 * assessments, one row per assessment, reproduces the table the Stockport strategy publishes (each quarter, the
 * Q1–Q3 year to date, the full year; fixture and source in test/fixtures/stockport-eha), and the year whose
 * fourth quarter has not arrived is shown as partial, never as a full year.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computePack } from '../../src/index.js';
import { runPipeline } from '../../src/pipeline/index.js';
import { makePeriod } from '../../src/core/periods.js';
import { REPO_ROOT } from '../helpers/cli.js';

interface Row { year: string; q: Array<number | null>; ytdQ3: number | null; year4: number | null }
const table: Row[] = readFileSync(path.join(REPO_ROOT, 'test/fixtures/stockport-eha/published-table.csv'), 'utf8').trim().split('\n').slice(1).map((line) => {
  const c = line.split(',');
  const n = (x: string) => (x === 'n/a' ? null : Number(x));
  return { year: c[0], q: [n(c[1]), n(c[2]), n(c[3]), n(c[5])], ytdQ3: n(c[4]), year4: n(c[6]) };
});
const fyStart = (label: string) => Number(label.slice(0, 4));

const dir = mkdtempSync(path.join(tmpdir(), 'bp-aggregates-'));
const root = path.join(dir, 'stockport');
afterAll(() => { if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true }); });

/** One row per completed assessment, spread over each quarter from its first day to its last. */
function extract(): string {
  const lines = ['child_id,locality,start_date,completed_date'];
  let k = 0;
  for (const r of table) {
    r.q.forEach((n, i) => {
      if (n === null) return;
      const p = makePeriod('fy_quarter', fyStart(r.year), i + 1);
      const t0 = Date.parse(`${p.start}T00:00:00Z`);
      const days = (Date.parse(`${p.end}T00:00:00Z`) - t0) / 86_400_000;
      for (let j = 0; j < n; j++) {
        const done = new Date(t0 + Math.floor((j * days) / (n - 1)) * 86_400_000).toISOString().slice(0, 10);
        const start = new Date(Date.parse(`${done}T00:00:00Z`) - 20 * 86_400_000).toISOString().slice(0, 10);
        lines.push(`C${++k},${k % 2 ? 'East' : 'West'},${start},${done}`);
      }
    });
  }
  return `${lines.join('\n')}\n`;
}

const base = 'extends: "preset:stockport-2017-20/measures#ehas_completed"';
beforeAll(() => {
  mkdirSync(path.join(root, 'indicators'), { recursive: true });
  mkdirSync(path.join(root, 'extracts'), { recursive: true });
  writeFileSync(path.join(root, 'boardpack.yaml'), `partnership: { name: Stockport }
board: { name: Children's Trust Partnership Board }
areas:
  - { id: all, name: Stockport, code: E08000007 }
  - { id: east, name: East }
  - { id: west, name: West }
indicators: [indicators]
framework:
  priorities: [{ id: collective, title: Collective and global measures }]
sources:
  eha_episodes: { contract: "preset:stockport-2017-20", path: extracts/eha.csv }
outputs: { formats: [json, html] }
`);
  writeFileSync(path.join(root, 'indicators', 'quarterly.yaml'), `${base}\n`);
  writeFileSync(path.join(root, 'indicators', 'ytd.yaml'), `${base}\nid: ehas_completed_ytd\ntitle: Early help assessments completed, year to date\naggregate: ytd\n`);
  writeFileSync(path.join(root, 'indicators', 'year.yaml'), `${base}\nid: ehas_completed_year\ntitle: Early help assessments completed in the year\nperiod_type: fy\nfrequency: annual\n`);
  writeFileSync(path.join(root, 'indicators', 'rolling.yaml'), `${base}\nid: ehas_completed_r12\ntitle: Early help assessments completed, rolling 12 months\naggregate: rolling_12\n`);
  writeFileSync(path.join(root, 'indicators', 'cumulative.yaml'), `${base}\nid: ehas_completed_cum\ntitle: Early help assessments completed since 2013/14\naggregate: cumulative\n`);
  writeFileSync(path.join(root, 'extracts', 'eha.csv'), extract());
});

describe('year to date and part periods', () => {
  it('reproduces the published quarters, Q1–Q3 year to date and full years from record-level data', async () => {
    const pack = await computePack(root, { now: () => new Date('2017-02-10T09:00:00Z') });
    expect(pack.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const value = (indicator: string, period: string) => pack.assessment.results.find((r) => r.indicator === indicator && r.period === period && r.area === 'all');
    expect(pack.assessment.period.id).toBe('2016-17-Q3');
    for (const r of table) {
      const y = fyStart(r.year);
      r.q.forEach((n, i) => { if (n !== null) expect(value('ehas_completed', makePeriod('fy_quarter', y, i + 1).id)?.value, `${r.year} Q${i + 1}`).toBe(n); });
      const ytd = value('ehas_completed_ytd', `${makePeriod('fy_quarter', y, 3).id}-YTD`)!;
      expect(ytd.value, `${r.year} Q1–Q3`).toBe(r.ytdQ3);
      expect(ytd.status).toBe('ok');
      expect(ytd.periodLabel).toBe(`${r.year} Q1–Q3 (year to date)`);
      if (r.year4 !== null) {
        expect(value('ehas_completed_ytd', `${makePeriod('fy_quarter', y, 4).id}-YTD`)?.value, `${r.year} Q1–Q4`).toBe(r.year4);
        expect(value('ehas_completed_year', makePeriod('fy', y).id)?.value, `${r.year} full year`).toBe(r.year4);
      }
    }
    // Rolling 12 months and cumulative, from the same published quarters.
    const q = (y: number, i: number) => table.find((r) => fyStart(r.year) === y)!.q[i - 1]!;
    expect(value('ehas_completed_r12', '2014-15-Q3-R12')).toMatchObject({ status: 'ok', value: q(2013, 4) + q(2014, 1) + q(2014, 2) + q(2014, 3), periodLabel: '12 months to the end of 2014/15 Q3' });
    expect(value('ehas_completed_cum', '2014-15-Q4-CUM')).toMatchObject({ status: 'ok', value: table[0].year4! + table[1].year4! });
    // The first rolling year has no 12 months behind it: partial, naming the quarters before the data starts.
    expect(value('ehas_completed_r12', '2013-14-Q2-R12')).toMatchObject({ status: 'partial', rag: 'grey', partial: { missingLabels: ['2012/13 Q3', '2012/13 Q4'] } });
    // The year-to-date figures are a series of their own, with their own period ids, never summed with the quarters'.
    expect(pack.assessment.indicators.find((i) => i.indicator.id === 'ehas_completed_ytd')!.latest.period).toBe('2016-17-Q3-YTD');
  });

  it('an incomplete year is partial (naming the missing quarter), not rated, and gated for every indicator it affects', async () => {
    const out = path.join(dir, 'out');
    const run = await runPipeline({ projectDir: root, period: '2016-17', outDir: out, history: false, strict: true, now: () => new Date('2017-02-10T09:00:00Z') });
    const year = run.assessment.indicators.find((i) => i.indicator.id === 'ehas_completed_year')!.latest;
    expect(year).toMatchObject({ period: '2016-17', status: 'partial', rag: 'grey', direction: 'not_available', value: 1753 });
    expect(year.partial!.missingLabels).toEqual(['2016/17 Q4']);
    expect(year.ragReason).toBe('partial: 2016/17 Q4 not yet held');
    expect(year.sentence).toMatch(/partial figure \(2016\/17 Q4 not yet held\); not rated/);
    const source = run.gates.find((g) => g.code === 'BP_GATE_SOURCE_MISSING_PERIOD')!;
    expect(source.indicators.sort()).toEqual(['ehas_completed', 'ehas_completed_cum', 'ehas_completed_r12', 'ehas_completed_year', 'ehas_completed_ytd']);
    expect(run.gates.find((g) => g.indicators[0] === 'ehas_completed_year')?.message).toMatch(/is partial for 2016\/17 \(2016-17\): 2016\/17 Q4 not yet held/);
    expect(run.exitCode).toBe(3);

    const json = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as { results: Array<Record<string, any>> };
    const row = json.results.find((r) => r.indicator === 'ehas_completed_year' && r.period === '2016-17' && r.area === 'all')!;
    expect(row).toMatchObject({ status: 'partial', figure: '1,753 (partial)', rag: 'grey', partial: { missing: ['2016-17-Q4'] } });
    expect(json.results.find((r) => r.indicator === 'ehas_completed_year' && r.period === '2015-16' && r.area === 'all')).toMatchObject({ status: 'ok', value: 2145 });
    expect(existsSync(path.join(out, 'board-pack.html'))).toBe(true);
    const html = readFileSync(path.join(out, 'board-pack.html'), 'utf8');
    expect(html).toContain('1,753 (partial)');
    expect(html).not.toMatch(/2016\/17[^<]{0,40}<[^>]*>\s*1,753\s*</);
  }, 120_000);
});
