/** sample-data/README.md, with the designed statuses computed from the generated data. */
import { NHS_HEADER_ROW, thousands } from './extracts.js';
import { designTargets, evaluate, INDICATORS, latestPeriod, MULTIPLIER, periodsOf, ragStatus, type IndicatorDef } from './indicators.js';
import { CAMHS_MIGRATION_LABEL, LOCALITIES, NHS, PARTNERSHIP, POPULATION, SOCIAL_CARE, LATEST_QUARTER, YOUTH_JUSTICE_MISSING, type Locality } from './model.js';
import { PRIORITIES } from './project.js';

const fmt = (v: number | null, d: number) => (v === null ? 'none' : v.toFixed(d));
const kindLabel = (i: IndicatorDef) => (i.kind === 'population_indicator' ? 'population indicator' : `performance: ${i.question!.replace('_', ' ')}`);
const UNIT: Record<string, string> = { percent: '%', rate_per_1000: 'per 1,000', rate_per_10000: 'per 10,000', rate_per_100000: 'per 100,000', count: 'count' };
const SOURCE: Record<string, string> = {
  nhs_maternity_child_health: 'NHS workbook',
  education_termly: 'education CSV',
  social_care_episodes: 'social care records',
  youth_justice_fte: 'youth justice CSV',
  population: 'population CSV',
};
const sourcesOf = (i: IndicatorDef) => {
  const ids = [i.numerator, i.denominator].filter(Boolean).map((p) => (p!.kind === 'sum' ? p!.from : 'social_care_episodes'));
  return [...new Set(ids)].map((s) => SOURCE[s]).join(' / ');
};


/** Partnership value over a whole year of the indicator's periods (summed numerators and denominators). */
function yearValue(ind: IndicatorDef, loc: Locality | null, which: 'first' | 'last'): number | null {
  const ps = periodsOf(ind).filter((p) => evaluate(ind, p, null).value !== null);
  const n = ind.periodType === 'academic_year' ? 1 : ind.periodType === 'term' ? 3 : 4;
  const chosen = which === 'first' ? ps.slice(0, n) : ps.slice(-n);
  const snapshot = ind.numerator.kind === 'count' && ind.numerator.timing === 'snapshot';
  if (snapshot) return evaluate(ind, chosen[which === 'first' ? 0 : chosen.length - 1], loc).value;
  let num = 0;
  let den = 0;
  for (const p of chosen) {
    const f = evaluate(ind, p, loc);
    num += f.numerator ?? 0;
    den += f.denominator ?? 0;
  }
  return den > 0 ? (num / den) * MULTIPLIER[ind.unit] : null;
}

function change(id: string): string {
  const ind = INDICATORS.find((i) => i.id === id)!;
  const d = ind.decimals;
  const u = ind.unit === 'percent' ? '%' : ` ${UNIT[ind.unit]}`;
  const ps = periodsOf(ind).filter((p) => evaluate(ind, p, null).value !== null);
  const snapshot = ind.numerator.kind === 'count' && ind.numerator.timing === 'snapshot';
  const span = snapshot ? `${ps[0].label} to ${ps[ps.length - 1].label}` : ind.periodType === 'fy_quarter' ? `${ps[0].label.slice(0, 7)} to the year to ${ps[ps.length - 1].label}` : `${ps[0].label.replace(/^.*term /, '')} to ${ps[ps.length - 1].label.replace(/^.*term /, '')}`;
  return `${ind.shortTitle.toLowerCase().replace('camhs', 'CAMHS').replace('gld', 'GLD')} (${yearValue(ind, null, 'first')!.toFixed(d)}${u} to ${yearValue(ind, null, 'last')!.toFixed(d)}${u}, ${span})`;
}

export interface LatestStatus { ind: IndicatorDef; period: string; value: number | null; target: number | null; status: string; smallLocalities: string[] }

