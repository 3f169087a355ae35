import { describe, expect, it } from 'vitest';
import { BoardpackError, UsageError, fromThreadError, problem, toThreadError } from '../../src/core/errors.js';

// What a worker thread posts is structured-cloned: a BoardpackError's problems would not survive as an Error.
const across = (e: unknown) => fromThreadError(structuredClone(toThreadError(e)));

describe('errors across a thread', () => {
  it('a coded error arrives as a BoardpackError with its problems and exit code', () => {
    const p = problem('BP_INGEST_XLSX_TOO_LARGE', 'the workbook expands to more than 2 MB', { file: 'a.xlsx', fix: 'split it' });
    const back = across(new BoardpackError(p));
    expect(back).toBeInstanceOf(BoardpackError);
    expect((back as BoardpackError).problems).toEqual([p]);
    expect((back as BoardpackError).exitCode).toBe(1);
    expect(((across(new UsageError('bad flag'))) as BoardpackError).exitCode).toBe(2);
  });
  it('anything else arrives as an Error with its message and the stack where it was thrown', () => {
    const e = new TypeError('reading sheets');
    const back = across(e);
    expect(back).not.toBeInstanceOf(BoardpackError);
    expect(back.message).toBe('reading sheets');
    expect(back.stack).toBe(e.stack);
    expect(across('a string').message).toBe('a string');
  });
});
