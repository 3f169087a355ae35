/**
 * The project folder is semi-trusted (a shared indicator library, a consultant's templates): every path it
 * names must stay inside it, after symlinks are resolved, so a definition cannot read `/etc/…` into an error
 * message or the cover, nor write the pack somewhere else. Leaving the folder takes the user's word: a path
 * given on the command line, or one under a folder passed with `--allow-outside PATH`.
 * Files are also checked to be regular files before they are read, so a FIFO or a device never hangs a run.
 */
import { existsSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { problem, type Problem } from './errors.js';

let allowedOutside: string[] = [];

/** Folders (from `--allow-outside`) that project paths may point into. */
export function setAllowedOutside(dirs: string[] | undefined): void {
  allowedOutside = (dirs ?? []).map((d) => realish(path.resolve(d)));
}

/** The real path of `p`, or of its deepest existing ancestor joined with the rest (for files not yet made). */
export function realish(p: string): string {
  const abs = path.resolve(p);
  let head = abs;
  const tail: string[] = [];
  for (;;) {
    try {
      return path.join(realpathSync(head), ...tail);
    } catch {
      const up = path.dirname(head);
      if (up === head) return abs;
      tail.unshift(path.basename(head));
      head = up;
    }
  }
}

export function isInside(child: string, dir: string): boolean {
  const rel = path.relative(dir, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** True when `p` (symlinks resolved) is inside one of `roots` or a folder allowed by `--allow-outside`. */
export function isConfined(p: string, roots: string[]): boolean {
  const real = realish(p);
  return [...roots.map((r) => realish(r)), ...allowedOutside].some((r) => isInside(real, r));
}

/**
 * Where a path was named, for its problem. `line` may be given as how to find it: only a problem needs the line, and
 * finding it can mean parsing the file's text, which a project loaded from the parse cache otherwise never does.
 */
export interface PathContext { what: string; file?: string; yamlPath?: string; line?: number | (() => number | undefined); written?: string }
const lineOf = (ctx: PathContext) => (typeof ctx.line === 'function' ? ctx.line() : ctx.line);

/** A BP_CONFIG_PATH_OUTSIDE problem (or `code`) when `p` leaves `roots`, else undefined. */
export function outsideProblem(p: string, roots: string[], ctx: PathContext, code = 'BP_CONFIG_PATH_OUTSIDE'): Problem | undefined {
  if (isConfined(p, roots)) return undefined;
  const real = realish(p);
  const via = real !== path.resolve(p) ? ' (through a symbolic link)' : '';
  return problem(code, `${ctx.what} points outside the project folder${via}; project files may only name files inside it`, {
    file: ctx.file, yamlPath: ctx.yamlPath, line: lineOf(ctx), value: ctx.written ?? p,
    expected: `a path inside ${roots[0]}`,
    fix: `move the file into the project folder, or, if you mean it, run with --allow-outside ${path.dirname(real)}`,
  });
}

/** A BP_CONFIG_NOT_A_FILE problem (or `code`) when `p` exists but is not a regular file (a FIFO, a device, a folder), else undefined. */
export function notRegularProblem(p: string, ctx: PathContext, code = 'BP_CONFIG_NOT_A_FILE'): Problem | undefined {
  if (!existsSync(p)) return undefined;
  const st = statSync(p);
  if (st.isFile()) return undefined;
  const kind = st.isDirectory() ? 'a folder' : st.isFIFO() ? 'a named pipe (FIFO)' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : st.isSocket() ? 'a socket' : 'not a regular file';
  return problem(code, `${ctx.what} is ${kind}, not a regular file, so it is not read`, {
    file: ctx.file ?? p, yamlPath: ctx.yamlPath, line: lineOf(ctx), value: ctx.written,
    fix: 'point it at an ordinary file',
  });
}
