/**
 * Reporting periods with stable ids, as used in results.json and every artifact:
 * financial-year quarter `2016-17-Q1`, financial year `2016-17`, academic year `AY2016-17`,
 * term `AY2016-17-T1` (autumn, spring, summer), month `2016-04`, calendar year `2016`.
 * Dates are ISO `YYYY-MM-DD` strings (inclusive start and end) so no time zone can shift a boundary.
 */
import { BoardpackError, problem } from './errors.js';

export const PERIOD_TYPES = ['fy_quarter', 'fy', 'academic_year', 'term', 'month', 'calendar_year'] as const;
export type PeriodType = (typeof PERIOD_TYPES)[number];

export interface Period {
  id: string;
  type: PeriodType;
  start: string;
  end: string;
  /** Human label: `2016/17 Q1`, `Autumn term 2016/17`, `April 2016`. */
  label: string;
  /** Periods per year for this type (quarter 4, term 3, month 12, years 1). */
  perYear: number;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const TERMS = ['Autumn', 'Spring', 'Summer'];
/** Term boundaries as [startMonth, endMonth] (1-based), academic year starting in September. */
const TERM_MONTHS: Array<[number, number]> = [[9, 12], [1, 4], [5, 8]];

const pad = (n: number) => String(n).padStart(2, '0');
const iso = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`;
const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
const yy = (y: number) => pad((y + 1) % 100);

function fyId(y: number) { return `${y}-${yy(y)}`; }

export function makePeriod(type: PeriodType, year: number, index = 1): Period {
  switch (type) {
    case 'fy':
      return { id: fyId(year), type, start: iso(year, 4, 1), end: iso(year + 1, 3, 31), label: `${year}/${yy(year)}`, perYear: 1 };
    case 'fy_quarter': {
      const startMonth = 4 + (index - 1) * 3; // Q1 Apr–Jun … Q4 Jan–Mar
      const y = startMonth > 12 ? year + 1 : year;
      const m = ((startMonth - 1) % 12) + 1;
      return { id: `${fyId(year)}-Q${index}`, type, start: iso(y, m, 1), end: iso(y, m + 2, lastDay(y, m + 2)), label: `${year}/${yy(year)} Q${index}`, perYear: 4 };
    }
    case 'academic_year':
      return { id: `AY${fyId(year)}`, type, start: iso(year, 9, 1), end: iso(year + 1, 8, 31), label: `${year}/${yy(year)} academic year`, perYear: 1 };
    case 'term': {
      const [sm, em] = TERM_MONTHS[index - 1];
      const y = index === 1 ? year : year + 1;
      return { id: `AY${fyId(year)}-T${index}`, type, start: iso(y, sm, 1), end: iso(y, em, lastDay(y, em)), label: `${TERMS[index - 1]} term ${year}/${yy(year)}`, perYear: 3 };
    }
    case 'month':
      return { id: `${year}-${pad(index)}`, type, start: iso(year, index, 1), end: iso(year, index, lastDay(year, index)), label: `${MONTHS[index - 1]} ${year}`, perYear: 12 };
    case 'calendar_year':
      return { id: String(year), type, start: iso(year, 1, 1), end: iso(year, 12, 31), label: String(year), perYear: 1 };
  }
}

const PATTERNS: Array<[RegExp, PeriodType]> = [
  [/^(\d{4})-(\d{2})-Q([1-4])$/, 'fy_quarter'],
  [/^AY(\d{4})-(\d{2})-T([1-3])$/, 'term'],
  [/^AY(\d{4})-(\d{2})$/, 'academic_year'],
  [/^(\d{4})-(\d{2})$/, 'fy'], // disambiguated from month below
  [/^(\d{4})$/, 'calendar_year'],
];

/** Parse a stable period id; returns undefined when it is not one. `2016-17` is a financial year, `2016-04` a month. */
export function tryParsePeriodId(id: string): Period | undefined {
  const s = String(id).trim();
  for (const [re, type] of PATTERNS) {
    const m = re.exec(s);
    if (!m) continue;
    const y = Number(m[1]);
    if (type === 'calendar_year') return makePeriod(type, y);
    const second = Number(m[2]);
    if (type === 'fy') {
      // `2011-12` is both FY 2011/12 and December 2011: ids of that shape are financial years.
      if ((y + 1) % 100 === second) return makePeriod('fy', y);
      if (second >= 1 && second <= 12) return makePeriod('month', y, second);
      return undefined;
    }
    if ((y + 1) % 100 !== second) return undefined;
    if (type === 'academic_year') return makePeriod(type, y);
    return makePeriod(type, y, Number(m[3]));
  }
  return undefined;
}

export function parsePeriodId(id: string): Period {
  const p = tryParsePeriodId(id);
  if (!p) {
    throw new BoardpackError(problem('BP_PERIOD_ID', `"${id}" is not a period id`, {
      value: id,
      expected: 'one of 2016-17-Q1 (quarter), 2016-17 (financial year), AY2016-17 (academic year), AY2016-17-T1 (term), 2016-04 (month), 2016 (calendar year)',
    }));
  }
  return p;
}

/** Year and index of a period (the `year` is the start year of the FY/AY). */
function yearIndex(p: Period): [number, number] {
  switch (p.type) {
    case 'fy': case 'academic_year': case 'calendar_year': return [Number(p.id.replace(/^AY/, '').slice(0, 4)), 1];
    case 'fy_quarter': return [Number(p.id.slice(0, 4)), Number(p.id.slice(-1))];
    case 'term': return [Number(p.id.slice(2, 6)), Number(p.id.slice(-1))];
    case 'month': return [Number(p.id.slice(0, 4)), Number(p.id.slice(5, 7))];
  }
}

export function shiftPeriod(p: Period, steps: number): Period {
  const [y, i] = yearIndex(p);
  const n = y * p.perYear + (i - 1) + steps;
  return makePeriod(p.type, Math.floor(n / p.perYear), (n % p.perYear) + 1);
}

export const previousPeriod = (p: Period) => shiftPeriod(p, -1);
export const samePeriodLastYear = (p: Period) => shiftPeriod(p, -p.perYear);

/** The year a sub-year period belongs to: quarter/month → financial year, term → academic year. */
export function containingYear(p: Period): Period {
  if (p.type === 'fy_quarter') return makePeriod('fy', yearIndex(p)[0]);
  if (p.type === 'term') return makePeriod('academic_year', yearIndex(p)[0]);
  if (p.type === 'month') {
    const [y, m] = yearIndex(p);
    return makePeriod('fy', m >= 4 ? y : y - 1);
  }
  return p;
}

/** Every period of `type` that overlaps [from, to] (ISO dates), in order. */
export function periodsBetween(type: PeriodType, from: string, to: string): Period[] {
  const startYear = Number(from.slice(0, 4)) - 1;
  const out: Period[] = [];
  let p = makePeriod(type, startYear, 1);
  while (p.start <= to) {
    if (p.end >= from) out.push(p);
    p = shiftPeriod(p, 1);
  }
  return out;
}

/** The period of `type` containing an ISO date. */
export function periodOfDate(type: PeriodType, date: string): Period {
  const [p] = periodsBetween(type, date, date);
  return p;
}

export function comparePeriods(a: Period, b: Period): number {
  return a.start < b.start ? -1 : a.start > b.start ? 1 : a.end < b.end ? -1 : a.end > b.end ? 1 : 0;
}
