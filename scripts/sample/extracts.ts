/**
 * The partner extracts, written as each partner would send them: an NHS workbook with a title block, one sheet
 * per financial year and totals rows; a council education CSV by term (Excel-saved, CRLF, thousands separators);
 * a record-level social care export; a youth justice CSV missing its latest quarter; and a population CSV.
 */
import ExcelJS from 'exceljs';
import {
  CAMHS_MIGRATION_LABEL, CAMHS_MIGRATION_QUARTER, EDUCATION, FINANCIAL_YEARS, LOCALITIES, NHS, POPULATION, PRODUCED, QUARTERS, SOCIAL_CARE,
  YOUTH_JUSTICE, type Row,
} from './model.js';
import { normalizeZip } from './zip.js';

export interface Column { key: string; header: string; type: 'integer' | 'text' | 'date' | 'code'; required?: boolean; description?: string; values?: string[]; identifier?: boolean; pattern?: string }

export interface ExtractFile { path: string; content: Buffer }

// ---------------------------------------------------------------------------------------------------------
// Column contracts (also used for boardpack.yaml)

export const NHS_TRUST = 'Brackenfield and Hollin Vale NHS Foundation Trust';
export const NHS_PATH = 'extracts/nhs_maternity_child_health_2026-27_Q2.xlsx';
export const NHS_HEADER_ROW = 5;
export const NHS_COLUMNS: Column[] = [
  { key: 'locality', header: 'Locality', type: 'text', description: 'Mother\'s (or child\'s) locality of residence; "Total" rows are the partnership.' },
  { key: 'quarter', header: 'Quarter', type: 'text', description: 'Financial-year quarter, e.g. "2024/25 Q1".' },
  { key: 'live_births', header: 'Live births', type: 'integer' },
  { key: 'term_live_births', header: 'Term live births (37+ weeks)', type: 'integer' },
  { key: 'lbw_births', header: 'Low birth weight births (<2500g)', type: 'integer' },
  { key: 'lbw_term_births', header: 'Low birth weight term births (<2500g, 37+ weeks)', type: 'integer' },
  { key: 'stillbirths', header: 'Stillbirths', type: 'integer' },
  { key: 'maternities', header: 'Maternities', type: 'integer' },
  { key: 'smoking_at_delivery', header: 'Smoking at time of delivery', type: 'integer' },
  { key: 'infant_deaths', header: 'Infant deaths (under 1 year)', type: 'integer' },
  { key: 'camhs_referrals', header: 'CAMHS referrals accepted (0-17)', type: 'integer' },
  { key: 'camhs_seen_4_weeks', header: 'CAMHS referrals seen within 4 weeks', type: 'integer', description: `x = not available (${CAMHS_MIGRATION_LABEL}, system migration).` },
  { key: 'pmh_referrals', header: 'Perinatal mental health referrals', type: 'integer' },
  { key: 'pmh_discharges', header: 'Perinatal mental health discharges', type: 'integer' },
  { key: 'pmh_improved', header: 'Perinatal MH discharges with reliable improvement', type: 'integer' },
  { key: 'u18_conceptions', header: 'Under-18 conceptions', type: 'integer' },
  { key: 'female_pop_15_17', header: 'Female population aged 15-17', type: 'integer', description: 'ONS mid-year estimate for the financial year, repeated each quarter.' },
];

