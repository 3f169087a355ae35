import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addWorkingDays, aggregateToPeriodType, bankHolidays, canConvert, constituentPeriods, containingYear, cumulative, isWorkingDay,
  latestCompletePeriod, makePeriod, parsePeriodId, periodsBetween, rollingYear, samePeriodLastYear, shiftPeriod, workingDaysBetween, yearToDate,
  type PeriodFigure,
} from '../../src/core/periods.js';
import Holidays from 'date-holidays';
import { BoardpackError } from '../../src/core/errors.js';

describe('period ids', () => {
  it('keeps the stable ids of results.json', () => {
    for (const id of ['2016-17-Q1', '2016-17', 'AY2016-17-T1', 'AY2016-17', '2016-04', '2016']) expect(parsePeriodId(id).id).toBe(id);
    expect(parsePeriodId('2016-17-Q4').start).toBe('2017-01-01');
    expect(parsePeriodId('AY2016-17-T2').label).toBe('Spring term 2016/17');
  });
  it('lists the periods of a span in order, the same each time, as copies a caller may change', () => {
    const quarters = periodsBetween('fy_quarter', '2024-05-10', '2025-01-01');
    expect(quarters.map((q) => q.id)).toEqual(['2024-25-Q1', '2024-25-Q2', '2024-25-Q3', '2024-25-Q4']);
    quarters[0].label = 'changed';
    quarters.pop();
    expect(periodsBetween('fy_quarter', '2024-05-10', '2025-01-01')).toEqual([0, 1, 2, 3].map((i) => makePeriod('fy_quarter', 2024, i + 1)));
    expect(periodsBetween('month', '2024-02-29', '2024-02-29').map((m) => m.id)).toEqual(['2024-02']);
  });

  it('same period last year and the containing year', () => {
    expect(samePeriodLastYear(parsePeriodId('2026-27-Q2')).id).toBe('2025-26-Q2');
    expect(samePeriodLastYear(parsePeriodId('2026-03')).id).toBe('2025-03');
    expect(samePeriodLastYear(parsePeriodId('AY2025-26-T1')).id).toBe('AY2024-25-T1');
    expect(samePeriodLastYear(parsePeriodId('2025-26')).id).toBe('2024-25');
    expect(containingYear(parsePeriodId('2026-03')).id).toBe('2025-26');
    expect(containingYear(parsePeriodId('2026-04')).id).toBe('2026-27');
  });
  it('shifts a period the same each time, as a copy a caller may change', () => {
    const q = parsePeriodId('2026-27-Q2');
    const back = shiftPeriod(q, -5);
    expect(back).toEqual(makePeriod('fy_quarter', 2025, 1));
    back.label = 'changed';
    expect(shiftPeriod(q, -5)).toEqual(makePeriod('fy_quarter', 2025, 1));
    expect(shiftPeriod(parsePeriodId('2026-27-Q2-R12'), -4).id).toBe('2025-26-Q2-R12');
    expect(shiftPeriod(parsePeriodId('2026-27-Q2-R12'), -4).label).toBe(shiftPeriod(parsePeriodId('2025-26-Q2-R12'), 0).label);
  });
});

