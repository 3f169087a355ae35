/**
 * `boardpack init DIR`: a small project that works at once — config, three indicators and one extract of
 * each kind (an XLSX workbook with a title block, a termly CSV, a record-level CSV).
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { BoardpackError, problem } from '../../core/errors.js';
import { writeFileAtomic } from '../../core/atomic-write.js';
import { makePeriod, shiftPeriod } from '../../core/periods.js';
import { mulberry32 } from '../../core/random.js';
import type { CliLogger } from '../log.js';

const CONFIG = `# yaml-language-server: $schema=./schema/boardpack.schema.json
# A boardpack project: \`boardpack run --project .\` turns it into a board pack in out/.
partnership:
  name: Example Children and Families Partnership
  short_name: Example Partnership
board:
  name: Early Help Partnership Board
  meeting: Quarterly performance meeting
  author: Performance and Intelligence Team
  purpose: To give the board assurance on early help performance.
  recommendation: The board notes the performance report.
  decision: assurance
  protective_marking: OFFICIAL
framework:
  title: Early Help Outcomes Framework
  priorities:
    - { id: best_start, title: Best start in life }
    - { id: early_help, title: Help at the right time }
areas:
  - { id: all, name: Example, code: E06000000 }
  - { id: east, name: East, aliases: [E, East locality] }
  - { id: west, name: West, aliases: [W, West locality] }
indicators: [indicators]
sources:
  health:
    path: extracts/health.xlsx
    partner: Example NHS Trust
    frequency: quarterly
    period: { column: quarter, type: fy_quarter }
    area_column: locality
    columns:
      quarter: { type: text }
      locality: { type: text }
      live_births: { type: integer }
      low_birth_weight: { type: integer }
  schools:
    path: extracts/schools.csv
    partner: Example Council Education
    frequency: termly
    period: { column: term, type: term }
    area_column: locality
    columns:
      term: { type: text }
      locality: { type: text }
      eligible_2yo: { type: integer }
      taking_place: { type: integer }
  early_help:
    path: extracts/early-help-episodes.csv
    partner: Example Council Children's Services
    frequency: quarterly
    area_column: locality
    columns:
      child_id: { type: text, identifier: true }
      locality: { type: text }
      start_date: { type: date }
      end_date: { type: date, required: false }
`;

const INDICATORS: Record<string, string> = {
  'low_birth_weight.yaml': `id: low_birth_weight
title: Low birth weight babies
description: Live births weighing under 2,500g as a percentage of all live births.
kind: population_indicator
priority: best_start
polarity: lower_is_better
unit: percent
period_type: fy_quarter
numerator: { from: health, expr: sum(low_birth_weight) }
denominator: { from: health, expr: sum(live_births) }
data_provider: Example NHS Trust
owner: Director of Public Health
`,
  'two_year_old_take_up.yaml': `id: two_year_old_take_up
title: Eligible two-year-olds taking a funded early education place
kind: performance_measure
question: how_well
priority: best_start
polarity: higher_is_better
unit: percent
period_type: term
frequency: termly
numerator: { from: schools, expr: sum(taking_place) }
denominator: { from: schools, expr: sum(eligible_2yo) }
targets:
  default: { value: 75, tolerance_pct: 5 }
data_provider: Example Council Education
owner: Head of Early Years
`,
  'open_early_help.yaml': `id: open_early_help
title: Children with an open early help episode at period end
kind: performance_measure
question: how_much
priority: early_help
polarity: none
unit: count
period_type: fy_quarter
numerator:
  from: early_help
  expr: count(DISTINCT child_id)
  period: { snapshot: [start_date, end_date] }
data_provider: Example Council Children's Services
owner: Head of Early Help
`,
};

export async function writeInitProject(dir: string): Promise<string[]> {
  if (existsSync(dir) && readdirSync(dir).length) {
    throw new BoardpackError(problem('BP_INIT_NOT_EMPTY', `${dir} is not empty`, { file: dir, fix: 'choose a new folder name; init never overwrites files' }));
  }
  // Deterministic, so `init` writes the same project every time.
  const rand = mulberry32(2024);
  const written: string[] = [];
  const put = async (rel: string, data: string | Uint8Array) => {
    await writeFileAtomic(path.join(dir, rel), data);
    written.push(rel);
  };
  await put('boardpack.yaml', CONFIG);
  for (const [name, text] of Object.entries(INDICATORS)) await put(`indicators/${name}`, text);

  const quarters = Array.from({ length: 8 }, (_, i) => shiftPeriod(makePeriod('fy_quarter', 2023, 1), i));
  const ExcelJS = (await import('exceljs')).default;
  const wb = new ExcelJS.Workbook();
  wb.created = wb.modified = new Date('2025-04-01T00:00:00Z');
  const ws = wb.addWorksheet('Births');
  ws.addRow(['Example NHS Trust']);
  ws.addRow(['Quarterly maternity return']);
  ws.addRow([]);
  ws.addRow(['Quarter', 'Locality', 'Live births', 'Low birth weight']);
  for (const q of quarters) {
    for (const loc of ['East', 'West']) {
      const births = 300 + Math.round(rand() * 60);
      ws.addRow([q.label, loc, births, Math.round(births * (loc === 'East' ? 0.09 : 0.07) + rand() * 4)]);
    }
  }
  await put('extracts/health.xlsx', new Uint8Array(await wb.xlsx.writeBuffer()));

  const terms = Array.from({ length: 6 }, (_, i) => shiftPeriod(makePeriod('term', 2023, 1), i));
  const schoolRows = ['term,locality,eligible_2yo,taking_place'];
  for (const t of terms) for (const loc of ['East', 'West']) {
    const eligible = 200 + Math.round(rand() * 30);
    schoolRows.push(`${t.label.replace(' term', '')},${loc},${eligible},${Math.round(eligible * (0.68 + rand() * 0.12))}`);
  }
  await put('extracts/schools.csv', `${schoolRows.join('\n')}\n`);

  const ehRows = ['child_id,locality,start_date,end_date'];
  for (let i = 0; i < 400; i++) {
    const start = new Date(Date.UTC(2023, 3, 1) + Math.floor(rand() * 700) * 86400000);
    const end = rand() < 0.8 ? new Date(start.getTime() + (30 + Math.floor(rand() * 200)) * 86400000) : null;
    const endText = end && end < new Date(Date.UTC(2025, 2, 31)) ? end.toISOString().slice(0, 10) : '';
    ehRows.push(`EX${String(100000 + i)},${rand() < 0.55 ? 'East' : 'West'},${start.toISOString().slice(0, 10)},${endText}`);
  }
  await put('extracts/early-help-episodes.csv', `${ehRows.join('\n')}\n`);
  await put('.gitignore', 'out/\n.boardpack/\n');
  return written;
}

export default async function init(log: CliLogger, _opts: unknown, args: string[]): Promise<number> {
  const dir = path.resolve(args[0]);
  const files = await writeInitProject(dir);
  for (const f of files) process.stdout.write(`${path.join(path.relative(process.cwd(), dir) || '.', f)}\n`);
  log.summary(`Created a boardpack project in ${path.relative(process.cwd(), dir) || dir}; next: boardpack run --project ${path.relative(process.cwd(), dir) || dir}`);
  return 0;
}
