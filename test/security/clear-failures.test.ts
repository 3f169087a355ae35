/**
 * 6 (in part). A SOURCE_DATE_EPOCH no date can hold stops the run with a coded message naming the variable and
 * the value (BP_SOURCE_DATE_EPOCH), not "Invalid time value", and before anything is written. A --period long
 * before any data is a pack of "awaiting data" with its gates, never a crash.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliHere } from '../helpers/cli.js';
import { makeProject } from '../helpers/project.js';

describe('clear, coded failures', () => {
  it('SOURCE_DATE_EPOCH beyond what a date can hold, or not a number, is BP_SOURCE_DATE_EPOCH', async () => {
    const root = await makeProject();
    for (const value of ['99999999999999', '1.5e9', 'yesterday']) {
      const r = await runCliHere(['run', '--project', root, '--no-pdf'], { env: { SOURCE_DATE_EPOCH: value } });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/BP_SOURCE_DATE_EPOCH/);
      expect(r.stderr).toContain(JSON.stringify(value));
      expect(r.stderr).not.toMatch(/Invalid time value|unexpected error/);
    }
    expect(existsSync(path.join(root, 'out', 'manifest.json'))).toBe(false);
  });

  it('--period before any data held gives every figure as awaiting data and a gate per source, not a crash', async () => {
    const root = await makeProject();
    const r = await runCliHere(['run', '--project', root, '--no-pdf', '--period', '1999-00', '--strict']);
    expect(r.stderr).not.toMatch(/unexpected error|Cannot read properties/);
    expect(r.status, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/BP_GATE_SOURCE_MISSING_PERIOD/);
    expect(r.stderr).toMatch(/awaiting data for 1999\/00/);
  });
});