export function latestStatuses(): LatestStatus[] {
  return INDICATORS.map((ind) => {
    const p = latestPeriod(ind);
    const f = evaluate(ind, p, null);
    const value = f.value === null ? null : Number(f.value.toFixed(ind.decimals));
    let target: number | null = null;
    let status: string;
    if (value === null) status = 'grey (no data)';
    else if (!ind.design) status = ind.polarity === 'none' ? 'grey (context, no polarity)' : 'grey (population indicator: baseline, no target)';
    else {
      const yearId = ind.periodType === 'fy_quarter' ? `${p.id.slice(0, 7)}` : p.id.slice(0, 9);
      const rule = designTargets(ind)[yearId];
      target = rule.value;
      status = ragStatus(value, ind.polarity, rule);
      if (status !== ind.design.status) throw new Error(`${ind.id}: designed ${ind.design.status}, got ${status}`);
      const den = evaluate(ind, p, null).denominator;
      if (ind.minDenominator && den !== null && den < ind.minDenominator) status = `grey (too few to rate: ${den} under ${ind.minDenominator})`;
    }
    if (ind.design?.status === 'missing' && value !== null) throw new Error(`${ind.id}: designed missing, has data`);
    const smallLocalities = ind.disclosure === false ? [] : [null, ...LOCALITIES].filter((l) => {
      const n = evaluate(ind, p, l).numerator;
      return n !== null && n < 10;
    }).map((l) => (l ? l.name : `${PARTNERSHIP.name} (all)`));
    return { ind, period: p.label, value, target, status, smallLocalities };
  });
}

