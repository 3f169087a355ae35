/**
 * Atomic file writes: every artifact (PDF, HTML, XLSX, JSON) is written to a temp name in the same folder,
 * flushed to disk, then renamed over the target. A reader (or a crash half-way) sees either the old file or
 * the new one, never a half-written pack. The temp file lives in the target's folder because rename is only
 * atomic within one file system.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { BoardpackError, problem } from './errors.js';
import { sha256Text } from './hash.js';
import { whyNotWritable } from './writable.js';

/** Errors a user can act on (permissions, a full disk, a file held open by another program). */
const USER_FIXABLE: Record<string, string> = {
  EACCES: 'check that you may write to this folder, or choose another output folder',
  EPERM: 'close the file if another program (a PDF viewer, Excel) has it open, and check folder permissions',
  EBUSY: 'close the file in the program that has it open (a PDF viewer, Excel) and run again',
  EROFS: 'the folder is on a read-only file system; choose another output folder',
  ENOSPC: 'the disk is full; free some space and run again',
  EDQUOT: 'your disk quota is exhausted; free some space and run again',
  ENOTDIR: 'part of the output path is a file, not a folder; choose another output path',
  // mkdir -p reports a file standing where a parent folder should be as EEXIST.
  EEXIST: 'part of the output path is a file, not a folder; choose another output path',
  EISDIR: 'the output path is a folder; give a file name',
};

/** Windows refuses to replace a file another process has open; such locks are often brief (virus scanners). */
const RENAME_RETRY_CODES = new Set(['EPERM', 'EBUSY', 'EACCES']);
const RENAME_RETRIES = process.platform === 'win32' ? 5 : 0;

/**
 * `writeFileAtomic`, returning the sha256 of what was written: a string is encoded to UTF-8 once for both (hashing
 * a string encodes it again, which on a large results.json cost more than the hash itself).
 */
export async function writeFileAtomicHashed(path: string, data: string | Uint8Array): Promise<string> {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  await writeFileAtomic(path, bytes);
  return sha256Text(bytes);
}

/**
 * Write `data` to `path` atomically: create the parent folders, write a temp file beside the target, fsync it,
 * rename it over the target, and fsync the folder (POSIX) so the rename itself survives a power cut.
 * On any failure the temp file is removed and the previous file, if any, is left untouched.
 * A symlink at `path` is replaced by a regular file.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const target = resolve(path);
  const dir = dirname(target);
  // Hidden, unique per process and call, so concurrent writers never share a temp file.
  const temp = join(dir, `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let created = false;
  try {
    await mkdir(dir, { recursive: true });
    const handle = await open(temp, 'wx');
    created = true;
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await renameWithRetry(temp, target);
    created = false;
  } catch (err) {
    if (created) await unlink(temp).catch(() => undefined);
    throw toWriteError(err, target);
  }
  await syncDir(dir);
}

async function renameWithRetry(from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await rename(from, to);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (attempt >= RENAME_RETRIES || !RENAME_RETRY_CODES.has(code)) throw err;
      await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
    }
  }
}

/** Best effort: Windows cannot open a folder for fsync, and some file systems refuse it. */
async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    /* the data itself is already synced; a folder that cannot be synced is not worth failing the run */
  }
}

function toWriteError(err: unknown, target: string): unknown {
  // Node's mkdir -p reports a parent it cannot create on a read-only disk as ENOENT: ask the folders why.
  const refused = (err as NodeJS.ErrnoException | undefined)?.code === 'ENOENT' ? whyNotWritable(dirname(target)) : undefined;
  if (refused) {
    return new BoardpackError(problem('BP_WRITE_FAILED', `cannot write the output file: ${refused.folder} is not writable (${refused.reason})`, {
      file: target, fix: USER_FIXABLE[refused.code] ?? USER_FIXABLE.EACCES,
    }), { cause: err });
  }
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (!code || !(code in USER_FIXABLE)) return err;
  return new BoardpackError(
    problem('BP_WRITE_FAILED', `cannot write the output file (${code}): ${(err as Error).message}`, {
      file: target,
      fix: USER_FIXABLE[code],
    }),
    { cause: err },
  );
}
