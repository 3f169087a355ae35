/**
 * Comparator tables for the sample: a fictional statistical neighbour group for Brackenfield in the
 * layout of the DfE children's services statistical neighbour model, and a table of every authority's
 * children-in-care rate in the layout of DfE's "children looked after" download. The authorities, codes and
 * figures are invented (codes 941–951 are not used by any real authority); the layouts are the real ones, so
 * a partnership can point the same YAML at the published files.
 */
import { FINANCIAL_YEARS } from './model.js';

export const BRACKENFIELD_LA_CODE = '950';

const NEIGHBOURS: Array<{ code: string; name: string; closeness: string; rate: number; drift: number }> = [
  { code: '944', name: 'Hollin Vale', closeness: 'Very close', rate: 86, drift: -1.5 },
  { code: '947', name: 'Calderbridge', closeness: 'Very close', rate: 97, drift: 0.5 },
  { code: '941', name: 'Ashby Moor', closeness: 'Very close', rate: 79, drift: -0.8 },
  { code: '949', name: 'Redmire', closeness: 'Close', rate: 112, drift: 1.2 },
  { code: '943', name: 'Fenwick', closeness: 'Close', rate: 71, drift: -0.4 },
  { code: '951', name: 'Stanegate', closeness: 'Close', rate: 93, drift: 0.9 },
  { code: '946', name: 'Oakhurst', closeness: 'Close', rate: 80, drift: -1.1 },
  { code: '948', name: 'Thornbury Fields', closeness: 'Somewhat close', rate: 104, drift: -0.6 },
  { code: '945', name: 'Marlow Cross', closeness: 'Somewhat close', rate: 89, drift: 0.2 },
  { code: '942', name: 'Wexcombe', closeness: 'Not close', rate: 64, drift: -0.3 },
];

const ENGLAND = [70, 71, 70, 70, 69, 69];

/** DfE wide layout: one row per authority, its ten neighbours nearest first, each with a closeness band. */
function modelCsv(): string {
  const header = ['old_la_code', 'la_name', 'region_ind', 'region_name', ...Array.from({ length: 10 }, (_, i) => [`SN_${i + 1}`, `SN_${i + 1}P`]).flat()];
  const row = (code: string, name: string, neighbours: Array<{ code: string; closeness: string }>) =>
    [code, name, '9', 'Fictional region', ...neighbours.flatMap((n) => [n.code, n.closeness])];
  const group = [{ code: BRACKENFIELD_LA_CODE, name: 'Brackenfield', closeness: 'Very close' }, ...NEIGHBOURS];
  const rows = [row(BRACKENFIELD_LA_CODE, 'Brackenfield', NEIGHBOURS)];
  for (const n of NEIGHBOURS) rows.push(row(n.code, n.name, group.filter((g) => g.code !== n.code).map((g) => ({ code: g.code, closeness: g.code === BRACKENFIELD_LA_CODE ? n.closeness : 'Close' }))));
  return [header, ...rows].map((r) => r.join(',')).join('\r\n') + '\r\n';
}

/** DfE long layout: a row per year × area, England first; `time_period` is the year the financial year ends. */
function claCsv(): string {
  const header = ['time_period', 'time_identifier', 'geographic_level', 'country_code', 'old_la_code', 'la_name', 'population_type', 'rate_per_10000'];
  const rows: string[][] = [];
  const type = 'Children looked after on 31 March each year';
  FINANCIAL_YEARS.forEach((fy, y) => {
    const end = String(Number(fy.id.slice(0, 4)) + 1);
    rows.push([end, 'Reporting year', 'National', 'E92000001', '', '', type, String(ENGLAND[y])]);
    for (const n of NEIGHBOURS) rows.push([end, 'Reporting year', 'Local authority', 'E92000001', n.code, n.name, type, String(Math.round(n.rate + n.drift * y))]);
  });
  return [header, ...rows].map((r) => r.join(',')).join('\r\n') + '\r\n';
}

export const COMPARATOR_FILES = {
  model: 'comparators/statistical_neighbours.csv',
  childrenInCare: 'comparators/children_looked_after_by_authority.csv',
};

export function comparatorFiles(): Array<{ path: string; content: Buffer }> {
  return [
    { path: COMPARATOR_FILES.model, content: Buffer.from(modelCsv(), 'utf8') },
    { path: COMPARATOR_FILES.childrenInCare, content: Buffer.from(claCsv(), 'utf8') },
  ];
}

/** The comparator entries of the children-in-care indicator that read these tables. */
export function childrenInCareComparators(): Array<Record<string, unknown>> {
  // A fresh object per entry, so the YAML writer spells each out instead of using an anchor.
  const table = () => ({
    path: COMPARATOR_FILES.childrenInCare, period_column: 'time_period', period_format: 'fy_end_year',
    area_column: 'old_la_code', value_column: 'rate_per_10000', where: { geographic_level: 'Local authority' },
  });
  return [
    {
      id: 'statistical_neighbours', label: 'Statistical neighbours', table: table(), statistic: 'neighbours_mean',
      area_code: BRACKENFIELD_LA_CODE, neighbours_model: COMPARATOR_FILES.model,
      source: 'Fictional neighbour group in the DfE statistical neighbour model layout (illustrative values for the sample)',
    },
    {
      id: 'statistical_neighbours_weighted', label: 'Statistical neighbours (weighted)', table: table(), statistic: 'neighbours_weighted',
      area_code: BRACKENFIELD_LA_CODE, neighbours_model: COMPARATOR_FILES.model,
      source: 'As above, each neighbour weighted by its closeness band: extremely close 4, very close 3, close 2, somewhat close 1, not close 0',
    },
  ];
}