export function readme(files: Array<{ path: string; size: number }>): string {
  const statuses = latestStatuses();
  const pop = (loc: string) => POPULATION.filter((r) => r.period.id === '2026-27' && r.locality.id === loc)[0].values.population_0_17;
  const total = LOCALITIES.reduce((s, l) => s + pop(l.id), 0);
  const allAges = POPULATION.filter((r) => r.period.id === '2026-27').reduce((s, r) => s + r.values.population_all_ages, 0);
  const births = Math.round(NHS.filter((r) => r.period.id.startsWith('2025-26')).reduce((s, r) => s + (r.values.live_births ?? 0), 0) / 10) * 10;
  const rated = INDICATORS.filter((i) => i.polarity !== 'none');
  const centralWorst = rated.filter((ind) => {
    const vals = LOCALITIES.map((l) => yearValue(ind, l, 'last') ?? NaN);
    const worst = ind.polarity === 'higher_is_better' ? Math.min(...vals) : Math.max(...vals);
    return vals[0] === worst;
  }).map((i) => i.shortTitle.toLowerCase().replace('camhs', 'CAMHS').replace('gld', 'GLD'));
  const improving = ['smoking_at_delivery', 'funded_places_2_year_olds', 'good_level_of_development', 'phonics_year_1', 'children_in_care'].map(change).join('; ');
  const deteriorating = ['camhs_seen_within_4_weeks', 'children_missing_education', 'parental_conflict', 'child_protection_plans', 'permanent_exclusions'].map(change).join('; ');
  const zeros: string[] = [];
  for (const ind of INDICATORS.filter((i) => i.numerator.kind === 'count' && i.numerator.timing !== 'snapshot')) {
    for (const p of periodsOf(ind)) {
      for (const l of LOCALITIES) {
        const f = evaluate(ind, p, l);
        if (f.numerator === 0 && f.denominator) zeros.push(`${ind.shortTitle.toLowerCase()} in ${l.name}, ${p.label}`);
      }
    }
  }
  const zeroLine = zeros.length
    ? `no record-level event counted for ${zeros.join('; ')}: the figure is 0, not missing (a locality with no rows in a period must still get its zero)`
    : 'none';
  const out: string[] = [];
  out.push(`# Brackenfield: the bundled sample partnership

Everything in this folder is **fictional and generated**: Brackenfield, its council, trust, localities and every
figure are invented (the area codes are made up too). It is a complete boardpack project that exercises the whole
pipeline: five partner extracts in the shapes partners really send, the column contracts in \`boardpack.yaml\`, and
${INDICATORS.length} indicator definitions making the 18 "OBA indicators" of an early help and prevention strategy
computable (modelled on the Stoke-on-Trent Early Help and Prevention Strategy 2020-2024, with its compound
indicators split: birth statistics into three, children in care / CP / CIN into three, funded places and mental
health access into two each).

The pack it produces is the one for the **Early Help and Prevention Partnership Board of 21 January 2027**,
reporting **2026/27 Q2** (July to September 2026). Extracts cover 2021/22 Q1 to 2026/27 Q2 (education: autumn
2021 to summer 2026).

## Regenerate

\`\`\`
npm run sample:generate     # rewrites sample-data/ from scripts/generate-sample.ts
npx vitest run test/sample  # checks the committed files equal a fresh generation and validate against the schemas
\`\`\`

The generator is deterministic (seeded mulberry32 streams, one per extract; no clock). The XLSX is rewritten with a
fixed zip timestamp and fixed workbook dates, with its parts in the order Excel writes them (exceljs puts
\`xl/workbook.xml\` last, which exceljs's own streaming reader, used by ingest, cannot read back), so every run gives
the same bytes. Do not edit these files by hand: change the generator and regenerate.
\`test/sample/sample-pipeline.test.ts\` runs the folder through boardpack's own loader, ingest, measures and assess
and checks every figure against the generator's own arithmetic.

To see the pack: \`boardpack demo\` builds it from this folder into \`out/\`; \`boardpack validate -p sample-data\`
checks the configuration.

## Files

| file | what | bytes |
| --- | --- | ---: |`);
  const what: Record<string, string> = {
    'boardpack.yaml': 'project: partnership, board meeting, framework and priorities, areas, source contracts',
    '.gitattributes': 'keeps the extracts byte-for-byte (CRLF CSVs, binary XLSX)',
    'comparators/statistical_neighbours.csv': 'fictional statistical neighbour group in the DfE model\'s wide layout (SN_1 … SN_10, closeness bands)',
    'comparators/children_looked_after_by_authority.csv': 'children in care per 10,000 for England and the neighbours, in DfE\'s long download layout',
    'commentary.yaml': 'the owners\' commentary for the pack (story, what works, partners, actions) for the four priorities and six indicators, and Central\'s own for two indicators (printed only in its locality pack)',
  };
  const extractWhat: Record<string, string> = {
    nhs: 'NHS trust workbook: title block, one sheet per financial year, Total rows, a Notes sheet',
    education: 'council education extract by term (CRLF, thousands separators, summer-only columns)',
    social: 'record-level social care and early help episodes (one row per child episode)',
    youth: 'youth justice first-time entrants by quarter; 2026/27 Q2 not yet received',
    population: 'population aged 0-17 and all ages by locality and financial year',
  };
  for (const f of files) {
    const base = f.path.split('/').pop()!;
    const key = Object.keys(extractWhat).find((k) => base.startsWith(k));
    const desc = what[f.path] ?? (f.path.startsWith('indicators/') ? 'indicator definition' : key ? extractWhat[key] : '');
    if (f.path.startsWith('indicators/')) continue;
    out.push(`| \`${f.path}\` | ${desc} | ${thousands(f.size)} |`);
  }
  const indBytes = files.filter((f) => f.path.startsWith('indicators/')).reduce((s, f) => s + f.size, 0);
  out.push(`| \`indicators/*.yaml\` | ${INDICATORS.length} indicator definitions, one per file | ${thousands(indBytes)} |`);

  out.push(`
## The partnership

${thousands(allAges)} people, ${thousands(total)} of them aged 0-17 (2026-27 projection), about ${thousands(births)} births a year, in four
localities of unequal size. Partners spell the localities differently; \`boardpack.yaml\` lists every spelling as an alias.

| id | name | code | share of 0-17 | NHS trust | education | youth justice | social care |
| --- | --- | --- | ---: | --- | --- | --- | --- |
| \`${PARTNERSHIP.id}\` | ${PARTNERSHIP.name} | ${PARTNERSHIP.code} | 100% | | | | |`);
  for (const l of LOCALITIES) {
    out.push(`| \`${l.id}\` | ${l.name} | ${l.code} | ${Math.round((pop(l.id) / total) * 100)}% | ${l.nhs} | ${l.education} | ${l.youthJustice} | ${l.code} |`);
  }
  out.push(`
Priorities: ${PRIORITIES.map((p) => `\`${p.id}\` (${p.title})`).join(', ')}.

## The story in the data

- **Central is clearly worse**: it is the worst of the four localities over the latest year on ${centralWorst.length === rated.length ? 'every one' : centralWorst.length} of
  the ${rated.length} indicators with a polarity (${centralWorst.join(', ')}). **South West** is small and
  affluent: its counts are often under 10.
