/**
 * Reporting periods with stable ids, as used in results.json and every artifact:
 * financial-year quarter `2016-17-Q1`, financial year `2016-17`, academic year `AY2016-17`,
 * term `AY2016-17-T1` (autumn, spring, summer), month `2016-04`, calendar year `2016`.
 * Dates are ISO `YYYY-MM-DD` strings (inclusive start and end) so no time zone can shift a boundary.
 */
import { BoardpackError, problem } from './errors.js';
import { englandWalesBankHolidays } from './bank-holidays.js';
import { cached } from './bounded-cache.js';

export const PERIOD_TYPES = ['fy_quarter', 'fy', 'academic_year', 'term', 'month', 'calendar_year'] as const;
export type PeriodType = (typeof PERIOD_TYPES)[number];

/** One period of each type, in words: "against the previous quarter", "11 of its 12 quarters". */
export const PERIOD_NOUN: Record<PeriodType, string> = { fy_quarter: 'quarter', month: 'month', term: 'term', fy: 'year', academic_year: 'year', calendar_year: 'year' };

export interface Period {
  id: string;
  type: PeriodType;
  start: string;
  end: string;
  /** Human label: `2016/17 Q1`, `Autumn term 2016/17`, `April 2016`. */
  label: string;
  /** Periods per year for this type (quarter 4, term 3, month 12, years 1). */
  perYear: number;
  /** Set on a figure added up over several periods of `type`, ending with this one (its id carries a suffix). */
  aggregate?: AggregateKind;
}

/**
 * Year to date, rolling 12 months, cumulative since the series starts, or pooled over the 2 to 5 years ending
 * with the period (rare events, as Fingertips pools them: infant deaths 2023 - 25).
 */
export type AggregateKind = 'ytd' | 'rolling_12' | 'cumulative' | PooledKind;
export type PooledKind = 'pooled_2y' | 'pooled_3y' | 'pooled_4y' | 'pooled_5y';
export const POOL_YEARS = [2, 3, 4, 5] as const;
export const pooledKind = (years: number): PooledKind => `pooled_${years}y` as PooledKind;
/** The years a pooled aggregate spans, or undefined for any other kind. */
export const poolYearsOf = (kind: AggregateKind | undefined): number | undefined => (kind?.startsWith('pooled_') ? Number(kind.slice(7, -1)) : undefined);
export const AGGREGATE_SUFFIX: Record<AggregateKind, string> = {
  ytd: 'YTD', rolling_12: 'R12', cumulative: 'CUM', pooled_2y: 'P2Y', pooled_3y: 'P3Y', pooled_4y: 'P4Y', pooled_5y: 'P5Y',
};
const SUFFIX_AGGREGATE = new Map(Object.entries(AGGREGATE_SUFFIX).map(([k, v]) => [v, k as AggregateKind]));
/** An aggregate period id's suffix (`-YTD`, `-R12`, `-CUM`, `-P3Y`). */
export const AGGREGATE_ID_SUFFIX = /-(YTD|R12|CUM|P[2-5]Y)$/;
const ALL_TYPES: readonly PeriodType[] = ['fy_quarter', 'month', 'term', 'fy', 'academic_year', 'calendar_year'];
/** The sub-year types an aggregate may be made of (a year to date of a year is the year itself). */
export const AGGREGATABLE: Record<AggregateKind, readonly PeriodType[]> = {
  ytd: ['fy_quarter', 'month', 'term'],
  rolling_12: ['fy_quarter', 'month', 'term'],
  cumulative: ALL_TYPES,
  pooled_2y: ALL_TYPES, pooled_3y: ALL_TYPES, pooled_4y: ALL_TYPES, pooled_5y: ALL_TYPES,
};

/** The base period an aggregate ends with (`2016-17-Q3-YTD` → `2016-17-Q3`); a plain period is its own base. */
export function basePeriod(p: Period): Period {
  return p.aggregate ? makePeriod(p.type, ...yearIndex(p)) : p;
}