export const EDUCATION_PATH = 'extracts/education_termly_to_summer_2026.csv';
export const EDUCATION_COLUMNS: Column[] = [
  { key: 'academic_year', header: 'Academic year', type: 'text', description: 'e.g. "2023/24" (September to August).' },
  { key: 'term', header: 'Term', type: 'text', description: 'Term id: AY2023-24-T1 autumn, -T2 spring, -T3 summer.' },
  { key: 'locality', header: 'Locality', type: 'text' },
  { key: 'eligible_2yo', header: 'Eligible 2 year olds', type: 'integer' },
  { key: 'funded_2yo', header: '2 year olds in funded place', type: 'integer' },
  { key: 'pop_3_4', header: '3 and 4 year olds (population estimate)', type: 'integer' },
  { key: 'funded_3_4', header: '3 and 4 year olds in funded place', type: 'integer' },
  { key: 'eyfsp_cohort', header: 'EYFSP cohort', type: 'integer', required: false, description: 'Summer term only.' },
  { key: 'gld_achieved', header: 'Pupils achieving GLD', type: 'integer', required: false, description: 'Summer term only.' },
  { key: 'phonics_cohort', header: 'Phonics check cohort (Year 1)', type: 'integer', required: false, description: 'Summer term only.' },
  { key: 'phonics_pass', header: 'Phonics check pass (Year 1)', type: 'integer', required: false, description: 'Summer term only.' },
  { key: 'oral_health_examined', header: 'Reception pupils examined (oral health survey)', type: 'integer', required: false, description: 'Summer term only.' },
  { key: 'oral_health_decay', header: 'Reception pupils with visually obvious tooth decay', type: 'integer', required: false, description: 'Summer term only.' },
  { key: 'pupils_on_roll', header: 'Pupils on roll', type: 'integer', description: 'Termly school census, state-funded schools, by pupil residence.' },
  { key: 'cme_open', header: 'Children missing education (open at term end)', type: 'integer' },
  { key: 'sessions_possible', header: 'Sessions possible', type: 'integer', description: 'Half-day sessions; sent with thousands separators.' },
  { key: 'sessions_attended', header: 'Sessions attended', type: 'integer' },
  { key: 'permanent_exclusions', header: 'Permanent exclusions', type: 'integer' },
  { key: 'cohort_16_17', header: 'Young people aged 16-17 (resident cohort)', type: 'integer' },
  { key: 'participating_16_17', header: 'Young people aged 16-17 participating in education or training', type: 'integer' },
];

export const SOCIAL_CARE_PATH = 'extracts/social_care_episodes_2026-09-30.csv';
export const SOCIAL_CARE_COLUMNS: Column[] = [
  { key: 'child_id', header: 'child_id', type: 'text', identifier: true, pattern: '^BF[0-9A-F]{8}$', description: 'Pseudonymous child identifier (stable across episodes).' },
  { key: 'locality', header: 'locality', type: 'code', values: LOCALITIES.map((l) => l.code), description: 'Locality code of the child\'s home address.' },
  { key: 'episode_type', header: 'episode_type', type: 'code', values: ['EHA', 'CIN', 'CP', 'CLA'], description: 'EHA early help assessment, CIN child in need plan, CP child protection plan, CLA looked after.' },
  { key: 'start_date', header: 'start_date', type: 'date' },
  { key: 'end_date', header: 'end_date', type: 'date', required: false, description: 'Blank while the episode is open.' },
  { key: 'factor_parental_substance_misuse', header: 'factor_parental_substance_misuse', type: 'code', values: ['Y', 'N'], required: false, description: 'EHA only: assessment identified parental drug or alcohol misuse.' },
  { key: 'factor_parental_conflict_da', header: 'factor_parental_conflict_da', type: 'code', values: ['Y', 'N'], required: false, description: 'EHA only: assessment identified parental conflict or domestic abuse.' },
  { key: 'parent_confidence_improved', header: 'parent_confidence_improved', type: 'code', values: ['Y', 'N'], required: false, description: 'Closed EHA only: parent reported improved confidence at closure; blank if not recorded.' },
];

export const YOUTH_JUSTICE_PATH = 'extracts/youth_justice_first_time_entrants.csv';
export const YOUTH_JUSTICE_COLUMNS: Column[] = [
  { key: 'quarter', header: 'Quarter', type: 'text', description: 'Period id, e.g. 2024-25-Q1.' },
  { key: 'locality', header: 'Locality', type: 'text' },
  { key: 'first_time_entrants', header: 'First time entrants aged 10-17', type: 'integer' },
  { key: 'population_10_17', header: 'Population aged 10-17', type: 'integer' },
];

