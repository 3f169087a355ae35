/**
 * The 24 indicators of the sample framework (the 18 "OBA indicators" of the Early Help and Prevention
 * strategy, with the compound ones split), written once in a small DSL that gives both the YAML parts
 * (numerator/denominator as in src/measures/README.md) and a JavaScript evaluation over the simulated data,
 * which the generator uses to set baselines and to check that the latest period lands on the designed status.
 */
import type { Period } from '../../src/core/periods.js';
import {
  ACADEMIC_YEARS, CAMHS_MIGRATION_LABEL, EDUCATION, FINANCIAL_YEARS, LOCALITIES, NHS, POPULATION, QUARTERS, SOCIAL_CARE, TERMS,
  YOUTH_JUSTICE, type EpisodeType, type Locality, type Row,
} from './model.js';

export type SourceId = 'nhs_maternity_child_health' | 'education_termly' | 'social_care_episodes' | 'youth_justice_fte' | 'population';
export type Status = 'blue' | 'green' | 'amber' | 'red';
type Polarity = 'higher_is_better' | 'lower_is_better' | 'none';
type Unit = 'percent' | 'rate_per_1000' | 'rate_per_10000' | 'rate_per_100000' | 'count';
type PeriodType = 'fy_quarter' | 'term' | 'academic_year';

const ROWS: Record<Exclude<SourceId, 'social_care_episodes'>, Row[]> = {
  nhs_maternity_child_health: NHS,
  education_termly: EDUCATION,
  youth_justice_fte: YOUTH_JUSTICE,
  population: POPULATION,
};

interface SumPart {
  kind: 'sum';
  from: Exclude<SourceId, 'social_care_episodes'>;
  cols: string[];
  /** Multiplies the sum: 0.25 turns a year's population into the person-years of one quarter. */
  scale?: number;
  /** Only rows of this term (1–3): the spring census is the DfE base for annual rates. */
  onlyTerm?: number;
}
interface CountPart {
  kind: 'count';
  types: EpisodeType[];
  flag?: { column: 'factor_parental_substance_misuse' | 'factor_parental_conflict_da' | 'parent_confidence_improved'; values: Array<'Y' | 'N'> };
  timing: 'start' | 'end' | 'snapshot';
  distinct: boolean;
}
type Part = SumPart | CountPart;

const sum = (from: SumPart['from'], cols: string | string[], extra: Partial<SumPart> = {}): SumPart => ({ kind: 'sum', from, cols: Array.isArray(cols) ? cols : [cols], ...extra });
const personYears = (from: SumPart['from'], col: string): SumPart => sum(from, col, { scale: 0.25 });
const episodes = (types: EpisodeType[], timing: CountPart['timing'], flag?: CountPart['flag'], distinct = true): CountPart => ({ kind: 'count', types, timing, flag, distinct });

export interface Design {
  /** Status designed for the latest period; `missing` when the latest data are deliberately absent. */
  status: Status | 'missing';
  /** Target for the latest year when it gives the designed status (else the nearest that does). */
  preferred: number;
  /** Change of target per year towards "better" (earlier years had easier targets). */
  yearly: number;
  tolerancePct: number;
  blueMarginPct?: number;
  /** Rounding step for targets. */
  step: number;
}

export interface IndicatorDef {
  id: string;
  title: string;
  shortTitle: string;
  description: string;
  kind: 'population_indicator' | 'performance_measure';
  question?: 'how_much' | 'how_well' | 'better_off';
  priority: 'best_start' | 'adolescence' | 'supporting_schools' | 'confident_parents';
  result: string;
  thrive?: 'thriving' | 'getting_advice' | 'getting_help' | 'getting_more_help' | 'getting_risk_support';
  polarity: Polarity;
  unit: Unit;
  decimals: number;
  periodType: PeriodType;
  numerator: Part;
  denominator?: Part;
  /** Fixed baseline (from the strategy) or `first` (the first year's outturn). */
  baseline?: { period: string; value: number; source: string } | 'first';
  design?: Design;
  minDenominator?: number;
  disclosure?: boolean;
  england?: number[];
  englandSource?: string;
  /** Compare with the sample's fictional statistical neighbours (comparators.ts). */
  statisticalNeighbours?: boolean;
  /** Rare events: figures pooled over this many years, as Fingertips pools them. */
  pool?: { years: number };
  /** true, or the SPC settings with a comment saying why (printed above `spc:` in the YAML). */
  spc?: true | { recalculateAt: Array<{ period: string; reason: string }>; why: string };
  owner: string;
  dataProvider: string;
  sourceNotes: string;
}

const RESULT = {
  best_start: 'Children have the best start in life',
  adolescence: 'Young people are safe, healthy and ready for adulthood',
  supporting_schools: 'Children attend, enjoy and achieve at school',
  confident_parents: 'Parents and carers are confident and equipped to raise healthy, happy children',
};

