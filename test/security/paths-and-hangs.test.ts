/**
 * The project folder is semi-trusted: the paths it names stay inside it (symlinks resolved), unless the user
 * says otherwise on the command line; and nothing it names can hang `validate`, `run` or `verify`.
 * 3. indicator entries, presets, sources, templates, outputs and the warehouse pointing outside the project
 *    are refused with BP_CONFIG_PATH_OUTSIDE by validate and run alike; the secret file's content is printed
 *    nowhere and nothing is written outside; `--allow-outside PATH` lets a chosen folder in.
 * 8. a FIFO as an indicator file, `read_csv` of a FIFO in indicator SQL and a manifest listing
 *    `../../../../dev/zero` end promptly with a coded error instead of hanging.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { editFile, makeProject } from '../helpers/project.js';

const SECRET = 'BPSECRET-7f3a9c-do-not-print';
const isWindows = process.platform === 'win32';

/** The CLI with a hard deadline: a hang shows up as status null and a SIGKILL, not as a stuck test run. */
function cli(args: string[], timeoutMs = 90_000) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL', env: { ...process.env, CI: 'true' } });
  return { status: r.status, signal: r.signal, out: `${r.stdout}\n${r.stderr}`, stderr: r.stderr };
}

function secretFile(): { dir: string; file: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'bp-secret-'));
  const file = path.join(dir, 'id_test_key');
  writeFileSync(file, `-----BEGIN TEST KEY-----\n${SECRET}\n${'x'.repeat(2000)}\n-----END TEST KEY-----\n`);
  return { dir, file };
}

/** validate and run both refuse with `code`, print no secret, and exit promptly. */
function expectRefused(root: string, code: RegExp, extra: string[] = []) {
  const v = cli(['validate', '--project', root, ...extra]);
  const r = cli(['run', '--project', root, '--no-pdf', ...extra]);
  for (const x of [v, r]) {
    expect(x.signal).toBeNull();
    expect(x.status).toBe(1);
    expect(x.stderr).toMatch(code);
    expect(x.out).not.toContain(SECRET);
  }
  return { v, r };
}

describe.skipIf(isWindows)('project paths are confined to the project folder', () => {
  it('an indicator entry or a preset: naming a file outside is refused, its content never printed', async () => {
    const { file } = secretFile();
    const root = await makeProject();
    editFile(root, 'boardpack.yaml', 'indicators: [indicators]\n', `indicators: [indicators, ${JSON.stringify(file)}, "preset:../../../../../../../..${file}"]\n`);
    const { v } = expectRefused(root, /BP_CONFIG_PATH_OUTSIDE .*at indicators\.1/);
    expect(v.stderr).toMatch(/BP_CONFIG_PATH_OUTSIDE .*at indicators\.2/);
  });

  it('a source path outside (with header_row) is refused without echoing a line of it', async () => {
    const { file } = secretFile();
    const root = await makeProject();
    editFile(root, 'boardpack.yaml', 'path: extracts/schools.csv\n', `path: ${JSON.stringify(file)}\n    header_row: 2\n`);
    expectRefused(root, /BP_CONFIG_PATH_OUTSIDE .*at sources\.schools\.path/);
  });

  it('a template symlinked to a secret file is refused; nothing reaches the cover', async () => {
    const { file } = secretFile();
    const root = await makeProject();
    mkdirSync(path.join(root, 'templates'));
    symlinkSync(file, path.join(root, 'templates', 'cover.hbs'));
    editFile(root, 'boardpack.yaml', 'indicators: [indicators]\n', 'indicators: [indicators]\ntemplates: templates\n');
    expectRefused(root, /BP_CONFIG_PATH_OUTSIDE .*at templates: .*symbolic link/);
    expect(existsSync(path.join(root, 'out', 'board-pack.html'))).toBe(false);
  });

  it('outputs.dir, warehouse and a symlinked out/ leading outside are refused and nothing is written there', async () => {
    const outside = mkdtempSync(path.join(tmpdir(), 'bp-outside-'));
    const root = await makeProject();
    editFile(root, 'boardpack.yaml', 'indicators: [indicators]\n', `indicators: [indicators]\nwarehouse: ${JSON.stringify(path.join(outside, 'w.duckdb'))}\noutputs: { dir: ${JSON.stringify(path.relative(root, path.join(outside, 'pack')))} }\n`);
    const { v } = expectRefused(root, /BP_CONFIG_PATH_OUTSIDE .*at warehouse/);
    expect(v.stderr).toMatch(/BP_CONFIG_PATH_OUTSIDE .*at outputs\.dir/);
    expect(execFileSync('ls', ['-A', outside], { encoding: 'utf8' })).toBe('');

    const root2 = await makeProject();
    symlinkSync(outside, path.join(root2, 'out'));
    expectRefused(root2, /BP_CONFIG_PATH_OUTSIDE .*at outputs\.dir: .*symbolic link/);
    expect(execFileSync('ls', ['-A', outside], { encoding: 'utf8' })).toBe('');
  });

  it('--allow-outside PATH lets the user choose a folder outside; a path on the command line is the user\'s own', async () => {
    const outside = mkdtempSync(path.join(tmpdir(), 'bp-allowed-'));
    const root = await makeProject();
    execFileSync('cp', [path.join(root, 'extracts', 'schools.csv'), outside]);
    editFile(root, 'boardpack.yaml', 'path: extracts/schools.csv\n', `path: ${JSON.stringify(path.join(outside, 'schools.csv'))}\n`);
    expect(cli(['validate', '--project', root]).status).toBe(1);
    const v = cli(['validate', '--project', root, '--allow-outside', outside]);
    expect(v.stderr).not.toMatch(/BP_CONFIG_PATH_OUTSIDE/);
    expect(v.status).toBe(0);
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'bp-cli-out-')), 'pack');
    const r = cli(['run', '--project', root, '--no-pdf', '--allow-outside', outside, '--out', out]);
    expect(r.stderr).not.toMatch(/BP_CONFIG_PATH_OUTSIDE/);
    expect(existsSync(path.join(out, 'board-pack.html'))).toBe(true);
  });
});

