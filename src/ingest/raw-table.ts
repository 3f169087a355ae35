/**
 * Both readers fill the same all-text staging table, so typing, markers, periods and areas are handled once
 * (in `stage.ts`) whatever the file format: `_file`, `_sheet`, `_row` (the row number a person sees in the
 * file) and one VARCHAR column per contract column.
 */
import type { SourceDef } from '../config/types.js';
import { quoteIdent, type Warehouse } from '../warehouse/db.js';
import { contractColumnNames } from './headers.js';

export const RAW_TABLE = 'bp_raw';

export async function createRawTable(wh: Warehouse, source: SourceDef): Promise<string[]> {
  const cols = contractColumnNames(source);
  await wh.run(`CREATE OR REPLACE TEMP TABLE ${RAW_TABLE} (_file VARCHAR, _sheet VARCHAR, _row INTEGER, ${cols.map((c) => `${quoteIdent(c)} VARCHAR`).join(', ')})`);
  return cols;
}