const NHS_PROVIDER = 'Brackenfield and Hollin Vale NHS Foundation Trust (maternity and child health information team)';
const EDU_PROVIDER = 'Brackenfield Borough Council, Education, Learning and Skills (school census and early years team)';
const CSC_PROVIDER = "Brackenfield Borough Council, Children's Social Care (case management system extract)";
const YJS_PROVIDER = 'Brackenfield Youth Justice Service';
const FINGERTIPS = 'OHID Fingertips (illustrative values for the sample)';
const DFE = 'DfE statistics (illustrative values for the sample)';

export const INDICATORS: IndicatorDef[] = [
  // ---------------------------------------------------------------- Best start in life
  {
    id: 'low_birth_weight', title: 'Babies born with a low birth weight', shortTitle: 'Low birth weight',
    description: 'Live births weighing under 2,500g, as a percentage of all live births.',
    kind: 'population_indicator', priority: 'best_start', result: RESULT.best_start, thrive: 'thriving',
    polarity: 'lower_is_better', unit: 'percent', decimals: 1, periodType: 'fy_quarter',
    numerator: sum('nhs_maternity_child_health', 'lbw_births'), denominator: sum('nhs_maternity_child_health', 'live_births'),
    baseline: { period: '2019', value: 9.5, source: 'Partnership JSNA 2019, as quoted in the Early Help and Prevention Strategy' },
    england: [6.9, 7.0, 7.1, 7.1, 7.1, 7.1], englandSource: FINGERTIPS,
    owner: 'Director of Public Health', dataProvider: NHS_PROVIDER,
    sourceNotes: 'Quarterly figures from the trust maternity information system, by mother\'s locality of residence. All live births, not only term births (the trust also sends term figures).',
  },
  {
    id: 'stillbirth_rate', title: 'Stillbirths per 1,000 total births', shortTitle: 'Stillbirth rate',
    description: 'Stillbirths (24+ weeks) per 1,000 total births (live births plus stillbirths).',
    kind: 'population_indicator', priority: 'best_start', result: RESULT.best_start, thrive: 'thriving',
    polarity: 'lower_is_better', unit: 'rate_per_1000', decimals: 1, periodType: 'fy_quarter',
    numerator: sum('nhs_maternity_child_health', 'stillbirths'), denominator: sum('nhs_maternity_child_health', ['live_births', 'stillbirths']),
    pool: { years: 3 }, baseline: 'first', england: [3.8, 3.5, 3.3, 3.3, 3.2, 3.2], englandSource: FINGERTIPS,
    owner: 'Director of Public Health', dataProvider: NHS_PROVIDER,
    sourceNotes: 'Around three stillbirths a quarter across the partnership: a quarter\'s rate says little, so each figure pools the three years to its quarter (as Fingertips does); locality counts are often still suppressed.',
  },
  {
    id: 'smoking_at_delivery', title: 'Mothers smoking at the time of delivery', shortTitle: 'Smoking at delivery',
    description: 'Maternities where the mother was a known smoker at the time of delivery, as a percentage of all maternities.',
    kind: 'performance_measure', question: 'better_off', priority: 'best_start', result: RESULT.best_start, thrive: 'getting_help',
    polarity: 'lower_is_better', unit: 'percent', decimals: 1, periodType: 'fy_quarter',
    numerator: sum('nhs_maternity_child_health', 'smoking_at_delivery'), denominator: sum('nhs_maternity_child_health', 'maternities'),
    design: { status: 'green', preferred: 11, yearly: 1, tolerancePct: 5, step: 0.5 }, spc: true,
    england: [9.1, 8.8, 7.4, 6.5, 6.1, 5.8], englandSource: FINGERTIPS,
    owner: 'Head of Midwifery', dataProvider: NHS_PROVIDER,
    sourceNotes: 'Better-off measure for the smokefree pregnancy pathway (targets follow the local tobacco control trajectory).',
  },
  {
    id: 'infant_mortality', title: 'Infant mortality rate', shortTitle: 'Infant mortality',
    description: 'Deaths of infants under one year per 1,000 live births.',
    kind: 'population_indicator', priority: 'best_start', result: RESULT.best_start, thrive: 'thriving',
    polarity: 'lower_is_better', unit: 'rate_per_1000', decimals: 1, periodType: 'fy_quarter',
    numerator: sum('nhs_maternity_child_health', 'infant_deaths'), denominator: sum('nhs_maternity_child_health', 'live_births'),
    pool: { years: 3 }, baseline: 'first', england: [3.9, 4.0, 4.1, 4.0, 3.9, 3.9], englandSource: FINGERTIPS,
    owner: 'Director of Public Health', dataProvider: NHS_PROVIDER,
    sourceNotes: 'Deaths over live births in the three years to the quarter, pooled as Fingertips does because a quarter\'s deaths are too few to judge; read with the Child Death Overview Panel report.',
  },
  {
    id: 'funded_places_2_year_olds', title: 'Eligible two-year-olds taking up a funded early education place', shortTitle: 'Funded places: 2-year-olds',
    description: 'Two-year-olds eligible for 15 hours of funded early education who are taking up a place, as a percentage of those eligible, at each termly headcount.',
    kind: 'performance_measure', question: 'how_well', priority: 'best_start', result: RESULT.best_start, thrive: 'getting_advice',
    polarity: 'higher_is_better', unit: 'percent', decimals: 1, periodType: 'term',
    numerator: sum('education_termly', 'funded_2yo'), denominator: sum('education_termly', 'eligible_2yo'),
    design: { status: 'amber', preferred: 80, yearly: 2, tolerancePct: 5, step: 1 },
    england: [72, 74, 75, 75, 76], englandSource: DFE,
    owner: 'Head of Early Years and Childcare', dataProvider: EDU_PROVIDER,
    sourceNotes: 'Termly headcount; take-up is always lowest in the autumn term, when newly eligible children have not yet started.',
  },
  {
    id: 'funded_places_3_4_year_olds', title: 'Three- and four-year-olds taking up a funded early education place', shortTitle: 'Funded places: 3–4-year-olds',
    description: 'Three- and four-year-olds in funded early education as a percentage of the estimated resident population aged 3–4.',
    kind: 'performance_measure', question: 'how_well', priority: 'best_start', result: RESULT.best_start, thrive: 'thriving',
    polarity: 'higher_is_better', unit: 'percent', decimals: 1, periodType: 'term',
    numerator: sum('education_termly', 'funded_3_4'), denominator: sum('education_termly', 'pop_3_4'),
    design: { status: 'blue', preferred: 93, yearly: 0.5, tolerancePct: 5, blueMarginPct: 2, step: 0.5 },
    england: [92, 94, 94, 94, 94], englandSource: DFE,
    owner: 'Head of Early Years and Childcare', dataProvider: EDU_PROVIDER,
    sourceNotes: 'Termly headcount; the population estimate is the council\'s best fit of ONS estimates to localities.',
  },
  {
    id: 'good_level_of_development', title: 'Children achieving a good level of development at the end of reception', shortTitle: 'School readiness (GLD)',
    description: 'Pupils assessed at the end of the Early Years Foundation Stage who reached a good level of development, as a percentage of the cohort.',
    kind: 'population_indicator', priority: 'best_start', result: RESULT.best_start, thrive: 'thriving',
    polarity: 'higher_is_better', unit: 'percent', decimals: 1, periodType: 'academic_year',
    numerator: sum('education_termly', 'gld_achieved'), denominator: sum('education_termly', 'eyfsp_cohort'),
    baseline: 'first', england: [65.2, 67.2, 67.7, 68.3, 68.8], englandSource: DFE,
    owner: 'Head of Early Years and Childcare', dataProvider: EDU_PROVIDER,
    sourceNotes: 'Sent in the summer-term rows of the education extract (blank in autumn and spring); the academic year figure is the summer term\'s.',
  },
  {
    id: 'tooth_decay_age_5', title: 'Five-year-olds with visually obvious tooth decay', shortTitle: 'Tooth decay at 5',
    description: 'Reception pupils examined in the oral health survey with visually obvious dental decay, as a percentage of those examined.',
    kind: 'population_indicator', priority: 'best_start', result: RESULT.best_start, thrive: 'thriving',
    polarity: 'lower_is_better', unit: 'percent', decimals: 1, periodType: 'academic_year',
    numerator: sum('education_termly', 'oral_health_decay'), denominator: sum('education_termly', 'oral_health_examined'),
    baseline: 'first', england: [23.7, 23.7, 22.4, 22.4, 21.9], englandSource: FINGERTIPS,
    owner: 'Director of Public Health', dataProvider: `${EDU_PROVIDER}, from the community dental service survey`,
    sourceNotes: 'A sample of about half of reception pupils is examined each summer term by the community dental service.',
  },
  // ---------------------------------------------------------------- Supporting schools
  {
    id: 'phonics_year_1', title: 'Year 1 pupils meeting the expected standard in the phonics screening check', shortTitle: 'Phonics (Year 1)',
    description: 'Year 1 pupils meeting the expected standard in the phonics screening check, as a percentage of those taking it.',
    kind: 'performance_measure', question: 'better_off', priority: 'supporting_schools', result: RESULT.supporting_schools, thrive: 'thriving',
    polarity: 'higher_is_better', unit: 'percent', decimals: 1, periodType: 'academic_year',
    numerator: sum('education_termly', 'phonics_pass'), denominator: sum('education_termly', 'phonics_cohort'),
    design: { status: 'amber', preferred: 80, yearly: 1, tolerancePct: 5, step: 1 },
    england: [75.5, 78.9, 80.2, 80.0, 80.4], englandSource: DFE,
    owner: 'Head of School Improvement', dataProvider: EDU_PROVIDER,
    sourceNotes: 'Summer-term rows of the education extract. Better-off measure for the early reading programme in schools.',
  },
  {
    id: 'children_missing_education', title: 'Children missing education', shortTitle: 'Children missing education',
    description: 'Children of compulsory school age known to be missing education (open cases at the end of term), per 10,000 pupils on roll.',
    kind: 'population_indicator', priority: 'supporting_schools', result: RESULT.supporting_schools, thrive: 'getting_help',
    polarity: 'lower_is_better', unit: 'rate_per_10000', decimals: 1, periodType: 'term',
    numerator: sum('education_termly', 'cme_open'), denominator: sum('education_termly', 'pupils_on_roll'),
    baseline: 'first', england: [30, 33, 36, 38, 40], englandSource: DFE,
    owner: 'Head of Inclusion and Attendance', dataProvider: EDU_PROVIDER,
    sourceNotes: 'Children missing education are by definition not on a school roll; pupils on roll is used as the base so that localities can be compared.',
  },
  {
    id: 'school_attendance', title: 'Overall attendance at school', shortTitle: 'School attendance',
    description: 'Sessions attended as a percentage of possible sessions, all pupils in state-funded schools.',
    kind: 'performance_measure', question: 'how_well', priority: 'supporting_schools', result: RESULT.supporting_schools, thrive: 'thriving',
    polarity: 'higher_is_better', unit: 'percent', decimals: 1, periodType: 'term',
    numerator: sum('education_termly', 'sessions_attended'), denominator: sum('education_termly', 'sessions_possible'),
    design: { status: 'red', preferred: 94, yearly: 0, tolerancePct: 1, step: 0.5 }, disclosure: false,
    england: [92.4, 92.5, 92.9, 93.2, 93.4], englandSource: DFE,
    owner: 'Head of Inclusion and Attendance', dataProvider: EDU_PROVIDER,
    sourceNotes: 'Counts are half-day sessions, not children, so no disclosure control applies. Attendance dips every spring and summer term.',
  },
  {
    id: 'permanent_exclusions', title: 'Permanent exclusions from school', shortTitle: 'Permanent exclusions',
    description: 'Permanent exclusions in the academic year per 10,000 pupils on roll at the spring census.',
    kind: 'population_indicator', priority: 'supporting_schools', result: RESULT.supporting_schools,
    polarity: 'lower_is_better', unit: 'rate_per_10000', decimals: 1, periodType: 'academic_year',
    numerator: sum('education_termly', 'permanent_exclusions'), denominator: sum('education_termly', 'pupils_on_roll', { onlyTerm: 2 }),
    baseline: 'first', england: [8, 11, 13, 13, 13], englandSource: DFE,
    owner: 'Head of Inclusion and Attendance', dataProvider: EDU_PROVIDER,
    sourceNotes: 'Sum of the three terms\' exclusions over the spring (January) census roll, as DfE does. Locality counts are often under 10.',
  },
  // ---------------------------------------------------------------- Adolescence
  {
    id: 'camhs_referrals', title: 'Children and young people referred to CAMHS', shortTitle: 'CAMHS referrals',
    description: 'Referrals accepted by children and young people\'s mental health services, per 10,000 children aged 0–17 (annualised).',
    kind: 'performance_measure', question: 'how_much', priority: 'adolescence', result: RESULT.adolescence, thrive: 'getting_help',
    polarity: 'none', unit: 'rate_per_10000', decimals: 1, periodType: 'fy_quarter',
    numerator: sum('nhs_maternity_child_health', 'camhs_referrals'), denominator: personYears('population', 'population_0_17'),
    owner: 'ICB Head of Children\'s Mental Health Commissioning', dataProvider: NHS_PROVIDER,
    sourceNotes: 'Context for waiting times ("improved access"): no polarity and no target. Denominator is a quarter of the financial year\'s population (person-years), so quarterly rates read as annual rates. Referrals dip in the summer holidays.',
  },
  {
    id: 'camhs_seen_within_4_weeks', title: 'CAMHS referrals seen within 4 weeks', shortTitle: 'CAMHS seen in 4 weeks',
    description: 'Referrals accepted in the quarter whose first appointment was within 4 weeks, as a percentage of referrals accepted.',
    kind: 'performance_measure', question: 'how_well', priority: 'adolescence', result: RESULT.adolescence, thrive: 'getting_help',
    polarity: 'higher_is_better', unit: 'percent', decimals: 1, periodType: 'fy_quarter',
    numerator: sum('nhs_maternity_child_health', 'camhs_seen_4_weeks'), denominator: sum('nhs_maternity_child_health', 'camhs_referrals'),
    design: { status: 'red', preferred: 75, yearly: 0, tolerancePct: 5, step: 1 }, spc: true, minDenominator: 20,
    owner: 'ICB Head of Children\'s Mental Health Commissioning', dataProvider: NHS_PROVIDER,
    sourceNotes: `The ${CAMHS_MIGRATION_LABEL} figure is not available (x): the field was lost in the trust's patient record system migration.`,
  },
  {
    id: 'participation_16_17', title: '16–17-year-olds participating in education or training', shortTitle: 'Participation at 16–17',
    description: 'Resident young people aged 16–17 participating in education or training (including apprenticeships), as a percentage of the cohort.',
    kind: 'performance_measure', question: 'better_off', priority: 'adolescence', result: RESULT.adolescence, thrive: 'thriving',
    polarity: 'higher_is_better', unit: 'percent', decimals: 1, periodType: 'term',
    numerator: sum('education_termly', 'participating_16_17'), denominator: sum('education_termly', 'cohort_16_17'),
    design: { status: 'green', preferred: 92, yearly: 0.5, tolerancePct: 2, step: 0.5 },
    england: [92.2, 92.6, 92.5, 92.6, 92.8], englandSource: DFE,
    owner: 'Head of Post-16 and Skills', dataProvider: EDU_PROVIDER,
    sourceNotes: 'From the client caseload information system at each term end. Better-off measure for the participation and NEET service.',
  },
  {
    id: 'under_18_conceptions', title: 'Under-18 conceptions', shortTitle: 'Teenage conceptions',
    description: 'Conceptions to women aged under 18 per 1,000 females aged 15–17 (annualised).',
    kind: 'population_indicator', priority: 'adolescence', result: RESULT.adolescence, thrive: 'getting_advice',
    polarity: 'lower_is_better', unit: 'rate_per_1000', decimals: 1, periodType: 'fy_quarter',
    numerator: sum('nhs_maternity_child_health', 'u18_conceptions'), denominator: personYears('nhs_maternity_child_health', 'female_pop_15_17'),
    baseline: 'first', england: [13.1, 13.0, 12.6, 12.3, 12.0, 11.8], englandSource: 'ONS conceptions statistics (illustrative values for the sample)',
    owner: 'Director of Public Health', dataProvider: NHS_PROVIDER,
    sourceNotes: 'Denominator is a quarter of the female population aged 15–17 (person-years), so quarterly rates compare with annual national rates. Locality counts are small.',
  },
  {
    id: 'first_time_entrants', title: 'First-time entrants to the youth justice system', shortTitle: 'First-time entrants',
    description: 'Young people aged 10–17 receiving their first youth caution or conviction, per 100,000 aged 10–17 (annualised).',
    kind: 'performance_measure', question: 'better_off', priority: 'adolescence', result: RESULT.adolescence, thrive: 'getting_risk_support',
    polarity: 'lower_is_better', unit: 'rate_per_100000', decimals: 0, periodType: 'fy_quarter',
    numerator: sum('youth_justice_fte', 'first_time_entrants'), denominator: personYears('youth_justice_fte', 'population_10_17'),
    design: { status: 'missing', preferred: 190, yearly: 5, tolerancePct: 5, step: 5 },
    england: [148, 154, 149, 146, 144, 142], englandSource: 'Youth Justice Board (illustrative values for the sample)',
    owner: 'Head of Youth Justice Service', dataProvider: YJS_PROVIDER,
    sourceNotes: 'Denominator is a quarter of the population aged 10–17 (person-years). The 2026/27 Q2 return had not been received when the pack was produced.',
  },
  {
    id: 'parental_substance_misuse', title: 'Children affected by parental substance misuse identified at early help assessment', shortTitle: 'Parental substance misuse',
    description: 'Children whose early help assessment started in the period identified parental drug or alcohol misuse, per 10,000 children aged 0–17 (annualised).',
    kind: 'population_indicator', priority: 'adolescence', result: RESULT.adolescence, thrive: 'getting_help',
    polarity: 'lower_is_better', unit: 'rate_per_10000', decimals: 1, periodType: 'fy_quarter',
    numerator: episodes(['EHA'], 'start', { column: 'factor_parental_substance_misuse', values: ['Y'] }), denominator: personYears('population', 'population_0_17'),
    baseline: 'first',
    owner: 'Head of Early Help', dataProvider: CSC_PROVIDER,
    sourceNotes: 'Counted from the record-level episode extract: distinct children with an early help assessment starting in the period with the parental substance misuse factor.',
  },
  // ---------------------------------------------------------------- Confident and equipped parents
  {
    id: 'parental_mental_health_improved', title: 'Parents whose mental health improved with perinatal mental health support', shortTitle: 'Parental mental health improved',
    description: 'Parents discharged from the perinatal mental health service with a reliable improvement in their outcome score, as a percentage of discharges.',
    kind: 'performance_measure', question: 'better_off', priority: 'confident_parents', result: RESULT.confident_parents, thrive: 'getting_help',
    polarity: 'higher_is_better', unit: 'percent', decimals: 1, periodType: 'fy_quarter',
    numerator: sum('nhs_maternity_child_health', 'pmh_improved'), denominator: sum('nhs_maternity_child_health', 'pmh_discharges'),
    design: { status: 'blue', preferred: 60, yearly: 1, tolerancePct: 5, blueMarginPct: 5, step: 1 }, minDenominator: 30,
    owner: 'ICB Head of Mental Health Commissioning', dataProvider: NHS_PROVIDER,
    sourceNotes: 'About 40 discharges a quarter, so locality figures are too few to rate (under 30 discharges); in 2026/27 Q2, with two practitioner posts vacant, the partnership figure is too.',
  },
  {
    id: 'parent_confidence_improved', title: 'Parents more confident at the close of early help', shortTitle: 'More confident parents',
    description: 'Closed early help assessments where the parent reported improved confidence in their parenting, as a percentage of closures with the outcome recorded.',
    kind: 'performance_measure', question: 'better_off', priority: 'confident_parents', result: RESULT.confident_parents, thrive: 'getting_help',
    polarity: 'higher_is_better', unit: 'percent', decimals: 1, periodType: 'fy_quarter',
    numerator: episodes(['EHA'], 'end', { column: 'parent_confidence_improved', values: ['Y'] }, false),
    denominator: episodes(['EHA'], 'end', { column: 'parent_confidence_improved', values: ['Y', 'N'] }, false),
    design: { status: 'amber', preferred: 75, yearly: 1, tolerancePct: 5, step: 1 }, minDenominator: 20,
    owner: 'Head of Early Help', dataProvider: CSC_PROVIDER,
    sourceNotes: 'Counted from the record-level episode extract by closure date; closures without a recorded outcome are excluded.',
  },
  {
    id: 'parental_conflict', title: 'Children affected by parental conflict or domestic abuse identified at early help assessment', shortTitle: 'Parental conflict',
    description: 'Children whose early help assessment started in the period identified parental conflict or domestic abuse, per 10,000 children aged 0–17 (annualised).',
    kind: 'population_indicator', priority: 'confident_parents', result: RESULT.confident_parents, thrive: 'getting_help',
    polarity: 'lower_is_better', unit: 'rate_per_10000', decimals: 1, periodType: 'fy_quarter',
    numerator: episodes(['EHA'], 'start', { column: 'factor_parental_conflict_da', values: ['Y'] }), denominator: personYears('population', 'population_0_17'),
    baseline: 'first',
    owner: 'Head of Early Help', dataProvider: CSC_PROVIDER,
    sourceNotes: 'Counted from the record-level episode extract: distinct children with an early help assessment starting in the period with the parental conflict or domestic abuse factor.',
  },
  {
    id: 'children_in_care', title: 'Children in care', shortTitle: 'Children in care',
    description: 'Children looked after at the end of the period, per 10,000 children aged 0–17.',
    kind: 'performance_measure', question: 'how_much', priority: 'confident_parents', result: RESULT.confident_parents,
    polarity: 'lower_is_better', unit: 'rate_per_10000', decimals: 1, periodType: 'fy_quarter',
    numerator: episodes(['CLA'], 'snapshot'), denominator: sum('population', 'population_0_17'),
    baseline: { period: '2019-20', value: 129, source: 'Early Help and Prevention Strategy (children in care per 10,000 under 18)' },
    design: { status: 'amber', preferred: 86, yearly: 5, tolerancePct: 5, step: 1 },
    spc: {
      recalculateAt: [{ period: '2024-25-Q4', reason: 'the edge-of-care team began work' }],
      why: 'The rate fell steadily to 2024/25 Q4, when the edge-of-care team began work: the limits are recalculated from\nthere, so they describe the process as it now runs rather than spanning the fall.',
    },
    england: [70, 71, 70, 70, 69, 69], englandSource: DFE, statisticalNeighbours: true,
    owner: "Director of Children's Services", dataProvider: CSC_PROVIDER,
    sourceNotes: 'Snapshot at the last day of the quarter from the record-level episode extract (distinct children with an open CLA episode).',
  },
  {
    id: 'child_protection_plans', title: 'Children subject to a child protection plan', shortTitle: 'Child protection plans',
    description: 'Children subject to a child protection plan at the end of the period, per 10,000 children aged 0–17.',
    kind: 'performance_measure', question: 'how_much', priority: 'confident_parents', result: RESULT.confident_parents,
    polarity: 'lower_is_better', unit: 'rate_per_10000', decimals: 1, periodType: 'fy_quarter',
    numerator: episodes(['CP'], 'snapshot'), denominator: sum('population', 'population_0_17'),
    design: { status: 'red', preferred: 45, yearly: 0, tolerancePct: 5, step: 1 }, spc: true,
    england: [42.1, 43.2, 41.6, 41.0, 40.5, 40.0], englandSource: DFE,
    owner: "Director of Children's Services", dataProvider: CSC_PROVIDER,
    sourceNotes: 'Snapshot at the last day of the quarter from the record-level episode extract (distinct children with an open CP episode).',
  },
  {
    id: 'children_in_need', title: 'Children in need (including child protection and children in care)', shortTitle: 'Children in need',
    description: 'Children with an open child in need, child protection or looked-after episode at the end of the period, per 10,000 children aged 0–17.',
    kind: 'performance_measure', question: 'how_much', priority: 'confident_parents', result: RESULT.confident_parents, thrive: 'getting_more_help',
    polarity: 'lower_is_better', unit: 'rate_per_10000', decimals: 1, periodType: 'fy_quarter',
    numerator: episodes(['CIN', 'CP', 'CLA'], 'snapshot'), denominator: sum('population', 'population_0_17'),
    design: { status: 'green', preferred: 350, yearly: 0, tolerancePct: 5, step: 5 },
    england: [334, 343, 333, 332, 330, 330], englandSource: DFE,
    owner: "Director of Children's Services", dataProvider: CSC_PROVIDER,
    sourceNotes: 'Snapshot at the last day of the quarter, as in the CIN census: each child counted once whichever plan is open.',
  },
];