export const POPULATION_PATH = 'extracts/population_by_locality.csv';
export const POPULATION_COLUMNS: Column[] = [
  { key: 'financial_year', header: 'Financial year', type: 'text', description: 'e.g. 2024-25; mid-year estimates, 2026-27 projected.' },
  { key: 'area_code', header: 'Area code', type: 'text' },
  { key: 'area_name', header: 'Area name', type: 'text' },
  { key: 'population_0_17', header: 'Population aged 0-17', type: 'integer' },
  { key: 'population_all_ages', header: 'Population all ages', type: 'integer' },
];

// ---------------------------------------------------------------------------------------------------------
// CSV

function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
function csv(rows: string[][], eol: '\n' | '\r\n'): Buffer {
  return Buffer.from(rows.map((r) => r.map(csvField).join(',')).join(eol) + eol, 'utf8');
}
/** 1234567 → 1,234,567 (no locale involved). */
export const thousands = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const num = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v));
/** `AY2023-24-T1` → `2023/24`. */
const academicYearLabel = (termId: string) => `${termId.slice(2, 6)}/${termId.slice(7, 9)}`;

function educationCsv(): Buffer {
  const rows = [EDUCATION_COLUMNS.map((c) => c.header)];
  for (const r of EDUCATION) {
    rows.push(EDUCATION_COLUMNS.map((c) => {
      if (c.key === 'academic_year') return academicYearLabel(r.period.id);
      if (c.key === 'term') return r.period.id;
      if (c.key === 'locality') return r.locality.education;
      const v = r.values[c.key];
      if (c.key === 'sessions_possible' || c.key === 'sessions_attended') return v === null ? '' : thousands(v);
      return num(v);
    }));
  }
  return csv(rows, '\r\n');
}

function youthJusticeCsv(): Buffer {
  const rows = [YOUTH_JUSTICE_COLUMNS.map((c) => c.header)];
  for (const r of YOUTH_JUSTICE) {
    rows.push([r.period.id, r.locality.youthJustice, num(r.values.first_time_entrants), num(r.values.population_10_17)]);
  }
  return csv(rows, '\r\n');
}

function populationCsv(): Buffer {
  const rows = [POPULATION_COLUMNS.map((c) => c.header)];
  for (const r of POPULATION) {
    rows.push([r.period.id, r.locality.code, r.locality.name, num(r.values.population_0_17), num(r.values.population_all_ages)]);
  }
  return csv(rows, '\n');
}

function socialCareCsv(): Buffer {
  const rows = [SOCIAL_CARE_COLUMNS.map((c) => c.header)];
  for (const e of SOCIAL_CARE) {
    rows.push([e.childId, e.locality.code, e.type, e.start, e.end ?? '', e.substanceMisuse ?? '', e.conflict ?? '', e.confidence ?? '']);
  }
  return csv(rows, '\n');
}

// ---------------------------------------------------------------------------------------------------------
// XLSX

export const NHS_SHEETS = FINANCIAL_YEARS.map((fy) => fy.id);
const PRODUCED_AT = new Date(`${PRODUCED}T09:30:00Z`);
const PRODUCED_LABEL = '14 October 2026';

function sumRows(rows: Row[], key: string): number | null {
  if (rows.some((r) => r.values[key] === null)) return null;
  return rows.reduce((s, r) => s + (r.values[key] ?? 0), 0);
}

