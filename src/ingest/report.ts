/**
 * The validation report of an ingest: a summary (problems per code and per file) for the terminal, and the
 * full list as `validation-report.csv` and a readable `validation-report.html`. Pure render functions; the
 * writer is separate and atomic. Identifier values never reach here (stage.ts withholds them).
 */
import path from 'node:path';
import { writeFileAtomic } from '../core/atomic-write.js';
import type { Problem } from '../core/errors.js';
import type { IngestReport } from './index.js';

export const REPORT_CSV = 'validation-report.csv';
export const REPORT_HTML = 'validation-report.html';

export interface ReportLine {
  severity: 'error' | 'warning';
  code: string;
  source: string;
  file: string;
  sheet: string;
  row: string;
  column: string;
  value: string;
  expected: string;
  message: string;
  fix: string;
}

export interface SummaryRow { code: string; severity: 'error' | 'warning'; file: string; count: number }

const text = (v: unknown) => (v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v));

export function reportLines(report: IngestReport): ReportLine[] {
  const out: ReportLine[] = [];
  const line = (source: string, p: Problem): ReportLine => ({
    severity: p.severity, code: p.code, source, file: p.file ?? '', sheet: p.sheet ?? '', row: p.row === undefined ? '' : String(p.row),
    column: p.column ?? (p.yamlPath ? `(${p.yamlPath})` : ''), value: text(p.value), expected: p.expected ?? '', message: p.message, fix: p.fix ?? '',
  });
  const inSources = new Set(report.sources.flatMap((s) => s.problems));
  for (const p of report.problems.filter((x) => !inSources.has(x))) out.push(line('', p));
  for (const s of report.sources) {
    for (const p of s.problems) out.push(line(s.source, p));
    for (const o of s.omitted) {
      out.push({ severity: o.severity, code: o.code, source: s.source, file: o.file, sheet: '', row: '', column: o.column ?? '', value: '', expected: '',
        message: `… and ${o.count} more of the same in this column (not listed one by one)`, fix: '' });
    }
  }
  return out;
}

/** Problems per code and file, counting those not listed one by one. Errors first, then by count. */
export function summarize(report: IngestReport): SummaryRow[] {
  const m = new Map<string, SummaryRow>();
  const add = (code: string, severity: 'error' | 'warning', file: string, n: number) => {
    const k = `${code}\u0000${file}`;
    const r = m.get(k) ?? { code, severity, file, count: 0 };
    r.count += n;
    m.set(k, r);
  };
  for (const p of report.problems) add(p.code, p.severity, p.file ?? '', 1);
  for (const s of report.sources) for (const o of s.omitted) add(o.code, o.severity, o.file, o.count);
  return [...m.values()].sort((a, b) => (a.severity === b.severity ? b.count - a.count || a.code.localeCompare(b.code) : a.severity === 'error' ? -1 : 1));
}

/** A plain-text table for the terminal. */
export function renderSummaryTable(rows: SummaryRow[]): string {
  if (!rows.length) return 'No problems found.';
  const head = ['problems', 'severity', 'code', 'file'];
  const body = rows.map((r) => [String(r.count), r.severity, r.code, r.file || '(project)']);
  const width = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padStart(width[i]) : c.padEnd(width[i]))).join('  ').trimEnd();
  return [fmt(head), fmt(width.map((w) => '-'.repeat(w))), ...body.map(fmt)].join('\n');
}

/**
 * A cell a spreadsheet will not run as a formula (partners' text can start with =, +, - or @): the XLSX rule,
 * with no exception for text that looks like a number (`-2+3+cmd|' /C calc'!A0` starts with one).
 */
function csvCell(v: string): string {
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return `"${safe.replace(/"/g, '""')}"`;
}

const COLUMNS: Array<keyof ReportLine> = ['severity', 'code', 'source', 'file', 'sheet', 'row', 'column', 'value', 'expected', 'message', 'fix'];

export function renderValidationCsv(report: IngestReport): string {
  return `${[COLUMNS.map(csvCell).join(','), ...reportLines(report).map((l) => COLUMNS.map((c) => csvCell(l[c])).join(','))].join('\r\n')}\r\n`;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function renderValidationHtml(report: IngestReport, meta: { title: string; generatedAt: string }): string {
  const summary = summarize(report);
  const lines = reportLines(report);
  const sources = report.sources.map((s) => `<tr><th scope="row">${esc(s.source)}</th><td>${esc(s.status)}</td><td class="n">${s.rowsLoaded}</td><td>${esc(s.periods.join(', '))}</td><td>${esc(s.files.map((f) => f.path).join(', '))}</td></tr>`).join('\n');
  return `<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${esc(meta.title)}</title>
<style>body{font:15px/1.45 system-ui,sans-serif;margin:2rem;color:#0b0c0c}table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #b1b4b6;padding:.3rem .5rem;text-align:left;vertical-align:top}thead th{background:#f3f2f1}.n{text-align:right}.error td:first-child{font-weight:bold;color:#b10e1e}.warning td:first-child{color:#594d00}caption{text-align:left;font-weight:bold}</style>
</head><body>
<h1>${esc(meta.title)}</h1>
<p>Generated ${esc(meta.generatedAt)}. ${summary.filter((s) => s.severity === 'error').reduce((a, s) => a + s.count, 0)} error(s) and ${summary.filter((s) => s.severity === 'warning').reduce((a, s) => a + s.count, 0)} warning(s). A source with an error was not loaded; its earlier data is unchanged. Warnings were loaded.</p>
<table><caption>Sources</caption><thead><tr><th scope="col">source</th><th scope="col">status</th><th scope="col">rows loaded</th><th scope="col">periods</th><th scope="col">files</th></tr></thead><tbody>
${sources}
</tbody></table>
<table><caption>Problems per code and file</caption><thead><tr><th scope="col">problems</th><th scope="col">severity</th><th scope="col">code</th><th scope="col">file</th></tr></thead><tbody>
${summary.map((r) => `<tr class="${r.severity}"><td class="n">${r.count}</td><td>${r.severity}</td><td><code>${esc(r.code)}</code></td><td>${esc(r.file)}</td></tr>`).join('\n')}
</tbody></table>
<table><caption>Every problem</caption><thead><tr>${COLUMNS.map((c) => `<th scope="col">${c}</th>`).join('')}</tr></thead><tbody>
${lines.map((l) => `<tr class="${l.severity}">${COLUMNS.map((c) => `<td>${c === 'code' ? `<code>${esc(l[c])}</code>` : esc(l[c])}</td>`).join('')}</tr>`).join('\n')}
</tbody></table>
</body></html>
`;
}

/** Writes both files atomically into `dir`; returns their paths. */
export async function writeValidationReport(dir: string, report: IngestReport, meta: { title: string; generatedAt: string }): Promise<{ csv: string; html: string }> {
  const csv = path.join(dir, REPORT_CSV);
  const html = path.join(dir, REPORT_HTML);
  await writeFileAtomic(csv, renderValidationCsv(report));
  await writeFileAtomic(html, renderValidationHtml(report, meta));
  return { csv, html };
}