// ---------------------------------------------------------------------------------------------------------
// YAML parts

const FLAG_SQL = (flag: NonNullable<CountPart['flag']>) =>
  flag.values.length === 1 ? `${flag.column} = '${flag.values[0]}'` : `${flag.column} IN (${flag.values.map((v) => `'${v}'`).join(', ')})`;

export function partYaml(part: Part): Record<string, unknown> {
  if (part.kind === 'sum') {
    const sums = part.cols.map((c) => `sum(${c})`).join(' + ');
    const expr = part.scale === undefined ? sums : `${part.cols.length > 1 ? `(${sums})` : sums} * ${part.scale}`;
    const out: Record<string, unknown> = { from: part.from, expr };
    if (part.onlyTerm) out.where = `term LIKE '%-T${part.onlyTerm}'`;
    return out;
  }
  const types = part.types.length === 1 ? `episode_type = '${part.types[0]}'` : `episode_type IN (${part.types.map((t) => `'${t}'`).join(', ')})`;
  const where = part.flag ? `${types} AND ${FLAG_SQL(part.flag)}` : types;
  const period = part.timing === 'snapshot' ? { snapshot: ['start_date', 'end_date'] } : { event: part.timing === 'start' ? 'start_date' : 'end_date' };
  return { from: 'social_care_episodes', expr: part.distinct ? 'count(DISTINCT child_id)' : 'count(*)', where, period };
}

