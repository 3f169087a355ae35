/**
 * Issue #8, end to end on the `init` project with the real CLI: reproducible bytes under SOURCE_DATE_EPOCH,
 * manifest.json and `verify`, "what changed" after one input cell changes, freshness gates with --strict
 * (exit 3) and without (exit 0, "awaiting data" for exactly the affected indicators), and CI-clean output.
 */
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCliHere, REPO_ROOT, type CliResult } from '../helpers/cli.js';
import { makeProject } from '../helpers/project.js';

/** 2025-05-20: the init project's 2024/25 Q4 was due by 15 May (45 days' lateness) and nothing later is due yet. */
const EPOCH = String(Date.UTC(2025, 4, 20) / 1000);
const env = { SOURCE_DATE_EPOCH: EPOCH };
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

const read = (dir: string, f: string) => readFileSync(path.join(dir, f));
const json = (dir: string, f: string) => JSON.parse(readFileSync(path.join(dir, f), 'utf8'));
const tmp = (name: string) => path.join(mkdtempSync(path.join(tmpdir(), 'bp-monthly-')), name);

interface Manifest { runId: string; inputs: Array<{ source: string; path: string; sha256: string }>; outputs: Array<{ path: string; sha256: string }>; period: { id: string }; command: string[]; project: { config: { sha256: string }; definitionsSha256: string } }

/** Removes every row of one quarter from the init project's health workbook (a partner's late return). */
async function dropQuarter(root: string, label: string): Promise<number> {
  const file = path.join(root, 'extracts', 'health.xlsx');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const ws = wb.worksheets[0];
  let removed = 0;
  for (let r = ws.rowCount; r >= 1; r--) {
    if (String(ws.getRow(r).getCell(1).value ?? '') === label) { ws.spliceRows(r, 1); removed++; }
  }
  await wb.xlsx.writeFile(file);
  return removed;
}