/**
 * The figure added up over several periods of `base`'s type and ending with it, with its own id and label:
 * `2016-17-Q3-YTD` "2016/17 Q1–Q3 (year to date)", `2016-17-Q3-R12` "12 months to 2016/17 Q3",
 * `2016-17-Q3-CUM` "Cumulative to 2016/17 Q3"; pooled years as Fingertips prints them: `2025-P3Y` "2023 - 25",
 * `2025-26-P3Y` "2023/24 - 25/26", `2026-27-Q2-P3Y` "2023/24 Q3 - 2026/27 Q2". Its start is the first constituent
 * period's (a cumulative figure's start depends on the series, so it is the base period's own).
 */
export function aggregatePeriod(base: Period, kind: AggregateKind): Period {
  // A period is decided by its id (a pooled one adds up to 60 periods to find its start): worked out once.
  const key = `${base.id}\0${base.type}\0${base.start}\0${base.end}\0${base.label}\0${base.aggregate ?? ''}\0${kind}`;
  return { ...cached(aggregated, key, () => aggregateOf(base, kind)) };
}
// A run works out the same few dozen periods again and again, so they are kept (callers get copies).
const aggregated = new Map<string, Period>();

function aggregateOf(base: Period, kind: AggregateKind): Period {
  const b = basePeriod(base);
  const parts = aggregateConstituents(b, kind);
  const first = parts[0] ?? b;
  let label: string;
  if (kind === 'ytd') {
    label = b.type === 'fy_quarter'
      ? `${b.label.slice(0, -3)} ${first.id === b.id ? 'Q1' : `Q1–Q${b.id.slice(-1)}`} (year to date)`
      : first.id === b.id ? `${b.label} (year to date)` : `${b.type === 'term' ? first.label.split(' ')[0] : first.label} to ${b.label} (year to date)`;
  } else if (kind === 'rolling_12') label = `12 months to ${b.type === 'month' ? b.label : `the end of ${b.label}`}`;
  else if (kind === 'cumulative') label = `Cumulative to ${b.label}`;
  else label = pooledLabel(first, b);
  return { ...b, id: `${b.id}-${AGGREGATE_SUFFIX[kind]}`, start: first.start, label, aggregate: kind };
}

/** The periods of the base type an aggregate adds up (for `cumulative`, only the base period: its start is the series'). */
export function aggregateConstituents(base: Period, kind: AggregateKind): Period[] {
  const b = basePeriod(base);
  if (kind === 'ytd') {
    const year = containingYear(b);
    return periodsBetween(b.type, year.start, b.end).filter((p) => p.start >= year.start);
  }
  if (kind === 'rolling_12') return Array.from({ length: b.perYear }, (_, i) => shiftPeriod(b, i - b.perYear + 1));
  const years = poolYearsOf(kind);
  if (years) return Array.from({ length: b.perYear * years }, (_, i) => shiftPeriod(b, i - b.perYear * years + 1));
  return [b];
}

