/**
 * The pack as a workbook for analysts: a "Scorecard" sheet (one row per indicator), one sheet per indicator with
 * every period × area, and a "Definitions" sheet. Cells hold plain values (numbers as numbers, with a format by
 * unit) so they can be sorted, filtered and charted; judgements come from the assessment, never recomputed here.
 *
 * Safety: every text cell that could be read as a formula (`=`, `+`, `-`, `@`, tab, CR) is prefixed with `'`
 * (OWASP "CSV injection"): indicator titles and commentary come from config files and partners' extracts, and a
 * plain string cell turns into a live formula as soon as someone edits it or saves the sheet as CSV.
 *
 * Determinism: workbook dates are the run's `generatedAt`, and the zip entries' timestamps (JSZip stamps "now")
 * are rewritten to the same instant, so the same inputs give byte-identical files.
 */
import type { Cell, Workbook, Worksheet } from 'exceljs';
import type { IndicatorDef, Unit } from '../config/types.js';
import type { PackHtmlInput } from './packs.js';
import type { AssessedValue, Assessment, FigureStatus, IndicatorAssessment, Rag } from '../assess/types.js';
import { formatValue, UNIT_SUFFIX } from '../core/format.js';
import { groupBy } from '../core/group.js';
import { RAG_WORD, SIGNIFICANCE_WORD, directionText } from './words.js';
import { KIND_LABEL, POLARITY_LABEL, QUESTION_LABEL } from './format.js';

export interface XlsxMeta {
  partnership: string;
  /** ISO timestamp of the run; becomes the workbook's created/modified dates. */
  generatedAt: string;
  /** Priority ids → titles, for the Scorecard (ids are shown when absent). */
  priorities?: Array<{ id: string; title: string }>;
  /** Area ids → names, in config order (the whole partnership `all` is named after `partnership` when absent). */
  areas?: Array<{ id: string; name: string }>;
  /** Owners' commentary by indicator id: printed as text (neutralised like every other text cell). */
  commentary?: Record<string, CommentaryText>;
  /** Each locality's own commentary, by area id then indicator id: a "Locality commentary" sheet when any is held. */
  areaCommentary?: Record<string, Record<string, CommentaryText>>;
}

type CommentaryText = { story?: string; whatWorks?: string; partners?: string; actions?: string; period?: string };

export const RAG_TEXT: Record<Rag, string> = RAG_WORD;

/** Light fill, dark text: Excel's own "light red fill with dark red text" family, legible in print and greyscale. */
const RAG_COLOURS: Record<Rag, { fill: string; font: string }> = {
  red: { fill: 'FFFFC7CE', font: 'FF9C0006' },
  amber: { fill: 'FFFFEB9C', font: 'FF9C5700' },
  green: { fill: 'FFC6EFCE', font: 'FF006100' },
  blue: { fill: 'FFBDD7EE', font: 'FF1F4E79' },
  grey: { fill: 'FFE7E6E6', font: 'FF3A3A3A' },
};

const RESERVED_SHEETS = ['Scorecard', 'Definitions', 'Locality commentary'];

const COMMENTARY_COLUMNS: Column[] = [
  { header: 'Story behind the curve', width: 60, wrap: true },
  { header: 'What works', width: 40, wrap: true },
  { header: 'Partners with a role', width: 40, wrap: true },
  { header: 'Actions', width: 50, wrap: true },
];
const commentaryCells = (c: CommentaryText | undefined) => [c?.story ?? null, c?.whatWorks ?? null, c?.partners ?? null, c?.actions ?? null];

/** Excel number format for a unit. Percent values are 0–100 (as in results.json), so `%` is a literal suffix. */
export function numberFormat(unit: Unit, decimals: number): string {
  const d = Math.max(0, Math.min(4, Math.trunc(decimals)));
  const fixed = d > 0 ? `0.${'0'.repeat(d)}` : '0';
  if (unit === 'percent') return `${fixed}"%"`;
  return `#,##${fixed}`;
}

// XML 1.0 cannot carry these; exceljs would write them and Excel would call the file corrupt.
// eslint-disable-next-line no-control-regex
const XML_ILLEGAL = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F\uFFFE\uFFFF]/g;
const FORMULA_START = /^[=+\-@\t\r]/;

function cleanText(value: string): string {
  return value.replace(XML_ILLEGAL, '');
}

/** Text made safe for a cell: no XML-illegal characters, and a leading `'` where it could start a formula. */
export function safeText(value: string): string {
  const clean = cleanText(value);
  return FORMULA_START.test(clean) ? `'${clean}` : clean;
}

