/** `SOURCE_DATE_EPOCH` (reproducible builds): whole seconds since 1970 that a JavaScript date can hold. */
import { BoardpackError, problem } from './errors.js';

/** Latest second a Date can represent (ECMAScript: ±8.64e15 ms). */
const MAX_EPOCH_SECONDS = 8.64e12;

/** The epoch in seconds, undefined when unset; a coded error (not "Invalid time value") when it is not usable. */
export function sourceDateEpoch(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env.SOURCE_DATE_EPOCH;
  if (raw === undefined || raw === '') return undefined;
  const n = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n > MAX_EPOCH_SECONDS) {
    throw new BoardpackError(problem('BP_SOURCE_DATE_EPOCH', 'SOURCE_DATE_EPOCH is not a usable time: it must be whole seconds since 1970-01-01 (UTC), up to year 275760', {
      value: raw.slice(0, 40), expected: 'an integer such as 1767225600 (2026-01-01)', fix: 'set it to `git log -1 --format=%ct`, or unset it to use the clock',
    }));
  }
  return n;
}
