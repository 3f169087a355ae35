/**
 * Issue #8: progress and colour only on a terminal. Under a pseudo-terminal (`script` from util-linux) the run
 * draws a progress bar on stderr while stdout, redirected to a file, holds only the --json summary; with
 * CI=true or --no-progress the same terminal gets plain lines with no escape sequences.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { makeProject } from '../helpers/project.js';

const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
const EPOCH = String(Date.UTC(2025, 4, 20) / 1000);
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

/** Runs the CLI inside a pseudo-terminal; stdout goes to a file, stderr to the terminal (returned). */
function underPty(args: string[], extraEnv: Record<string, string> = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'bp-pty-'));
  const stdoutFile = path.join(dir, 'stdout.txt');
  const env: NodeJS.ProcessEnv = { ...process.env, SOURCE_DATE_EPOCH: EPOCH, TERM: 'xterm-256color', ...extraEnv };
  if (!('CI' in extraEnv)) delete env.CI;
  delete env.NO_COLOR;
  const cmd = `${q(process.execPath)} ${q(BIN)} ${args.map(q).join(' ')} > ${q(stdoutFile)}`;
  const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { env, encoding: 'utf8', timeout: 300_000 });
  return { status: r.status, terminal: r.stdout, stdout: readFileSync(stdoutFile, 'utf8') };
}

describe.skipIf(!hasScript)('on a terminal (script -qec, a pseudo-terminal)', () => {
  let root: string;
  beforeAll(async () => { root = await makeProject(); });

  it('shows progress on stderr and keeps stdout clean for --json', () => {
    const r = underPty(['run', '--project', root, '--out', path.join(root, 'out-tty'), '--no-pdf', '--json']);
    expect(r.status, r.terminal).toBe(0);
    // eslint-disable-next-line no-control-regex
    const visible = r.terminal.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
    expect(visible).toMatch(/\[#+-*\] 1\/8 config/);
    expect(visible).toMatch(/\[#{24}\] 8\/8 manifest/);
    expect(r.terminal).toContain('\r\u001b[2K'); // redrawn in place
    expect(r.terminal).toMatch(/Computed 5 of 5 indicators/);
    expect(CONTROL.test(r.stdout.replace(/\n$/, ''))).toBe(false);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'ok', indicators: { total: 5 } });
  }, 300_000);

  it('draws nothing but plain lines with CI=true or --no-progress, even on a terminal', () => {
    for (const [args, extra] of [[[], { CI: 'true' }], [['--no-progress'], {}]] as Array<[string[], Record<string, string>]>) {
      const r = underPty(['run', '--project', root, '--out', path.join(root, 'out-plain'), '--no-pdf', ...args], extra);
      expect(r.status, r.terminal).toBe(0);
      // The pty turns \n into \r\n; anything else would be ours.
      expect(CONTROL.test(r.terminal.replace(/\r\n/g, '\n'))).toBe(false);
      expect(r.terminal).not.toMatch(/\[#+-*\]/);
      expect(r.stdout).toMatch(/board-pack\.html/);
    }
  }, 300_000);
});
