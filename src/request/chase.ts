/**
 * The chase list: per partner, the sources whose data for the report period has not arrived, with the due
 * date, how late it is, the indicators waiting on it and the contract's contact. A source's period is the latest
 * of its own kind ending by the report period's end (freshness.ts's rule); a record-level source has it once
 * any of its dates falls in or after that period.
 *
 * Three renderings of the same entries: a terminal table, JSON, and a mail-merge CSV in which every text cell
 * is neutralised against formula injection (partner names and titles come from config and extracts, and a
 * spreadsheet would run a cell starting with `=`, `+`, `-` or `@`).
 */
import type { Config, IndicatorDef, SourceDef } from '../config/types.js';
import type { Period } from '../core/periods.js';
import { quoteIdent, type Warehouse } from '../warehouse/db.js';
import { tableExists } from '../warehouse/meta.js';
import { dueOf, duePeriodFor, indicatorsOf } from './context.js';

export interface ChaseEntry {
  partner: string;
  source: string;
  title: string;
  period: string;
  periodLabel: string;
  dueBy: string;
  /** `late`: the due date has passed; `due`: not yet. */
  status: 'late' | 'due';
  /** Days after the due date (0 when not yet late); days left before it when due. */
  daysLate: number;
  daysLeft: number;
  /** The latest period held (periodic sources) or latest date (record level), or null when nothing is loaded. */
  latestHeld: string | null;
  indicators: Array<{ id: string; title: string }>;
  contact?: { name: string; email: string; phone?: string };
  /** The request workbook written for it (with --templates). */
  template?: string;
}

const DAY_MS = 86_400_000;
const daysFrom = (a: string, b: string) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);

/** What the warehouse holds for a source: its periods, or its latest date (record level). */
async function held(wh: Warehouse | undefined, source: SourceDef): Promise<{ periods: string[]; maxDate: string | null }> {
  if (!wh || !(await tableExists(wh, source.table))) return { periods: [], maxDate: null };
  const cols = new Set((await wh.all<{ column_name: string }>(`SELECT column_name FROM (DESCRIBE ${quoteIdent(source.table)})`)).map((c) => c.column_name));
  if (source.period && cols.has('period')) {
    const rows = await wh.all<{ p: string }>(`SELECT DISTINCT period AS p FROM ${quoteIdent(source.table)} WHERE period IS NOT NULL ORDER BY 1`);
    return { periods: rows.map((r) => r.p), maxDate: null };
  }
  const dates = source.columns.filter((c) => c.type === 'date' && cols.has(c.name));
  if (!dates.length) return { periods: [], maxDate: null };
  const [{ m }] = await wh.all<{ m: string | null }>(`SELECT greatest(${dates.map((c) => `max(${quoteIdent(c.name)})`).join(', ')})::VARCHAR AS m FROM ${quoteIdent(source.table)}`);
  return { periods: [], maxDate: m ? m.slice(0, 10) : null };
}

export async function chaseList(config: Config, indicators: IndicatorDef[], wh: Warehouse | undefined, reportPeriod: Period, today: string, sources: SourceDef[] = config.sources): Promise<ChaseEntry[]> {
  const out: ChaseEntry[] = [];
  for (const s of sources) {
    const period = duePeriodFor(s, reportPeriod);
    const h = await held(wh, s);
    const has = h.periods.includes(period.id) || Boolean(h.maxDate && h.maxDate >= period.start);
    if (has) continue;
    const { dueBy } = dueOf(s, period);
    const late = daysFrom(dueBy, today);
    out.push({
      partner: s.partner || s.id, source: s.id, title: s.title, period: period.id, periodLabel: period.label, dueBy,
      status: late > 0 ? 'late' : 'due', daysLate: Math.max(0, late), daysLeft: Math.max(0, -late),
      latestHeld: h.periods.length ? h.periods[h.periods.length - 1] : h.maxDate,
      indicators: indicatorsOf(s, config, indicators),
      ...(s.contact ? { contact: { ...s.contact } } : {}),
    });
  }
  // Latest first within the list, grouped by partner.
  return out.sort((a, b) => a.partner.localeCompare(b.partner) || b.daysLate - a.daysLate || a.source.localeCompare(b.source));
}

/** The terminal table: one block per partner, one line per source, then the indicators waiting on it. */
export function renderChase(entries: ChaseEntry[], reportPeriod: Period, today: string): string {
  if (!entries.length) return `Nothing to chase for ${reportPeriod.label}: every source has sent its data (as of ${today}).`;
  const lines = [`Chase list for ${reportPeriod.label} (${reportPeriod.id}), as of ${today}: ${entries.length} source(s) not received`, ''];
  const head = ['source', 'period', 'due by', 'status', 'latest held'];
  const rows = entries.map((e) => [e.source, e.periodLabel, e.dueBy, e.status === 'late' ? `LATE by ${e.daysLate} day(s)` : `due in ${e.daysLeft} day(s)`, e.latestHeld ?? 'nothing loaded']);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => `  ${r.map((c, i) => c.padEnd(widths[i])).join('  ')}`.trimEnd();
  let partner = '';
  entries.forEach((e, i) => {
    if (e.partner !== partner) {
      if (partner) lines.push('');
      partner = e.partner;
      lines.push(`${e.partner}${e.contact ? ` — ${e.contact.name} <${e.contact.email}>${e.contact.phone ? `, ${e.contact.phone}` : ''}` : ' — no contact in the contract (add contact: to the source)'}`);
      lines.push(line(head));
    }
    lines.push(line(rows[i]));
    lines.push(`    waiting: ${e.indicators.length ? e.indicators.map((x) => `${x.title} (${x.id})`).join('; ') : 'no indicator of the pack'}`);
    if (e.template) lines.push(`    template: ${e.template}`);
  });
  return lines.join('\n');
}

/**
 * A text cell a spreadsheet will not run: one that starts (after any spaces) with a formula character — `=`,
 * `+`, `-`, `@`, a tab or carriage return, or their full-width forms — gets a leading apostrophe (OWASP's advice
 * for CSV injection), and every cell is quoted so no delimiter or line break inside it splits a field.
 */
export function neutralise(text: string): string {
  return /^[\s]*[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(text) ? `'${text}` : text;
}

const csvField = (v: string | number) => (typeof v === 'number' ? String(v) : `"${neutralise(v).replace(/"/g, '""')}"`);

export const CHASE_CSV_COLUMNS = ['partner', 'contact_name', 'contact_email', 'source', 'title', 'period', 'period_label', 'due_by', 'status', 'days_late', 'indicators_waiting', 'template'] as const;

/** The mail-merge CSV (UTF-8 with a byte-order mark, so Excel reads accents; CRLF lines). */
export function renderChaseCsv(entries: ChaseEntry[]): string {
  const rows = entries.map((e) => [e.partner, e.contact?.name ?? '', e.contact?.email ?? '', e.source, e.title, e.period, e.periodLabel, e.dueBy, e.status, e.daysLate,
    e.indicators.map((x) => x.title).join('; '), e.template ?? '']);
  return `\uFEFF${[CHASE_CSV_COLUMNS.map((c) => csvField(c)).join(','), ...rows.map((r) => r.map(csvField).join(','))].join('\r\n')}\r\n`;
}
