/**
 * `format: dfe_ees | fingertips | lait` on a source: the layout of a published file, which fills in the period,
 * area and geography rules so a download needs only its path, the measure columns and the authority.
 * Applied to the YAML data as written (before validation), under what the project wrote: any key the project
 * sets wins, and its columns are merged with the layout's, column by column.
 */
import { mergeSource } from './refs.js';

export const PUBLISHED_FORMATS = ['dfe_ees', 'fingertips', 'lait'] as const;
export type PublishedFormat = (typeof PUBLISHED_FORMATS)[number];

const text = (required = false) => ({ type: 'text', required });

const LAYOUTS: Record<PublishedFormat, Record<string, unknown>> = {
  // Explore Education Statistics tidy files: one row per time period × geography (× filters).
  dfe_ees: {
    partner: 'Department for Education',
    frequency: 'annual',
    // DfE publishes a year to 31 March in the autumn after it (children looked after in November).
    lateness_days: 245,
    period: { column: 'time_period', type: 'fy', format: 'dfe_ees' },
    area_codes: ['new_la_code', 'old_la_code'],
    columns: {
      time_period: text(true),
      time_identifier: text(false),
      geographic_level: text(false),
      country_code: text(false),
      country_name: text(false),
      region_code: text(false),
      region_name: text(false),
      old_la_code: text(false),
      new_la_code: text(false),
      la_name: text(false),
    },
  },
  // OHID Fingertips "download data" exports: every area type in one file, persons and each sex.
  fingertips: {
    partner: 'Office for Health Improvement and Disparities',
    frequency: 'annual',
    lateness_days: 365,
    period: { column: 'Time period', type: 'fy', format: 'fingertips' },
    area_codes: ['Area Code'],
    where: { Sex: 'Persons', 'Category Type': '' },
    columns: {
      'Time period': text(true),
      'Area Code': text(true),
      'Area Name': text(false),
      'Area Type': text(false),
      Sex: text(false),
      Age: text(false),
      'Category Type': text(false),
      Category: text(false),
      Value: { type: 'decimal', required: false },
      'Lower CI 95.0 limit': { type: 'decimal', required: false },
      'Upper CI 95.0 limit': { type: 'decimal', required: false },
      Count: { type: 'decimal', required: false },
      Denominator: { type: 'decimal', required: false },
      'Value note': text(false),
    },
  },
  // The DfE Local Authority Interactive Tool's long layout: measure, period (a year), LA number, value.
  lait: {
    partner: 'Department for Education (LAIT)',
    frequency: 'annual',
    lateness_days: 245,
    period: { column: 'period', type: 'fy', format: 'fy_end_year' },
    area_codes: ['la_number'],
    columns: {
      measure_short: text(true),
      period: text(true),
      la_number: text(true),
      area_name: text(false),
      value: { type: 'decimal', required: false },
    },
  },
};

export const isPublishedFormat = (f: unknown): f is PublishedFormat => PUBLISHED_FORMATS.includes(f as PublishedFormat);

/** A source entry as written, with its published layout's defaults laid under it (unchanged when it names none). */
export function applyPublishedFormat(entry: Record<string, unknown>): Record<string, unknown> {
  const format = entry.format;
  if (!isPublishedFormat(format)) return entry;
  const layout = LAYOUTS[format];
  const merged = mergeSource(layout, entry);
  // The period rule is merged key by key too: `period: {type: academic_year}` keeps the layout's column and format.
  if (entry.period && typeof entry.period === 'object') merged.period = { ...(layout.period as object), ...(entry.period as object) };
  if (entry.where && typeof entry.where === 'object') merged.where = { ...(layout.where as object | undefined), ...(entry.where as object) };
  // `null` removes one of the layout's keys (`where: {Sex: null}` keeps every sex).
  for (const k of ['period', 'where'] as const) {
    const o = merged[k] as Record<string, unknown> | undefined;
    if (o && typeof o === 'object') for (const [key, v] of Object.entries(o)) if (v === null) delete o[key];
  }
  return merged;
}
