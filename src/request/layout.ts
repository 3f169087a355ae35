/**
 * The layout a request workbook promises and ingest relies on: which sheet holds the data, on which row its
 * header is, and the contract (id and version) it was made from. Written on a very hidden sheet, so a returned
 * workbook is recognised and read without guessing, and a template of an older contract version is refused.
 */
export const IDENTITY_SHEET = '_boardpack';
export const DATA_SHEET = 'Data';
export const COVER_SHEET = 'Cover';
export const HELD_SHEET = 'Earlier periods';
export const LISTS_SHEET = 'Lists';
/** What the identity sheet's first cell says, so that no other workbook is taken for a return. */
export const RETURN_KIND = 'boardpack data return';
export const LAYOUT_VERSION = '1';
/** The data sheet: one line of guidance, then the header row, then the rows to fill in. */
export const HEADER_ROW = 2;
/** Folder of the project where returned templates are dropped; ingest reads every return found there. */
export const RETURNS_DIR = 'returns';

export interface ReturnIdentity {
  kind: string;
  layoutVersion: string;
  source: string;
  contractVersion: string;
  period: string;
  dataSheet: string;
  headerRow: number;
  /** Contract column names in the data sheet's column order. */
  columns: string[];
  generatedAt: string;
}

/** The identity sheet's rows: key in column A, value in column B. */
export function identityRows(id: ReturnIdentity): Array<[string, string]> {
  return [
    ['kind', id.kind],
    ['layout_version', id.layoutVersion],
    ['source', id.source],
    ['contract_version', id.contractVersion],
    ['period', id.period],
    ['data_sheet', id.dataSheet],
    ['header_row', String(id.headerRow)],
    ['columns', id.columns.join(',')],
    ['generated_at', id.generatedAt],
  ];
}

/** The identity read back, or undefined when the rows are not a boardpack return's. */
export function parseIdentity(rows: Map<string, string>): ReturnIdentity | undefined {
  if (rows.get('kind') !== RETURN_KIND) return undefined;
  const headerRow = Number(rows.get('header_row'));
  const source = rows.get('source');
  if (!source || !Number.isInteger(headerRow) || headerRow < 1) return undefined;
  return {
    kind: RETURN_KIND,
    layoutVersion: rows.get('layout_version') ?? '',
    source,
    contractVersion: rows.get('contract_version') ?? '',
    period: rows.get('period') ?? '',
    dataSheet: rows.get('data_sheet') || DATA_SHEET,
    headerRow,
    columns: (rows.get('columns') ?? '').split(',').filter(Boolean),
    generatedAt: rows.get('generated_at') ?? '',
  };
}

/** The file name of a source's request for a period. */
export const requestFileName = (source: string, period: string, ext: 'xlsx' | 'csv') => `${source}_${period}_return.${ext}`;
