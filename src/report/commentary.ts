/**
 * The commentary workflow (item 7): `boardpack commentary export` writes one row per priority and per
 * indicator, with its owner, latest status and last quarter's text carried forward; owners edit the text; `run`
 * reads it back into the pack.
 *
 * Two formats with the same fields: a workbook (`commentary.xlsx`, sheet "Commentary") or YAML
 * (`commentary.yaml`). Text is always data: nothing in it is evaluated (a cell holding a formula is read as the
 * formula's text, never its result) and it is printed escaped (html.ts).
 *
 * Knowing which period a text was written for, without asking owners to fill in a date: each row carries the
 * period its text was written for and a fingerprint of the text as exported. Text that differs from its
 * fingerprint was edited after the export, so it was written for the workbook's report period; text that matches
 * is last quarter's, carried forward, and the pack flags it as older than the data.
 *
 * Never losing text: rows for indicators that left the framework are kept at the bottom of the next export
 * ("In framework: no"), and new indicators get empty rows; rows are matched by id, never by position.
 *
 * Per area: a row may name a locality (the "Area" column; `areas:` in YAML). Its text is that locality's own,
 * printed only in the locality's pack (`run --each area`); a row without an area is the partnership's. The two
 * are never mixed: a locality with no row of its own prints none, not the partnership's.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { BoardpackError, didYouMean, problem, type Problem } from '../core/errors.js';
import { cachedYamlData } from '../config/yaml.js';
import type { AssessedValue, Assessment } from '../assess/types.js';
import type { Area, Config } from '../config/types.js';
import type { Commentary } from './model.js';
import { directionView, figureView, ragView } from './format.js';
import { safeText, setZipTimestamps } from './xlsx.js';

export const COMMENTARY_SHEET = 'Commentary';
const NOTES_SHEET = 'How to fill in';

const RAG_ORDER = ['red', 'amber', 'green', 'blue', 'grey'] as const;

/** One row of the commentary file. */
export interface CommentaryRow {
  id: string;
  /** The locality the text is written for (its id, name, code or alias as written); '' for the partnership. */
  area: string;
  kind: 'priority' | 'indicator';
  title: string;
  priority: string;
  owner: string;
  /** The period this file was exported for (id). */
  reportPeriod: string;
  latest: string;
  rating: string;
  direction: string;
  status: string;
  story: string;
  whatWorks: string;
  partners: string;
  actions: string;
  /** Period id the text was written for. */
  writtenFor: string;
  /** ISO date the text was last changed, when known. */
  updated: string;
  inFramework: boolean;
  /** sha256 (first 16 hex) of the text as exported. */
  fingerprint: string;
  /** Where the row was read from, for messages: the sheet row, or the YAML path of its entry. */
  at?: { row?: number; yamlPath?: string };
}

/** Workbook columns, in order: field, header, width. The text columns are the ones owners edit. */
const COLUMNS: Array<{ key: keyof CommentaryRow; header: string; width: number; text?: boolean }> = [
  { key: 'id', header: 'Id', width: 26 },
  { key: 'area', header: 'Area', width: 12 },
  { key: 'kind', header: 'Kind', width: 11 },
  { key: 'title', header: 'Title', width: 36 },
  { key: 'priority', header: 'Priority', width: 22 },
  { key: 'owner', header: 'Owner', width: 22 },
  { key: 'reportPeriod', header: 'Report period', width: 13 },
  { key: 'latest', header: 'Latest figure', width: 16 },
  { key: 'rating', header: 'Rating', width: 11 },
  { key: 'direction', header: 'Direction (previous period)', width: 18 },
  { key: 'status', header: 'Status', width: 50 },
  { key: 'story', header: 'Story behind the curve', width: 60, text: true },
  { key: 'whatWorks', header: 'What works', width: 40, text: true },
  { key: 'partners', header: 'Partners with a role', width: 30, text: true },
  { key: 'actions', header: 'Actions (what we will do)', width: 50, text: true },
  { key: 'writtenFor', header: 'Text written for period', width: 14 },
  { key: 'updated', header: 'Updated', width: 12 },
  { key: 'inFramework', header: 'In framework', width: 12 },
  { key: 'fingerprint', header: 'Fingerprint (do not edit)', width: 18 },
];

