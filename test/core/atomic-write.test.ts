import { mkdtemp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { writeFileAtomic, writeFileAtomicHashed } from '../../src/core/atomic-write.js';
import { BoardpackError } from '../../src/core/errors.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bp-atomic-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('writes a string and creates missing parent folders', async () => {
    const target = join(dir, 'out', 'nested', 'board-pack.html');
    await writeFileAtomic(target, '<p>£ é ✓</p>');
    expect(await readFile(target, 'utf8')).toBe('<p>£ é ✓</p>');
    expect(await readdir(join(dir, 'out', 'nested'))).toEqual(['board-pack.html']);
  });

  it('writes bytes exactly', async () => {
    const target = join(dir, 'pack.pdf');
    const bytes = new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0x0a]);
    await writeFileAtomic(target, bytes);
    expect(new Uint8Array(await readFile(target))).toEqual(bytes);
  });

  it('returns the sha256 of the bytes written, for text (UTF-8) and for bytes', async () => {
    const sha = async (f: string) => createHash('sha256').update(await readFile(f)).digest('hex');
    const text = join(dir, 'results.json');
    const hashed = await writeFileAtomicHashed(text, '{"area": "Brackenfield £ é ✓"}');
    expect(await readFile(text, 'utf8')).toBe('{"area": "Brackenfield £ é ✓"}');
    expect(hashed).toBe(await sha(text));
    expect(hashed).toBe(createHash('sha256').update(Buffer.from('{"area": "Brackenfield £ é ✓"}', 'utf8')).digest('hex'));
    const bytes = join(dir, 'pack.pdf');
    expect(await writeFileAtomicHashed(bytes, new Uint8Array([0x25, 0x50, 0x44, 0x46, 0xff]))).toBe(await sha(bytes));
  });

  it('replaces an existing file and leaves no temp file behind', async () => {
    const target = join(dir, 'results.json');
    await writeFile(target, 'old contents that are longer than the new ones');
    await writeFileAtomic(target, 'new');
    expect(await readFile(target, 'utf8')).toBe('new');
    expect(await readdir(dir)).toEqual(['results.json']);
  });

  it('on failure removes the temp file, keeps what was there and reports BP_WRITE_FAILED', async () => {
    // Renaming a file over a non-empty folder fails on every platform.
    const target = join(dir, 'pack.xlsx');
    await mkdir(target);
    await writeFile(join(target, 'keep.txt'), 'keep');
    const err = await writeFileAtomic(target, 'data').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BoardpackError);
    expect((err as BoardpackError).code).toBe('BP_WRITE_FAILED');
    expect((err as BoardpackError).problems[0].file).toBe(target);
    expect(await readdir(dir)).toEqual(['pack.xlsx']);
    expect(await readFile(join(target, 'keep.txt'), 'utf8')).toBe('keep');
  });

  it('reports a parent path that is a file as BP_WRITE_FAILED', async () => {
    await writeFile(join(dir, 'out'), 'a file, not a folder');
    const err = await writeFileAtomic(join(dir, 'out', 'pack.pdf'), 'x').catch((e: unknown) => e);
    expect((err as BoardpackError).code).toBe('BP_WRITE_FAILED');
  });

  it('concurrent writers to one path leave exactly one complete version', async () => {
    const target = join(dir, 'pack.json');
    const versions = Array.from({ length: 12 }, (_, i) => String(i).repeat(50_000));
    await Promise.all(versions.map((v) => writeFileAtomic(target, v)));
    expect(versions).toContain(await readFile(target, 'utf8'));
    expect(await readdir(dir)).toEqual(['pack.json']);
  });
});
