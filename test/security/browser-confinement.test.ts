/**
 * Issue #10, browser confinement, through the real CLI:
 * - a template from someone else that tries to run script, fetch from a server, or read local files makes the
 *   PDF without any of it happening (a local HTTP server counts the requests that reach it: none may);
 * - a browser that hangs at start or crashes ends in a clear coded error, the HTML/XLSX/JSON are still
 *   written, and the browser process is gone.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pdfToText, runCli } from '../helpers/cli.js';
import { makeProject, editFile } from '../helpers/project.js';
import { runCliMeasured, tempDir } from './helpers/files.js';
import { listenForRequests } from './helpers/listener.js';

const listener = listenForRequests('body { background: red }');

/** A fake browser: a shell script in a fresh folder, its body given that folder (for the files it writes). */
function fakeBrowser(body: (dir: string) => string): { dir: string; fake: string } {
  const dir = tempDir('bp-fakebrowser-');
  const fake = path.join(dir, 'chrome');
  writeFileSync(fake, `#!/bin/sh\n${body(dir)}`);
  chmodSync(fake, 0o755);
  return { dir, fake };
}

/** Running, not a zombie: a killed process whose parent died is reparented to init and may await reaping. */
function alive(pid: number): boolean {
  try { process.kill(pid, 0); } catch { return false; }
  try { return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return true; }
}

