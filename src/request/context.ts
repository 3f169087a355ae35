/**
 * What a data-return request says, gathered once per source: the period asked for, when it is due (calendar
 * and working days), the indicators waiting on it, who to send it to, and the earlier periods already held
 * (read from the warehouse when there is one). Plain values; the workbook and CSV writers only lay them out.
 */
import type { Area, Config, IndicatorDef, SourceDef } from '../config/types.js';
import { addDays, comparePeriods, dueDate, makePeriod, type Period, periodsBetween, shiftPeriod, workingDaysBetween } from '../core/periods.js';
import { sourcePeriodType, sourcesOf } from '../pipeline/freshness.js';
import { quoteIdent, type Warehouse } from '../warehouse/db.js';
import { tableExists } from '../warehouse/meta.js';

export interface HeldPeriod {
  period: Period;
  /** One row per area: contract column name → the text a person sees (a figure, or its marker). */
  rows: Array<Record<string, string>>;
}

export interface RequestContext {
  config: Config;
  source: SourceDef;
  /** The report period the request was made for. */
  reportPeriod: Period;
  /** The source's own period asked for (the latest of its kind ending by the report period's end). */
  period: Period;
  dueBy: string;
  /** Calendar and working days from the period's end to the due date. */
  days: number;
  workingDays: number;
  indicators: Array<{ id: string; title: string }>;
  /** Earlier periods already held, newest first (periodic sources only; never for sources with personal identifiers). */
  held: HeldPeriod[];
  /** Earlier periods a revision row may name (held or not), newest first. */
  revisable: Period[];
  generatedAt: string;
}

const DAY_MS = 86_400_000;

/** The latest period of the source's own type that ends on or before `date` (a termly source's summer term for a September quarter). */
export function duePeriodFor(source: SourceDef, reportPeriod: Period): Period {
  const type = sourcePeriodType(source);
  return periodsBetween(type, addDays(reportPeriod.end, -800), reportPeriod.end).filter((p) => p.end <= reportPeriod.end).pop()
    ?? makePeriod(type, Number(reportPeriod.end.slice(0, 4)) - 2, 1);
}

/** When the source's data for `period` is due, by its `due_rule:` (or `lateness_days:`). */
export function dueOf(source: SourceDef, period: Period): { dueBy: string; days: number; workingDays: number } {
  const dueBy = dueDate(source.dueRule ?? { days: source.latenessDays }, period.end);
  return { dueBy, days: Math.round((Date.parse(dueBy) - Date.parse(period.end)) / DAY_MS), workingDays: workingDaysBetween(period.end, dueBy) };
}

export function indicatorsOf(source: SourceDef, config: Config, indicators: IndicatorDef[]): Array<{ id: string; title: string }> {
  return indicators.filter((d) => sourcesOf(d, config.sources).includes(source.id)).map((d) => ({ id: d.id, title: d.title }));
}

/** How a request writes an area into the source's area column: its code where the column holds codes, else its name. */
export function areaText(area: Area, source: SourceDef): string {
  const col = source.columns.find((c) => c.name === source.areaColumn);
  if (col?.values?.length) return col.values.find((v) => [area.code, area.id, area.name, ...area.aliases].includes(v)) ?? area.code ?? area.name;
  return /code/i.test(source.areaColumn ?? '') && area.code ? area.code : area.name;
}

export interface ContextOptions {
  /** How many earlier periods to show as held (default 4). */
  previous?: number;
  generatedAt: string;
}

export async function requestContext(config: Config, indicators: IndicatorDef[], source: SourceDef, reportPeriod: Period, wh: Warehouse | undefined, options: ContextOptions): Promise<RequestContext> {
  const period = duePeriodFor(source, reportPeriod);
  const n = options.previous ?? 4;
  const revisable = source.period ? Array.from({ length: n }, (_, i) => shiftPeriod(period, -(i + 1))) : [];
  const held = wh && source.period && !source.columns.some((c) => c.identifier) ? await readHeld(wh, config, source, revisable) : [];
  return {
    config, source, reportPeriod, period, ...dueOf(source, period),
    indicators: indicatorsOf(source, config, indicators), held, revisable, generatedAt: options.generatedAt,
  };
}

/** The figures already held for these periods, as a person would write them back (area names, markers as written). */
async function readHeld(wh: Warehouse, config: Config, source: SourceDef, periods: Period[]): Promise<HeldPeriod[]> {
  if (!periods.length || !(await tableExists(wh, source.table))) return [];
  const present = new Set((await wh.all<{ column_name: string }>(`SELECT column_name FROM (DESCRIBE ${quoteIdent(source.table)})`)).map((c) => c.column_name));
  if (!present.has('period')) return [];
  const rows = await wh.all<Record<string, unknown>>(`SELECT * FROM ${quoteIdent(source.table)} WHERE period IN (${periods.map(() => '?').join(', ')}) ORDER BY period, ${present.has('area') ? 'area, ' : ''}_file, _row`, periods.map((p) => p.id));
  const areaById = new Map(config.areas.map((a) => [a.id, a]));
  const out: HeldPeriod[] = [];
  for (const p of periods) {
    const mine = rows.filter((r) => r.period === p.id);
    if (!mine.length) continue;
    out.push({
      period: p,
      rows: mine.map((r) => Object.fromEntries(source.columns.map((c) => {
        if (c.name === source.period?.column) return [c.name, p.id];
        if (c.name === source.areaColumn) {
          const a = areaById.get(String(r.area));
          return [c.name, a ? areaText(a, source) : String(r[c.name] ?? r.area ?? '')];
        }
        const marker = r[`${c.name}__marker`];
        const v = r[c.name];
        return [c.name, marker ? String(marker) : v === null || v === undefined ? '' : v instanceof Date ? v.toISOString().slice(0, 10) : String(v)];
      }))),
    });
  }
  return out.sort((a, b) => comparePeriods(b.period, a.period));
}
