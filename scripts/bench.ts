/**
 * `npm run bench [-- --quick] [-- --json FILE]`: boardpack's speed and memory beside the bare engines it is
 * built on, measured in one run on the same data and machine (see BENCHMARKS.md for method and figures).
 *
 * Every measured step runs in its own child process (scripts/bench/worker.ts, or the built CLI, or the
 * pandas peer), so each has its own peak RSS; ours and the floor alternate repetition by repetition so
 * machine noise falls on both. Data is generated with a fixed seed into a temp folder, never committed.
 * Exits 0 when it measured everything it was asked, whether or not every target is met (the table says);
 * 1 when a step could not run.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { prepareFramework, prepareProject, REPO_ROOT } from './bench/data.js';
import { HelpRequested, parseArgs, USAGE, type Plan } from './bench/plan.js';
import { formatMs, formatRss, formatTable, ratioRow, series, type Row, type Series } from './bench/stats.js';

const WORKER = path.join(REPO_ROOT, 'scripts', 'bench', 'worker.ts');
const PANDAS = path.join(REPO_ROOT, 'scripts', 'bench', 'pandas_peer.py');
const CLI = path.join(REPO_ROOT, 'bin', 'boardpack.js');
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

const log = (s: string) => process.stderr.write(`bench: ${s}\n`);

interface ChildResult { wallMs: number; rssKb: number | null; cpuS: number | null; out: Record<string, unknown>; code: number | null; stderr: string }

/** Runs a command; its peak RSS comes from its own report (last stdout line) or else GNU time, which also gives CPU time (user + system, waited-for children such as the browser included). */
function runChild(cmd: string, args: string[], opts: { json?: boolean; cwd?: string; tmp: string }): Promise<ChildResult> {
  const rssFile = path.join(opts.tmp, `rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const [c, a] = GNU_TIME ? [GNU_TIME, ['-f', '%M %U %S', '-o', rssFile, cmd, ...args]] : [cmd, args];
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(c, a, { cwd: opts.cwd ?? REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - t0;
      let out: Record<string, unknown> = {};
      if (opts.json && code === 0) {
        const last = stdout.trim().split('\n').pop() ?? '';
        try { out = JSON.parse(last) as Record<string, unknown>; } catch { /* reported below */ }
      }
      let rssKb: number | null = typeof out.maxRssKb === 'number' ? out.maxRssKb : null;
      let cpuS: number | null = null;
      if (existsSync(rssFile)) {
        const m = /(\d+) ([\d.]+) ([\d.]+)\s*$/.exec(readFileSync(rssFile, 'utf8'));
        if (m) {
          if (rssKb === null) rssKb = Number(m[1]);
          cpuS = Number(m[2]) + Number(m[3]);
        }
        rmSync(rssFile, { force: true });
      }
      resolve({ wallMs, rssKb, cpuS, out, code, stderr });
    });
  });
}

async function worker(step: string, args: Record<string, unknown>, tmp: string): Promise<ChildResult> {
  const r = await runChild(process.execPath, ['--import', 'tsx', WORKER, step, JSON.stringify(args)], { json: true, tmp });
  if (r.code !== 0) throw new Error(`${step} failed (exit ${r.code}):\n${r.stderr.trim().split('\n').slice(-15).join('\n')}`);
  return r;
}

const msOf = (r: ChildResult, key: string) => (r.out.ms as Record<string, number>)[key];

function machine() {
  const cpu = /model name\s*:\s*(.+)/.exec(existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '')?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  return { cpus: os.availableParallelism(), cpu: cpu.trim(), memoryGiB: Math.round(os.totalmem() / 2 ** 30 * 10) / 10, node: process.version, platform: `${os.platform()} ${os.release()}`, load: os.loadavg().map((x) => Math.round(x * 100) / 100) };
}

/** The first python3 that imports pandas (a pyenv shim may hide Debian's python3-pandas). */
function findPandas(): { python: string; version: string } | null {
  for (const python of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(python, ['-c', 'import pandas; print(pandas.__version__)'], { encoding: 'utf8' });
    if (r.status === 0) return { python, version: r.stdout.trim() };
  }
  return null;
}

function distIsStale(): boolean {
  const main = path.join(REPO_ROOT, 'dist', 'cli', 'main.js');
  if (!existsSync(main)) return true;
  const built = statSync(main).mtimeMs;
  const newest = (dir: string): number => readdirSync(dir, { withFileTypes: true }).reduce((m, e) => {
    const p = path.join(dir, e.name);
    return Math.max(m, e.isDirectory() ? newest(p) : e.name.endsWith('.ts') ? statSync(p).mtimeMs : 0);
  }, 0);
  return newest(path.join(REPO_ROOT, 'src')) > built;
}

interface StatementProfile { statements: number; sqlMs: number; outsideSqlMs: number; top: Array<{ sql: string; ms: number }> }

/** Where the time goes in our ingest, at the largest size of each format (last repetition). */
function formatProfiles(profiles: Array<{ step: string; rows: number; ms: Record<string, number>; profile: unknown }>): string {
  const out: string[] = ['Where the time goes (our ingest, largest size of each format, last repetition):'];
  for (const step of ['CSV ingest', 'XLSX ingest']) {
    const mine = profiles.filter((p) => p.step === step);
    const p = mine[mine.length - 1];
    if (!p) continue;
    const prof = p.profile as StatementProfile;
    out.push(`  ${step} ${p.rows.toLocaleString('en-GB')} rows: total ${formatMs(p.ms.ingest)} = config ${formatMs(p.ms.config)} + open/meta ${formatMs(p.ms.openAndMeta)} + ingestProject ${formatMs(p.ms.ingestProject)} (${prof.statements} SQL statements ${formatMs(prof.sqlMs)}, outside SQL ${formatMs(prof.outsideSqlMs)})${p.ms.exceljsImport !== undefined ? `; loading exceljs beforehand, not counted: ${formatMs(p.ms.exceljsImport)}` : ''}`);
    for (const t of prof.top.slice(0, 6)) out.push(`    ${formatMs(t.ms).padStart(8)}  ${t.sql.slice(0, 110)}`);
  }
  return out.join('\n');
}

async function main(): Promise<number> {
  let plan: Plan;
  try {
    plan = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof HelpRequested) { process.stdout.write(`${USAGE}\n`); return 0; }
    process.stderr.write(`bench: ${(e as Error).message}\n`);
    return 2;
  }
  const started = performance.now();
  const tmp = plan.tmp ? path.resolve(plan.tmp) : mkdtempSync(path.join(os.tmpdir(), 'boardpack-bench-'));
  mkdirSync(tmp, { recursive: true });
  const wants = (s: Plan['steps'][number]) => plan.steps.includes(s);
  const rows: Row[] = [];
  const profiles: Array<{ step: string; rows: number; ms: Record<string, number>; profile: unknown }> = [];
  const notes: string[] = [];
  const failures: string[] = [];
  const pandas = wants('pandas') ? findPandas() : null;
  const pandasVersion = pandas?.version ?? null;
  if (wants('pandas') && !pandasVersion) notes.push('pandas peer skipped: python3 with pandas is not available (Debian: apt-get install python3-pandas)');
  const m = machine();
  log(`${plan.quick ? 'quick' : 'full'} run on ${m.cpus} CPU(s), ${m.cpu}, ${m.memoryGiB} GiB, node ${m.node}; work folder ${tmp}`);

  const attempt = async (name: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (e) {
      failures.push(name);
      log(`${name}: ${(e as Error).message}`);
    }
  };
  let whCounter = 0;
  const freshWarehouse = () => path.join(tmp, 'wh', `w${whCounter++}.duckdb`);
  const dropWarehouse = (f: string) => { rmSync(f, { force: true }); rmSync(`${f}.wal`, { force: true }); };
  mkdirSync(path.join(tmp, 'wh'), { recursive: true });

  const csvSizes = wants('csv') || wants('pandas') ? plan.csv.map((s) => s.rows) : [];
  const xlsxSizes = wants('xlsx') ? plan.xlsx.map((s) => s.rows) : [];
  const project = await prepareProject(path.join(tmp, 'project'), csvSizes, xlsxSizes, log);

  // CSV ingest (and, from the same runs, the aggregation) vs bare read_csv and the pandas peer.
  const perRow: Record<number, number> = {};
  if (wants('csv') || (wants('pandas') && pandasVersion)) {
    for (const { rows: n, reps } of plan.csv) {
      await attempt(`csv ${n}`, async () => {
        const ours: ChildResult[] = [];
        const floor: ChildResult[] = [];
        const peer: ChildResult[] = [];
        for (let i = 0; i < reps; i++) {
          const w1 = freshWarehouse();
          ours.push(await worker('ingest-ours', { project: project.root, source: `csv_${n}`, warehouse: w1, aggregate: true }, tmp));
          dropWarehouse(w1);
          if (wants('csv')) {
            const w2 = freshWarehouse();
            floor.push(await worker('csv-floor', { file: project.csv[n], warehouse: w2 }, tmp));
            if (floor[i].out.rows !== ours[i].out.rows) throw new Error(`read_csv loaded ${floor[i].out.rows} rows, boardpack ${ours[i].out.rows}`);
            dropWarehouse(w2);
          }
          if (wants('pandas') && pandasVersion) {
            const r = await runChild(pandas!.python, [PANDAS, project.csv[n]], { json: true, tmp });
            if (r.code !== 0) throw new Error(`pandas peer failed: ${r.stderr.trim().split('\n').slice(-5).join('\n')}`);
            peer.push(r);
          }
          log(`csv ${n} rep ${i + 1}/${reps}: ours ${formatMs(msOf(ours[i], 'ingest'))}${floor[i] ? `, read_csv ${formatMs(msOf(floor[i], 'ingest'))}` : ''}${peer[i] ? `, pandas ${formatMs(msOf(peer[i], 'ingest'))}` : ''}`);
        }
        const oursIngest = series(ours.map((r) => msOf(r, 'ingest')), ours.map((r) => r.rssKb));
        perRow[n] = oursIngest.median / n;
        profiles.push({ step: 'CSV ingest', rows: n, ms: ours[ours.length - 1].out.ms as Record<string, number>, profile: ours[ours.length - 1].out.profile });
        if (floor.length) rows.push(ratioRow('CSV ingest', oursIngest, series(floor.map((r) => msOf(r, 'ingest')), floor.map((r) => r.rssKb)), 'read_csv', 1.3, { size: n }));
        if (peer.length) {
          const oursAgg = series(ours.map((r) => msOf(r, 'aggregate')));
          const peerRss = peer.map((r) => r.rssKb);
          rows.push(ratioRow('vs pandas: CSV ingest', oursIngest, series(peer.map((r) => msOf(r, 'ingest')), peerRss), 'pandas', 1, { size: n, strict: true }));
          rows.push(ratioRow('vs pandas: aggregation', oursAgg, series(peer.map((r) => msOf(r, 'aggregate'))), 'pandas', 1, { size: n, strict: true }));
          rows.push(ratioRow('vs pandas: ingest + aggregation', series(ours.map((r) => msOf(r, 'ingest') + msOf(r, 'aggregate')), ours.map((r) => r.rssKb)),
            series(peer.map((r) => msOf(r, 'ingest') + msOf(r, 'aggregate')), peerRss), 'pandas', 1, { size: n, strict: true }));
        }
      });
    }
    const sizes = plan.csv.map((s) => s.rows).filter((n) => perRow[n] !== undefined);
    if (wants('csv') && sizes.length >= 2) {
      const big = sizes[sizes.length - 1];
      const mid = sizes.find((n) => n >= 1_000_000 && n < big) ?? sizes[sizes.length - 2];
      const growth = perRow[big] / perRow[mid];
      const bigRow = rows.find((r) => r.step === 'CSV ingest' && r.size === big);
      rows.push({ step: `CSV time per row, ${(big / mid).toFixed(0)}× the rows`, size: big, ours: series([perRow[big] * big]), floorName: `${formatMs(perRow[mid] * 1e6)}/M rows at ${mid.toLocaleString('en-GB')} → ${formatMs(perRow[big] * 1e6)}/M`, ratio: growth, target: '≤ 1.2', met: growth <= 1.2, note: 'per-row time, largest ÷ next size' });
      if (bigRow && bigRow.ours.peakRssKb !== null) {
        const gib = bigRow.ours.peakRssKb / 2 ** 20;
        rows.push({ step: 'CSV ingest peak RSS (GiB)', size: big, ours: bigRow.ours, floorName: `read_csv ${formatRss(bigRow.floor?.peakRssKb)}`, ratio: gib, target: '< 1 GiB' + (big < 10_000_000 ? ' at 10M' : ''), met: big >= 10_000_000 ? gib < 1 : null, note: big < 10_000_000 ? 'target is for 10M rows' : undefined });
      }
    }
  }

  if (wants('xlsx')) {
    for (const { rows: n, reps } of plan.xlsx) {
      await attempt(`xlsx ${n}`, async () => {
        const ours: ChildResult[] = [];
        const floor: ChildResult[] = [];
        for (let i = 0; i < reps; i++) {
          const w = freshWarehouse();
          ours.push(await worker('ingest-ours', { project: project.root, source: `xlsx_${n}`, warehouse: w }, tmp));
          dropWarehouse(w);
          floor.push(await worker('xlsx-floor', { file: project.xlsx[n] }, tmp));
          // Both sides must have read the whole workbook (the floor also counts the header row).
          if (floor[i].out.rows !== (ours[i].out.rows as number) + 1) throw new Error(`exceljs read ${floor[i].out.rows} rows, boardpack loaded ${ours[i].out.rows}`);
          log(`xlsx ${n} rep ${i + 1}/${reps}: ours ${formatMs(msOf(ours[i], 'ingest'))}, exceljs ${formatMs(msOf(floor[i], 'ingest'))}`);
        }
        profiles.push({ step: 'XLSX ingest', rows: n, ms: ours[ours.length - 1].out.ms as Record<string, number>, profile: ours[ours.length - 1].out.profile });
        rows.push(ratioRow('XLSX ingest', series(ours.map((r) => msOf(r, 'ingest')), ours.map((r) => r.rssKb)), series(floor.map((r) => msOf(r, 'ingest')), floor.map((r) => r.rssKb)), 'exceljs stream', 1.5, { size: n }));
      });
    }
  }

  if (wants('indicators')) {
    await attempt('indicators', async () => {
      const wh = path.join(tmp, 'sample-warehouse.duckdb');
      const sqlFile = path.join(tmp, 'compiled.json');
      const setup = await worker('compile-sql', { project: project.root, warehouse: wh, sqlFile }, tmp);
      const ours: ChildResult[] = [];
      const floor: ChildResult[] = [];
      for (let i = 0; i < plan.indicatorReps; i++) {
        ours.push(await worker('indicators-ours', { project: project.root, warehouse: wh }, tmp));
        floor.push(await worker('indicators-floor', { warehouse: wh, sqlFile }, tmp));
      }
      log(`indicators: ${setup.out.indicators} compiled; ours ${formatMs(msOf(ours[0], 'compute'))}, bare SQL ${formatMs(msOf(floor[0], 'compute'))} (first rep)`);
      rows.push(ratioRow(`Indicators (${setup.out.indicators}, sample)`, series(ours.map((r) => msOf(r, 'compute')), ours.map((r) => r.rssKb)), series(floor.map((r) => msOf(r, 'compute')), floor.map((r) => r.rssKb)), 'bare SQL', 1.2));
    });
  }

  // The sample pack's HTML, from one demo run without PDF (setup, not measured), is what both PDF sides print.
  let html: string | undefined;
  if (wants('pdf') || wants('demo') || wants('help') || wants('framework')) {
    if (!existsSync(path.join(REPO_ROOT, 'dist', 'cli', 'main.js'))) {
      log('dist/ is missing: building (npm run build) for the CLI steps');
      const b = spawnSync(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: REPO_ROOT, encoding: 'utf8' });
      if (b.status !== 0) notes.push(`build reported errors, the CLI steps use what it emitted: ${(b.stdout + b.stderr).split('\n')[0]}`);
    } else if (distIsStale()) {
      notes.push('dist/ is older than src/: the CLI steps (--help, demo, the PDF\'s HTML) measure the last build; run `npm run build` first to measure the current code');
    }
  }
  if (wants('pdf')) {
    await attempt('pdf', async () => {
      const out = path.join(tmp, 'pack-html');
      const r = await runChild(process.execPath, [CLI, 'demo', '--out', out, '--no-pdf'], { tmp });
      html = path.join(out, 'board-pack.html');
      if (!existsSync(html)) throw new Error(`demo --no-pdf wrote no HTML (exit ${r.code}): ${r.stderr.trim().split('\n').slice(-5).join('\n')}`);
      const p = await worker('pdf', { html, reps: plan.pdfReps }, tmp);
      log(`pdf: browser launch ${formatMs(msOf(p, 'launch'))}, ${plan.pdfReps} rep(s) each side, ${Math.round((p.out.bytes as number) / 1024)} KiB PDF`);
      rows.push(ratioRow('PDF render (sample pack)', series(p.out.ours as number[], [p.rssKb]), series(p.out.floor as number[], [p.rssKb]), 'page.pdf', 1.2,
        { note: `browser launched once: ${formatMs(msOf(p, 'launch'))}; RSS is the Node process, not Chromium` }));
    });
  }

  if (wants('help')) {
    await attempt('help', async () => {
      const ours: ChildResult[] = [];
      const floor: ChildResult[] = [];
      for (let i = 0; i < plan.helpReps + 1; i++) {
        const o = await runChild(process.execPath, [CLI, '--help'], { tmp });
        if (o.code !== 0) throw new Error(`boardpack --help exited ${o.code}: ${o.stderr.trim()}`);
        const f = await runChild(process.execPath, ['-e', '0'], { tmp });
        if (i > 0) { ours.push(o); floor.push(f); } // the first pair warms the file cache
      }
      rows.push(ratioRow('boardpack --help', series(ours.map((r) => r.wallMs), ours.map((r) => r.rssKb)), series(floor.map((r) => r.wallMs), floor.map((r) => r.rssKb)), 'node -e 0', 1.5));
    });
  }

  // The compiled SQL of the sample's indicators on a built sample warehouse: the indicators' floor, and the demo's.
  let compiled: { warehouse: string; sqlFile: string } | undefined;
  const compileOnce = async () => {
    if (compiled) return compiled;
    const wh = path.join(tmp, 'sample-warehouse-floors.duckdb');
    const sqlFile = path.join(tmp, 'compiled-floors.json');
    await worker('compile-sql', { project: project.root, warehouse: wh, sqlFile }, tmp);
    compiled = { warehouse: wh, sqlFile };
    return compiled;
  };
  const nodeStart = async () => {
    const xs: number[] = [];
    for (let i = 0; i < 4; i++) xs.push((await runChild(process.execPath, ['-e', '0'], { tmp })).wallMs);
    return series(xs.slice(1)).median; // the first warms the file cache
  };
  const cli = async (args: string[], what: string) => {
    const r = await runChild(process.execPath, [CLI, ...args], { tmp });
    if (r.code !== 0) throw new Error(`${what} exited ${r.code}: ${r.stderr.trim().split('\n').slice(-5).join('\n')}`);
    return r;
  };

  if (wants('demo')) {
    await attempt('demo', async () => {
      const runs: ChildResult[] = [];
      const second: ChildResult[] = [];
      let out = '';
      for (let i = 0; i < plan.demoReps; i++) {
        out = path.join(tmp, `demo-${i}`);
        const r = await runChild(process.execPath, [CLI, 'demo', '--out', out], { tmp });
        if (r.code !== 0 || !existsSync(path.join(out, 'board-pack.pdf'))) throw new Error(`demo exited ${r.code}: ${r.stderr.trim().split('\n').slice(-5).join('\n')}`);
        runs.push(r);
        // The same command again, nothing changed: the warehouse under the out folder already holds every extract.
        second.push(await cli(['demo', '--out', out], 'second demo'));
        log(`demo rep ${i + 1}/${plan.demoReps}: ${formatMs(r.wallMs)}${r.cpuS !== null ? `, CPU ${r.cpuS.toFixed(1)} s` : ''}; second run ${formatMs(second[i].wallMs)}`);
      }
      const s = series(runs.map((r) => r.wallMs), runs.map((r) => r.rssKb));
      const cpu = runs.map((r) => r.cpuS).filter((x): x is number => x !== null);
      rows.push({ step: 'demo end to end (s)', ours: s, floorName: `fresh out dir, all four formats${cpu.length ? `; CPU ${(cpu.reduce((a, b) => a + b, 0) / cpu.length).toFixed(1)} s` : ''}`, ratio: s.median / 1000, target: '< 10 s', met: s.median < 10_000,
        note: cpu.length ? `CPU time (user + system, browser included) ${cpu.map((c) => c.toFixed(1)).join(', ')} s; load average at start ${m.load.join(' ')}` : undefined });
      // Its floors, measured now: node's start, the bare engines' reads of the same extracts, the same SQL, one page.pdf.
      const c = await compileOnce();
      const floors: Array<Record<string, number>> = [];
      const starts: number[] = [];
      for (let i = 0; i < plan.demoReps; i++) {
        const scratch = freshWarehouse();
        floors.push((await worker('sample-floors', { project: project.root, html: path.join(out, 'board-pack.html'), warehouse: c.warehouse, sqlFile: c.sqlFile, scratch }, tmp)).out.ms as Record<string, number>);
        dropWarehouse(scratch);
        starts.push(await nodeStart());
      }
      const sum = (f: Record<string, number>, i: number, keys: string[]) => starts[i] + keys.reduce((a, k) => a + f[k], 0);
      const all = ['csv', 'xlsx', 'sql', 'pdf'];
      const f0 = floors[floors.length - 1];
      const parts = `node ${formatMs(starts[starts.length - 1])} + read_csv ${formatMs(f0.csv)} + exceljs ${formatMs(f0.xlsx)} + SQL ${formatMs(f0.sql)} + page.pdf ${formatMs(f0.pdf)}`;
      rows.push(ratioRow('demo vs the sum of its floors', s, series(floors.map((f, i) => sum(f, i, all))), 'floors', 1.5,
        { note: `floors (last rep): ${parts}; browser start-up ${formatMs(f0.launch)} not counted as a floor` }));
      rows.push(ratioRow('demo again, nothing changed, vs its floors', series(second.map((r) => r.wallMs), second.map((r) => r.rssKb)), series(floors.map((f, i) => sum(f, i, ['sql', 'pdf']))), 'floors (no ingest)', 1.2,
        { note: `floors: node start + the same SQL + one page.pdf (${formatMs(starts[starts.length - 1] + f0.sql + f0.pdf)})` }));
    });
  }

  if (wants('framework')) {
    await attempt('framework', async () => {
      // The sample framework (24 indicators) and the same made into 96 distinct ones, warm (extracts already
      // loaded), with the PDF; and the 24-indicator pack with --each area (one pack per locality) beside it.
      const p24 = prepareFramework(path.join(tmp, 'framework-24'), 1);
      const p96 = prepareFramework(path.join(tmp, 'framework-96'), 4);
      let outN = 0;
      const run = (p: string, extra: string[] = []) => cli(['run', '--project', p, '--out', path.join(tmp, `fw-out-${outN++}`), ...extra], `run --project ${path.basename(p)} ${extra.join(' ')}`);
      await run(p24);
      await run(p96);
      const t24: ChildResult[] = [];
      const t96: ChildResult[] = [];
      const each: ChildResult[] = [];
      for (let i = 0; i < plan.frameworkReps; i++) {
        t24.push(await run(p24));
        t96.push(await run(p96));
        each.push(await run(p24, ['--each', 'area']));
        log(`framework rep ${i + 1}/${plan.frameworkReps}: 24 indicators ${formatMs(t24[i].wallMs)}, 96 ${formatMs(t96[i].wallMs)}, --each area ${formatMs(each[i].wallMs)}`);
      }
      const s24 = series(t24.map((r) => r.wallMs), t24.map((r) => r.rssKb));
      const s96 = series(t96.map((r) => r.wallMs), t96.map((r) => r.rssKb));
      const per = (s96.median - s24.median) / 72;
      rows.push({ step: 'added cost per indicator (ms)', ours: s96, floorName: `24 indicators: ${formatMs(s24.median)} → 96: ${formatMs(s96.median)}, ÷ 72`, ratio: per, target: '≤ 60 ms', met: per <= 60,
        note: 'warm runs (extracts loaded), fresh out folder, all four formats with the PDF' });
      // The browser alone: a bare print of the last 24- and 96-indicator packs' HTML, alternating, in one browser.
      const html = (r: number) => path.join(tmp, `fw-out-${r}`, 'board-pack.html');
      const last24 = outN - 3;
      const last96 = outN - 2;
      const printed = (await worker('print-floor', { files: [html(last24), html(last96)], reps: Math.max(2, plan.frameworkReps) }, tmp)).out.times as number[][];
      const p24s = series(printed[0]);
      const p96s = series(printed[1]);
      const printPer = (p96s.median - p24s.median) / 72;
      rows.push({ step: 'of which the browser alone (ms)', ours: p96s, floorName: `bare page.pdf of the same HTML: ${formatMs(p24s.median)} → ${formatMs(p96s.median)}, ÷ 72`, ratio: printPer, target: 'floor', met: null,
        note: 'setContent + page.pdf of the last 24- and 96-indicator packs\' HTML in one browser (puppeteer\'s defaults: tagged, no header, footer or outline): what the browser alone adds per indicator, a floor the row above cannot go below' });
      const areas = readFileSync(path.join(p24, 'boardpack.yaml'), 'utf8');
      const localities = Math.max(0, (areas.split(/^sources:/m)[0].match(/^ {2}- id:/gm) ?? []).length - 1);
      rows.push(ratioRow(`--each area (${localities} localities) vs one pack`, series(each.map((r) => r.wallMs), each.map((r) => r.rssKb)), s24, 'one pack', 3,
        { note: 'the partnership pack and one pack per locality, against the partnership pack alone (same warm project)' }));
    });
  }

  const totalS = (performance.now() - started) / 1000;
  process.stdout.write(`\nboardpack bench (${plan.quick ? 'quick' : 'full'}), ${m.cpus} CPU ${m.cpu}, ${m.memoryGiB} GiB, node ${m.node}; ${totalS.toFixed(0)} s\n\n`);
  process.stdout.write(`${formatTable(rows)}\n`);
  process.stdout.write(`\n${formatProfiles(profiles)}\n`);
  for (const r of rows) if (r.note && r.met === null) notes.push(`${r.step}: ${r.note}`);
  for (const r of rows) if (r.note && r.met !== null) notes.push(`${r.step}: ${r.note}`);
  if (pandasVersion) notes.push(`pandas ${pandasVersion} (python3), peer timings exclude Python start-up and pandas import`);
  notes.push('times are medians of alternating repetitions, each in its own process (module loading excluded, except --help and demo which are whole processes); RSS is the peak of the process');
  if (failures.length) notes.push(`could not run: ${failures.join(', ')}`);
  process.stdout.write(`\n${notes.map((n) => `- ${n}`).join('\n')}\n`);

  if (plan.jsonFile) {
    const doc = { generatedAt: new Date().toISOString(), loadAverageAtEnd: os.loadavg(), mode: plan.quick ? 'quick' : 'full', machine: m, plan, seconds: totalS, pandas: pandasVersion, rows, profiles, notes, failures };
    writeFileSync(path.resolve(plan.jsonFile), `${JSON.stringify(doc, null, 2)}\n`);
    log(`figures written to ${plan.jsonFile}`);
  }
  if (!plan.keep && !plan.tmp) rmSync(tmp, { recursive: true, force: true });
  return failures.length ? 1 : 0;
}

main().then((code) => { process.exitCode = code; }, (e) => {
  process.stderr.write(`bench: ${(e as Error).stack ?? e}\n`);
  process.exitCode = 1;
});

export type { Series };