// ---------------------------------------------------------------------------------------------------------
// Evaluation over the simulated data (what the warehouse should compute)

export const MULTIPLIER: Record<Unit, number> = { percent: 100, rate_per_1000: 1_000, rate_per_10000: 10_000, rate_per_100000: 100_000, count: 1 };

function evalPart(part: Part, p: Period, loc: Locality | null): number | null {
  if (part.kind === 'sum') {
    let total = 0;
    let any = false;
    for (const row of ROWS[part.from]) {
      if (loc && row.locality.id !== loc.id) continue;
      const within = row.period.start >= p.start && row.period.end <= p.end;
      const containing = row.period.start <= p.start && row.period.end >= p.end;
      if (!within && !containing) continue;
      if (part.onlyTerm && !row.period.id.endsWith(`-T${part.onlyTerm}`)) continue;
      for (const c of part.cols) {
        const v = row.values[c];
        if (v !== null && v !== undefined) {
          total += v;
          any = true;
        }
      }
    }
    return any ? total * (part.scale ?? 1) : null;
  }
  const ids = new Set<string>();
  let n = 0;
  for (const e of SOCIAL_CARE) {
    if (loc && e.locality.id !== loc.id) continue;
    if (!part.types.includes(e.type)) continue;
    if (part.flag) {
      const v = part.flag.column === 'factor_parental_substance_misuse' ? e.substanceMisuse : part.flag.column === 'factor_parental_conflict_da' ? e.conflict : e.confidence;
      if (!v || !part.flag.values.includes(v)) continue;
    }
    const inPeriod = part.timing === 'snapshot'
      ? e.start <= p.end && (e.end === null || e.end > p.end)
      : part.timing === 'start' ? e.start >= p.start && e.start <= p.end : e.end !== null && e.end >= p.start && e.end <= p.end;
    if (!inPeriod) continue;
    n++;
    ids.add(e.childId);
  }
  return part.distinct ? ids.size : n;
}