/** Sheet names: ≤ 31 characters, none of []:*?/\, not starting or ending with `'`, unique ignoring case. */
export function uniqueSheetName(wanted: string, used: Set<string>, fallback = 'Sheet'): string {
  const cut = (s: string, n: number) => {
    let out = s.slice(0, n);
    if (/[\uD800-\uDBFF]$/.test(out)) out = out.slice(0, -1); // never split a surrogate pair
    return out.trim();
  };
  let base = wanted.replace(XML_ILLEGAL, '').replace(/[[\]:*?/\\]/g, ' ').replace(/\s+/g, ' ').trim().replace(/^'+|'+$/g, '').trim();
  // "History" is reserved by Excel.
  if (!base || base.toLowerCase() === 'history') base = fallback;
  base = cut(base, 31);
  let name = base;
  for (let n = 2; used.has(name.toLowerCase()); n++) {
    const suffix = ` (${n})`;
    name = cut(base, 31 - suffix.length) + suffix;
  }
  used.add(name.toLowerCase());
  return name;
}

function markerText(v: Pick<AssessedValue, 'status' | 'marker' | 'partial'>): string | null {
  const statusText: Record<FigureStatus, string | null> = {
    ok: null,
    partial: `partial: ${v.partial?.missingLabels.join(', ') ?? 'some periods'} not yet held`,
    suppressed: `${v.marker ?? 'c'} (suppressed: small numbers)`,
    marked: `${v.marker ?? 'x'} (not available)`,
    awaiting_data: 'awaiting data',
    failed: 'not computed',
  };
  return statusText[v.status];
}

/** Suppressed figures never show a number, whatever reached us (defence in depth for disclosure control). */
function shown(v: AssessedValue, n: number | null): number | null {
  return v.status === 'suppressed' || n === null || !Number.isFinite(n) ? null : n;
}

interface Column {
  header: string;
  width: number;
  numFmt?: string;
  wrap?: boolean;
}

/**
 * Cell styles shared between cells that look alike. exceljs works out a cell's style (its XML, its number
 * format, font and alignment entries) once per style object it has not seen before; with an object per cell
 * that was most of the workbook's write time. A shared object is never changed: a cell that needs another look
 * is given another shared object.
 */
type CellStyle = Cell['style'];
const TOP = { vertical: 'top' } as const;
const TOP_WRAP = { vertical: 'top', wrapText: true } as const;
const sharedStyles = new Map<string, CellStyle>();
const styleKeys = new WeakMap<CellStyle, { wrap: boolean; numFmt?: string }>();
function sharedStyle(wrap: boolean, numFmt?: string): CellStyle {
  const key = `${wrap ? 'wrap' : 'top'}\0${numFmt ?? ''}`;
  let style = sharedStyles.get(key);
  if (!style) {
    style = { alignment: wrap ? TOP_WRAP : TOP, ...(numFmt ? { numFmt } : {}) } as CellStyle;
    sharedStyles.set(key, style);
    styleKeys.set(style, { wrap, numFmt });
  }
  return style;
}

function addTable(ws: Worksheet, columns: Column[], rows: Array<Array<string | number | null>>, options: { freezeColumns?: number; ragColumn?: number }): void {
  ws.columns = columns.map((c) => ({ header: c.header, width: c.width }));
  const header = ws.getRow(1);
  header.font = { bold: true };
  header.alignment = { vertical: 'top', wrapText: true };
  for (const values of rows) {
    const row = ws.addRow(values.map((v) => (typeof v === 'string' ? safeText(v) : v)));
    row.alignment = TOP;
    // Every cell of the row (nulls included), as `row.alignment` would set them, but with shared objects.
    row.eachCell({ includeEmpty: true }, (cell, i) => { cell.style = sharedStyle(Boolean(columns[i - 1]?.wrap)); });
  }
  ws.views = [{ state: 'frozen', xSplit: options.freezeColumns ?? 0, ySplit: 1 }];
  const last = Math.max(1, rows.length + 1);
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: last, column: columns.length } };
  if (options.ragColumn && rows.length) {
    const col = ws.getColumn(options.ragColumn).letter;
    ws.addConditionalFormatting({
      ref: `${col}2:${col}${last}`,
      rules: (Object.keys(RAG_TEXT) as Rag[]).map((rag, i) => ({
        type: 'cellIs' as const,
        operator: 'equal' as const,
        priority: i + 1,
        formulae: [`"${RAG_TEXT[rag]}"`],
        style: {
          // Differential formats take a solid fill's colour from bgColor.
          fill: { type: 'pattern' as const, pattern: 'solid' as const, bgColor: { argb: RAG_COLOURS[rag].fill } },
          font: { color: { argb: RAG_COLOURS[rag].font } },
        },
      })),
    });
  }
}