describe('a reproducible pack with a manifest, history and "what changed"', () => {
  let root: string;
  let out1: string; let out2: string; let out3: string;
  let r1: CliResult; let r2: CliResult; let r3: CliResult;

  beforeAll(async () => {
    root = await makeProject();
    out1 = tmp('out1'); out2 = tmp('out2'); out3 = tmp('out3');
    r1 = await runCliHere(['run', '--project', root, '--out', out1, '--no-pdf', '--json'], { env });
    r2 = await runCliHere(['run', '--project', root, '--out', out2, '--no-pdf', '--json'], { env });
    // One cell of an earlier term changes: East's funded two-year-olds in autumn 2023/24.
    const csv = path.join(root, 'extracts', 'schools.csv');
    const lines = readFileSync(csv, 'utf8').split('\n');
    const i = lines.findIndex((l) => l.startsWith('Autumn 2023/24,East,'));
    expect(i).toBeGreaterThan(0);
    const cells = lines[i].split(',');
    cells[3] = String(Number(cells[3]) - 9);
    lines[i] = cells.join(',');
    writeFileSync(csv, lines.join('\n'));
    r3 = await runCliHere(['run', '--project', root, '--out', out3, '--no-pdf', '--json'], { env });
  }, 300_000);

  it('runs cleanly and prints one JSON summary on stdout', () => {
    for (const r of [r1, r2, r3]) expect(r.status, r.stderr).toBe(0);
    const s = JSON.parse(r1.stdout);
    expect(r1.stdout.trim().split('\n')).toHaveLength(1);
    expect(s).toMatchObject({ status: 'ok', exitCode: 0, period: { id: '2024-25-Q4' }, indicators: { total: 5, failed: 0, awaitingData: 0 }, gates: [] });
    expect(Object.keys(s.timingsMs)).toEqual(expect.arrayContaining(['ingest', 'measures', 'render', 'total']));
    for (const f of s.files) {
      expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(existsSync(path.resolve(REPO_ROOT, f.path)), f.path).toBe(true);
    }
    expect(s.files.map((f: { format: string }) => f.format).sort()).toEqual(['html', 'json', 'manifest', 'xlsx']);
  });

  it('gives byte-identical HTML, JSON and XLSX for the same inputs under SOURCE_DATE_EPOCH', () => {
    for (const f of ['board-pack.html', 'results.json', 'scorecard.xlsx']) expect(read(out2, f).equals(read(out1, f)), f).toBe(true);
    expect(json(out1, 'results.json').generatedAt).toBe('2025-05-20T00:00:00.000Z');
    // The same inputs are the same run: the re-run did not become "the previous pack" of itself.
    expect(json(out2, 'manifest.json').runId).toBe(json(out1, 'manifest.json').runId);
    expect(json(out2, 'results.json').changes).toBeUndefined();
  });

  it('writes manifest.json with the tool, config and definition hashes, every input sha256, the period and the command line', () => {
    const m: Manifest = json(out1, 'manifest.json');
    expect(m).toMatchObject({ manifestVersion: 1, tool: { name: 'boardpack' }, sourceDateEpoch: EPOCH, period: { id: '2024-25-Q4' } });
    expect(m.command).toEqual(['run', '--project', root, '--out', out1, '--no-pdf', '--json']);
    expect(m.project.config.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(m.project.definitionsSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(m.inputs.map((i) => i.source).sort()).toEqual(['early_help', 'health', 'schools']);
    expect(m.outputs.map((o) => o.path)).toEqual(expect.arrayContaining(['board-pack.html', 'results.json', 'scorecard.xlsx', 'target/compiled/low_birth_weight.sql']));
  });

  it('changing one input cell changes that input\'s hash and the run, and "what changed" names the indicator and period', () => {
    const before: Manifest = json(out1, 'manifest.json');
    const after: Manifest = json(out3, 'manifest.json');
    const hash = (m: Manifest, s: string) => m.inputs.find((i) => i.source === s)!.sha256;
    expect(hash(after, 'schools')).not.toBe(hash(before, 'schools'));
    expect(hash(after, 'health')).toBe(hash(before, 'health'));
    expect(after.runId).not.toBe(before.runId);
    const results = json(out3, 'results.json');
    expect(results.changes.since.runId).toBe(before.runId);
    const revised = results.changes.revised as Array<{ indicator: string; period: string; area: string; previous: number; current: number; marker: string }>;
    expect(revised.map((r) => `${r.indicator} ${r.period} ${r.area}`).sort()).toEqual(['two_year_old_take_up AY2023-24-T1 all', 'two_year_old_take_up AY2023-24-T1 east']);
    for (const r of revised) { expect(r.marker).toBe('r'); expect(r.current).toBeLessThan(r.previous); }
    const row = results.results.find((r: { indicator: string; period: string; area: string }) => r.indicator === 'two_year_old_take_up' && r.period === 'AY2023-24-T1' && r.area === 'east');
    expect(row.revisedFrom).toBeCloseTo(revised.find((r) => r.area === 'east')!.previous, 9);
    expect(JSON.parse(r3.stdout).changes).toMatchObject({ since: before.runId, revised: 2 });
    // The pack's "What changed since the previous pack" names the indicator and the period, marked r.
    const html = readFileSync(path.join(out3, 'board-pack.html'), 'utf8');
    const section = html.slice(html.indexOf('What changed since the previous pack'));
    expect(section.length).toBeLessThan(html.length);
    const table = section.slice(0, section.indexOf('</table>'));
    expect(table).toContain('Eligible two-year-olds taking a funded early education place');
    expect(table).toContain('Autumn term 2023/24');
    expect(table).toMatch(/<td class="num">[\d.]+% r<\/td>/);
    expect(readFileSync(path.join(out1, 'board-pack.html'), 'utf8')).not.toContain('What changed since the previous pack');
  });

  it('verify passes on an untouched pack and fails (exit 1) naming a changed file', async () => {
    const ok = await runCliHere(['verify', out3]);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stderr).toMatch(/all match/);
    const html = path.join(out2, 'board-pack.html');
    writeFileSync(html, readFileSync(html, 'utf8').replace('</body>', '<p>edited</p></body>'));
    const bad = await runCliHere(['verify', out2, '--json']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/BP_VERIFY_MISMATCH.*board-pack\.html/);
    const r = JSON.parse(bad.stdout);
    expect(r.ok).toBe(false);
    // out1 was built before the schools cell changed: its input no longer matches either.
    const inputs = await runCliHere(['verify', out1, '--json']);
    expect(inputs.status).toBe(1);
    expect(JSON.parse(inputs.stdout).problems.map((p: { code: string; file: string }) => `${p.code} ${p.file}`)).toEqual(['BP_VERIFY_MISMATCH extracts/schools.csv']);
    expect((await runCliHere(['verify', out1, '--no-inputs'])).status).toBe(0);
    expect((await runCliHere(['verify', path.join(out1, 'nowhere')])).status).toBe(1);
  });

  it('with CI=true prints no control characters and no progress bar', () => {
    for (const r of [r1, r3]) {
      expect(CONTROL.test(r.stdout)).toBe(false);
      expect(CONTROL.test(r.stderr)).toBe(false);
      expect(r.stderr).not.toMatch(/\[#+-*\]/);
    }
  });
});

describe('freshness gates: a partner\'s latest quarter is missing', () => {
  let root: string;
  let strict: CliResult; let lax: CliResult; let out: string;

  beforeAll(async () => {
    root = await makeProject();
    expect(await dropQuarter(root, '2024/25 Q4')).toBe(2);
    strict = await runCliHere(['run', '--project', root, '--out', tmp('strict'), '--no-pdf', '--strict', '--json'], { env });
    out = tmp('lax');
    lax = await runCliHere(['run', '--project', root, '--out', out, '--no-pdf'], { env });
  }, 300_000);

  it('--strict exits 3 naming the source, the period and the indicators affected', () => {
    expect(strict.status, strict.stderr).toBe(3);
    expect(strict.stderr).toMatch(/strict: \d+ gate\(s\) failed/);
    expect(strict.stderr).toMatch(/BP_GATE_SOURCE_MISSING_PERIOD: source health \(Example NHS Trust\) has no data for 2024\/25 Q4 \(2024-25-Q4\); it was due by 2025-05-15.*indicators affected: breastfeeding_6_8_weeks, low_birth_weight/);
    const s = JSON.parse(strict.stdout);
    expect(s.status).toBe('gate_failed');
    expect(s.gates.map((g: { code: string; source: string | null; period: string | null; indicators: string[] }) => [g.code, g.source, g.period, g.indicators])).toEqual([
      ['BP_GATE_SOURCE_MISSING_PERIOD', 'health', '2024-25-Q4', ['breastfeeding_6_8_weeks', 'low_birth_weight']],
      ['BP_GATE_INDICATOR', 'health', '2024-25-Q4', ['breastfeeding_6_8_weeks']],
      ['BP_GATE_INDICATOR', 'health', '2024-25-Q4', ['low_birth_weight']],
    ]);
  });

  it('takes the project, output folder and strictness from the environment, with flags taking precedence', async () => {
    const envOut = tmp('env-out');
    const flagOut = tmp('flag-out');
    const r = await runCliHere(['run', '--out', flagOut, '--no-pdf'], { env: { ...env, BOARDPACK_PROJECT: root, BOARDPACK_OUT: envOut, BOARDPACK_STRICT: '1' }, cwd: tmpdir() });
    expect(r.status, r.stderr).toBe(3);
    expect(existsSync(path.join(flagOut, 'results.json'))).toBe(true);
    expect(existsSync(envOut)).toBe(false);
    expect((await runCliHere(['run', '--no-pdf'], { env: { ...env, BOARDPACK_PROJECT: root, BOARDPACK_OUT: envOut, BOARDPACK_STRICT: 'false' }, cwd: tmpdir() })).status).toBe(0);
    expect(existsSync(path.join(envOut, 'manifest.json'))).toBe(true);
  });

  it('without --strict exits 0 and shows "awaiting data" for exactly those indicators, never an older figure', () => {
    expect(lax.status, lax.stderr).toBe(0);
    expect(lax.stderr).toMatch(/gate\(s\) would fail with --strict/);
    const results = json(out, 'results.json');
    expect(results.period).toBe('2024-25-Q4');
    const latest = (id: string) => results.results.filter((r: { indicator: string; area: string }) => r.indicator === id && r.area === 'all').pop();
    const awaiting = ['low_birth_weight', 'breastfeeding_6_8_weeks', 'two_year_old_take_up', 'early_help_needs_met', 'open_early_help'].filter((id) => latest(id).status === 'awaiting_data');
    expect(awaiting).toEqual(['low_birth_weight', 'breastfeeding_6_8_weeks']);
    expect(latest('low_birth_weight')).toMatchObject({ period: '2024-25-Q4', value: null });
    const html = readFileSync(path.join(out, 'board-pack.html'), 'utf8');
    expect(html).toContain('BP_SOURCE_MISSING_PERIOD');
    // The summary's list of figures not available this period names exactly the affected indicators, each linked
    // to where the pack shows it (a population indicator's turn-the-curve page).
    const list = /<ul class="data-issues">([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? '';
    expect([...list.matchAll(/href="#([^"]+)"[^<]*<\/a>: ([^<]*)/g)].map((m) => `${m[1]}: ${m[2]}`)).toEqual(['ind-breastfeeding_6_8_weeks: awaiting data for 2024/25 Q4', 'ttc-low_birth_weight: awaiting data for 2024/25 Q4']);
    const scorecard = [...html.matchAll(/fig-awaiting-data/g)].length;
    expect(scorecard).toBeGreaterThan(0);
  });
});

describe('--json when the run cannot start', () => {
  it('still prints one JSON document on stdout, and the coded problem on stderr', async () => {
    const r = await runCliHere(['run', '--project', path.join(tmpdir(), 'bp-no-such-project'), '--json']);
    expect(r.status).toBe(1);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ status: 'failed', exitCode: 1, strict: false });
    expect(s.problems.length).toBeGreaterThan(0);
    expect(r.stderr).toContain(s.problems[0].code);
  });
});