export interface Figure { numerator: number | null; denominator: number | null; value: number | null }

export function evaluate(ind: IndicatorDef, p: Period, loc: Locality | null): Figure {
  const numerator = evalPart(ind.numerator, p, loc);
  const denominator = ind.denominator ? evalPart(ind.denominator, p, loc) : null;
  let value: number | null = null;
  if (numerator !== null && (!ind.denominator || (denominator !== null && denominator > 0))) {
    value = ind.denominator ? (numerator / denominator!) * MULTIPLIER[ind.unit] : numerator;
  }
  return { numerator, denominator, value };
}

export function periodsOf(ind: IndicatorDef): Period[] {
  return ind.periodType === 'fy_quarter' ? QUARTERS : ind.periodType === 'term' ? TERMS : ACADEMIC_YEARS;
}
export function yearsOf(ind: IndicatorDef): Period[] {
  return ind.periodType === 'fy_quarter' ? FINANCIAL_YEARS : ACADEMIC_YEARS;
}
/** The latest period the pack for 2026/27 Q2 shows for this indicator (its own period type). */
export function latestPeriod(ind: IndicatorDef): Period {
  const ps = periodsOf(ind);
  return ps[ps.length - 1];
}

/** First year's outturn: summed numerators over summed denominators of its periods. */
export function firstYearValue(ind: IndicatorDef): { period: Period; value: number } {
  const year = yearsOf(ind)[0];
  if (ind.periodType === 'term') {
    const first = periodsOf(ind)[0];
    return { period: first, value: evaluate(ind, first, null).value! };
  }
  const ps = periodsOf(ind).filter((p) => p.start >= year.start && p.end <= year.end);
  let num = 0;
  let den = 0;
  for (const p of ps) {
    const f = evaluate(ind, p, null);
    num += f.numerator ?? 0;
    den += f.denominator ?? 0;
  }
  return { period: year, value: (num / den) * MULTIPLIER[ind.unit] };
}