async function nhsWorkbook(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = `${NHS_TRUST}, Information Services`;
  wb.lastModifiedBy = `${NHS_TRUST}, Information Services`;
  wb.created = PRODUCED_AT;
  wb.modified = PRODUCED_AT;
  const width = NHS_COLUMNS.length;
  for (const fy of FINANCIAL_YEARS) {
    const ws = wb.addWorksheet(fy.id, { views: [{ state: 'frozen', ySplit: NHS_HEADER_ROW }] });
    ws.getCell(1, 1).value = NHS_TRUST;
    ws.getCell(1, 1).font = { bold: true, size: 14 };
    ws.getCell(2, 1).value = 'Quarterly maternity and child health return: Brackenfield Children and Families Partnership';
    ws.getCell(2, 1).font = { bold: true, size: 12 };
    ws.getCell(3, 1).value = `Produced: ${PRODUCED_LABEL}. Financial year ${fy.label}. The latest quarter is provisional. OFFICIAL-SENSITIVE: not for onward publication.`;
    ws.getCell(3, 1).font = { italic: true };
    ws.mergeCells(1, 1, 1, width);
    ws.mergeCells(2, 1, 2, width);
    ws.mergeCells(3, 1, 3, width);
    const header = ws.getRow(NHS_HEADER_ROW);
    NHS_COLUMNS.forEach((c, i) => {
      const cell = header.getCell(i + 1);
      cell.value = c.header;
      cell.font = { bold: true, color: { argb: 'FFFFFFFF' } };
      cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FF005EB8' } };
      cell.alignment = { wrapText: true, vertical: 'top' };
    });
    header.height = 45;
    ws.getColumn(1).width = 26;
    ws.getColumn(2).width = 12;
    for (let i = 3; i <= width; i++) ws.getColumn(i).width = 14;
    let r = NHS_HEADER_ROW + 1;
    for (const q of QUARTERS.filter((p) => p.start >= fy.start && p.end <= fy.end)) {
      const rows = NHS.filter((x) => x.period.id === q.id);
      for (const row of rows) {
        const out = ws.getRow(r++);
        out.getCell(1).value = row.locality.nhs;
        out.getCell(2).value = q.label;
        NHS_COLUMNS.slice(2).forEach((c, i) => {
          const v = row.values[c.key];
          out.getCell(i + 3).value = v === null ? 'x' : v;
        });
      }
      const total = ws.getRow(r++);
      total.getCell(1).value = 'Total';
      total.getCell(2).value = q.label;
      NHS_COLUMNS.slice(2).forEach((c, i) => {
        const v = c.key === 'camhs_seen_4_weeks' && q.id === CAMHS_MIGRATION_QUARTER ? null : sumRows(rows, c.key);
        total.getCell(i + 3).value = v === null ? 'x' : v;
      });
      total.font = { bold: true };
    }
  }
  const notes = wb.addWorksheet('Notes');
  const lines = [
    'Notes',
    'One sheet per financial year; rows by locality of residence with a Total row for each quarter.',
    'Low birth weight: under 2,500g. Term: 37 or more weeks\' gestation. Stillbirths: 24 or more weeks.',
    'Maternities: pregnancies resulting in at least one birth (twins count once).',
    'CAMHS: referrals accepted in the quarter and, of those, first seen within 4 weeks of referral.',
    `x = not available. ${CAMHS_MIGRATION_LABEL} CAMHS waiting times were lost in the patient record system migration.`,
    'Under-18 conceptions and the female population aged 15-17 are supplied to the trust by public health.',
  ];
  lines.forEach((t, i) => {
    notes.getCell(i + 1, 1).value = t;
  });
  notes.getCell(1, 1).font = { bold: true };
  notes.getColumn(1).width = 110;
  const raw = Buffer.from(await wb.xlsx.writeBuffer());
  return normalizeZip(raw, `${PRODUCED}T09:30:00`);
}

export async function buildExtracts(): Promise<ExtractFile[]> {
  return [
    { path: NHS_PATH, content: await nhsWorkbook() },
    { path: EDUCATION_PATH, content: educationCsv() },
    { path: SOCIAL_CARE_PATH, content: socialCareCsv() },
    { path: YOUTH_JUSTICE_PATH, content: youthJusticeCsv() },
    { path: POPULATION_PATH, content: populationCsv() },
  ];
}
