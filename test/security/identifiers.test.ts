/**
 * Personal identifiers, on a copy of the sample partnership run by the real CLI:
 * 1. an indicator that turns child_id into a figure (max of its hex, a cast, SELECT *, the whole row) is refused
 *    with BP_SQL_IDENTIFIER, by `validate` and by `run` alike, and no decoded identifier reaches results.json;
 * 2. an identifier in the wrong column (child_id and locality swapped, an identifier typed into start_date)
 *    is withheld everywhere: stderr, the validation reports, the pack, the suggested fix. The row number stays.
 */
import { cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCliHere, type CliResult } from '../helpers/cli.js';
import { tempDir } from './helpers/files.js';
import { placeSampleWarehouse } from '../helpers/sample.js';

const SAMPLE = path.join(REPO_ROOT, 'sample-data');
const EXTRACT = readdirSync(path.join(SAMPLE, 'extracts')).find((f) => /^social_care_episodes_.*\.csv$/.test(f))!;

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? listFiles(p) : [p];
  });
}

/** Every output as text (XLSX through unzip), so a search covers what a reader could open. */
function allOutputText(dir: string): string {
  return listFiles(dir).map((f) => {
    if (f.endsWith('.xlsx')) return spawnSync('unzip', ['-p', f], { maxBuffer: 256 << 20 }).stdout?.toString('utf8') ?? '';
    return readFileSync(f).toString('utf8');
  }).join('\n');
}

function copySample(): string {
  const root = path.join(tempDir('bp-ident-'), 'sample');
  cpSync(SAMPLE, root, { recursive: true });
  return root;
}

const indicator = (id: string, body: string) => `id: ${id}
title: Hostile ${id}
kind: performance_measure
question: how_much
priority: confident_parents
polarity: none
unit: count
${body}`;

const HOSTILE: Record<string, string> = {
  leak_hex: `numerator:
  from: social_care_episodes
  expr: "max(('0x'||substr(child_id,3))::BIGINT)"
  period: { event: start_date }
`,
  leak_where: `numerator:
  from: social_care_episodes
  expr: count(*)
  where: "child_id = 'BF6A3369DB'"
  period: { event: start_date }
`,
  leak_sql: `sql: |
  SELECT period, area, max(hash("Child_ID")) % 1000 AS numerator FROM social_care_episodes s GROUP BY ALL
`,
  leak_star: `sql: |
  WITH x AS (SELECT * FROM social_care_episodes) SELECT period, area, count(*) AS numerator FROM x GROUP BY ALL
`,
  leak_row: `sql: |
  SELECT period, area, max(length(s::VARCHAR)) AS numerator FROM social_care_episodes s GROUP BY ALL
`,
};

describe('identifier columns may only be counted', () => {
  let root: string;
  let validate: CliResult;
  let run: CliResult;
  beforeAll(async () => {
    // Only indicators are added: the sample's sources are as shipped, so the suite's sample warehouse serves.
    root = copySample();
    await placeSampleWarehouse(path.join(root, '.boardpack', 'warehouse.duckdb'));
    for (const [id, body] of Object.entries(HOSTILE)) writeFileSync(path.join(root, 'indicators', `${id}.yaml`), indicator(id, body));
    // Counting identifiers stays allowed.
    writeFileSync(path.join(root, 'indicators', 'counts_children.yaml'), indicator('counts_children', `numerator:
  from: social_care_episodes
  expr: count(DISTINCT "Child_ID")
  where: episode_type = 'CIN'
  period: { event: start_date }
`));
    validate = await runCliHere(['validate', '--project', root]);
    run = await runCliHere(['run', '--project', root, '--out', path.join(root, 'out'), '--no-pdf']);
  }, 600_000);

  it('validate refuses every hostile definition with BP_SQL_IDENTIFIER, naming the indicator', () => {
    expect(validate.status).toBe(1);
    for (const id of Object.keys(HOSTILE)) expect(validate.stderr).toMatch(new RegExp(`BP_SQL_IDENTIFIER .*at indicators\\.${id}\\.`));
    expect(validate.stderr).not.toMatch(/indicators\.counts_children/);
  });

  it('run refuses the same definitions (validate and run agree) and still writes the pack', () => {
    const refusedBy = (out: string) => [...out.matchAll(/BP_SQL_IDENTIFIER .*?at indicators\.(\w+)\./g)].map((m) => m[1]).sort();
    expect(refusedBy(run.stderr)).toEqual(refusedBy(validate.stderr));
    expect(refusedBy(run.stderr)).toEqual(Object.keys(HOSTILE).sort());
    const results = JSON.parse(readFileSync(path.join(root, 'out', 'results.json'), 'utf8'));
    const computed = new Set((results.results as Array<{ indicator: string; status: string }>).filter((r) => r.status !== 'failed').map((r) => r.indicator));
    expect(computed.has('counts_children')).toBe(true);
    for (const id of Object.keys(HOSTILE)) expect(computed.has(id)).toBe(false);
  });

  it('no decoded identifier reaches any output', () => {
    const text = allOutputText(path.join(root, 'out'));
    const csv = readFileSync(path.join(root, 'extracts', EXTRACT), 'utf8').split('\n').slice(1).filter(Boolean);
    // The hex-decoded identifiers the leak_hex definition would have published.
    const decoded = new Set(csv.map((l) => String(parseInt(l.split(',')[0].slice(2), 16))).filter((d) => d.length >= 7));
    expect(decoded.size).toBeGreaterThan(50);
    // As a whole number (a run of digits inside a longer decimal is a coincidence, not a leak).
    const numbers = new Set(text.match(/(?<![\d.])\d{7,}(?![\d])/g) ?? []);
    expect([...decoded].filter((d) => numbers.has(d))).toEqual([]);
  });
});

describe('identifiers in the wrong column are never printed', () => {
  const PLANTED = ['BFAAAA1111', 'BFBBBB2222'];
  let root: string;
  let run: CliResult;
  let validationCsv = '';
  beforeAll(async () => {
    root = copySample();
    const file = path.join(root, 'extracts', EXTRACT);
    const lines = readFileSync(file, 'utf8').split('\n');
    // Row 11 (line 11 of the file): child_id and locality swapped; row 12: an identifier typed into start_date.
    const a = lines[10].split(',');
    lines[10] = [a[1], PLANTED[0], ...a.slice(2)].join(',');
    const b = lines[11].split(',');
    b[3] = PLANTED[1];
    lines[11] = b.join(',');
    writeFileSync(file, lines.join('\n'));
    run = await runCliHere(['run', '--project', root, '--out', path.join(root, 'out'), '--no-pdf']);
    validationCsv = readFileSync(path.join(root, 'out', 'validation-report.csv'), 'utf8');
  }, 600_000);

  it('reports the bad rows by number with the value withheld', () => {
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/row 11, column "locality": .*\[identifier withheld\]/);
    expect(run.stderr).toMatch(/row 12, column "start_date": .*\[identifier withheld\]/);
    expect(validationCsv).toContain('[identifier withheld]');
  });

  it('puts the planted identifiers in no output, log line or error', () => {
    const everything = [run.stdout, run.stderr, allOutputText(path.join(root, 'out'))].join('\n');
    for (const id of PLANTED) expect(everything).not.toContain(id);
  });

  it('keeps the previous good data: the source is not loaded, the rest of the pack is written', () => {
    expect(run.stderr).toMatch(/social_care_episodes: failed/);
    expect(existsSync(path.join(root, 'out', 'board-pack.html'))).toBe(true);
  });
});
