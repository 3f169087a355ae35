/**
 * The data-return workbook a partner fills in, made from the source's contract:
 *
 * - `Cover`: partner, what is asked for, the period, the due date (in days and working days), the indicators
 *   that wait on it, the contact, how to fill it in and return it, and every column with its meaning;
 * - `Data`: one guidance line, the header row (the contract's column names, locked), then one row per locality
 *   with the period and locality filled in and locked (or blank rows for a record-level source), then spare
 *   rows for revising an earlier period; every input column has an input message (its description and rule)
 *   and data validation where the contract allows (areas and code lists as drop-downs, whole numbers ≥ 0 or a
 *   marker for counts, dates within the period);
 * - `Earlier periods`: the figures already held, read only, for context and revisions;
 * - `Lists` (hidden): the values the drop-downs offer; `_boardpack` (very hidden): the layout and the contract
 *   id and version, for ingest (layout.ts).
 *
 * Sheet protection locks the headers and the pre-filled cells against slips; it has no password (it is not a
 * security boundary, and a partner may need to unprotect to paste).
 */
import ExcelJS from 'exceljs';
import type { ColumnContract } from '../config/types.js';
import { safeText, setZipTimestamps } from '../report/xlsx.js';
import { areaText, type RequestContext } from './context.js';
import { COVER_SHEET, DATA_SHEET, HEADER_ROW, HELD_SHEET, IDENTITY_SHEET, LAYOUT_VERSION, LISTS_SHEET, RETURN_KIND, RETURNS_DIR, identityRows } from './layout.js';

/** Blank rows offered for a record-level source. */
export const RECORD_ROWS = 1000;

/** What each official marker means, as the cover sheet explains it (GSS guidance on symbols). */
export const MARKER_MEANINGS: Array<[string, string]> = [
  ['c', 'confidential: suppressed to protect individuals'],
  ['x', 'not available (not collected, or a system problem)'],
  ['z', 'not applicable'],
  ['u', 'low reliability'],
  ['low', 'rounds to zero, but is not zero'],
];
const SHOWN_MARKERS = MARKER_MEANINGS.map(([m]) => m);

const GREY = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE7E6E6' } } as const;
const HEADER_FILL = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FF1F4E79' } } as const;
const REVISION_FILL = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFF8E1' } } as const;
const THIN = { style: 'thin', color: { argb: 'FFBFBFBF' } } as const;

