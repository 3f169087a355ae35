/**
 * How official statistics write their periods, mapped to stable period ids. Pure: the same rules serve
 * sources (ingest) and comparator tables (assess), so a file read as a source and as a comparator agrees.
 *
 * - `fy_end_year` `2025` → 2024-25 (a 31 March snapshot or a financial year named by its end);
 *   `fy_start_year` `2024` → 2024-25; `ay_start_year` `2024` → AY2024-25; `ay_end_year` `2025` → AY2024-25.
 * - `dfe_year` `202425` → the financial or academic year of the wanted type.
 * - `dfe_ees` (Explore Education Statistics tidy files): `time_period` read with its `time_identifier`:
 *   "Reporting year" `2025` is the year to 31 March 2025 (financial year 2024-25), "Financial year" `2024-25`
 *   or `202425`, "Academic year" `202425`, "Calendar year" `2025`, "Financial year Q1" `202425`, terms.
 * - `fingertips` (OHID Fingertips exports): `2023/24`, `2023`, `2023/24 Q1`, and pooled periods `2021 - 23`
 *   or `2020/21 - 22/23`, which are keyed by the last year they include.
 * - `label` (the default): any common way of writing a period of the type, and a snapshot date such as
 *   `31 March 2025` or `2025-03-31` → the period it falls in (31 March ends a financial year).
 */
import { makePeriod, periodOfDate, tryParsePeriodId, type PeriodType } from './periods.js';

export const PERIOD_FORMATS = ['label', 'fy_end_year', 'fy_start_year', 'ay_start_year', 'ay_end_year', 'dfe_year', 'dfe_ees', 'fingertips'] as const;
export type PeriodFormat = (typeof PERIOD_FORMATS)[number];

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Start year of a `2024/25`, `2024-25`, `2024-2025` or `202425` year pair, else undefined. */
function yearPair(s: string): number | undefined {
  const m = /^(\d{4})\s*[/-]?\s*(\d{2}|\d{4})$/.exec(s.trim());
  if (!m) return undefined;
  const y = Number(m[1]);
  const second = Number(m[2]);
  return second === (y + 1) % 100 || second === y + 1 ? y : undefined;
}

const year = (s: string): number | undefined => (/^\d{4}$/.test(s.trim()) ? Number(s.trim()) : undefined);

/** A written date (`31 March 2025`, `31 Mar 2025`, `2025-03-31`, `31/03/2025`, `As at 31 March 2025`) as ISO, else undefined. */
export function writtenDate(s: string): string | undefined {
  const named = /\b(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]{3})[a-z]*\.?,?\s+(\d{4})\b/i.exec(s);
  let y: number; let m: number; let d: number;
  if (named && MONTHS.includes(named[2].toLowerCase())) [d, m, y] = [Number(named[1]), MONTHS.indexOf(named[2].toLowerCase()) + 1, Number(named[3])];
  else {
    const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$/.exec(s.trim());
    const uk = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s.trim());
    if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
    else if (uk) [d, m, y] = [Number(uk[1]), Number(uk[2]), Number(uk[3])];
    else return undefined;
  }
  if (y < 1900 || y > 2999) return undefined;
  const date = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  const t = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(t.getTime()) && t.toISOString().startsWith(date) ? date : undefined;
}

/** `fy` / `academic_year` / `calendar_year` period of a year number, as the type wants it. */
function yearOf(type: PeriodType, startYear: number): string | undefined {
  if (type === 'fy' || type === 'academic_year' || type === 'calendar_year') return makePeriod(type, startYear).id;
  return undefined;
}

/** DfE's `time_identifier` with its `time_period` → a period id of `type`, or undefined (with why, for the message). */
function dfeEes(text: string, identifier: string | undefined, type: PeriodType): string | undefined {
  const id = (identifier ?? '').trim().toLowerCase();
  const s = text.trim();
  if (!id) return dfeYear(s, type) ?? labelled(s, type);
  if (id === 'reporting year') {
    // A 31 March snapshot (children looked after on 31 March, referrals in the year to 31 March).
    const y = year(s);
    if (y === undefined) return undefined;
    return type === 'fy' ? makePeriod('fy', y - 1).id : undefined;
  }
  if (id === 'calendar year') return type === 'calendar_year' && year(s) !== undefined ? s : undefined;
  if (id === 'financial year' || id === 'academic year') {
    const wanted = id === 'financial year' ? 'fy' : 'academic_year';
    const y = yearPair(s);
    return type === wanted && y !== undefined ? makePeriod(type, y).id : undefined;
  }
  const q = /^financial year q([1-4])$/.exec(id);
  if (q) {
    const y = yearPair(s);
    return type === 'fy_quarter' && y !== undefined ? makePeriod('fy_quarter', y, Number(q[1])).id : undefined;
  }
  const term = /^(autumn|spring|summer) term$/.exec(id);
  if (term) {
    const y = yearPair(s);
    return type === 'term' && y !== undefined ? makePeriod('term', y, ['autumn', 'spring', 'summer'].indexOf(term[1]) + 1).id : undefined;
  }
  const month = MONTHS.indexOf(id.slice(0, 3));
  if (month >= 0 && /^[a-z]+$/.test(id)) {
    const y = year(s);
    return type === 'month' && y !== undefined ? makePeriod('month', y, month + 1).id : undefined;
  }
  return undefined;
}

