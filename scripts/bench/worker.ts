/**
 * One measured step, run in its own child process by scripts/bench.ts so its peak RSS is its own:
 *   node --import tsx scripts/bench/worker.ts <step> '<json args>'
 * Everything the step needs is imported before the clock starts; the last stdout line is a JSON result
 * `{ ms: {label: number}, maxRssKb, ... }`. Steps come in pairs: ours (boardpack's library functions) and
 * its floor (the bare engine doing the same work, nothing else).
 */
import { readFileSync } from 'node:fs';
import type { Browser } from 'puppeteer-core';

type Args = Record<string, unknown>;
/** The floor of our print: a new page, the HTML set, page.pdf with only the paper size and backgrounds. */
async function barePrint(browser: Browser, html: string, timeout?: number): Promise<Uint8Array> {
  const page = await browser.newPage();
  try {
    await page.setContent(html, { waitUntil: 'load', timeout });
    return await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true, timeout });
  } finally {
    await page.close();
  }
}

const DUCKDB_OPTIONS = { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' };

/**
 * Starts per financial-year quarter by locality and type, and per-locality open episodes at the extract date.
 * The first joins as src/measures/compile.ts does for `period: {event: …}` (the day calendar).
 */
export const AGG_SQL = [
  `SELECT p.period_id AS quarter, s.area AS locality, s.episode_type, count(*)::INTEGER AS n
     FROM {t} s JOIN (SELECT day AS bp_day, period_id AS bp_period_id FROM bp_period_days WHERE period_type = 'fy_quarter') d ON d.bp_day = s.start_date::DATE
       JOIN bp_periods p ON p.period_type = 'fy_quarter' AND p.period_id = d.bp_period_id AND s.start_date BETWEEN p.start_date AND p.end_date
    GROUP BY ALL ORDER BY ALL`,
  `SELECT s.area AS locality, count(*)::INTEGER AS episodes, count(*) FILTER (WHERE s.end_date IS NULL OR s.end_date > DATE '2026-09-30')::INTEGER AS open_at_end
     FROM {t} s GROUP BY ALL ORDER BY ALL`,
];

interface Timed { sql: string; ms: number }

/**
 * Times every statement boardpack sends to DuckDB, at the connection (wrapping the connection object, not our
 * code), so statements run on `wh.conn` directly (the `_row` numbering, the text path's reads) are counted too.
 */
function profileWarehouse(wh: { conn: object }): Timed[] {
  const times: Timed[] = [];
  const conn = wh.conn as Record<string, unknown>;
  // runAndReadAll calls run itself: only the outermost call is timed.
  let depth = 0;
  for (const k of ['run', 'runAndReadAll'] as const) {
    const orig = (conn[k] as (...x: unknown[]) => Promise<unknown>).bind(conn);
    conn[k] = async (...x: unknown[]) => {
      const t = performance.now();
      depth++;
      try { return await orig(...x); } finally {
        if (--depth === 0) times.push({ sql: String(x[0]).replace(/\s+/g, ' ').slice(0, 160), ms: performance.now() - t });
      }
    };
  }
  return times;
}

/** Where ingestProject's time went: the slowest statements, and the time outside SQL (hashing, XLSX parsing and appending, JS). */
function topStatements(times: Timed[], totalMs: number) {
  const sqlMs = times.reduce((s, t) => s + t.ms, 0);
  return { statements: times.length, sqlMs, outsideSqlMs: totalMs - sqlMs, top: [...times].sort((a, b) => b.ms - a.ms).slice(0, 8) };
}

async function main(): Promise<Record<string, unknown>> {
  const [step, json] = process.argv.slice(2);
  const a = JSON.parse(json ?? '{}') as Args;
  switch (step) {
    case 'ingest-ours': {
      // Through boardpack's ingest: config, hashing and lineage, staging, typing and every validation check.
      const { loadProject } = await import('../../src/config/load.js');
      const { openWarehouse } = await import('../../src/warehouse/db.js');
      const { ensureMeta } = await import('../../src/warehouse/meta.js');
      const { ingestProject } = await import('../../src/ingest/index.js');
      // boardpack loads exceljs only when it reads a workbook; like every other module (and as the exceljs floor
      // does), it is loaded before the clock starts. Its load time is reported apart (`exceljsImport`).
      let exceljsImport: number | undefined;
      if (String(a.source).startsWith('xlsx_')) {
        const t = performance.now();
        await import('exceljs');
        exceljsImport = performance.now() - t;
      }
      const t0 = performance.now();
      // As `boardpack ingest` loads the project: sources and areas, the indicator files not read.
      const res = await loadProject(a.project as string, { indicators: false });
      if (!res.config) throw new Error(`bench project does not load: ${JSON.stringify(res.problems.slice(0, 3))}`);
      const tConfig = performance.now();
      const wh = await openWarehouse(a.warehouse as string);
      const sqlTimes = profileWarehouse(wh);
      await ensureMeta(wh);
      const tMeta = performance.now();
      const report = await ingestProject(wh, res.config, { sources: [a.source as string], force: true });
      const t1 = performance.now();
      const s = report.sources[0];
      if (s?.status !== 'loaded') throw new Error(`ingest of ${a.source} ${s?.status}: ${JSON.stringify(s?.problems.slice(0, 3))}`);
      const ms: Record<string, number> = { ingest: t1 - t0, config: tConfig - t0, openAndMeta: tMeta - tConfig, ingestProject: t1 - tMeta };
      if (exceljsImport !== undefined) ms.exceljsImport = exceljsImport;
      const profile = topStatements(sqlTimes.splice(0), t1 - tMeta);
      if (a.aggregate) {
        const t2 = performance.now();
        for (const sql of AGG_SQL) await wh.all(sql.replaceAll('{t}', `"${a.source as string}"`));
        ms.aggregate = performance.now() - t2;
      }
      wh.close();
      return { ms, rows: s.rowsLoaded, profile };
    }
    case 'csv-floor': {
      // DuckDB's bare read_csv into a table, auto-detected types, in a file database like the warehouse.
      const { DuckDBInstance } = await import('@duckdb/node-api');
      const t0 = performance.now();
      const db = await DuckDBInstance.create(a.warehouse as string, DUCKDB_OPTIONS);
      const conn = await db.connect();
      await conn.run(`CREATE TABLE t AS SELECT * FROM read_csv('${(a.file as string).replace(/'/g, "''")}', header = true)`);
      const ms = performance.now() - t0;
      const rows = Number((await conn.runAndReadAll('SELECT count(*) FROM t')).getRows()[0][0]);
      conn.closeSync();
      db.closeSync();
      return { ms: { ingest: ms }, rows };
    }
    case 'xlsx-floor': {
      // exceljs's streaming reader over every row of every sheet, same reader options as boardpack, nothing else.
      const { default: ExcelJS } = await import('exceljs');
      const t0 = performance.now();
      const reader = new ExcelJS.stream.xlsx.WorkbookReader(a.file as string, { sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit', entries: 'emit' });
      let rows = 0;
      for await (const ws of reader) for await (const _row of ws) rows++;
      return { ms: { ingest: performance.now() - t0 }, rows };
    }
    case 'indicators-ours': {
      const { loadProject } = await import('../../src/config/load.js');
      const { openWarehouse } = await import('../../src/warehouse/db.js');
      const { computeMeasures } = await import('../../src/measures/index.js');
      const res = await loadProject(a.project as string);
      if (!res.config) throw new Error('sample project does not load');
      const wh = await openWarehouse(a.warehouse as string, { readOnly: true });
      const t0 = performance.now();
      const out = await computeMeasures(wh, res.config, res.indicators);
      const ms = performance.now() - t0;
      wh.close();
      if (out.failures.length) throw new Error(`indicators failed: ${out.failures.map((f) => f.indicator).join(', ')}`);
      return { ms: { compute: ms }, rows: out.values.length, indicators: out.compiled.length };
    }
    case 'indicators-floor': {
      // The same compiled statements, run one after another on one connection, rows read out.
      const { DuckDBInstance } = await import('@duckdb/node-api');
      const sqls = JSON.parse(readFileSync(a.sqlFile as string, 'utf8')) as string[];
      const db = await DuckDBInstance.create(a.warehouse as string, { ...DUCKDB_OPTIONS, access_mode: 'READ_ONLY' });
      const conn = await db.connect();
      const t0 = performance.now();
      let rows = 0;
      for (const sql of sqls) rows += (await conn.runAndReadAll(sql)).getRows().length;
      const ms = performance.now() - t0;
      conn.closeSync();
      db.closeSync();
      return { ms: { compute: ms }, rows };
    }
    case 'compile-sql': {
      // Setup, not measured: the compiled SQL of every sample indicator, for the floor.
      const { loadProject } = await import('../../src/config/load.js');
      const { openWarehouse } = await import('../../src/warehouse/db.js');
      const { ensureMeta } = await import('../../src/warehouse/meta.js');
      const { ingestProject } = await import('../../src/ingest/index.js');
      const { computeMeasures } = await import('../../src/measures/index.js');
      const { writeFileSync } = await import('node:fs');
      const res = await loadProject(a.project as string);
      if (!res.config) throw new Error('sample project does not load');
      const wh = await openWarehouse(a.warehouse as string);
      await ensureMeta(wh);
      const sample = res.config.sources.filter((s) => !/^(csv|xlsx)_\d+$/.test(s.id)).map((s) => s.id);
      await ingestProject(wh, res.config, { sources: sample });
      const out = await computeMeasures(wh, res.config, res.indicators);
      wh.close();
      writeFileSync(a.sqlFile as string, JSON.stringify(out.compiled.map((c) => c.sql)));
      return { ms: {}, indicators: out.compiled.length, failures: out.failures.length };
    }
    case 'pdf': {
      // One browser for the whole step (its start-up timed once); ours and the bare page.pdf alternate.
      const { resolveBrowser, launchBrowser } = await import('../../src/report/browser.js');
      const { renderPdf } = await import('../../src/report/pdf.js');
      const html = readFileSync(a.html as string, 'utf8');
      const reps = Number(a.reps ?? 3);
      const t0 = performance.now();
      const browser = await launchBrowser(await resolveBrowser({}));
      const launch = performance.now() - t0;
      const ours: number[] = [];
      const floor: number[] = [];
      const opts = { title: 'Bench pack', headerLeft: 'Brackenfield · Board', headerRight: '2027-01-21', footerLeft: 'OFFICIAL' };
      const bare = () => barePrint(browser, html);
      let bytes = 0;
      try {
        // One untimed warm-up of each (fonts, first page of the browser).
        await renderPdf(browser, html, opts);
        await bare();
        for (let i = 0; i < reps; i++) {
          let t = performance.now();
          bytes = (await renderPdf(browser, html, opts)).byteLength;
          ours.push(performance.now() - t);
          t = performance.now();
          await bare();
          floor.push(performance.now() - t);
        }
      } finally {
        await browser.close();
      }
      return { ms: { launch }, ours, floor, bytes };
    }
    case 'sample-floors': {
      // The floors of the sample's demo, in one process: DuckDB's bare read_csv of each CSV extract into a file
      // database, exceljs's streaming read of each workbook, the compiled indicator SQL on one connection, and
      // one bare page.pdf of the pack's HTML in a browser launched beforehand (its start-up reported apart).
      const { DuckDBInstance } = await import('@duckdb/node-api');
      const { default: ExcelJS } = await import('exceljs');
      const { loadProject } = await import('../../src/config/load.js');
      const { expandFileGlob } = await import('../../src/core/glob.js');
      const { resolveBrowser, launchBrowser } = await import('../../src/report/browser.js');
      const res = await loadProject(a.project as string);
      if (!res.config) throw new Error('sample project does not load');
      const sample = res.config.sources.filter((x) => !/^(csv|xlsx)_\d+$/.test(x.id));
      const files = (format: string) => sample.filter((x) => x.format === format).flatMap((x) => expandFileGlob(x.path));
      const html = readFileSync(a.html as string, 'utf8');
      const sqls = JSON.parse(readFileSync(a.sqlFile as string, 'utf8')) as string[];
      const ms: Record<string, number> = {};
      let t = performance.now();
      const db = await DuckDBInstance.create(a.scratch as string, DUCKDB_OPTIONS);
      const conn = await db.connect();
      for (const [i, f] of files('csv').entries()) await conn.run(`CREATE TABLE t${i} AS SELECT * FROM read_csv('${f.replace(/'/g, "''")}', header = true, null_padding = true)`);
      conn.closeSync();
      db.closeSync();
      ms.csv = performance.now() - t;
      t = performance.now();
      for (const f of files('xlsx')) {
        const reader = new ExcelJS.stream.xlsx.WorkbookReader(f, { sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit', entries: 'emit' });
        for await (const ws of reader) for await (const _row of ws) { /* every row read, nothing else */ }
      }
      ms.xlsx = performance.now() - t;
      t = performance.now();
      const wdb = await DuckDBInstance.create(a.warehouse as string, { ...DUCKDB_OPTIONS, access_mode: 'READ_ONLY' });
      const wconn = await wdb.connect();
      for (const sql of sqls) await wconn.runAndReadAll(sql);
      wconn.closeSync();
      wdb.closeSync();
      ms.sql = performance.now() - t;
      t = performance.now();
      const browser = await launchBrowser(await resolveBrowser({}));
      ms.launch = performance.now() - t;
      try {
        t = performance.now();
        await barePrint(browser, html);
        ms.pdf = performance.now() - t;
      } finally {
        await browser.close();
      }
      return { ms, csvFiles: files('csv').length, xlsxFiles: files('xlsx').length, statements: sqls.length };
    }
    case 'print-floor': {
      // The browser's own cost of a pack: one bare setContent + page.pdf of each HTML file, in turn, repeated, in one
      // browser launched beforehand (the per-indicator bench's floor: what Chromium alone adds as the pack grows).
      const { resolveBrowser, launchBrowser } = await import('../../src/report/browser.js');
      const files = a.files as string[];
      const htmls = files.map((f) => readFileSync(f, 'utf8'));
      const browser = await launchBrowser(await resolveBrowser({}));
      const times: number[][] = files.map(() => []);
      try {
        for (let rep = 0; rep < Number(a.reps ?? 1); rep++) {
          for (const [i, html] of htmls.entries()) {
            const t = performance.now();
            await barePrint(browser, html, 300_000);
            times[i].push(performance.now() - t);
          }
        }
      } finally {
        await browser.close();
      }
      return { ms: {}, times };
    }
    default:
      throw new Error(`unknown step ${step}`);
  }
}

main().then(
  (r) => {
    process.stdout.write(`\n${JSON.stringify({ ...r, maxRssKb: process.resourceUsage().maxRSS })}\n`);
  },
  (e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exit(1);
  },
);