describe.skipIf(isWindows)('nothing the project names can hang a command', () => {
  it('a FIFO as an indicator file is named, not read (validate and run)', async () => {
    const root = await makeProject();
    execFileSync('mkfifo', [path.join(root, 'indicators', 'pipe.yaml')]);
    expectRefused(root, /BP_CONFIG_NOT_A_FILE .*named pipe/);
  });

  it('read_csv of a FIFO or of /etc/passwd in indicator SQL is refused by validate as by run', async () => {
    const root = await makeProject();
    const fifo = path.join(root, 'extracts', 'pipe.csv');
    execFileSync('mkfifo', [fifo]);
    for (const [id, target] of [['reads_fifo', fifo], ['reads_passwd', '/etc/passwd']]) {
      writeFileSync(path.join(root, 'indicators', `${id}.yaml`), `id: ${id}
title: Reads a file
kind: performance_measure
question: how_much
priority: early_help
polarity: none
unit: count
period_type: fy_quarter
sql: SELECT '2024-25-Q1' AS period, 'all' AS area, count(*) AS numerator FROM read_csv('${target}')
`);
    }
    const v = cli(['validate', '--project', root]);
    const r = cli(['run', '--project', root, '--no-pdf']);
    for (const x of [v, r]) {
      expect(x.signal).toBeNull();
      expect(x.stderr).toMatch(/BP_SQL_FORBIDDEN .*at indicators\.reads_fifo/);
      expect(x.stderr).toMatch(/BP_SQL_FORBIDDEN .*at indicators\.reads_passwd/);
      expect(x.out).not.toMatch(/root:x:0:0/);
    }
  });

  it('verify reads only regular files inside the pack folder: a manifest listing ../../dev/zero ends promptly', async () => {
    const root = await makeProject();
    const out = path.join(root, 'out');
    expect(cli(['run', '--project', root, '--no-pdf', '--out', out]).status).toBe(0);
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    manifest.outputs.push({ path: `${'../'.repeat(12)}dev/zero`, sha256: '0'.repeat(64) });
    writeFileSync(path.join(out, 'manifest.json'), JSON.stringify(manifest));
    execFileSync('mkfifo', [path.join(out, 'pipe')]);
    manifest.outputs.push({ path: 'pipe', sha256: '0'.repeat(64) });
    writeFileSync(path.join(out, 'manifest.json'), JSON.stringify(manifest));
    const r = cli(['verify', out], 60_000);
    expect(r.signal).toBeNull();
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/BP_VERIFY_OUTSIDE/);
    expect(r.stderr).toMatch(/BP_VERIFY_NOT_A_FILE/);
  });
});