describe('conversions', () => {
  it('knows which types nest', () => {
    expect(canConvert('month', 'fy_quarter')).toBe(true);
    expect(canConvert('fy_quarter', 'calendar_year')).toBe(false);
    expect(() => constituentPeriods(makePeriod('calendar_year', 2024), 'fy_quarter')).toThrow(BoardpackError);
    expect(constituentPeriods(makePeriod('fy_quarter', 2024, 4), 'month').map((p) => p.id)).toEqual(['2025-01', '2025-02', '2025-03']);
  });

  it('sums counts and recomputes rates from numerator and denominator, never averaging percentages', () => {
    const months: PeriodFigure[] = [
      { period: '2024-04', numerator: 9, denominator: 10 }, // 90%
      { period: '2024-05', numerator: 1, denominator: 10 }, // 10%
      { period: '2024-06', numerator: 80, denominator: 80 }, // 100%
    ];
    const [q] = aggregateToPeriodType(months, 'fy_quarter', { numerator: 'sum', denominator: 'sum', multiplier: 100 });
    expect(q).toMatchObject({ period: '2024-25-Q1', numerator: 90, denominator: 100, value: 90, complete: true, parts: 3, expected: 3 });
    // The average of the three percentages would be 66.7%: not what we return.
    const [count] = aggregateToPeriodType(months, 'fy_quarter');
    expect(count.value).toBe(90);
  });

  it('a population denominator is not summed, and a stock is taken at the period end', () => {
    const q: PeriodFigure[] = [1, 2, 3, 4].map((i) => ({ period: `2024-25-Q${i}`, numerator: 10 * i, denominator: 20000 }));
    const [rate] = aggregateToPeriodType(q, 'fy', { numerator: 'sum', denominator: 'last', multiplier: 10000 });
    expect(rate.value).toBe(50);
    const [stock] = aggregateToPeriodType(q, 'fy', { numerator: 'last', denominator: 'mean', multiplier: 10000 });
    expect(stock.value).toBe(20);
  });

  it('a year with a missing quarter is incomplete, never a partial sum', () => {
    const q: PeriodFigure[] = [1, 2, 3].map((i) => ({ period: `2024-25-Q${i}`, numerator: 5 }));
    expect(aggregateToPeriodType(q, 'fy')[0]).toMatchObject({ value: null, complete: false, parts: 3, expected: 4 });
  });

  it('refuses mixed period types', () => {
    expect(() => aggregateToPeriodType([{ period: '2024-04', numerator: 1 }, { period: '2024-25-Q1', numerator: 1 }], 'fy')).toThrow(/different period types/);
  });

  // Acceptance (#6): aggregating months to quarters and then years equals aggregating months to years.
  it('months → quarters → years equals months → years (property)', () => {
    const rules = fc.constantFrom(
      { numerator: 'sum', denominator: 'sum', multiplier: 100 } as const,
      { numerator: 'sum', denominator: 'last', multiplier: 10000 } as const,
      { numerator: 'last', denominator: 'mean', multiplier: 1000 } as const,
      { numerator: 'sum', denominator: 'sum' } as const,
    );
    const month = fc.record({ n: fc.option(fc.integer({ min: 0, max: 5000 }), { freq: 12 }), d: fc.integer({ min: 1, max: 50000 }) });
    fc.assert(fc.property(fc.integer({ min: 2015, max: 2030 }), fc.array(month, { minLength: 1, maxLength: 40 }), rules, (startYear, ms, rule) => {
      const first = makePeriod('month', startYear, 4);
      const figures: PeriodFigure[] = ms.map((m, i) => ({ period: shiftPeriod(first, i).id, numerator: m.n, denominator: m.d }));
      const quarters = aggregateToPeriodType(figures, 'fy_quarter', rule);
      // Re-aggregate quarters as new figures: the quarter's numerator and denominator, null when incomplete.
      const viaQuarters = aggregateToPeriodType(quarters.map((q) => ({ period: q.period, numerator: q.complete ? q.numerator : null, denominator: q.denominator })), 'fy', rule);
      const direct = aggregateToPeriodType(figures, 'fy', rule);
      // Integer sums are exact; a mean of equal-sized means may differ in the last bit, hence 1e-12 relative.
      expect(viaQuarters.map((y) => [y.period, y.numerator, y.complete])).toEqual(direct.map((y) => [y.period, y.numerator, y.complete]));
      viaQuarters.forEach((y, i) => {
        for (const k of ['denominator', 'value'] as const) {
          const a = y[k];
          const b = direct[i][k];
          if (a === null || b === null) expect(a).toBe(b);
          else expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-12 * Math.abs(b));
        }
      });
    }), { numRuns: 300 });
  });
});

describe('rolling, year-to-date and cumulative series', () => {
  const months: PeriodFigure[] = Array.from({ length: 18 }, (_, i) => ({ period: shiftPeriod(makePeriod('month', 2024, 4), i).id, numerator: i + 1, denominator: 100 }));
  it('rolling 12 months needs 12 months', () => {
    const r = rollingYear(months);
    expect(r[10]).toMatchObject({ period: '2025-02', complete: false, value: null });
    expect(r[11]).toMatchObject({ period: '2025-03', from: '2024-04', to: '2025-03', value: 78, complete: true, label: '12 months to March 2025' });
    expect(r[17]).toMatchObject({ from: '2024-10', value: 7 + 8 + 9 + 10 + 11 + 12 + 13 + 14 + 15 + 16 + 17 + 18 });
  });
  it('year to date restarts in April', () => {
    const y = yearToDate(months);
    expect(y[2]).toMatchObject({ period: '2024-06', from: '2024-04', value: 6 });
    expect(y[12]).toMatchObject({ period: '2025-04', from: '2025-04', value: 13 });
    expect(y[13].label).toBe('April 2025 to May 2025 (year to date)');
    const terms = yearToDate([{ period: 'AY2024-25-T1', numerator: 3 }, { period: 'AY2024-25-T2', numerator: 4 }]);
    expect(terms[1]).toMatchObject({ value: 7, from: 'AY2024-25-T1' });
  });
  it('cumulative runs from the first figure and recomputes a percentage', () => {
    const c = cumulative(months, { numerator: 'sum', denominator: 'sum', multiplier: 100 });
    expect(c[3]).toMatchObject({ numerator: 10, denominator: 400, value: 2.5 });
    expect(cumulative(months, SUM(), '2025-01')[0]).toMatchObject({ period: '2025-01', value: 10 });
  });
});
function SUM() { return { numerator: 'sum', denominator: 'sum' } as const; }