function setNumFmt(ws: Worksheet, column: number, numFmt: (rowIndex: number) => string | undefined, rows: number): void {
  for (let r = 0; r < rows; r++) {
    const f = numFmt(r);
    if (!f) continue;
    const cell = ws.getRow(r + 2).getCell(column) as Cell;
    const was = styleKeys.get(cell.style);
    if (was) cell.style = sharedStyle(was.wrap, f);
    else cell.numFmt = f;
  }
}

function comparatorText(def: IndicatorDef, v: AssessedValue): string | null {
  if (!v.comparators.length) return null;
  return v.comparators
    .map((c) => `${c.label}: ${formatValue(def, c.value)}${c.significance === 'not_compared' ? '' : ` (${SIGNIFICANCE_WORD[c.significance]})`}`)
    .join('; ');
}

function unitText(unit: Unit): string {
  const suffix = UNIT_SUFFIX[unit].trim();
  return suffix || (unit === 'count' ? 'count' : unit);
}

/** The scorecard of a run's packs: the assessment they print, with the run's commentary. */
export function renderPackXlsx(input: PackHtmlInput): Promise<Uint8Array> {
  const { config } = input;
  return renderXlsx(input.assessment, {
    partnership: config.partnership.name, generatedAt: input.generatedAt, priorities: config.framework.priorities, areas: config.areas,
    commentary: input.commentary, areaCommentary: input.areaCommentary,
  });
}

