/**
 * Whether a folder can be written, asked of the file system before any work is done, so a read-only project
 * or output folder is named as such instead of surfacing later as a bare errno (Node's recursive mkdir reports
 * a read-only parent as ENOENT) or as advice to delete the warehouse.
 */
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';

export interface NotWritable {
  /** The folder that refused: the one asked for, or the ancestor that could not hold it. */
  folder: string;
  /** The errno code behind the refusal (EROFS, EACCES, EPERM, ENOTDIR …). */
  code: string;
  /** Plain words for the code. */
  reason: string;
}

const REASONS: Record<string, string> = {
  EROFS: 'it is on a read-only file system',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a file stands where a folder is expected',
  EEXIST: 'a file stands where a folder is expected',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exhausted',
};

const reasonOf = (code: string) => REASONS[code] ?? code;
const codeOf = (e: unknown) => (e as NodeJS.ErrnoException)?.code ?? 'EIO';

/**
 * Why `dir` could not be written, without creating anything: the folder itself when it exists, else the deepest
 * ancestor that exists (which would have to hold it). Undefined when it can be written (or made).
 */
export function whyNotWritable(dir: string): NotWritable | undefined {
  for (let p = path.resolve(dir); ; p = path.dirname(p)) {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch (e) {
      // Missing (or under a file, ENOTDIR): ask the folder above, which would have to hold it.
      if (path.dirname(p) !== p) continue;
      return { folder: p, code: codeOf(e), reason: reasonOf(codeOf(e)) };
    }
    if (!isDir) return { folder: p, code: 'ENOTDIR', reason: reasonOf('ENOTDIR') };
    try {
      accessSync(p, constants.W_OK);
      return undefined;
    } catch (e) {
      return { folder: p, code: codeOf(e), reason: reasonOf(codeOf(e)) };
    }
  }
}

/** Creates `dir` if it is missing; what refused and why, or undefined when it can be written. */
export function ensureWritableFolder(dir: string): NotWritable | undefined {
  const refused = whyNotWritable(dir);
  if (refused) return refused;
  try {
    mkdirSync(dir, { recursive: true });
    return undefined;
  } catch (e) {
    return whyNotWritable(dir) ?? { folder: path.resolve(dir), code: codeOf(e), reason: reasonOf(codeOf(e)) };
  }
}

/** Whether a file that exists can be written (a warehouse file copied read-only, on a read-only mount). */
export function fileNotWritable(file: string): NotWritable | undefined {
  try {
    accessSync(file, constants.W_OK);
    return undefined;
  } catch (e) {
    const code = codeOf(e);
    return code === 'ENOENT' ? undefined : { folder: file, code, reason: reasonOf(code) };
  }
}