/** Fingertips' way of writing pooled years: `2023 - 25`, `2023/24 - 25/26`; sub-year periods in full. */
function pooledLabel(first: Period, last: Period): string {
  const [fy] = yearIndex(first);
  const [ly] = yearIndex(last);
  if (last.type === 'calendar_year') return `${fy} - ${yy(ly - 1)}`;
  if (last.type === 'fy' || last.type === 'academic_year') return `${fy}/${yy(fy)} - ${yy(ly - 1)}/${yy(ly)}${last.type === 'academic_year' ? ' academic years' : ''}`;
  return `${first.label} - ${last.label}`;
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

/** Parsed ids (a pooled id's constituents would otherwise be worked out on every parse). */
const parsed = new Map<string, Period | undefined>();

/** Parse a stable period id; returns undefined when it is not one. `2016-17` is a financial year, `2016-04` a month. */
export function tryParsePeriodId(id: string): Period | undefined {
  const key = String(id);
  const p = cached(parsed, key, () => parseId(key));
  return p && { ...p };
}

function parseId(id: string): Period | undefined {
  const s = id.trim();
  const suffix = /^(.+)-(YTD|R12|CUM|P[2-5]Y)$/.exec(s);
  if (suffix) {
    const base = tryParsePeriodId(suffix[1]);
    const kind = SUFFIX_AGGREGATE.get(suffix[2])!;
    return base && !base.aggregate && AGGREGATABLE[kind].includes(base.type) ? aggregatePeriod(base, kind) : undefined;
  }
  for (const [re, type] of PATTERNS) {
    const m = re.exec(s);
    if (!m) continue;
    const y = Number(m[1]);
    // A period id's year has four digits and makePeriod writes it back as a number: years before 1000 would
    // not round-trip (`0000` → `0`), so they are not period ids (found by fuzzing).
    if (y < 1000) return undefined;
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
      expected: 'one of 2016-17-Q1 (quarter), 2016-17 (financial year), AY2016-17 (academic year), AY2016-17-T1 (term), 2016-04 (month), 2016 (calendar year); a sub-year id + -YTD, -R12 or -CUM for year to date, rolling 12 months or cumulative; any id + -P3Y (-P2Y … -P5Y) for years pooled',
    }));
  }
  return p;
}

/** Year and index of a period (the `year` is the start year of the FY/AY). */
function yearIndex(period: Period): [number, number] {
  const p = period.aggregate ? { ...period, id: period.id.replace(AGGREGATE_ID_SUFFIX, '') } : period;
  switch (p.type) {
    case 'fy': case 'academic_year': case 'calendar_year': return [Number(p.id.replace(/^AY/, '').slice(0, 4)), 1];
    case 'fy_quarter': return [Number(p.id.slice(0, 4)), Number(p.id.slice(-1))];
    case 'term': return [Number(p.id.slice(2, 6)), Number(p.id.slice(-1))];
    case 'month': return [Number(p.id.slice(0, 4)), Number(p.id.slice(5, 7))];
  }
}

/** Periods already shifted: assessing asks for the previous and last year's period of the same few periods for every figure. */
const shifts = new Map<string, Period>();

export function shiftPeriod(p: Period, steps: number): Period {
  // A period's id says all of it (type, year, index, aggregate); callers get a copy of what is kept.
  return { ...cached(shifts, `${p.type}\0${p.id}\0${p.aggregate ?? ''}\0${steps}`, () => {
    const [y, i] = yearIndex(p);
    const n = y * p.perYear + (i - 1) + steps;
    const shifted = makePeriod(p.type, Math.floor(n / p.perYear), (n % p.perYear) + 1);
    return p.aggregate ? aggregatePeriod(shifted, p.aggregate) : shifted;
  }) };
}

export const previousPeriod = (p: Period) => shiftPeriod(p, -1);
export const samePeriodLastYear = (p: Period) => shiftPeriod(p, -p.perYear);

/** The year a sub-year period belongs to: quarter/month → financial year, term → academic year. */
export function containingYear(p: Period): Period {
  if (p.aggregate) return containingYear(basePeriod(p));
  if (p.type === 'fy_quarter') return makePeriod('fy', yearIndex(p)[0]);
  if (p.type === 'term') return makePeriod('academic_year', yearIndex(p)[0]);
  if (p.type === 'month') {
    const [y, m] = yearIndex(p);
    return makePeriod('fy', m >= 4 ? y : y - 1);
  }
  return p;
}

/** Spans already enumerated: the coverage check asks for the same few spans for every area and breakdown. */
const spans = new Map<string, Period[]>();

/** Every period of `type` that overlaps [from, to] (ISO dates), in order. */
export function periodsBetween(type: PeriodType, from: string, to: string): Period[] {
  return cached(spans, `${type}\0${from}\0${to}`, () => {
    const startYear = Number(from.slice(0, 4)) - 1;
    const out: Period[] = [];
    let p = makePeriod(type, startYear, 1);
    while (p.start <= to) {
      if (p.end >= from) out.push(p);
      p = shiftPeriod(p, 1);
    }
    return out;
  }).map((p) => ({ ...p }));
}