export async function renderXlsx(assessment: Assessment, meta: XlsxMeta): Promise<Uint8Array> {
  const generatedAt = new Date(meta.generatedAt);
  if (Number.isNaN(generatedAt.getTime())) throw new Error(`renderXlsx: generatedAt is not a date: ${meta.generatedAt}`);
  const { default: ExcelJS } = await import('exceljs');

  const wb: Workbook = new ExcelJS.Workbook();
  wb.creator = 'boardpack';
  wb.lastModifiedBy = 'boardpack';
  wb.created = generatedAt;
  wb.modified = generatedAt;
  wb.company = cleanText(meta.partnership);
  wb.title = cleanText(`${meta.partnership} board pack, ${assessment.period.label}`);
  wb.subject = 'Outcomes-based accountability scorecard';

  const priorityTitle = new Map((meta.priorities ?? []).map((p) => [p.id, p.title]));
  const areaName = new Map((meta.areas ?? []).map((a) => [a.id, a.name]));
  if (!areaName.has('all')) areaName.set('all', meta.partnership);

  // Sheet names are fixed first so the Scorecard and Definitions can say where each indicator's series is.
  const used = new Set(RESERVED_SHEETS.map((s) => s.toLowerCase()));
  const sheetOf = new Map<string, string>();
  for (const ia of assessment.indicators) {
    sheetOf.set(ia.indicator.id, uniqueSheetName(ia.indicator.shortTitle || ia.indicator.title, used, ia.indicator.id));
  }

  // --- Scorecard -------------------------------------------------------------------------------------------
  const scorecard = wb.addWorksheet('Scorecard');
  const scoreColumns: Column[] = [
    { header: 'Indicator id', width: 24 },
    { header: 'Indicator', width: 40, wrap: true },
    { header: 'Priority', width: 24, wrap: true },
    { header: 'OBA kind', width: 20 },
    { header: 'OBA question', width: 22 },
    { header: 'Period', width: 16 },
    { header: 'Latest value', width: 13 },
    { header: 'Unit', width: 12 },
    { header: 'Marker', width: 26 },
    { header: 'Target', width: 11 },
    { header: 'RAG', width: 11 },
    { header: 'Direction (previous period)', width: 18 },
    { header: 'Direction (same period last year)', width: 18 },
    { header: 'Comparator', width: 36, wrap: true },
    { header: 'Status', width: 80, wrap: true },
    { header: 'Series sheet', width: 24 },
    ...(meta.commentary ? COMMENTARY_COLUMNS : []),
  ];
  const scoreRows = assessment.indicators.map((ia) => {
    const { indicator: def, latest: v } = ia;
    const note = meta.commentary?.[def.id];
    return [
      def.id,
      def.title,
      priorityTitle.get(def.priority) ?? def.priority,
      KIND_LABEL[def.kind] ?? def.kind,
      def.question ? QUESTION_LABEL[def.question] : null,
      v.periodLabel,
      shown(v, v.value),
      unitText(def.unit),
      ia.failure ? 'not computed' : markerText(v),
      v.target,
      RAG_TEXT[v.rag],
      directionText(v),
      directionText(v, true),
      comparatorText(def, v),
      v.sentence,
      sheetOf.get(def.id)!,
      ...(meta.commentary ? commentaryCells(note) : []),
    ];
  });
  addTable(scorecard, scoreColumns, scoreRows, { freezeColumns: 2, ragColumn: 11 });
  const fmtOf = (i: number) => numberFormat(assessment.indicators[i].indicator.unit, assessment.indicators[i].indicator.decimals);
  setNumFmt(scorecard, 7, fmtOf, scoreRows.length);
  setNumFmt(scorecard, 10, fmtOf, scoreRows.length);

  // --- One sheet per indicator ----------------------------------------------------------------------------
  const periodIndex = new Map(assessment.periods.map((p, i) => [p.id, i]));
  const areaIndex = new Map([...areaName.keys()].map((id, i) => [id, id === 'all' ? -1 : i]));
  const resultsOf = groupBy(assessment.results, (r) => r.indicator);
  for (const ia of assessment.indicators) {
    const def = ia.indicator;
    const values = seriesOf(resultsOf.get(def.id), ia);
    values.sort(
      (a, b) =>
        (periodIndex.get(a.period) ?? Infinity) - (periodIndex.get(b.period) ?? Infinity) ||
        a.period.localeCompare(b.period) ||
        (areaIndex.get(a.area) ?? Infinity) - (areaIndex.get(b.area) ?? Infinity) ||
        a.area.localeCompare(b.area),
    );
    const ws = wb.addWorksheet(sheetOf.get(def.id)!);
    const columns: Column[] = [
      { header: 'Period', width: 16 },
      { header: 'Period id', width: 13 },
      { header: 'Area', width: 22 },
      { header: 'Area id', width: 12 },
      { header: `Value (${unitText(def.unit)})`, width: 14 },
      { header: 'Lower 95% CI', width: 12 },
      { header: 'Upper 95% CI', width: 12 },
      { header: 'Numerator', width: 12 },
      { header: 'Denominator', width: 12 },
      { header: 'Marker', width: 26 },
      { header: 'Target', width: 11 },
      { header: 'RAG', width: 11 },
      { header: 'Direction (previous period)', width: 18 },
      { header: 'Direction (same period last year)', width: 18 },
    ];
    const rows = values.map((v) => [
      v.periodLabel,
      v.period,
      areaName.get(v.area) ?? v.area,
      v.area,
      shown(v, v.value),
      shown(v, v.ci?.lower ?? null),
      shown(v, v.ci?.upper ?? null),
      shown(v, v.numerator),
      shown(v, v.denominator),
      markerText(v),
      v.target,
      RAG_TEXT[v.rag],
      directionText(v),
      directionText(v, true),
    ]);
    addTable(ws, columns, rows, { freezeColumns: 1, ragColumn: 12 });
    const fmt = numberFormat(def.unit, def.decimals);
    for (const c of [5, 6, 7, 11]) setNumFmt(ws, c, () => fmt, rows.length);
    for (const c of [8, 9]) setNumFmt(ws, c, () => '#,##0', rows.length);
  }

  // --- Definitions -----------------------------------------------------------------------------------------
  const defs = wb.addWorksheet('Definitions');
  const defColumns: Column[] = [
    { header: 'Indicator id', width: 24 },
    { header: 'Title', width: 40, wrap: true },
    { header: 'Series sheet', width: 24 },
    { header: 'Description', width: 60, wrap: true },
    { header: 'Priority', width: 24, wrap: true },
    { header: 'OBA kind', width: 20 },
    { header: 'OBA question', width: 22 },
    { header: 'Polarity', width: 16 },
    { header: 'Unit', width: 12 },
    { header: 'Decimal places', width: 9 },
    { header: 'Frequency', width: 11 },
    { header: 'Period type', width: 13 },
    { header: 'RAG rule', width: 50, wrap: true },
    { header: 'Baseline', width: 22 },
    { header: 'Minimum denominator', width: 12 },
    { header: 'Owner', width: 20 },
    { header: 'Data provider', width: 20 },
    { header: 'Source notes', width: 50, wrap: true },
    { header: 'Definition version', width: 12 },
  ];
  const defRows = assessment.indicators.map(({ indicator: def, latest }) => [
    def.id,
    def.title,
    sheetOf.get(def.id)!,
    def.description,
    priorityTitle.get(def.priority) ?? def.priority,
    KIND_LABEL[def.kind] ?? def.kind,
    def.question ? QUESTION_LABEL[def.question] : null,
    POLARITY_LABEL[def.polarity] ?? def.polarity,
    unitText(def.unit),
    def.decimals,
    def.frequency,
    def.periodType,
    latest.ragRule,
    def.baseline ? `${def.baseline.period}: ${formatValue(def, def.baseline.value)}${def.baseline.source ? ` (${def.baseline.source})` : ''}` : null,
    def.minDenominator,
    def.owner ?? null,
    def.dataProvider ?? null,
    def.sourceNotes ?? null,
    def.definitionVersion,
  ]);
  addTable(defs, defColumns, defRows, { freezeColumns: 1 });

  // --- Locality commentary: what each locality wrote for its own pack, apart from the partnership's ----------
  const localRows = (meta.areas ?? []).flatMap((area) => assessment.indicators.flatMap(({ indicator: def }) => {
    const note = meta.areaCommentary?.[area.id]?.[def.id];
    return note && (note.story || note.whatWorks || note.partners || note.actions) ? [[area.name, area.id, def.id, def.title, note.period ?? null, ...commentaryCells(note)]] : [];
  }));
  if (localRows.length) {
    addTable(wb.addWorksheet('Locality commentary'), [
      { header: 'Area', width: 20 },
      { header: 'Area id', width: 12 },
      { header: 'Indicator id', width: 24 },
      { header: 'Indicator', width: 40, wrap: true },
      { header: 'Written for period', width: 14 },
      ...COMMENTARY_COLUMNS,
    ], localRows, { freezeColumns: 4 });
  }

  // Deflate level 3, the fastest of the levels that keep the workbook within about a tenth of the default's
  // size: zipping is a fifth of the workbook's time at the default (6), run while the PDF prints.
  const buffer = await wb.xlsx.writeBuffer({ zip: { compression: 'DEFLATE', compressionOptions: { level: 3 } } });
  const bytes = new Uint8Array(buffer as ArrayBuffer);
  return setZipTimestamps(bytes, generatedAt);
}