describe('latest complete period', () => {
  it('skips periods without a figure and periods not yet ended', () => {
    const figs = [
      { period: '2026-27-Q1', value: 5 },
      { period: '2026-27-Q2', value: null },
      { period: '2026-27-Q3', value: 2 },
      { period: '2026-27', value: 9 },
    ];
    expect(latestCompletePeriod('fy_quarter', figs, '2026-11-30')?.id).toBe('2026-27-Q1');
    expect(latestCompletePeriod('fy_quarter', figs)?.id).toBe('2026-27-Q3');
    expect(latestCompletePeriod('fy_quarter', [{ period: '2026-27-Q2', value: null, marker: 'c' }])?.id).toBe('2026-27-Q2');
  });
});

describe('working days (England & Wales)', () => {
  it('has the bank holidays of date-holidays\' GB/ENG calendar in every year, including substitute days and one-off holidays', () => {
    const lib = new Holidays('GB', 'ENG');
    const differ: string[] = [];
    for (let year = 1970; year <= 2100; year++) {
      const theirs = [...new Set(lib.getHolidays(year).filter((h) => h.type === 'public').map((h) => h.date.slice(0, 10)))].sort();
      if (JSON.stringify(bankHolidays(year)) !== JSON.stringify(theirs)) differ.push(`${year}: ours ${bankHolidays(year).join(' ')}; date-holidays ${theirs.join(' ')}`);
    }
    expect(differ).toEqual([]);
  });
  it('knows the substitute days and one-off holidays', () => {
    expect(bankHolidays(2025)).toEqual(['2025-01-01', '2025-04-18', '2025-04-21', '2025-05-05', '2025-05-26', '2025-08-25', '2025-12-25', '2025-12-26']);
    // Christmas 2021 fell on a Saturday: the substitute days were Monday 27 and Tuesday 28 December.
    expect(bankHolidays(2021)).toEqual(expect.arrayContaining(['2021-12-27', '2021-12-28']));
    // The coronation of King Charles III (8 May 2023) and the state funeral (19 September 2022).
    expect(bankHolidays(2023)).toContain('2023-05-08');
    expect(bankHolidays(2022)).toContain('2022-09-19');
  });
  it('counts working days after the start, up to and including the end', () => {
    expect(workingDaysBetween('2025-01-03', '2025-01-06')).toBe(1); // Friday → Monday
    expect(workingDaysBetween('2025-01-06', '2025-01-06')).toBe(0);
    expect(workingDaysBetween('2025-04-17', '2025-04-22')).toBe(1); // over Easter
    expect(workingDaysBetween('2025-12-24', '2026-01-02')).toBe(4); // 29, 30, 31 Dec and 2 Jan
    expect(workingDaysBetween('2025-01-06', '2025-01-03')).toBe(-1);
    expect(isWorkingDay('2025-12-26')).toBe(false);
    expect(isWorkingDay('2025-12-29')).toBe(true);
    expect(addWorkingDays('2025-04-17', 1)).toBe('2025-04-22');
    expect(() => workingDaysBetween('2025-13-01', '2025-01-01')).toThrow(BoardpackError);
  });
  it('addWorkingDays and workingDaysBetween agree (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 3650 }), fc.integer({ min: 0, max: 60 }), (offset, n) => {
      const start = new Date(Date.UTC(2018, 0, 1) + offset * 86_400_000).toISOString().slice(0, 10);
      const end = addWorkingDays(start, n);
      expect(workingDaysBetween(start, end)).toBe(n);
      if (n > 0) expect(isWorkingDay(end)).toBe(true);
    }), { numRuns: 200 });
  });
});
