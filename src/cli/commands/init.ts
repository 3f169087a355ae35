/**
 * `boardpack init DIR`: a small project that works at once — config, three indicators and one extract of
 * each kind (an XLSX workbook with a title block, a termly CSV, a record-level CSV).
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { BoardpackError, problem } from '../../core/errors.js';
import { writeFileAtomic } from '../../core/atomic-write.js';
import { makePeriod, periodsBetween, shiftPeriod } from '../../core/periods.js';
import { jsonSchemas } from '../../config/json-schemas.js';
import { defaultClock } from '../../pipeline/index.js';
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
      reviews_6_8_weeks: { type: integer, required: false }
      breastfed_6_8_weeks: { type: integer, required: false }
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
      outcome: { type: code, required: false, values: [needs_met, stepped_up, other] }
`;

const INDICATORS: Record<string, string> = {
  'low_birth_weight.yaml': `# yaml-language-server: $schema=../schema/indicator.schema.json
id: low_birth_weight
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
  'two_year_old_take_up.yaml': `# yaml-language-server: $schema=../schema/indicator.schema.json
id: two_year_old_take_up
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
  'breastfeeding_6_8_weeks.yaml': `# yaml-language-server: $schema=../schema/indicator.schema.json
id: breastfeeding_6_8_weeks
title: Babies totally or partially breastfed at their 6–8 week review
kind: performance_measure
question: better_off
priority: best_start
polarity: higher_is_better
unit: percent
period_type: fy_quarter
numerator: { from: health, expr: sum(breastfed_6_8_weeks) }
denominator: { from: health, expr: sum(reviews_6_8_weeks) }
targets:
  default: { value: 50, tolerance_pct: 5 }
data_provider: Example NHS Trust
owner: Head of Health Visiting
`,
  'early_help_needs_met.yaml': `# yaml-language-server: $schema=../schema/indicator.schema.json
id: early_help_needs_met
title: Early help episodes closed with the family's needs met
kind: performance_measure
question: better_off
priority: early_help
polarity: higher_is_better
unit: percent
period_type: fy_quarter
numerator: { from: early_help, expr: count(*), where: "outcome = 'needs_met'", period: { event: end_date } }
denominator: { from: early_help, expr: count(*), period: { event: end_date } }
targets:
  default: { value: 70, tolerance_pct: 5 }
data_provider: Example Council Children's Services
owner: Head of Early Help
`,
  'open_early_help.yaml': `# yaml-language-server: $schema=../schema/indicator.schema.json
id: open_early_help
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

export interface InitOptions {
  /**
   * Today (ISO date): the extracts run up to the latest period complete before it, so a first run is up to
   * date. Without it, up to 2024/25 Q4 (a fixed project for tests).
   */
  today?: string;
}

/** The last period of `type` that ended before `today`. */
function lastComplete(type: 'fy_quarter' | 'term', today: string) {
  const [current] = periodsBetween(type, today, today);
  return shiftPeriod(current, -1);
}

const DAY = 86400000;