/** Every figure of one indicator; falls back to the series and by-area lists when `results` does not carry it. */
function seriesOf(fromResults: AssessedValue[] | undefined, ia: IndicatorAssessment): AssessedValue[] {
  if (fromResults?.length) return [...fromResults];
  const seen = new Map<string, AssessedValue>();
  for (const v of [...ia.series, ...ia.byArea]) seen.set(`${v.period}\u0000${v.area}`, v);
  return [...seen.values()];
}

/**
 * Rewrite the modification time of every entry in a zip (local headers and central directory) to `date`.
 * JSZip, inside exceljs, stamps each entry with the current time; the CRCs do not cover these fields, so
 * changing them in place is safe. Returns the input unchanged if it is not a plain zip.
 */
export function setZipTimestamps(zip: Uint8Array, date: Date): Uint8Array {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let eocd = -1;
  for (let i = zip.byteLength - 22; i >= Math.max(0, zip.byteLength - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return zip;
  const year = date.getUTCFullYear();
  const [time, day] =
    year < 1980
      ? [0, (1 << 5) | 1] // the DOS epoch, 1980-01-01 00:00
      : [
          (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | Math.floor(date.getUTCSeconds() / 2),
          ((Math.min(year, 2107) - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate(),
        ];
  const out = zip.slice();
  const w = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const entries = view.getUint16(eocd + 10, true);
  let p = view.getUint32(eocd + 16, true);
  for (let n = 0; n < entries; n++) {
    if (p + 46 > zip.byteLength || view.getUint32(p, true) !== 0x02014b50) return zip;
    const local = view.getUint32(p + 42, true);
    if (local + 30 > zip.byteLength || view.getUint32(local, true) !== 0x04034b50) return zip;
    w.setUint16(p + 12, time, true);
    w.setUint16(p + 14, day, true);
    w.setUint16(local + 10, time, true);
    w.setUint16(local + 12, day, true);
    p += 46 + view.getUint16(p + 28, true) + view.getUint16(p + 30, true) + view.getUint16(p + 32, true);
  }
  return out;
}
