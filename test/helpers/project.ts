/** Temp project folders from the `init` project plus inline file overrides (dbt-style functional tests). */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeInitProject } from '../../src/cli/commands/init.js';

export async function makeProject(files: Record<string, string | Uint8Array | null> = {}): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bp-test-'));
  const root = path.join(dir, 'project');
  await writeInitProject(root);
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(root, rel);
    if (content === null) rmSync(file, { force: true });
    else {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, content);
    }
  }
  return root;
}

/** Edit a text file of a project by replacing one exact string (fails loudly if it is not there). */
export function editFile(root: string, rel: string, from: string | RegExp, to: string): void {
  const file = path.join(root, rel);
  const text = readFileSync(file, 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`edit of ${rel} did not match ${String(from)}`);
  writeFileSync(file, next);
}

export function readText(root: string, rel: string): string {
  return readFileSync(path.join(root, rel), 'utf8');
}
