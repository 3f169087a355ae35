/**
 * The CSV variant of a request, for partners who export from a system: a header-only CSV (the contract's column
 * names, in order) and a plain-text README saying what each column means and accepts, the period, the due
 * date, the indicators waiting on it and how to return it.
 */
import type { RequestContext } from './context.js';
import { MARKER_MEANINGS, ruleText } from './workbook.js';

const csvCell = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export function requestColumns(ctx: RequestContext): string[] {
  const names = ctx.source.columns.map((c) => c.name);
  for (const extra of [ctx.source.areaColumn, ctx.source.period?.column]) if (extra && !names.includes(extra)) names.unshift(extra);
  return names;
}

/** The header line, CRLF-terminated (what Excel and most systems write). */
export function renderRequestCsv(ctx: RequestContext): string {
  return `${requestColumns(ctx).map(csvCell).join(',')}\r\n`;
}

export function renderRequestReadme(ctx: RequestContext, csvName: string): string {
  const { source, period, config } = ctx;
  const contact = source.contact ? `${source.contact.name} <${source.contact.email}>${source.contact.phone ? `, ${source.contact.phone}` : ''}` : `${config.partnership.name} performance team`;
  const lines = [
    `Data return: ${source.title}`,
    `for ${config.partnership.name}`,
    '',
    `Partner:        ${source.partner || '(not named in the contract)'}`,
    `Source:         ${source.id}, contract version ${source.contractVersion}`,
    `Period:         ${period.label} (${period.id}), ${period.start} to ${period.end}`,
    `Due by:         ${ctx.dueBy}, ${ctx.days} days (${ctx.workingDays} working days) after the period ends`,
    `Contact:        ${contact}`,
    '',
    'What the data are used for:',
    ...(ctx.indicators.length ? ctx.indicators.map((i) => `  - ${i.title} (${i.id})`) : ['  (no indicator of the board pack reads these figures yet)']),
    '',
    'How to fill it in:',
    `  1. Export your data into ${csvName} under its header line, one row per ${source.period ? (source.areaColumn ? 'locality and period' : 'period') : 'record'}; keep the header line as it is.`,
    '  2. Save it as CSV UTF-8, comma-separated, with dates as 2026-09-30 (or 30/09/2026).',
    `  3. A figure you cannot give: write a marker instead, never 0 and never blank: ${MARKER_MEANINGS.map(([m, what]) => `${m} = ${what}`).join('; ')}.`,
    ...(source.period ? ['  4. To correct an earlier period, add its rows with that period; they replace the figures held for the same period and locality.'] : []),
    `  ${source.period ? 5 : 4}. E-mail it to ${contact} by ${ctx.dueBy}.`,
    '',
    'Columns:',
    ...requestColumns(ctx).map((name) => {
      const c = source.columns.find((x) => x.name === name) ?? { name, type: 'text' as const, required: true, aliases: [], identifier: false };
      return `  ${name}: ${c.description ? `${c.description} ` : ''}(${ruleText(c, ctx)}${c.required ? '' : '; may be left blank'})`;
    }),
    '',
  ];
  return lines.join('\r\n');
}