describe('browser confinement', () => {
  it('a hostile template cannot run script, reach the network or read local files while the PDF prints', async () => {
    const root = await makeProject();
    const secret = path.join(tempDir('bp-secret-'), 'secret.txt');
    writeFileSync(secret, 'TOPSECRET-7f3a9c');
    editFile(root, 'boardpack.yaml', 'indicators: [indicators]\n', 'indicators: [indicators]\ntemplates: templates\n');
    mkdirSync(path.join(root, 'templates'));
    const cover = readFileSync(path.join(path.dirname(new URL(import.meta.url).pathname), '../../templates/cover.hbs'), 'utf8');
    const hostile = `<link rel="stylesheet" href="${listener.base}/style.css"><img src="${listener.base}/pixel.png" alt="">
<img src="file://${secret}" alt=""><iframe src="file://${secret}"></iframe><object data="file://${secret}"></object>
<p id="js-marker">SCRIPT-DID-NOT-RUN</p>
<script>document.getElementById('js-marker').textContent = 'SCRIPT-RAN'; fetch('${listener.base}/from-script');</script>`;
    writeFileSync(path.join(root, 'templates', 'cover.hbs'), `${hostile}\n${cover}`);
    listener.hits.length = 0;
    const out = path.join(root, 'out');
    const run = runCli(['run', '--project', root, '--out', out]);
    expect(listener.hits, run.stderr).toEqual([]);
    const pdf = path.join(out, 'board-pack.pdf');
    if (!existsSync(pdf)) {
      // A renderer that refuses script in templates outright is fine too, as long as it says so with a code.
      expect(run.stderr).toMatch(/BP_[A-Z_]+/);
      return;
    }
    const text = pdfToText(pdf);
    if (text === undefined) return;
    expect(text).not.toContain('TOPSECRET-7f3a9c');
    expect(text).not.toContain('SCRIPT-RAN');
    expect(text).toContain('SCRIPT-DID-NOT-RUN');
  }, 300_000);

  // Issue #10: puppeteer launches with `pipe: true`, where its launch `timeout` does not apply; a browser that
  // started but never answered held the run for over 5 minutes. launchBrowser races launch() with a deadline
  // (BOARDPACK_BROWSER_TIMEOUT, here 5 s) that kills the browser's whole process group. The fake browser leaves a
  // background child in its group too: both must be gone.
  it('a browser that hangs at start ends in a coded error, other outputs written, the process gone', async () => {
    const root = await makeProject();
    const { dir, fake } = fakeBrowser((d) => `sleep 100000 &\necho $! > ${path.join(d, 'child-pid')}\necho $$ > ${path.join(d, 'pid')}\nexec sleep 100000\n`);
    const pidFile = path.join(dir, 'pid');
    const childPidFile = path.join(dir, 'child-pid');
    const out = path.join(root, 'out');
    const pids: number[] = [];
    try {
      const run = await runCliMeasured(['run', '--project', root, '--out', out, '--browser', fake], { timeoutMs: 150_000, env: { BOARDPACK_BROWSER_TIMEOUT: '5' } });
      for (const f of [pidFile, childPidFile]) if (existsSync(f)) pids.push(Number(readFileSync(f, 'utf8')));
      expect(run.signal, 'the run had to be killed: the hung browser held it').toBeNull();
      expect(run.status, run.stderr).toBe(1);
      expect(run.stderr).toMatch(/BP_BROWSER_TIMEOUT\b/);
      expect(run.stderr).toContain(fake);
      expect(run.stderr).not.toMatch(/unexpected error/i);
      for (const f of ['board-pack.html', 'scorecard.xlsx', 'results.json', 'manifest.json']) expect(existsSync(path.join(out, f)), f).toBe(true);
      expect(existsSync(path.join(out, 'board-pack.pdf'))).toBe(false);
      expect(pids).toHaveLength(2);
      for (const pid of pids) expect(pid).toBeGreaterThan(0);
      for (const pid of pids) expect(alive(pid), `process ${pid} of the hung browser is still running`).toBe(false);
    } finally {
      for (const pid of pids) if (pid > 0 && alive(pid)) process.kill(pid, 'SIGKILL');
    }
  }, 200_000);

  it('a run that fails before printing leaves no browser behind (it is started early, with ingest)', async () => {
    const root = await makeProject();
    const { dir, fake } = fakeBrowser((d) => `echo $$ > ${path.join(d, 'pid')}\nexec sleep 100000\n`);
    const pidFile = path.join(dir, 'pid');
    // A cover template that does not compile stops the run at rendering, seconds after the browser was started.
    editFile(root, 'boardpack.yaml', 'indicators: [indicators]\n', 'indicators: [indicators]\ntemplates: templates\n');
    mkdirSync(path.join(root, 'templates'));
    writeFileSync(path.join(root, 'templates', 'cover.hbs'), '{{#if partnership}}never closed\n');
    let pid = 0;
    try {
      const run = await runCliMeasured(['run', '--project', root, '--out', path.join(root, 'out'), '--browser', fake], { timeoutMs: 150_000, env: { BOARDPACK_BROWSER_TIMEOUT: '60' } });
      expect(run.signal).toBeNull();
      expect(run.status, run.stderr).toBe(1);
      expect(run.stderr).toMatch(/BP_TEMPLATE_SYNTAX/);
      if (existsSync(pidFile)) pid = Number(readFileSync(pidFile, 'utf8'));
      expect(pid, 'the browser was not started early').toBeGreaterThan(0);
      expect(alive(pid), 'the browser outlived the failed run').toBe(false);
    } finally {
      if (pid > 0 && alive(pid)) process.kill(pid, 'SIGKILL');
    }
  }, 200_000);

  it('--no-pdf never starts a browser', async () => {
    const root = await makeProject();
    const { dir, fake } = fakeBrowser((d) => `touch ${path.join(d, 'started')}\nexit 1\n`);
    const marker = path.join(dir, 'started');
    const run = runCli(['run', '--project', root, '--out', path.join(root, 'out'), '--browser', fake, '--no-pdf']);
    expect(run.status, run.stderr).toBe(0);
    expect(existsSync(marker)).toBe(false);
  }, 300_000);

  it('a browser that crashes at start ends in a coded error with the other outputs written', async () => {
    const root = await makeProject();
    const { fake } = fakeBrowser(() => 'echo "Received signal 11 SEGV_MAPERR" >&2\nkill -SEGV $$\n');
    const out = path.join(root, 'out');
    const run = runCli(['run', '--project', root, '--out', out, '--browser', fake]);
    expect(run.status, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/BP_(BROWSER_LAUNCH_FAILED|PDF_FAILED)/);
    expect(run.stderr).not.toMatch(/unexpected error/i);
    for (const f of ['board-pack.html', 'scorecard.xlsx', 'results.json']) expect(existsSync(path.join(out, f)), f).toBe(true);
  }, 300_000);
});