/** The period of `type` containing an ISO date. */
export function periodOfDate(type: PeriodType, date: string): Period {
  const [p] = periodsBetween(type, date, date);
  return p;
}

export function comparePeriods(a: Period, b: Period): number {
  return a.start < b.start ? -1 : a.start > b.start ? 1 : a.end < b.end ? -1 : a.end > b.end ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------------------
// Same period last year, conversions between period types, rolling, year-to-date and cumulative series.
// Counts are summed; rates and percentages are recomputed from summed numerators and
// denominators, never averaged.

/** Whether `outer` wholly contains `inner` (both inclusive ISO ranges). */
export function periodContains(outer: Period, inner: Period): boolean {
  return outer.start <= inner.start && inner.end <= outer.end;
}

/**
 * The period types a figure of `from` can be added up into: months into quarters, financial, calendar and
 * academic years and terms; quarters into financial years; terms into academic years. Anything else (a
 * quarter into a calendar year, a term into a financial year) would split a period, so it is refused.
 */
export const CONVERTIBLE: Record<PeriodType, PeriodType[]> = {
  month: ['fy_quarter', 'fy', 'calendar_year', 'term', 'academic_year'],
  fy_quarter: ['fy'],
  term: ['academic_year'],
  fy: [],
  academic_year: [],
  calendar_year: [],
};

export function canConvert(from: PeriodType, to: PeriodType): boolean {
  return from === to || CONVERTIBLE[from].includes(to);
}

/** The periods of type `from` that make up `outer`, in order (e.g. the 3 months of a quarter). */
export function constituentPeriods(outer: Period, from: PeriodType): Period[] {
  if (!canConvert(from, outer.type)) {
    throw new BoardpackError(problem('BP_PERIOD_CONVERSION', `a ${from} figure cannot be added up into a ${outer.type}: its periods do not nest`, {
      value: `${from} → ${outer.type}`,
      expected: `one of ${CONVERTIBLE[from].join(', ') || '(none)'}`,
    }));
  }
  return periodsBetween(from, outer.start, outer.end);
}

/** How the numerator and denominator of a figure add up over time. */
export interface AggregationRule {
  /** `sum` for flows (referrals in the quarter); `last` for stocks at period end (children in care on 31 March). */
  numerator: 'sum' | 'last';
  /** `sum` for flows (births in the quarter); `last` or `mean` for a population (the year's population, not 4×). */
  denominator: 'sum' | 'last' | 'mean';
  /** Value = numerator / denominator × multiplier; omit for counts (value = numerator). */
  multiplier?: number;
}

export const SUM_COUNTS: AggregationRule = { numerator: 'sum', denominator: 'sum' };

export interface PeriodFigure {
  period: string;
  numerator: number | null;
  denominator?: number | null;
}

export interface AggregatedFigure {
  /** Id of the period the figure covers (for rolling/YTD/cumulative series, the last period in it). */
  period: string;
  label: string;
  /** First and last constituent period ids. */
  from: string;
  to: string;
  numerator: number | null;
  denominator: number | null;
  value: number | null;
  /** Constituent periods with a figure / expected; `complete` when every one is there. */
  parts: number;
  expected: number;
  complete: boolean;
}

function combine(rule: AggregationRule, parts: Array<PeriodFigure | undefined>): Pick<AggregatedFigure, 'numerator' | 'denominator' | 'value' | 'parts' | 'complete'> {
  const present = parts.filter((p): p is PeriodFigure => !!p && p.numerator !== null && p.numerator !== undefined);
  const complete = present.length === parts.length && parts.length > 0;
  if (!complete) return { numerator: null, denominator: null, value: null, parts: present.length, complete };
  const nums = present.map((p) => p.numerator as number);
  const dens = present.map((p) => p.denominator ?? null);
  const numerator = rule.numerator === 'sum' ? nums.reduce((s, x) => s + x, 0) : nums[nums.length - 1];
  let denominator: number | null = null;
  if (rule.multiplier !== undefined) {
    if (dens.some((d) => d === null)) return { numerator, denominator: null, value: null, parts: present.length, complete: false };
    const ds = dens as number[];
    denominator = rule.denominator === 'sum' ? ds.reduce((s, x) => s + x, 0) : rule.denominator === 'last' ? ds[ds.length - 1] : ds.reduce((s, x) => s + x, 0) / ds.length;
  }
  const value = rule.multiplier === undefined ? numerator : denominator ? (numerator / denominator) * rule.multiplier : null;
  return { numerator, denominator, value, parts: present.length, complete };
}

function indexFigures(figures: PeriodFigure[]): Map<string, PeriodFigure> {
  return new Map(figures.map((f) => [f.period, f]));
}

/**
 * Adds figures of one period type up into a longer type (months → quarters → years): every target period
 * touched by a figure, in order. A period with any constituent missing is returned incomplete with a null
 * value, so a partial year is never shown as a year.
 */
export function aggregateToPeriodType(figures: PeriodFigure[], to: PeriodType, rule: AggregationRule = SUM_COUNTS): AggregatedFigure[] {
  if (!figures.length) return [];
  const parsed = figures.map((f) => parsePeriodId(f.period));
  const from = parsed[0].type;
  for (const p of parsed) if (p.type !== from) throw new BoardpackError(problem('BP_PERIOD_MIXED', `figures of different period types (${from}, ${p.type}) cannot be added up together`, { value: p.id }));
  const byId = indexFigures(figures);
  const targets = new Map<string, Period>();
  for (const p of parsed) {
    const t = periodOfDate(to, p.start);
    targets.set(t.id, t);
  }
  return [...targets.values()].sort(comparePeriods).map((t) => {
    const parts = constituentPeriods(t, from);
    return { period: t.id, label: t.label, from: parts[0].id, to: parts[parts.length - 1].id, expected: parts.length, ...combine(rule, parts.map((p) => byId.get(p.id))) };
  });
}

function windowSeries(figures: PeriodFigure[], rule: AggregationRule, windowOf: (end: Period) => Period[], labelOf: (end: Period, first: Period) => string): AggregatedFigure[] {
  const byId = indexFigures(figures);
  return figures
    .map((f) => parsePeriodId(f.period))
    .sort(comparePeriods)
    .map((end) => {
      const parts = windowOf(end);
      return { period: end.id, label: labelOf(end, parts[0]), from: parts[0].id, to: end.id, expected: parts.length, ...combine(rule, parts.map((p) => byId.get(p.id))) };
    });
}

/** Rolling 12 months (or 4 quarters, 3 terms: one year) ending at each period. */
export function rollingYear(figures: PeriodFigure[], rule: AggregationRule = SUM_COUNTS): AggregatedFigure[] {
  return windowSeries(
    figures, rule,
    (end) => Array.from({ length: end.perYear }, (_, i) => shiftPeriod(end, i - end.perYear + 1)),
    (end) => `12 months to ${end.type === 'month' ? end.label : `the end of ${end.label}`}`,
  );
}

/** Year to date: from the start of the containing year (financial for months and quarters, academic for terms). */
export function yearToDate(figures: PeriodFigure[], rule: AggregationRule = SUM_COUNTS): AggregatedFigure[] {
  return windowSeries(
    figures, rule,
    (end) => {
      const year = containingYear(end);
      return periodsBetween(end.type, year.start, end.end).filter((p) => p.start >= year.start);
    },
    (end, first) => (first.id === end.id ? `${end.label} (year to date)` : `${first.label} to ${end.label} (year to date)`),
  );
}

/** Cumulative from the first figure given (or from `since`, a period id of the same type). */
export function cumulative(figures: PeriodFigure[], rule: AggregationRule = SUM_COUNTS, since?: string): AggregatedFigure[] {
  const sorted = figures.map((f) => parsePeriodId(f.period)).sort(comparePeriods);
  if (!sorted.length) return [];
  const first = since ? parsePeriodId(since) : sorted[0];
  return windowSeries(
    figures.filter((f) => comparePeriods(parsePeriodId(f.period), first) >= 0), rule,
    (end) => periodsBetween(end.type, first.start, end.end).filter((p) => p.start >= first.start),
    (end) => `${first.label} to ${end.label} (cumulative)`,
  );
}

/**
 * The latest period of `type` that has a figure and had ended by `asOf` (ISO date; default: no limit), so
 * a quarter still in progress, or one whose return has not arrived, is never taken for the latest.
 */
export function latestCompletePeriod(type: PeriodType, figures: Array<{ period: string; value?: number | null; marker?: string | null }>, asOf?: string): Period | undefined {
  let best: Period | undefined;
  for (const f of figures) {
    if ((f.value === null || f.value === undefined) && !f.marker) continue;
    const p = tryParsePeriodId(f.period);
    if (!p || p.type !== type || (asOf && p.end > asOf)) continue;
    if (!best || comparePeriods(p, best) > 0) best = p;
  }
  return best;
}

// ---------------------------------------------------------------------------------------------------------
// Working days: weekends and England & Wales bank holidays (`bank-holidays.ts`: date-holidays' GB/ENG public
// holidays, including substitute days) are excluded. "Within 30 working days" counts from the day after the start.

const holidayCache = new Map<number, Set<string>>();

/** England & Wales bank holidays of a calendar year, as ISO dates. */
export function bankHolidays(year: number): string[] {
  let set = holidayCache.get(year);
  if (!set) {
    set = new Set(englandWalesBankHolidays(year));
    holidayCache.set(year, set);
  }
  return [...set].sort();
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;
function toUtc(date: string): number {
  if (!ISO_DATE.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) {
    throw new BoardpackError(problem('BP_DATE', `"${date}" is not an ISO date`, { value: date, expected: 'YYYY-MM-DD' }));
  }
  return Date.parse(`${date}T00:00:00Z`);
}
const isoOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The ISO date `n` days after (or before) an ISO date or timestamp. */
export const addDays = (iso: string, n: number): string => isoOf(Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) + n * DAY_MS);

export function isWorkingDay(date: string): boolean {
  const d = new Date(toUtc(date));
  const dow = d.getUTCDay();
  if (dow === 0 || dow === 6) return false;
  bankHolidays(d.getUTCFullYear());
  return !holidayCache.get(d.getUTCFullYear())!.has(date);
}

/**
 * Working days after `from` up to and including `to` (0 when `to` is on or before `from`, negative when
 * `to` is earlier): a referral on Friday answered on Monday took 1 working day.
 */
export function workingDaysBetween(from: string, to: string): number {
  const a = toUtc(from);
  const b = toUtc(to);
  if (b === a) return 0;
  const [lo, hi, sign] = b > a ? [a, b, 1] : [b, a, -1];
  let n = 0;
  for (let t = lo + DAY_MS; t <= hi; t += DAY_MS) if (isWorkingDay(isoOf(t))) n++;
  return sign * n;
}

/** The date `n` working days after `date` (n ≥ 0); e.g. the deadline of "within 30 working days". */
export function addWorkingDays(date: string, n: number): string {
  let t = toUtc(date);
  let left = n;
  while (left > 0) {
    t += DAY_MS;
    if (isWorkingDay(isoOf(t))) left--;
  }
  return isoOf(t);
}

/** The date a period's data is due: `days` calendar days, or `workingDays` working days, after `periodEnd`. */
export function dueDate(rule: { days: number } | { workingDays: number }, periodEnd: string): string {
  if ('workingDays' in rule) return addWorkingDays(periodEnd, rule.workingDays);
  return isoOf(toUtc(periodEnd) + rule.days * DAY_MS);
}
