/**
 * England & Wales bank holidays, computed from their rules: the public holidays of date-holidays' GB/ENG
 * calendar (substitute days included), which a test compares year by year. Written out rather than loaded from
 * that library because loading it (every country's calendar, astronomical and lunisolar calendars, time zone
 * data) cost more CPU than the rest of a run that reuses its outputs. A newly announced one-off holiday goes
 * in `ONE_OFF` (the comparison test fails when the library learns one this table lacks).
 */

/** One-off holidays, and rule days moved or dropped for them. */
const ONE_OFF = ['2012-06-05', '2020-05-08', '2022-06-02', '2022-06-03', '2022-09-19', '2023-05-08'];
const DROPPED = new Set(['2020-05-04', '2022-05-30']);

const DAY_MS = 86_400_000;
const utc = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d);
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const dow = (ms: number) => new Date(ms).getUTCDay();

/** Western Easter Sunday (the Gregorian computus of Meeus/Jones/Butcher). */
function easter(y: number): number {
  const a = y % 19, b = Math.floor(y / 100), c = y % 100, d = Math.floor(b / 4), e = b % 4;
  const f = Math.floor((b + 8) / 25), g = Math.floor((b - f + 1) / 3), h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4), k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7, m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31), day = ((h + l - 7 * m + 114) % 31) + 1;
  return utc(y, month, day);
}

/** The first Monday on or after a date, and the last Monday before one. */
const mondayFrom = (ms: number) => ms + ((8 - dow(ms)) % 7) * DAY_MS;
const mondayBefore = (ms: number) => ms - (((dow(ms) + 6) % 7) || 7) * DAY_MS;

/** A holiday on a weekend is kept, and the next weekday free of another holiday is also one. */
function withSubstitute(ms: number, saturdayShift: number, sundayShift: number): number[] {
  const d = dow(ms);
  return d === 6 ? [ms, ms + saturdayShift * DAY_MS] : d === 0 ? [ms, ms + sundayShift * DAY_MS] : [ms];
}

/** England & Wales bank holidays of a calendar year, as sorted ISO dates (weekend days whose substitute follows included). */
export function englandWalesBankHolidays(year: number): string[] {
  const e = easter(year);
  const days = [
    ...withSubstitute(utc(year, 1, 1), 2, 1),
    e - 2 * DAY_MS, // Good Friday
    e + DAY_MS, // Easter Monday
    mondayFrom(utc(year, 5, 1)), // early May
    mondayBefore(utc(year, 6, 1)), // spring: the last Monday of May
    mondayBefore(utc(year, 9, 1)), // summer: the last Monday of August
    // Christmas on a Saturday moves to Monday and Boxing Day (Sunday) to Tuesday; on a Sunday, to Tuesday.
    ...withSubstitute(utc(year, 12, 25), 2, 2),
    ...withSubstitute(utc(year, 12, 26), 2, 2),
  ].map(iso).filter((d) => !DROPPED.has(d));
  for (const d of ONE_OFF) if (d.startsWith(`${year}-`)) days.push(d);
  return [...new Set(days)].sort();
}