const TEXT_KEYS = ['story', 'whatWorks', 'partners', 'actions'] as const;

export function textFingerprint(row: Pick<CommentaryRow, (typeof TEXT_KEYS)[number]>): string {
  const text = TEXT_KEYS.map((k) => (row[k] ?? '').replace(/\r\n/g, '\n').trim()).join('\u0000');
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

const hasText = (row: Pick<CommentaryRow, (typeof TEXT_KEYS)[number]>) => TEXT_KEYS.some((k) => !!row[k]?.trim());

/** The period a row's text was written for: the report period when edited since export, else as recorded. */
export function writtenFor(row: CommentaryRow): string {
  if (!hasText(row)) return '';
  if (!row.fingerprint || row.fingerprint !== textFingerprint(row)) return row.reportPeriod || row.writtenFor;
  return row.writtenFor || row.reportPeriod;
}

/** Where a project's commentary lives: `commentary:` in the config, else `commentary.xlsx` or `.yaml` in the project. */
export function commentaryPathOf(config: Pick<Config, 'root' | 'commentaryPath'>): { file: string; configured: boolean } {
  if (config.commentaryPath) return { file: config.commentaryPath, configured: true };
  // Both a workbook and a YAML file (after switching format): the one edited last is the owners' current text.
  const found = ['commentary.xlsx', 'commentary.yaml', 'commentary.yml'].map((n) => path.join(config.root, n)).filter((f) => existsSync(f));
  found.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return { file: found[0] ?? path.join(config.root, 'commentary.xlsx'), configured: false };
}

const isYaml = (file: string) => /\.ya?ml$/i.test(file);

/**
 * A commentary file as read: its rows, and `unread`, a problem for each piece of text in the file that no row
 * carries (an unknown header or key, text in a row without an Id, a second row with the same Id; errors) or that
 * only a rewrite would drop (a sheet of the owners' own; warnings).
 */
export interface CommentaryRead { rows: CommentaryRow[]; unread: Problem[] }

/**
 * Read a commentary file for `run` (IO): the rows, or BoardpackError naming every piece of text that would not
 * reach the pack, so owners' text is never dropped without a word. Throws BP_COMMENTARY_READ when unreadable.
 */
export async function readCommentaryFile(file: string): Promise<CommentaryRow[]> {
  const { rows, unread } = await readCommentary(file);
  const errors = unread.filter((p) => p.severity === 'error');
  if (errors.length) throw new BoardpackError(errors);
  return rows;
}

/** Read a commentary file as far as it can be read (IO), with what was not read back. Throws BP_COMMENTARY_READ when unreadable. */
export async function readCommentary(file: string): Promise<CommentaryRead> {
  try {
    return isYaml(file) ? readCommentaryYaml(readFileSync(file, 'utf8'), file) : await readCommentaryWorkbook(file);
  } catch (e) {
    if (e instanceof BoardpackError) throw e;
    throw new BoardpackError(problem('BP_COMMENTARY_READ', `the commentary file could not be read: ${(e as Error).message.split('\n')[0]}`, {
      file,
      fix: 'check that the file is the workbook (or YAML) `boardpack commentary export` wrote, and that it is not open and locked in another program',
    }), { cause: e });
  }
}

/** A cell's text: formulas as their own text (never evaluated), rich text joined, dates as ISO dates. */
function cellText(cell: { value: unknown; text?: string }): string {
  const v = cell.value as unknown;
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v.replace(/^'(?=[=+\-@\t\r])/, '');
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  const o = v as { formula?: string; sharedFormula?: string; richText?: Array<{ text: string }>; text?: string; hyperlink?: string; error?: string };
  if (o.formula !== undefined) return `=${o.formula}`;
  if (o.sharedFormula !== undefined) return `=${o.sharedFormula}`;
  if (o.richText) return o.richText.map((r) => r.text).join('');
  if (o.text !== undefined) return String(o.text);
  if (o.error) return String(o.error);
  return cell.text ?? '';
}

const columnLetter = (col: number): string => (col > 26 ? columnLetter(Math.floor((col - 1) / 26)) : '') + String.fromCharCode(65 + ((col - 1) % 26));

/** The header an unknown one was probably meant to be: a near spelling, else a missing header sharing a word with it. */
function headerMeant(header: string, missing: string[]): string | undefined {
  const all = COLUMNS.map((c) => c.header);
  const near = didYouMean(header, missing) ?? didYouMean(header, all);
  if (near) return near;
  const words = new Set(header.toLowerCase().match(/[a-z]{3,}/g) ?? []);
  return missing.find((m) => (m.toLowerCase().match(/[a-z]{3,}/g) ?? []).some((w) => words.has(w)));
}

async function readCommentaryWorkbook(file: string): Promise<CommentaryRead> {
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const ws = wb.getWorksheet(COMMENTARY_SHEET) ?? wb.worksheets[0];
  if (!ws) throw new BoardpackError(problem('BP_COMMENTARY_READ', 'the commentary workbook has no sheets', { file, fix: 'run `boardpack commentary export` to write a new one' }));
  const unread: Problem[] = [];
  const known = new Map(COLUMNS.map((c) => [c.header.toLowerCase(), c.header]));
  const header = new Map<string, number>();
  const unknown: Array<{ text: string; col: number }> = [];
  const headed = new Set<number>();
  ws.getRow(1).eachCell((cell, col) => {
    const text = cellText(cell).trim();
    if (!text) return;
    headed.add(col);
    const key = text.toLowerCase();
    if (!known.has(key)) unknown.push({ text, col });
    else if (header.has(key)) {
      unread.push(problem('BP_COMMENTARY_UNKNOWN_HEADER', `the header "${known.get(key)}" is in the first row twice: the text under column ${columnLetter(col)} would not reach the pack`, {
        file, sheet: ws.name, column: columnLetter(col), value: text.slice(0, 60), fix: 'keep one column of that name: move its text into the other and delete this one',
      }));
    } else header.set(key, col);
  });
  if (!header.has('id')) {
    throw new BoardpackError(problem('BP_COMMENTARY_READ', `the sheet "${ws.name}" has no "Id" column in its first row`, {
      file, sheet: ws.name, value: unknown.map((u) => u.text).join(', ').slice(0, 200), fix: 'keep the header row `boardpack commentary export` wrote; columns may be reordered but not renamed',
    }));
  }
  const missing = COLUMNS.map((c) => c.header).filter((h) => !header.has(h.toLowerCase()));
  for (const u of unknown) {
    const meant = headerMeant(u.text, missing);
    unread.push(problem('BP_COMMENTARY_UNKNOWN_HEADER', `unknown column "${u.text.slice(0, 60)}" in the commentary workbook: its text would not reach the pack${meant ? `; did you mean "${meant}"?` : ''}`, {
      file, sheet: ws.name, column: columnLetter(u.col), value: u.text.slice(0, 60),
      expected: `one of the headers \`boardpack commentary export\` wrote (${COLUMNS.filter((c) => c.text).map((c) => c.header).join(', ')} for the text)`,
      fix: meant ? `rename the header back to "${meant}"` : 'move its text into one of those columns and delete the column',
    }));
  }
  const rows: CommentaryRow[] = [];
  const firstRow = new Map<string, number>();
  const textUnderNoHeader = new Set<number>();
  for (let r = 2; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    const get = (key: keyof CommentaryRow) => {
      const h = COLUMNS.find((c) => c.key === key)!.header.toLowerCase();
      const col = header.get(h);
      return col ? cellText(row.getCell(col)).trim() : '';
    };
    row.eachCell((cell, col) => { if (!headed.has(col) && cellText(cell).trim()) textUnderNoHeader.add(col); });
    const id = get('id');
    const read: CommentaryRow = { ...rowFrom(get), at: { row: r } };
    if (!id) {
      if (hasText(read)) {
        unread.push(problem('BP_COMMENTARY_NO_ID', `row ${r} holds commentary but no Id: its text would not reach the pack`, {
          file, sheet: ws.name, row: r, fix: 'put back the Id of the indicator or priority the text is for (rows are matched by Id)',
        }));
      }
      continue;
    }
    const earlier = firstRow.get(rowKey(read));
    if (earlier !== undefined) {
      unread.push(problem('BP_COMMENTARY_DUPLICATE_ID', `rows ${earlier} and ${r} are both for "${id.slice(0, 60)}"${read.area ? ` in ${read.area.slice(0, 60)}` : ''}: only one row's text can reach the pack`, {
        file, sheet: ws.name, row: r, value: id.slice(0, 60), fix: 'keep one row per Id (and Area): move the text into one row and delete the other',
      }));
      continue;
    }
    firstRow.set(rowKey(read), r);
    rows.push(read);
  }
  for (const col of textUnderNoHeader) {
    unread.push(problem('BP_COMMENTARY_UNKNOWN_HEADER', `column ${columnLetter(col)} holds text but has no header: its text would not reach the pack`, {
      file, sheet: ws.name, column: columnLetter(col), fix: 'move the text into Story behind the curve, What works, Partners with a role or Actions, and clear the column',
    }));
  }
  // A sheet of the owners' own is not commentary, but a new export would not carry it.
  for (const other of wb.worksheets) {
    if (other === ws || other.name === NOTES_SHEET || other.actualRowCount === 0) continue;
    unread.push(problem('BP_COMMENTARY_OTHER_SHEET', `the sheet "${other.name}" is not one \`boardpack commentary export\` writes`, {
      severity: 'warning', file, sheet: other.name, fix: 'keep notes of your own in another workbook',
    }));
  }
  return { rows, unread };
}

function rowFrom(get: (key: keyof CommentaryRow) => string): CommentaryRow {
  return {
    id: get('id'),
    area: get('area'),
    kind: /^priority/i.test(get('kind')) ? 'priority' : 'indicator',
    title: get('title'),
    priority: get('priority'),
    owner: get('owner'),
    reportPeriod: get('reportPeriod'),
    latest: get('latest'),
    rating: get('rating'),
    direction: get('direction'),
    status: get('status'),
    story: get('story'),
    whatWorks: get('whatWorks'),
    partners: get('partners'),
    actions: get('actions'),
    writtenFor: get('writtenFor'),
    updated: get('updated'),
    inFramework: !/^no/i.test(get('inFramework')),
    fingerprint: get('fingerprint'),
  };
}

const YAML_KEYS: Record<string, keyof CommentaryRow> = {
  kind: 'kind', title: 'title', priority: 'priority', owner: 'owner', report_period: 'reportPeriod', latest: 'latest', rating: 'rating',
  direction: 'direction', status: 'status', story: 'story', what_works: 'whatWorks', partners: 'partners', actions: 'actions',
  written_for: 'writtenFor', updated: 'updated', in_framework: 'inFramework', fingerprint: 'fingerprint',
};

/** Parse commentary YAML for `run`: the rows, or BoardpackError naming every unknown key (with a did-you-mean). */
export function parseCommentaryYaml(text: string, file: string): CommentaryRow[] {
  const { rows, unread } = readCommentaryYaml(text, file);
  if (unread.length) throw new BoardpackError(unread);
  return rows;
}

/** YAML.parse's data, errors and printed warnings; a text it warns about is parsed afresh on every run, so it warns every time. */
function parseCommentaryText(text: string): { data: unknown; cacheable: boolean } {
  const doc = YAML.parseDocument(text);
  if (doc.errors.length || doc.warnings.length) return { data: YAML.parse(text), cacheable: false };
  return { data: doc.toJS(), cacheable: true };
}

function readCommentaryYaml(text: string, file: string): CommentaryRead {
  const doc = cachedYamlData(text, 'commentary', parseCommentaryText) as { commentary?: unknown; areas?: unknown } | null;
  const topUnknown = doc && typeof doc === 'object' ? Object.keys(doc).filter((k) => k !== 'commentary' && k !== 'areas' && k !== '$schema') : [];
  // An unknown key (`Commentary:`, `stroy:`) would drop the owner's text without a word: each is named.
  const unread: Problem[] = topUnknown.map((k) => unknownKey(k, ['commentary', 'areas'], file, k));
  const rows = yamlEntries(doc?.commentary, 'commentary', '', file, unread);
  const areas = doc?.areas;
  if (areas !== undefined && areas !== null) {
    if (typeof areas !== 'object' || Array.isArray(areas)) {
      unread.push(problem('BP_COMMENTARY_READ', '`areas:` must map each locality id to its commentary', { file, yamlPath: 'areas', fix: 'write `areas:`, then `<locality id>:`, then one `<indicator id>:` per indicator with `story:`, `actions:` …' }));
    } else {
      for (const [area, entries] of Object.entries(areas)) rows.push(...yamlEntries(entries, `areas.${area}`, area, file, unread));
    }
  }
  return { rows, unread };
}

/** The rows of one `<id>: {fields}` mapping (the partnership's, or one locality's under `areas:`); what cannot be read goes to `problems`. */
function yamlEntries(entries: unknown, at: string, area: string, file: string, problems: Problem[]): CommentaryRow[] {
  if (entries === undefined || entries === null) return [];
  if (typeof entries !== 'object' || Array.isArray(entries)) {
    problems.push(problem('BP_COMMENTARY_READ', `\`${at}:\` must map each indicator or priority id to its fields`, { file, yamlPath: at, fix: `write \`${at}:\` then one \`<id>:\` per indicator with \`story:\`, \`actions:\` …` }));
    return [];
  }
  const rows: CommentaryRow[] = [];
  for (const [id, fields] of Object.entries(entries)) {
    if (fields !== null && fields !== undefined && (typeof fields !== 'object' || Array.isArray(fields))) {
      problems.push(problem('BP_COMMENTARY_READ', `${at}.${id} must be a mapping of fields (story:, actions: …)`, { file, yamlPath: `${at}.${id}`, fix: 'indent the fields under the id' }));
      continue;
    }
    const f = (fields ?? {}) as Record<string, unknown>;
    for (const k of Object.keys(f)) if (!(k in YAML_KEYS)) problems.push(unknownKey(k, Object.keys(YAML_KEYS), file, `${at}.${id}.${k}`));
    const row = rowFrom((key) => {
      if (key === 'id') return id;
      if (key === 'area') return area;
      const yamlKey = Object.keys(YAML_KEYS).find((k) => YAML_KEYS[k] === key)!;
      const v = f[yamlKey];
      if (v === undefined || v === null) return key === 'inFramework' ? 'yes' : '';
      if (typeof v === 'boolean') return v ? 'yes' : 'no';
      return String(v).trim();
    });
    rows.push({ ...row, at: { yamlPath: area ? `areas.${area}` : `${at}.${id}` } });
  }
  return rows;
}

function unknownKey(key: string, allowed: string[], file: string, yamlPath: string): Problem {
  const near = didYouMean(key, allowed);
  return problem('BP_COMMENTARY_UNKNOWN_KEY', `unknown key "${key.slice(0, 60)}" in the commentary file: its text would not reach the pack${near ? `; did you mean ${near}?` : ''}`, {
    file, yamlPath, value: key.slice(0, 60), expected: `one of ${allowed.join(', ')}`, fix: near ? `rename it to ${near}` : `use one of ${allowed.join(', ')}`,
  });
}

/** A locality's id by anything a person might type for it (id, name, code, alias; any case); '' for the partnership. */
function areaResolver(areas: readonly Area[]): (written: string) => string | undefined {
  const byKey = new Map<string, string>();
  for (const a of areas) for (const k of [a.id, a.name, a.code, ...a.aliases]) if (k) byKey.set(k.trim().toLowerCase(), a.isWhole ? '' : a.id);
  return (written) => (written.trim() === '' ? '' : byKey.get(written.trim().toLowerCase()));
}

/** Every row's area as a locality id; a row naming no known area is an error naming where it is. */
function resolveRowAreas(rows: CommentaryRow[], areas: readonly Area[], file: string): { rows: CommentaryRow[]; problems: Problem[] } {
  const resolve = areaResolver(areas);
  const localities = areas.filter((a) => !a.isWhole);
  const problems: Problem[] = [];
  const resolved: CommentaryRow[] = [];
  for (const row of rows) {
    const area = resolve(row.area);
    if (area !== undefined) {
      resolved.push({ ...row, area });
      continue;
    }
    const near = didYouMean(row.area, localities.flatMap((a) => [a.id, a.name]));
    const nearId = near && localities.find((a) => a.id === near || a.name === near)?.id;
    const yaml = row.at?.yamlPath !== undefined;
    problems.push(problem('BP_COMMENTARY_UNKNOWN_AREA', `the commentary for "${row.id}" names the area "${row.area.slice(0, 60)}", which is not a locality of this partnership${nearId ? `; did you mean ${nearId}?` : ''}`, {
      file: path.basename(file), ...(yaml ? { yamlPath: row.at!.yamlPath } : { sheet: COMMENTARY_SHEET, row: row.at?.row, column: 'Area' }),
      value: row.area.slice(0, 60), expected: `one of ${localities.map((a) => a.id).join(', ')}, or blank for the partnership`,
      fix: nearId ? `write ${nearId}` : `use a locality id from \`areas:\` in boardpack.yaml (${localities.map((a) => a.id).join(', ')}), or leave it blank for the partnership's commentary`,
    }));
  }
  return { rows: resolved, problems };
}

const rowKey = (r: Pick<CommentaryRow, 'id' | 'area'>) => `${r.id}\u0000${r.area}`;

/**
 * The pack's commentary from the rows (by id): the partnership's, and each locality's own (by area id, then id);
 * problems: rows for unknown ids (warnings), unknown areas (errors), text older than the data (warnings).
 */
export function commentaryForPack(rows: CommentaryRow[], config: Pick<Config, 'framework' | 'areas'>, assessment: Assessment, file: string): { commentary: Record<string, Commentary>; areas: Record<string, Record<string, Commentary>>; problems: Problem[] } {
  const commentary: Record<string, Commentary> = {};
  const areas: Record<string, Record<string, Commentary>> = {};
  const resolved = resolveRowAreas(rows.filter(hasText), config.areas, file);
  const problems: Problem[] = [...resolved.problems];
  const known = new Map<string, string>();
  for (const p of config.framework.priorities) known.set(p.id, assessment.period.id);
  for (const ia of assessment.indicators) known.set(ia.indicator.id, ia.latest.period);
  const areaName = new Map(config.areas.map((a) => [a.id, a.name]));
  const rel = path.basename(file);
  for (const row of resolved.rows) {
    const latest = known.get(row.id);
    if (latest === undefined) {
      if (row.inFramework) {
        problems.push(problem('BP_COMMENTARY_UNKNOWN', `commentary for "${row.id}", which is not an indicator or priority in this framework, is not printed`, {
          severity: 'warning', file: rel, value: row.id, fix: 'correct the id, or leave the row: the next `boardpack commentary export` keeps it at the bottom, marked "In framework: no"',
        }));
      }
      continue;
    }
    const period = writtenFor(row);
    const into = row.area ? (areas[row.area] ??= {}) : commentary;
    into[row.id] = {
      story: row.story || undefined,
      whatWorks: row.whatWorks || undefined,
      partners: row.partners || undefined,
      actions: row.actions || undefined,
      updatedAt: /^\d{4}-\d{2}-\d{2}/.test(row.updated) ? row.updated.slice(0, 10) : undefined,
      period: period || undefined,
    };
    if (period && period !== latest) {
      const whose = row.area ? ` for ${areaName.get(row.area) ?? row.area}` : '';
      problems.push(problem('BP_COMMENTARY_STALE', `the commentary${whose} for "${row.title || row.id}" was written for ${period}, but the figures are for ${latest}`, {
        severity: 'warning', file: rel, value: row.area ? `${row.id} (${row.area})` : row.id, fix: `ask the owner${row.owner ? ` (${row.owner})` : ''} to update the text; run \`boardpack commentary export\`, edit the row and run again`,
      }));
    }
  }
  return { commentary, areas, problems };
}

/**
 * The rows of a new export: one per priority and indicator, in framework order, with today's figures and the
 * text carried forward from `previous` (matched by id and area); rows for ids no longer in the framework follow,
 * kept. With `eachArea`, every priority and indicator also gets one row per locality, with the locality's own
 * figure; without it, the locality rows `previous` already has are kept (a file once written per area stays so).
 * A previous row naming an unknown area throws BP_COMMENTARY_UNKNOWN_AREA: its text is never dropped unseen.
 */
export function buildCommentaryRows(
  config: Pick<Config, 'framework' | 'areas'>, assessment: Assessment, previousRows: CommentaryRow[], today: string, options: { eachArea?: boolean; file?: string } = {},
): CommentaryRow[] {
  const resolved = resolveRowAreas(previousRows, config.areas, options.file ?? 'commentary');
  if (resolved.problems.length) throw new BoardpackError(resolved.problems);
  const previous = resolved.rows;
  const old = new Map(previous.map((r) => [rowKey(r), r]));
  const priorityTitle = new Map(config.framework.priorities.map((p) => [p.id, p.title]));
  const localities = config.areas.filter((a) => !a.isWhole).filter((a) => options.eachArea || previous.some((r) => r.area === a.id));
  const carry = (id: string, area: string) => {
    const r = old.get(rowKey({ id, area }));
    const text = { story: r?.story ?? '', whatWorks: r?.whatWorks ?? '', partners: r?.partners ?? '', actions: r?.actions ?? '' };
    const period = r ? writtenFor(r) : '';
    // A text edited since the last export was changed after that export's date: keep the owner's date if given.
    const updated = r?.updated || (r && period && r.fingerprint !== textFingerprint(r) ? today : '');
    return { ...text, writtenFor: period, updated, fingerprint: textFingerprint(text) };
  };
  const wanted = (id: string, area: string) => options.eachArea || old.has(rowKey({ id, area }));
  const tallyOf = (values: Array<Pick<AssessedValue, 'rag'>>) => RAG_ORDER
    .map((r) => [r, values.filter((v) => v.rag === r).length] as const).filter(([, n]) => n > 0)
    .map(([r, n]) => `${n} ${ragView(r).word.toLowerCase()}`).join(', ');
  const rows: CommentaryRow[] = [];
  for (const p of config.framework.priorities) {
    const list = assessment.indicators.filter((ia) => ia.indicator.priority === p.id);
    const base = { id: p.id, kind: 'priority' as const, title: p.title, priority: p.title, owner: old.get(rowKey({ id: p.id, area: '' }))?.owner ?? '', reportPeriod: assessment.period.id, latest: '', direction: '', status: `Report card: ${list.length} indicators`, inFramework: true };
    rows.push({ ...base, area: '', rating: tallyOf(list.map((ia) => ia.latest)), ...carry(p.id, '') });
    for (const a of localities) {
      if (!wanted(p.id, a.id)) continue;
      const mine = list.map((ia) => ia.byArea.find((v) => v.area === a.id)).filter((v) => v !== undefined);
      rows.push({ ...base, area: a.id, owner: old.get(rowKey({ id: p.id, area: a.id }))?.owner ?? base.owner, rating: tallyOf(mine), status: `${a.name}'s report card: ${list.length} indicators`, ...carry(p.id, a.id) });
    }
  }
  for (const ia of assessment.indicators) {
    const def = ia.indicator;
    const line = (l: AssessedValue, area: string, compared: string) => ({
      id: def.id, area, kind: 'indicator' as const, title: def.title, priority: priorityTitle.get(def.priority) ?? def.priority, owner: def.owner ?? old.get(rowKey({ id: def.id, area }))?.owner ?? '',
      reportPeriod: l.period, latest: `${figureView(def, l).text} (${l.periodLabel})`, rating: ragView(l.rag).word,
      direction: directionView(l.direction, l.value, l.previousValue, def, compared).text, status: l.sentence,
      ...carry(def.id, area), inFramework: true,
    });
    rows.push(line(ia.latest, '', 'the previous period'));
    for (const a of localities) {
      if (!wanted(def.id, a.id)) continue;
      const l = ia.byArea.find((v) => v.area === a.id);
      rows.push(l ? line(l, a.id, 'the previous period')
        : { ...line(ia.latest, a.id, 'the previous period'), latest: 'no figure', rating: ragView('grey').word, direction: '', status: `${def.title}: no figure for ${a.name} in ${ia.latest.periodLabel}.` });
    }
  }
  const current = new Set(rows.map(rowKey));
  for (const r of previous) {
    if (current.has(rowKey(r))) continue;
    rows.push({ ...r, at: undefined, writtenFor: writtenFor(r), fingerprint: textFingerprint(r), inFramework: false, status: r.status || 'no longer in the framework' });
  }
  return rows;
}

/**
 * The text of `previous` rows that `rows` (a new export built from them) does not carry, as problems: every row
 * with text must come out under its id with the same text. buildCommentaryRows keeps rows that left the
 * framework, so this is a guard that the file being replaced loses nothing, whatever the rows held.
 */
export function uncarriedText(previous: CommentaryRow[], rows: CommentaryRow[], file: string): Problem[] {
  // Matched by id and text, not area: a previous row may name its area as written ("North"), the new one by id.
  const carried = (p: CommentaryRow) => rows.some((r) => r.id === p.id && TEXT_KEYS.every((k) => r[k] === p[k]));
  return previous.filter((p) => hasText(p) && !carried(p)).map((p) => problem('BP_COMMENTARY_NOT_CARRIED', `the text for "${p.id.slice(0, 60)}" would not be carried into the new export`, {
    file, value: p.id.slice(0, 60), fix: 'copy the text across by hand',
  }));
}

/** The commentary workbook (pure: bytes). Text cells are neutralised against formula injection. */
export async function renderCommentaryWorkbook(rows: CommentaryRow[], meta: { partnership: string; periodLabel: string; generatedAt: string }): Promise<Uint8Array> {
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  const at = new Date(meta.generatedAt);
  wb.creator = 'boardpack';
  wb.created = at;
  wb.modified = at;
  wb.title = `${meta.partnership}: commentary for ${meta.periodLabel}`;
  const ws = wb.addWorksheet(COMMENTARY_SHEET);
  ws.columns = COLUMNS.map((c) => ({ header: c.header, width: c.width }));
  ws.getRow(1).font = { bold: true };
  ws.getRow(1).alignment = { vertical: 'top', wrapText: true };
  for (const r of rows) {
    const row = ws.addRow(COLUMNS.map((c) => {
      const v = r[c.key];
      return typeof v === 'boolean' ? (v ? 'yes' : 'no (not in the framework)') : safeText(String(v ?? ''));
    }));
    row.alignment = { vertical: 'top', wrapText: true };
    COLUMNS.forEach((c, i) => {
      if (c.text) row.getCell(i + 1).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFF8D6' } };
    });
  }
  ws.views = [{ state: 'frozen', xSplit: 3, ySplit: 1 }];
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: rows.length + 1, column: COLUMNS.length } };
  ws.getColumn(COLUMNS.length).hidden = true;
  const notes = wb.addWorksheet('How to fill in');
  notes.columns = [{ header: 'How to fill in this workbook', width: 110 }];
  for (const line of [
    `One row per priority (its report card) and per indicator, for ${meta.periodLabel}. Fill in or update the shaded columns only.`,
    'Story behind the curve: why the figures are as they are. What works: evidence of what would help. Partners: one per line or separated by ";". Actions: what partners will do.',
    'Separate paragraphs with a blank line (Alt+Enter twice in Excel). Text is printed exactly as written: no formulas or formatting are applied.',
    'Last quarter\'s text is carried forward: if you leave it unchanged, the pack marks it as written for the earlier period.',
    'Do not change the Id column or the header row. Rows are matched by Id and Area; a row whose indicator has left the framework is kept.',
    'Area: blank for the partnership\'s commentary; a locality\'s id for that locality\'s own, printed only in its pack (`boardpack run --each area`). `boardpack commentary export --each area` adds a row per locality.',
    'Then run `boardpack run`: it reads this file back into the pack.',
  ]) notes.addRow([line]);
  const buffer = await wb.xlsx.writeBuffer();
  return setZipTimestamps(new Uint8Array(buffer as ArrayBuffer), at);
}

/** The same rows as YAML (for projects that keep commentary in git). */
export function renderCommentaryYaml(rows: CommentaryRow[], meta: { periodLabel: string }): string {
  const commentary: Record<string, Record<string, unknown>> = {};
  const areas: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const r of rows) {
    const entry: Record<string, unknown> = {};
    for (const [yamlKey, key] of Object.entries(YAML_KEYS)) {
      const v = r[key];
      if (key === 'inFramework') entry[yamlKey] = v;
      else if (v !== '' && v !== undefined) entry[yamlKey] = v;
      else if ((TEXT_KEYS as readonly string[]).includes(key)) entry[yamlKey] = '';
    }
    if (r.area) (areas[r.area] ??= {})[r.id] = entry;
    else commentary[r.id] = entry;
  }
  const head = `# Commentary for ${meta.periodLabel}, written by \`boardpack commentary export\`.\n# Edit story, what_works, partners and actions; keep the ids. Text is printed exactly as written.\n# \`areas: <locality>:\` holds a locality's own commentary, printed only in its pack (\`run --each area\`).\n`;
  return head + YAML.stringify(Object.keys(areas).length ? { commentary, areas } : { commentary }, { lineWidth: 0 });
}