export async function writeInitProject(dir: string, options: InitOptions = {}): Promise<string[]> {
  if (existsSync(dir) && readdirSync(dir).length) {
    throw new BoardpackError(problem('BP_INIT_NOT_EMPTY', `${dir} is not empty`, { file: dir, fix: 'choose a new folder name; init never overwrites files' }));
  }
  // Deterministic, so `init` writes the same project every time (on the same day).
  const rand = mulberry32(2024);
  // The columns added later draw from their own sequence, so the first columns' figures stay as they were.
  const rand2 = mulberry32(2025);
  const written: string[] = [];
  const put = async (rel: string, data: string | Uint8Array) => {
    await writeFileAtomic(path.join(dir, rel), data);
    written.push(rel);
  };
  await put('boardpack.yaml', CONFIG);
  for (const [name, text] of Object.entries(INDICATORS)) await put(`indicators/${name}`, text);
  // The files the `$schema` comments point at, for editor completion and descriptions.
  for (const [name, schema] of Object.entries(jsonSchemas())) await put(`schema/${name}`, `${JSON.stringify(schema, null, 2)}\n`);

  const lastQuarter = options.today ? lastComplete('fy_quarter', options.today) : makePeriod('fy_quarter', 2024, 4);
  const lastTerm = options.today ? lastComplete('term', options.today) : makePeriod('term', 2024, 3);
  const quarters = Array.from({ length: 8 }, (_, i) => shiftPeriod(lastQuarter, i - 7));
  const ExcelJS = (await import('exceljs')).default;
  const wb = new ExcelJS.Workbook();
  wb.created = wb.modified = new Date(`${shiftPeriod(lastQuarter, 1).start}T00:00:00Z`);
  const ws = wb.addWorksheet('Births');
  ws.addRow(['Example NHS Trust']);
  ws.addRow(['Quarterly maternity return']);
  ws.addRow([]);
  ws.addRow(['Quarter', 'Locality', 'Live births', 'Low birth weight', 'Reviews 6-8 weeks', 'Breastfed 6-8 weeks']);
  for (const q of quarters) {
    for (const loc of ['East', 'West']) {
      const births = 300 + Math.round(rand() * 60);
      const reviews = births - 10 - Math.round(rand2() * 20);
      ws.addRow([q.label, loc, births, Math.round(births * (loc === 'East' ? 0.09 : 0.07) + rand() * 4), reviews, Math.round(reviews * (loc === 'East' ? 0.44 : 0.52) + rand2() * 10)]);
    }
  }
  await put('extracts/health.xlsx', new Uint8Array(await wb.xlsx.writeBuffer()));

  const terms = Array.from({ length: 6 }, (_, i) => shiftPeriod(lastTerm, i - 5));
  const schoolRows = ['term,locality,eligible_2yo,taking_place'];
  for (const t of terms) for (const loc of ['East', 'West']) {
    const eligible = 200 + Math.round(rand() * 30);
    schoolRows.push(`${t.label.replace(' term', '')},${loc},${eligible},${Math.round(eligible * (0.68 + rand() * 0.12))}`);
  }
  await put('extracts/schools.csv', `${schoolRows.join('\n')}\n`);

  // Episodes starting over the eight quarters (up to a month before the last ends), closed by its end or open.
  const first = Date.parse(`${quarters[0].start}T00:00:00Z`);
  const last = Date.parse(`${lastQuarter.end}T00:00:00Z`);
  const span = Math.round((last - first) / DAY) - 30;
  const ehRows = ['child_id,locality,start_date,end_date,outcome'];
  for (let i = 0; i < 400; i++) {
    const start = new Date(first + Math.floor(rand() * span) * DAY);
    const end = rand() < 0.8 ? new Date(start.getTime() + (30 + Math.floor(rand() * 200)) * DAY) : null;
    const endText = end && end.getTime() < last ? end.toISOString().slice(0, 10) : '';
    const outcome = endText ? (rand2() < 0.72 ? 'needs_met' : rand2() < 0.6 ? 'stepped_up' : 'other') : '';
    ehRows.push(`EX${String(100000 + i)},${rand() < 0.55 ? 'East' : 'West'},${start.toISOString().slice(0, 10)},${endText},${outcome}`);
  }
  await put('extracts/early-help-episodes.csv', `${ehRows.join('\n')}\n`);
  await put('.gitignore', 'out/\n.boardpack/\n');
  return written;
}

export default async function init(log: CliLogger, _opts: unknown, args: string[]): Promise<number> {
  const dir = path.resolve(args[0]);
  // SOURCE_DATE_EPOCH fixes "today" as it does for the freshness gates.
  const files = await writeInitProject(dir, { today: defaultClock()().toISOString().slice(0, 10) });
  for (const f of files) process.stdout.write(`${path.join(path.relative(process.cwd(), dir) || '.', f)}\n`);
  log.summary(`Created a boardpack project in ${path.relative(process.cwd(), dir) || dir}; next: boardpack run --project ${path.relative(process.cwd(), dir) || dir}`);
  return 0;
}
