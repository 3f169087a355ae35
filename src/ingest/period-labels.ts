/**
 * Partners write periods every which way: `2024/25 Q1`, `Q1 2024-25`, `Autumn 2023`, `Apr 2024`, a date.
 * These map a written period to a stable period id of the source's period type.
 */
import { makePeriod, periodOfDate, tryParsePeriodId, type PeriodType } from '../core/periods.js';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const TERMS: Record<string, number> = { autumn: 1, spring: 2, summer: 3 };

/** Start year of a `2024/25`, `2024-25`, `2024-2025` or `202425` financial/academic year, else undefined. */
function yearPair(s: string): number | undefined {
  const m = /(\d{4})\s*[/-]\s*(\d{2}|\d{4})\b/.exec(s) ?? /\b(\d{4})(\d{2})\b/.exec(s);
  if (!m) return undefined;
  const y = Number(m[1]);
  const second = Number(m[2]);
  return second === (y + 1) % 100 || second === y + 1 ? y : undefined;
}

export function parsePeriodLabel(raw: string, type: PeriodType): string | undefined {
  // Only ids that are real periods of that type leave here: "autumn 0000" must not become AY0-01-T1 (found by fuzzing).
  const id = parseLabel(raw, type);
  if (id === undefined) return undefined;
  const p = tryParsePeriodId(id);
  return p && (p.type === type || (type === 'month' && /^\d{4}-\d{2}$/.test(id))) ? id : undefined;
}

function parseLabel(raw: string, type: PeriodType): string | undefined {
  const s = raw.trim();
  if (!s) return undefined;
  const asId = tryParsePeriodId(s);
  if (asId?.type === type) return asId.id;
  const lower = s.toLowerCase();
  // An ISO date or a UK date: the period containing it.
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$/.exec(s);
  const uk = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s);
  if (iso || uk) {
    const [y, m, d] = iso ? [iso[1], iso[2], iso[3]] : [uk![3], uk![2].padStart(2, '0'), uk![1].padStart(2, '0')];
    const date = `${y}-${m}-${d}`;
    // Years outside 1900–2999 are typos, and periods of years before 1000 have no stable id (found by fuzzing).
    if (Number(y) < 1900 || Number(y) > 2999) return undefined;
    if (!Number.isNaN(Date.parse(`${date}T00:00:00Z`)) && new Date(`${date}T00:00:00Z`).toISOString().startsWith(date)) return periodOfDate(type, date).id;
    return undefined;
  }
  switch (type) {
    case 'fy_quarter': {
      const q = /\bq\s*([1-4])\b/i.exec(s);
      const y = yearPair(s);
      return q && y !== undefined ? makePeriod(type, y, Number(q[1])).id : undefined;
    }
    case 'fy': case 'academic_year': {
      const y = yearPair(s);
      return y !== undefined ? makePeriod(type, y).id : undefined;
    }
    case 'term': {
      const t = /\b(autumn|spring|summer)\b/i.exec(lower);
      if (!t) return undefined;
      const index = TERMS[t[1]];
      const pair = yearPair(s);
      if (pair !== undefined) return makePeriod(type, pair, index).id;
      const single = /\b(\d{4})\b/.exec(s);
      if (!single) return undefined;
      const y = Number(single[1]);
      return makePeriod(type, index === 1 ? y : y - 1, index).id; // "Spring 2024" is in AY2023-24
    }
    case 'month': {
      const m = /\b([a-z]{3})[a-z]*\.?\s+(\d{4})\b/i.exec(s);
      const mi = m ? MONTHS.indexOf(m[1].toLowerCase()) : -1;
      if (m && mi >= 0) return makePeriod(type, Number(m[2]), mi + 1).id;
      const n = /^(\d{4})[-/](\d{1,2})$/.exec(s);
      return n && Number(n[2]) >= 1 && Number(n[2]) <= 12 ? makePeriod(type, Number(n[1]), Number(n[2])).id : undefined;
    }
    case 'calendar_year': {
      const y = /^(\d{4})$/.exec(s);
      return y ? y[1] : undefined;
    }
  }
}