const longDate = (iso: string) => new Date(`${iso}T00:00:00Z`).toLocaleDateString('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/** The rule a column's cells follow, in words (input messages and the cover sheet's column table). */
export function ruleText(c: ColumnContract, ctx: RequestContext): string {
  const markers = `or a marker (${SHOWN_MARKERS.join(', ')})`;
  if (c.name === ctx.source.areaColumn) return c.values?.length ? `one of ${c.values.join(', ')}` : 'a locality from the list';
  if (c.name === ctx.source.period?.column) return `the period, e.g. ${ctx.period.id}`;
  switch (c.type) {
    case 'integer': return `a whole number, 0 or more, ${markers}`;
    case 'decimal': return `a number ${markers}`;
    case 'percent': return `a percentage (93% or 0.93) ${markers}`;
    case 'date': return `a date; for ${ctx.period.label}, between ${ctx.period.start} and ${ctx.period.end}`;
    case 'code': return c.values?.length ? `one of ${c.values.join(', ')}` : 'a code';
    default: return c.values?.length ? `one of ${c.values.join(', ')}` : 'text';
  }
}

const clip = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

export async function renderRequestWorkbook(ctx: RequestContext): Promise<Uint8Array> {
  const { source, config, period } = ctx;
  const wb = new ExcelJS.Workbook();
  const at = new Date(ctx.generatedAt);
  wb.creator = 'boardpack';
  wb.company = safeText(config.partnership.name);
  wb.title = safeText(`${source.title}: data return for ${period.label}`);
  wb.created = at;
  wb.modified = at;

  const recordLevel = !source.period;
  const areas = config.areas.filter((a) => !a.isWhole);
  const periodCol = source.period?.column;
  const areaCol = source.areaColumn;
  const columns = [...source.columns];
  // The period and locality columns are part of the layout even when the contract does not list them.
  for (const extra of [periodCol, areaCol]) {
    if (extra && !columns.some((c) => c.name === extra)) columns.unshift({ name: extra, type: 'text', required: true, aliases: [], identifier: false });
  }

  // Sheets in the order a partner sees them; the drop-down lists and the identity last.
  const cover = wb.addWorksheet(COVER_SHEET, { views: [{ showGridLines: false }], pageSetup: { orientation: 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 0 } });
  const data = wb.addWorksheet(DATA_SHEET, { views: [{ state: 'frozen', ySplit: HEADER_ROW }] });
  const held = ctx.held.length ? wb.addWorksheet(HELD_SHEET, { views: [{ state: 'frozen', ySplit: HEADER_ROW }] }) : undefined;
  const lists = wb.addWorksheet(LISTS_SHEET, { state: 'hidden' });
  const ident = wb.addWorksheet(IDENTITY_SHEET, { state: 'veryHidden' });

  // --- Cover ---------------------------------------------------------------------------------------------
  cover.columns = [{ width: 30 }, { width: 90 }];
  cover.addRow([safeText(`Data return: ${source.title}`)]).font = { bold: true, size: 16, color: { argb: 'FF1F4E79' } };
  cover.addRow([safeText(`for ${config.partnership.name}`)]).font = { size: 12 };
  cover.addRow([]);
  const contact = source.contact ? `${source.contact.name} <${source.contact.email}>${source.contact.phone ? `, ${source.contact.phone}` : ''}` : `${config.partnership.name} performance team`;
  const facts: Array<[string, string]> = [
    ['Partner', source.partner || '(not named in the contract)'],
    ['Data asked for', `${source.title} (source ${source.id}, contract version ${source.contractVersion})`],
    ['Period', `${period.label}: ${longDate(period.start)} to ${longDate(period.end)} (${period.id})`],
    ['Due by', `${longDate(ctx.dueBy)}: ${ctx.days} days (${ctx.workingDays} working days) after the period ends`],
    ['Contact', contact],
  ];
  for (const [k, v] of facts) addFact(cover, k, v);
  cover.getCell(`B${cover.rowCount - 1}`).font = { bold: true, color: { argb: 'FFC00000' } };
  cover.addRow([]);
  addFact(cover, 'What the data are used for', ctx.indicators.length ? `The figures feed ${ctx.indicators.length} indicator(s) of the board pack:` : 'No indicator of the pack reads these figures yet.');
  for (const i of ctx.indicators) addFact(cover, '', `• ${i.title} (${i.id})`);
  cover.addRow([]);
  const steps = recordLevel
    ? [
      `Fill in one row per record on the "${DATA_SHEET}" sheet (up to ${RECORD_ROWS} rows; send a CSV export instead if you have more).`,
      'Hover over a column\'s header or cell to see what it means and what it accepts; drop-downs offer the allowed codes.',
    ]
    : [
      `Fill in the white cells of the "${DATA_SHEET}" sheet: one row per locality, the period and locality are already filled in (grey cells are locked).`,
      `A figure you cannot give: write a marker instead (${MARKER_MEANINGS.map(([m, what]) => `${m} ${what}`).join('; ')}). Never write 0 for missing, and never leave a cell blank.`,
      `To correct a figure of an earlier period, fill in a yellow row below: pick its period and locality and write all its figures. The figures already held are on the "${HELD_SHEET}" sheet.`,
    ];
  steps.push(
    'Do not rename, move or delete the sheets or the header row, and do not paste over the grey cells.',
    `Save it as an Excel workbook (.xlsx) and e-mail it to ${contact} by ${longDate(ctx.dueBy)}.`,
  );
  addFact(cover, 'How to fill it in and return it', '');
  steps.forEach((s, i) => addFact(cover, '', `${i + 1}. ${s}`));
  addFact(cover, 'For the performance team', `Save the returned workbook in the project's ${RETURNS_DIR}/ folder; \`boardpack ingest\` (or \`run\`) recognises it and loads it into ${source.id}, with no change to the config.`);
  cover.addRow([]);
  const colHead = cover.addRow(['Column', 'What it means, and what it accepts']);
  colHead.font = { bold: true };
  for (const c of columns) {
    addFact(cover, c.name, `${c.description ? `${c.description} ` : ''}(${ruleText(c, ctx)}${c.required ? '' : '; may be left blank'})`);
  }

  // --- Lists (hidden): drop-down values --------------------------------------------------------------------
  const listRefs = new Map<string, string>();
  let listCol = 0;
  const addList = (key: string, values: string[]) => {
    if (!values.length) return;
    listCol++;
    const letter = lists.getColumn(listCol).letter;
    values.forEach((v, i) => { lists.getCell(i + 1, listCol).value = safeText(v); });
    listRefs.set(key, `${LISTS_SHEET}!$${letter}$1:$${letter}$${values.length}`);
  };
  addList('markers', SHOWN_MARKERS);
  addList('areas', areas.map((a) => areaText(a, source)));
  addList('periods', ctx.revisable.map((p) => p.id));
  for (const c of columns) if (c.values?.length) addList(`values:${c.name}`, c.values);

  // --- Data ------------------------------------------------------------------------------------------------
  data.columns = columns.map((c) => ({ width: Math.min(40, Math.max(14, c.name.length + 4)) }));
  data.getCell(1, 1).value = safeText(recordLevel
    ? `${source.title}, ${period.label}: one row per record. Hover over a header for what it means. Due by ${longDate(ctx.dueBy)}.`
    : `${source.title}, ${period.label}: fill in the white cells (a marker such as x where a figure cannot be given, never 0). Yellow rows: optional corrections to earlier periods. Due by ${longDate(ctx.dueBy)}.`);
  data.getCell(1, 1).font = { italic: true, color: { argb: 'FF404040' } };
  const header = data.getRow(HEADER_ROW);
  columns.forEach((c, i) => {
    const cell = header.getCell(i + 1);
    cell.value = c.name;
    cell.font = { bold: true, color: { argb: 'FFFFFFFF' } };
    cell.fill = HEADER_FILL;
    cell.alignment = { vertical: 'middle', wrapText: true };
    if (c.description) cell.note = { texts: [{ text: safeText(c.description) }] } as ExcelJS.Comment;
  });

  const first = HEADER_ROW + 1;
  const prefilled = recordLevel ? 0 : areaCol ? areas.length : 1;
  const spare = recordLevel ? RECORD_ROWS : Math.max(5, areas.length);
  const last = first + prefilled + spare - 1;
  // Pre-filled rows: the period and locality written and locked, the figures open.
  for (let r = 0; r < prefilled; r++) {
    const row = data.getRow(first + r);
    columns.forEach((c, i) => {
      const cell = row.getCell(i + 1);
      cell.border = { top: THIN, bottom: THIN, left: THIN, right: THIN };
      if (c.name === periodCol) {
        cell.value = period.id;
        cell.fill = GREY;
      } else if (c.name === areaCol) {
        cell.value = safeText(areaText(areas[r], source));
        cell.fill = GREY;
      } else {
        cell.protection = { locked: false };
      }
    });
  }
  // Spare rows: record rows (all open), or revision rows for an earlier period (yellow).
  for (let r = first + prefilled; r <= last; r++) {
    const row = data.getRow(r);
    columns.forEach((_, i) => {
      const cell = row.getCell(i + 1);
      cell.protection = { locked: false };
      cell.border = { top: THIN, bottom: THIN, left: THIN, right: THIN };
      if (!recordLevel) cell.fill = REVISION_FILL;
    });
  }

  // exceljs writes range validations (its typings know only per-cell ones).
  const validations = (data as unknown as { dataValidations: { add(range: string, v: ExcelJS.DataValidation): void } }).dataValidations;
  const addValidation = (range: string, v: ExcelJS.DataValidation) => validations.add(range, v);
  columns.forEach((c, i) => {
    const letter = data.getColumn(i + 1).letter;
    const prompt = { showInputMessage: true, promptTitle: clip(c.name, 32), prompt: clip(`${c.description ? `${c.description} ` : ''}${ruleText(c, ctx)}.`, 255) };
    const error = (text: string) => ({ showErrorMessage: true, errorTitle: clip(`${c.name}: not accepted`, 32), error: clip(text, 255) });
    const ref = `${letter}${first}`;
    const markerList = listRefs.get('markers')!;
    const rangeOf = (from: number) => `${letter}${from}:${letter}${last}`;
    if (c.name === periodCol) {
      // The period rows are locked; a revision row picks an earlier period from the list.
      if (!recordLevel && listRefs.has('periods')) {
        addValidation(rangeOf(first + prefilled), { type: 'list', allowBlank: true, formulae: [`${listRefs.get('periods')}`], ...prompt, prompt: clip(`The earlier period this row corrects: ${ctx.revisable.map((p) => p.id).join(', ')}.`, 255), ...error(`Pick an earlier period from the list (${ctx.revisable.map((p) => p.id).join(', ')}).`) });
      }
      return;
    }
    if (c.name === areaCol) {
      const list = c.values?.length ? listRefs.get(`values:${c.name}`) : listRefs.get('areas');
      if (list) addValidation(rangeOf(first + prefilled), { type: 'list', allowBlank: true, formulae: [`${list}`], ...prompt, ...error(`Pick one from the list: ${ruleText(c, ctx)}.`) });
      return;
    }
    const range = rangeOf(first);
    const markerMatch = `ISNUMBER(MATCH(${ref},${markerList},0))`;
    if (c.type === 'integer') {
      addValidation(range, { type: 'custom', allowBlank: true, formulae: [`OR(AND(ISNUMBER(${ref}),${ref}>=0,${ref}=INT(${ref})),${markerMatch})`], ...prompt, ...error(`A whole number, 0 or more, or a marker (${SHOWN_MARKERS.join(', ')}).`) });
    } else if (c.type === 'decimal' || c.type === 'percent') {
      addValidation(range, { type: 'custom', allowBlank: true, formulae: [`OR(ISNUMBER(${ref}),${markerMatch})`], ...prompt, ...error(`A number, or a marker (${SHOWN_MARKERS.join(', ')}).`) });
    } else if (c.type === 'date') {
      // A warning, not a stop: a record may well have started before the period, and a revision row is earlier.
      addValidation(range, { type: 'date', operator: 'between', allowBlank: true, formulae: [new Date(`${period.start}T00:00:00Z`), new Date(`${period.end}T00:00:00Z`)], errorStyle: 'warning', ...prompt, ...error(`This date is outside ${period.label} (${period.start} to ${period.end}). Keep it only if the row really belongs to an earlier period.`) });
    } else if (c.values?.length && listRefs.has(`values:${c.name}`)) {
      addValidation(range, { type: 'list', allowBlank: true, formulae: [`${listRefs.get(`values:${c.name}`)}`], ...prompt, ...error(`One of ${c.values.join(', ')}.`) });
    } else {
      // No rule to check, but the column's meaning is still shown when a cell is selected.
      addValidation(range, { type: 'any' as ExcelJS.DataValidation['type'], allowBlank: true, formulae: [], ...prompt });
    }
  });
  await data.protect('', { selectLockedCells: true, selectUnlockedCells: true, formatColumns: true, formatRows: true, formatCells: false, insertRows: false, deleteRows: false, sort: false, autoFilter: false });

  // --- Earlier periods (read only) -------------------------------------------------------------------------
  if (held) {
    held.columns = columns.map((c) => ({ width: Math.min(40, Math.max(14, c.name.length + 4)) }));
    held.getCell(1, 1).value = safeText(`Already held by ${config.partnership.name}, read only, for reference. To correct a figure, fill in a yellow row of the "${DATA_SHEET}" sheet with its period.`);
    held.getCell(1, 1).font = { italic: true, bold: true, color: { argb: 'FF7F6000' } };
    const h = held.getRow(HEADER_ROW);
    columns.forEach((c, i) => { const cell = h.getCell(i + 1); cell.value = c.name; cell.font = { bold: true }; cell.fill = GREY; });
    for (const hp of ctx.held) {
      for (const r of hp.rows) {
        const row = held.addRow(columns.map((c) => numberOrText(r[c.name] ?? '', c)));
        row.eachCell((cell) => { cell.fill = GREY; });
      }
    }
    await held.protect('', { selectLockedCells: true, selectUnlockedCells: true, formatColumns: true });
  }

  // --- Identity (very hidden) ------------------------------------------------------------------------------
  for (const row of identityRows({
    kind: RETURN_KIND, layoutVersion: LAYOUT_VERSION, source: source.id, contractVersion: source.contractVersion, period: period.id,
    dataSheet: DATA_SHEET, headerRow: HEADER_ROW, columns: columns.map((c) => c.name), generatedAt: ctx.generatedAt,
  })) ident.addRow(row);
  await ident.protect('', {});

  wb.views = [{ activeTab: 0, x: 0, y: 0, width: 20000, height: 12000, firstSheet: 0, visibility: 'visible' }];
  const buffer = await wb.xlsx.writeBuffer();
  return setZipTimestamps(new Uint8Array(buffer as ArrayBuffer), at);
}

function addFact(ws: ExcelJS.Worksheet, key: string, value: string): void {
  const row = ws.addRow([safeText(key), safeText(value)]);
  row.getCell(1).font = { bold: true };
  row.getCell(2).alignment = { wrapText: true, vertical: 'top' };
  row.getCell(1).alignment = { wrapText: true, vertical: 'top' };
}

/** A held figure as a number cell where it is one (so it can be copied back as a number), else its text. */
function numberOrText(v: string, c: ColumnContract): string | number {
  if ((c.type === 'integer' || c.type === 'decimal' || c.type === 'percent') && v !== '' && Number.isFinite(Number(v))) return Number(v);
  return safeText(v);
}