- **Improving**: ${improving}.
- **Deteriorating**: ${deteriorating}.
- **Seasonal**: births peak in July-September; CAMHS referrals and early help assessments dip in the summer
  holidays; attendance is highest in the autumn term; two-year-old take-up is lowest in the autumn term.
- **Missing**: the youth justice service has not sent 2026/27 Q2 (its file stops at 2026/27 Q1).
- **Not available**: the trust marks ${CAMHS_MIGRATION_LABEL} CAMHS waiting times \`x\` (system migration), in every row.
- **A true zero**: ${zeroLine}.
- **Too few to rate**: in 2026/27 Q2 two perinatal mental health practitioner posts were vacant and the service
  discharged fewer than 30 parents, the indicator's \`min_denominator\`: the figure is shown but grey, with no arrow
  or comparison, and left off its SPC chart.
- **Statistical neighbours**: children in care is compared with a fictional group of ten neighbours read from
  \`comparators/\` (the DfE model's layout), as their plain and closeness-weighted averages, with Brackenfield's rank.
- **Small numbers**: stillbirths, infant deaths, under-18 conceptions, first-time entrants, permanent exclusions and
  perinatal mental health discharges are under 10 in some or all localities every period.

Extract quirks on purpose: a 3-row title block (merged cells) and a blank row above the NHS header (header on row
${NHS_HEADER_ROW}), \`Total\` rows to skip, a Notes sheet not to read, quarter labels like \`2024/25 Q1\`; term ids like
\`AY2023-24-T1\` and thousands separators in the education CSV (Windows line endings); ISO dates and blank end dates in
the record-level social care file; period ids like \`2024-25-Q1\` in the youth justice file; financial-year ids in the
population file. GLD, phonics and oral health columns are filled in summer-term rows only.

## Indicators

| id | priority | kind / question | unit | period type | source |
| --- | --- | --- | --- | --- | --- |`);
  for (const i of INDICATORS) {
    out.push(`| \`${i.id}\` | ${i.priority} | ${kindLabel(i)} | ${UNIT[i.unit]} | ${i.periodType} | ${sourcesOf(i)} |`);
  }
  out.push(`
Rates of events in a quarter (CAMHS referrals, under-18 conceptions, first-time entrants, early help assessments
with a factor) use person-years as the denominator (\`sum(population) * 0.25\`), so a quarter's rate reads as an
annual rate and compares with national annual figures. Snapshot measures (children in care, on a CP plan, in need)
count distinct children with an episode open at the last day of the quarter; event measures count by start or end
date. GLD, phonics, oral health and exclusions are academic-year indicators built from the termly rows (the
exclusion rate's denominator is the spring census roll).

## Designed statuses for the 2026/27 Q2 pack

Each indicator's latest period (its own period type). RAG rule assumed here: green when the target is met; amber
when within the target's \`tolerance_pct\` of it (relative); red otherwise; blue when better than the target by more
than \`blue_margin_pct\`; grey when there is no target (population indicators, which carry a baseline instead) or no
data. "Under 10" lists the areas whose latest numerator is under the disclosure threshold of 10 (primary
suppression; the pack's secondary suppression then hides one more locality where a total would give them away).
The pack also withholds a percentage whose complement (denominator − numerator) is under 10, which this column
does not list.

| indicator | latest period | value | target | status | under 10 |
| --- | --- | ---: | ---: | --- | --- |`);
  for (const s of statuses) {
    out.push(`| \`${s.ind.id}\` | ${s.period} | ${fmt(s.value, s.ind.decimals)} | ${s.target ?? ''} | ${s.status} | ${s.smallLocalities.join(', ')} |`);
  }
  const count = (st: string) => statuses.filter((s) => s.status.startsWith(st)).length;
  out.push(`
In all: ${count('blue')} blue, ${count('green')} green, ${count('amber')} amber, ${count('red')} red, ${count('grey')} grey.
First-time entrants are grey because ${YOUTH_JUSTICE_MISSING} is missing (the pack should show the source as late).
The social care file holds ${thousands(SOCIAL_CARE.length)} episodes open at some point between
1 April 2021 and ${LATEST_QUARTER.end}.
`);
  return out.join('\n');
}
