/**
 * Which periods each source holds, and so which figures are part figures. A year computed from quarterly rows,
 * a year to date or a rolling year adds up whatever rows there are: without this check a year whose fourth
 * quarter has not arrived would read as a (low) full year. A figure is partial when any period of its source's
 * own type inside the figure's span is not held: for a source with a period column, a period it has no rows
 * for; for a record-level extract, a period outside the span its dates cover (from the period of the earliest
 * date in the column the figure counts by, to the period of the extract's latest date in any column).
 */
import type { Config, Frequency, IndicatorDef, SourceDef } from '../config/types.js';
import { periodsBetween, tryParsePeriodId, type Period, type PeriodType } from '../core/periods.js';
import { quoteIdent, type Warehouse } from '../warehouse/db.js';
import type { MeasureValue } from './types.js';

const FREQUENCY_TYPE: Record<Frequency, PeriodType> = { monthly: 'month', quarterly: 'fy_quarter', termly: 'term', annual: 'fy' };

/** The periods a source arrives in: its period column's type, or for record-level extracts its frequency's. */
export function sourcePeriodType(source: SourceDef): PeriodType {
  return source.period?.type ?? FREQUENCY_TYPE[source.frequency];
}

/** What one source holds, in periods of its own type. */
export interface SourceHolding {
  type: PeriodType;
  /** Period ids held (sources with a period column). */
  periods: Set<string>;
  /** Record-level extracts: by date column, the first day of the period of its earliest date. */
  from: Map<string, string>;
  /** Record-level extracts: the last day of the period of the latest date in any column. */
  to: string | null;
}

/** Read what every source the indicators use holds (our own queries on the confined warehouse). */
export async function readHoldings(wh: Warehouse, config: Config, indicators: IndicatorDef[]): Promise<Map<string, SourceHolding>> {
  const used = new Set(indicators.flatMap((d) => [d.numerator?.from, d.denominator?.from]).filter((x): x is string => Boolean(x)));
  const out = new Map<string, SourceHolding>();
  let stored = new Map<string, string>();
  try {
    stored = new Map((await wh.all<{ source: string; periods: string | null }>(`SELECT source, periods FROM bp_sources`)).map((r) => [r.source, r.periods ?? '']));
  } catch {
    return out; // a warehouse without the load table holds nothing to check against
  }
  for (const s of config.sources.filter((x) => used.has(x.id) && stored.has(x.id))) {
    const type = sourcePeriodType(s);
    const holding: SourceHolding = { type, periods: new Set(stored.get(s.id)!.split(',').filter(Boolean)), from: new Map(), to: null };
    if (!s.period) {
      for (const c of s.columns.filter((c) => c.type === 'date')) {
        try {
          const [{ lo, hi }] = await wh.all<{ lo: string | null; hi: string | null }>(`SELECT min(${quoteIdent(c.name)})::VARCHAR AS lo, max(${quoteIdent(c.name)})::VARCHAR AS hi FROM ${quoteIdent(s.table)}`);
          const first = lo ? periodsBetween(type, lo.slice(0, 10), lo.slice(0, 10))[0] : undefined;
          const last = hi ? periodsBetween(type, hi.slice(0, 10), hi.slice(0, 10))[0] : undefined;
          if (first) holding.from.set(c.name, first.start);
          if (last && (!holding.to || last.end > holding.to)) holding.to = last.end;
        } catch {
          // an optional date column absent from this extract: the others still tell the span
        }
      }
    }
    out.set(s.id, holding);
  }
  return out;
}

/**
 * The periods a figure covers that its sources do not hold, or undefined when it is whole. `seriesStart` is
 * where a cumulative figure starts.
 */
export function missingPeriods(def: IndicatorDef, v: MeasureValue, holdings: Map<string, SourceHolding>, seriesStart?: Period): Period[] | undefined {
  const p = tryParsePeriodId(v.period);
  if (!p || def.sql) return undefined;
  const start = p.aggregate === 'cumulative' ? seriesStart?.start ?? p.start : p.start;
  const missing = new Map<string, Period>();
  for (const part of [def.numerator, def.denominator]) {
    const h = part && holdings.get(part.from);
    if (!part || !h) continue;
    const column = part.period.kind === 'event' ? part.period.column : part.period.kind === 'snapshot' ? part.period.start : null;
    const from = column ? h.from.get(column) ?? null : null;
    for (const q of periodsBetween(h.type, start, p.end)) {
      const held = h.periods.has(q.id) || (from !== null && h.to !== null && q.start >= from && q.end <= h.to);
      if (!held) missing.set(q.id, q);
    }
  }
  return missing.size ? [...missing.values()] : undefined;
}
