/**
 * 5 (in part). Commentary is never lost silently: an unknown key in commentary.yaml (a capitalised
 * `Commentary:`, a misspelt `stroy:`) is an error naming it with a did-you-mean, not text dropped without a word.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliHere } from '../helpers/cli.js';
import { makeProject } from '../helpers/project.js';

describe('commentary keys', () => {
  it('names an unknown key with a did-you-mean, at the top and inside an entry', async () => {
    const root = await makeProject();
    writeFileSync(path.join(root, 'commentary.yaml'), 'Commentary:\n  low_birth_weight:\n    story: Owners wrote this.\n');
    const top = await runCliHere(['run', '--project', root, '--no-pdf']);
    expect(top.status).toBe(1);
    expect(top.stderr).toMatch(/BP_COMMENTARY_UNKNOWN_KEY.*"Commentary".*did you mean commentary\?/);
    writeFileSync(path.join(root, 'commentary.yaml'), 'commentary:\n  low_birth_weight:\n    stroy: Owners wrote this.\n');
    const inner = await runCliHere(['run', '--project', root, '--no-pdf']);
    expect(inner.status).toBe(1);
    expect(inner.stderr).toMatch(/BP_COMMENTARY_UNKNOWN_KEY.*"stroy".*did you mean story\?/);
  });
});
