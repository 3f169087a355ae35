/**
 * 6 (in part). A SOURCE_DATE_EPOCH no date can hold stops the run with a coded message naming the variable and
 * the value (BP_SOURCE_DATE_EPOCH), not "Invalid time value", and before anything is written.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { makeProject } from '../helpers/project.js';

describe('clear, coded failures', () => {
  it('SOURCE_DATE_EPOCH beyond what a date can hold, or not a number, is BP_SOURCE_DATE_EPOCH', async () => {
    const root = await makeProject();
    for (const value of ['99999999999999', '1.5e9', 'yesterday']) {
      const r = runCli(['run', '--project', root, '--no-pdf'], { env: { SOURCE_DATE_EPOCH: value } });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/BP_SOURCE_DATE_EPOCH/);
      expect(r.stderr).toContain(JSON.stringify(value));
      expect(r.stderr).not.toMatch(/Invalid time value|unexpected error/);
    }
    expect(existsSync(path.join(root, 'out', 'manifest.json'))).toBe(false);
  });
});