// ---------------------------------------------------------------------------------------------------------
// RAG as the README states it: tolerance and blue margin relative to the target.

export interface TargetRule { value: number; tolerance_pct: number; blue_margin_pct?: number }

export function ragStatus(value: number, polarity: Polarity, t: TargetRule): Status {
  const tol = t.tolerance_pct / 100;
  const blue = t.blue_margin_pct === undefined ? null : t.blue_margin_pct / 100;
  if (polarity === 'higher_is_better') {
    if (blue !== null && value >= t.value * (1 + blue)) return 'blue';
    if (value >= t.value) return 'green';
    return value >= t.value * (1 - tol) ? 'amber' : 'red';
  }
  if (blue !== null && value <= t.value * (1 - blue)) return 'blue';
  if (value <= t.value) return 'green';
  return value <= t.value * (1 + tol) ? 'amber' : 'red';
}

const roundStep = (x: number, step: number) => Number((Math.round(x / step) * step).toFixed(4));

/** Targets for every year: the latest year's target gives the designed status, earlier years step back. */
export function designTargets(ind: IndicatorDef): Record<string, TargetRule> {
  const d = ind.design!;
  const rule = (value: number): TargetRule => ({ value, tolerance_pct: d.tolerancePct, ...(d.blueMarginPct !== undefined ? { blue_margin_pct: d.blueMarginPct } : {}) });
  let latestTarget = d.preferred;
  if (d.status !== 'missing') {
    const v = evaluate(ind, latestPeriod(ind), null).value!;
    const rounded = Number(v.toFixed(ind.decimals));
    if (ragStatus(rounded, ind.polarity, rule(d.preferred)) !== d.status) {
      // Nearest target on the step grid that gives the designed status with some margin on both sides.
      const candidates: number[] = [];
      for (let k = -400; k <= 400; k++) candidates.push(roundStep(d.preferred + k * d.step, d.step));
      const ok = candidates.filter((c) => c > 0 && ragStatus(rounded, ind.polarity, rule(c)) === d.status
        && ragStatus(rounded * 1.005, ind.polarity, rule(c)) === d.status && ragStatus(rounded * 0.995, ind.polarity, rule(c)) === d.status);
      if (!ok.length) throw new Error(`${ind.id}: no target gives ${d.status} for ${rounded}`);
      ok.sort((a, b) => Math.abs(a - d.preferred) - Math.abs(b - d.preferred));
      latestTarget = ok[0];
    }
  }
  const years = yearsOf(ind);
  const sign = ind.polarity === 'higher_is_better' ? 1 : -1;
  const out: Record<string, TargetRule> = {};
  years.forEach((y, i) => {
    out[y.id] = rule(roundStep(latestTarget - sign * d.yearly * (years.length - 1 - i), d.step));
  });
  return out;
}