function dfeYear(s: string, type: PeriodType): string | undefined {
  const y = /^\d{6}$/.test(s) ? yearPair(s) : undefined;
  return y === undefined ? undefined : yearOf(type, y);
}

/** Fingertips: pooled `2021 - 23` / `2020/21 - 22/23` keyed by their last year; otherwise as labels. */
function fingertips(s: string, type: PeriodType): string | undefined {
  const pooled = /^(\d{4})(?:\/(\d{2}))?\s*-\s*(\d{2}|\d{4})(?:\/(\d{2}))?$/.exec(s.trim());
  if (pooled && (pooled[2] !== undefined) === (pooled[4] !== undefined)) {
    const endShort = Number(pooled[3]);
    const start = Number(pooled[1]);
    const century = Math.floor(start / 100) * 100;
    const end = pooled[3].length === 4 ? endShort : century + endShort < start ? century + 100 + endShort : century + endShort;
    if (end <= start || end - start > 10) return undefined;
    if (pooled[2] === undefined) return type === 'calendar_year' ? String(end) : undefined;
    // `2020/21 - 22/23`: the last year is the one starting in `end` (22/23).
    if (Number(pooled[4]) !== (end + 1) % 100) return undefined;
    return type === 'fy' || type === 'academic_year' ? makePeriod(type, end).id : undefined;
  }
  return labelled(s, type);
}

/** The ingest's label rules, plus written snapshot dates. */
function labelled(s: string, type: PeriodType): string | undefined {
  const asId = tryParsePeriodId(s.trim());
  if (asId?.type === type) return asId.id;
  const date = writtenDate(s);
  if (date) return periodOfDate(type, date).id;
  const quarter = /^(.+?)\s*q([1-4])$/i.exec(s.trim());
  if (quarter && type === 'fy_quarter') {
    const y = yearPair(quarter[1]);
    return y === undefined ? undefined : makePeriod('fy_quarter', y, Number(quarter[2])).id;
  }
  const y = yearPair(s);
  if (y !== undefined && (type === 'fy' || type === 'academic_year')) return makePeriod(type, y).id;
  if (type === 'calendar_year' && year(s) !== undefined) return s.trim();
  return undefined;
}

/**
 * A published period as a stable id of `type`, or undefined when the text does not fit the format. `label`
 * returns undefined for anything but ids and dates: the caller falls back to its own label rules.
 */
export function publishedPeriodId(text: string, format: PeriodFormat, type: PeriodType, identifier?: string): string | undefined {
  const s = String(text ?? '').trim();
  if (!s) return undefined;
  const y = year(s);
  switch (format) {
    case 'label': return labelled(s, type);
    case 'fy_end_year': return y !== undefined && type === 'fy' ? makePeriod('fy', y - 1).id : undefined;
    case 'fy_start_year': return y !== undefined && type === 'fy' ? makePeriod('fy', y).id : undefined;
    case 'ay_start_year': return y !== undefined && type === 'academic_year' ? makePeriod('academic_year', y).id : undefined;
    case 'ay_end_year': return y !== undefined && type === 'academic_year' ? makePeriod('academic_year', y - 1).id : undefined;
    case 'dfe_year': return dfeYear(s, type);
    case 'dfe_ees': return dfeEes(s, identifier, type);
    case 'fingertips': return fingertips(s, type);
  }
}

/** What a format expects, for messages ("e.g. 2025 for the year to 31 March 2025"). */
export function periodFormatExample(format: PeriodFormat, type: PeriodType): string {
  switch (format) {
    case 'fy_end_year': return 'a year such as 2025, the financial year (or 31 March snapshot) it ends';
    case 'fy_start_year': return 'a year such as 2024, the financial year it starts';
    case 'ay_start_year': return 'a year such as 2024, the academic year it starts';
    case 'ay_end_year': return 'a year such as 2025, the academic year it ends';
    case 'dfe_year': return 'six digits such as 202425';
    case 'dfe_ees': return `time_period with time_identifier as DfE writes them, giving a ${type.replace('_', ' ')}: "2025" + "Reporting year" (year to 31 March) for fy, "202425" + "Academic year", "2025" + "Calendar year"`;
    case 'fingertips': return 'a Fingertips time period such as 2023/24, 2023 or 2021 - 23';
    case 'label': return 'a period written any common way, or a date';
  }
}

/** The period type a DfE `time_identifier` gives, for a fix ("set `period: {type: academic_year}`"). */
export function typeOfDfeIdentifier(identifier: string): PeriodType | undefined {
  const id = identifier.trim().toLowerCase();
  if (id === 'reporting year' || id === 'financial year') return 'fy';
  if (id === 'academic year') return 'academic_year';
  if (id === 'calendar year') return 'calendar_year';
  if (/^financial year q[1-4]$/.test(id)) return 'fy_quarter';
  if (/^(autumn|spring|summer) term$/.test(id)) return 'term';
  if (MONTHS.includes(id.slice(0, 3))) return 'month';
  return undefined;
}
