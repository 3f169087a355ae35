/**
 * The fictional Brackenfield partnership: its localities, the periods the extracts cover, and a simple
 * simulation of every count the partners send. The story (see sample-data/README.md):
 * Central is the most deprived locality and worse on most measures; South West is small and affluent, so its
 * counts are often under 10. Smoking at delivery, two-year-old take-up and children in care improve; CAMHS
 * waiting times, children missing education, parental conflict and child protection plans deteriorate.
 */
import { makePeriod, type Period } from '../../src/core/periods.js';
import { Random } from '../../src/core/random.js';

export interface Locality {
  id: string;
  name: string;
  code: string;
  aliases: string[];
  /** Share of the 0–17 population, of births and of all ages. */
  popShare: number;
  birthShare: number;
  allAgesShare: number;
  /** How each partner spells the locality. */
  nhs: string;
  education: string;
  youthJustice: string;
}

export const PARTNERSHIP = {
  id: 'all',
  name: 'Brackenfield',
  code: 'E06099001',
  aliases: ['Brackenfield Borough', 'Brackenfield (all localities)'],
};

export const LOCALITIES: Locality[] = [
  {
    id: 'central', name: 'Central', code: 'BKF-L1',
    aliases: ['Brackenfield Central', 'CENTRAL', 'Central Locality', 'Locality 1'],
    popShare: 0.34, birthShare: 0.37, allAgesShare: 0.32,
    nhs: 'Brackenfield Central', education: 'CENTRAL', youthJustice: 'Central',
  },
  {
    id: 'north', name: 'North', code: 'BKF-L2',
    aliases: ['Brackenfield North', 'NORTH', 'North Locality', 'Locality 2'],
    popShare: 0.27, birthShare: 0.26, allAgesShare: 0.28,
    nhs: 'Brackenfield North', education: 'NORTH', youthJustice: 'North',
  },
  {
    id: 'east', name: 'East', code: 'BKF-L3',
    aliases: ['Brackenfield East', 'EAST', 'East Locality', 'Locality 3'],
    popShare: 0.24, birthShare: 0.23, allAgesShare: 0.25,
    nhs: 'Brackenfield East', education: 'EAST', youthJustice: 'East',
  },
  {
    id: 'south_west', name: 'South West', code: 'BKF-L4',
    aliases: ['Brackenfield South West', 'SOUTH WEST', 'South-West', 'South West Locality', 'Locality 4'],
    popShare: 0.15, birthShare: 0.14, allAgesShare: 0.15,
    nhs: 'Brackenfield South West', education: 'SOUTH WEST', youthJustice: 'South-West',
  },
];

/** The date every extract was produced, and the last day its data covers. */
export const PRODUCED = '2026-10-14';
export const DATA_TO = '2026-09-30';
export const DATA_FROM = '2021-04-01';

export const FINANCIAL_YEARS: Period[] = [2021, 2022, 2023, 2024, 2025, 2026].map((y) => makePeriod('fy', y));
export const QUARTERS: Period[] = FINANCIAL_YEARS.flatMap((fy) => {
  const y = Number(fy.id.slice(0, 4));
  return [1, 2, 3, 4].map((q) => makePeriod('fy_quarter', y, q));
}).filter((p) => p.end <= DATA_TO);
export const ACADEMIC_YEARS: Period[] = [2021, 2022, 2023, 2024, 2025].map((y) => makePeriod('academic_year', y));
export const TERMS: Period[] = ACADEMIC_YEARS.flatMap((ay) => {
  const y = Number(ay.id.slice(2, 6));
  return [1, 2, 3].map((t) => makePeriod('term', y, t));
});
export const LATEST_QUARTER = QUARTERS[QUARTERS.length - 1];

// ---------------------------------------------------------------------------------------------------------
// Small helpers

const DAY = 86_400_000;
export function dayNumber(iso: string): number {
  const [y, m, d] = iso.split('-').map(Number);
  return Date.UTC(y, m - 1, d) / DAY;
}
export function isoOfDay(n: number): string {
  return new Date(n * DAY).toISOString().slice(0, 10);
}
const T0 = dayNumber(DATA_FROM);
/** Years since 1 April 2021 at a date. */
export function yearsAt(iso: string): number {
  return (dayNumber(iso) - T0) / 365.25;
}
/** Years since 1 April 2021 at the middle of a period. */
export function tOf(p: Period): number {
  return (dayNumber(p.start) + dayNumber(p.end)) / 2 / 365.25 - T0 / 365.25;
}
/** Piecewise-linear curve through [t, value] points, flat beyond the ends. */
export function curve(points: Array<[number, number]>, t: number): number {
  if (t <= points[0][0]) return points[0][1];
  for (let i = 1; i < points.length; i++) {
    const [t1, v1] = points[i];
    if (t <= t1) {
      const [t0, v0] = points[i - 1];
      return v0 + ((v1 - v0) * (t - t0)) / (t1 - t0);
    }
  }
  return points[points.length - 1][1];
}
/** Locality multipliers rescaled so their weighted mean is 1 (the partnership keeps its headline rate). */
export function balanced(mults: number[], weights: number[] = LOCALITIES.map((l) => l.popShare)): number[] {
  const mean = mults.reduce((s, m, i) => s + m * weights[i], 0) / weights.reduce((s, w) => s + w, 0);
  return mults.map((m) => m / mean);
}
const clamp01 = (p: number) => Math.min(0.999, Math.max(0.001, p));
const fyOf = (p: Period) => FINANCIAL_YEARS.find((fy) => fy.start <= p.start && p.end <= fy.end) ?? FINANCIAL_YEARS[FINANCIAL_YEARS.length - 1];
const fyOfDate = (iso: string) => FINANCIAL_YEARS.find((fy) => fy.start <= iso && iso <= fy.end) ?? FINANCIAL_YEARS[FINANCIAL_YEARS.length - 1];

export type Values = Record<string, number | null>;
export interface Row { period: Period; locality: Locality; values: Values }

// ---------------------------------------------------------------------------------------------------------
// Population (mid-year estimates, best-fit to localities; 2026-27 is a projection)

export interface PopulationRow extends Row {
  values: { population_0_17: number; population_all_ages: number };
}

function buildPopulation(): PopulationRow[] {
  const rows: PopulationRow[] = [];
  const growth0_17 = [0.009, 0.003, 0.002, -0.001];
  const growthAll = [0.007, 0.004, 0.004, 0.002];
  for (const [i, fy] of FINANCIAL_YEARS.entries()) {
    for (const [j, loc] of LOCALITIES.entries()) {
      const p0 = 55_300 * loc.popShare * (1 + growth0_17[j]) ** i;
      const pa = 249_600 * loc.allAgesShare * (1 + growthAll[j]) ** i;
      rows.push({ period: fy, locality: loc, values: { population_0_17: Math.round(p0 / 5) * 5, population_all_ages: Math.round(pa / 5) * 5 } });
    }
  }
  return rows;
}

export const POPULATION = buildPopulation();
export function population(fy: Period, loc: Locality): PopulationRow['values'] {
  const row = POPULATION.find((r) => r.period.id === fy.id && r.locality.id === loc.id);
  if (!row) throw new Error(`no population for ${fy.id} ${loc.id}`);
  return row.values;
}
const roundTo = (x: number, step: number) => Math.round(x / step) * step;
export const female15to17 = (fy: Period, loc: Locality) => roundTo(population(fy, loc).population_0_17 * 0.0815, 5);
export const pop10to17 = (fy: Period, loc: Locality) => roundTo(population(fy, loc).population_0_17 * 0.452, 5);

// ---------------------------------------------------------------------------------------------------------
// NHS trust: maternity and child health, quarterly

/** 2024/25 Q3: the CAMHS waiting-time field was lost in a patient-record system migration (marked `x`). */
export const CAMHS_MIGRATION_QUARTER = '2024-25-Q3';
/** 2026/27 Q2: vacancies in the perinatal mental health team; its discharges fall under the minimum to rate. */
export const PMH_VACANCY_QUARTER = '2026-27-Q2';
export const CAMHS_MIGRATION_LABEL = '2024/25 Q3';

function buildNhs(): Row[] {
  const rnd = new Random('nhs');
  const rows: Row[] = [];
  const births = LOCALITIES.map((l) => l.birthShare);
  const m = {
    preterm: balanced([1.15, 0.97, 0.92, 0.85], births),
    lbw: balanced([1.2, 0.96, 0.9, 0.75], births),
    still: balanced([1.3, 0.95, 0.85, 0.65], births),
    smoking: balanced([1.32, 1.0, 0.86, 0.58], births),
    infant: balanced([1.35, 0.95, 0.85, 0.6], births),
    camhs: balanced([1.12, 1.0, 0.96, 0.86]),
    conceptions: balanced([1.5, 0.95, 0.8, 0.45]),
  };
  const seen4Adj = [-0.045, 0.0, 0.015, 0.045];
  const pmhAdj = [-0.04, 0.0, 0.02, 0.04];
  for (const q of QUARTERS) {
    const t = tOf(q);
    const qi = Number(q.id.slice(-1)) - 1;
    const fy = fyOf(q);
    const birthsTotal = 752 * [0.98, 1.04, 1.0, 0.98][qi] * (1 - 0.012 * t);
    for (const [i, loc] of LOCALITIES.entries()) {
      const live = rnd.poisson(birthsTotal * loc.birthShare);
      const term = live - rnd.binomial(live, 0.075 * m.preterm[i]);
      const lbw = rnd.steady(live, (curve([[0, 9.45], [5.5, 8.95]], t) / 100) * m.lbw[i], 0.6);
      const lbwTerm = Math.min(term, rnd.binomial(lbw, 0.31));
      const still = rnd.poisson(live * (curve([[0, 4.3], [5.5, 3.9]], t) / 1000) * m.still[i]);
      const maternities = live + still - rnd.binomial(live, 0.0075);
      const smokingRate = curve([[0, 16.6], [2, 14.6], [5.5, 10.4]], t) / 100;
      const smoking = rnd.steady(maternities, clamp01(smokingRate * m.smoking[i]), 0.5);
      const infant = rnd.poisson(live * (curve([[0, 5.6], [5.5, 4.9]], t) / 1000) * m.infant[i]);
      const camhsRef = rnd.poisson(640 * [1.05, 0.8, 1.1, 1.05][qi] * (1 + 0.05 * t) * loc.popShare * m.camhs[i]);
      const seenRate = curve([[0, 0.805], [1.5, 0.785], [3, 0.71], [5.5, 0.585]], t) + seen4Adj[i] + [0.0, 0.03, -0.02, -0.01][qi];
      const seen = rnd.steady(camhsRef, clamp01(seenRate), 0.6);
      const pmhRef = rnd.poisson(live * 0.062);
      const pmhDis = rnd.poisson(live * 0.055);
      const pmhImp = rnd.steady(pmhDis, clamp01(curve([[0, 0.585], [5.5, 0.672]], t) + pmhAdj[i]), 0.35);
      // 2026/27 Q2: two perinatal mental health practitioner posts were vacant, so the service discharged about
      // two thirds of its usual parents, and fewer of them improved: the quarter is too few to rate, yet neither the
      // parents who improved nor those who did not are few enough to withhold (scaled after the draws, so no
      // other figure moves).
      const vacancy = q.id === PMH_VACANCY_QUARTER;
      const pmhScale = vacancy ? 0.7 : 1;
      const pmhImpScale = vacancy ? 0.55 : 1;
      const fem = female15to17(fy, loc);
      const u18 = rnd.steadyCount(fem * (curve([[0, 23.0], [5.5, 17.5]], t) / 1000 / 4) * m.conceptions[i], 0.6);
      rows.push({
        period: q,
        locality: loc,
        values: {
          live_births: live,
          term_live_births: term,
          lbw_births: lbw,
          lbw_term_births: lbwTerm,
          stillbirths: still,
          maternities,
          smoking_at_delivery: smoking,
          infant_deaths: infant,
          camhs_referrals: camhsRef,
          camhs_seen_4_weeks: q.id === CAMHS_MIGRATION_QUARTER ? null : seen,
          pmh_referrals: pmhRef,
          pmh_discharges: Math.round(pmhDis * pmhScale),
          pmh_improved: Math.round(pmhImp * pmhImpScale),
          u18_conceptions: u18,
          female_pop_15_17: fem,
        },
      });
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------------
// Education: termly, by locality; annual outcomes (GLD, phonics, oral health) in the summer term only

function buildEducation(): Row[] {
  const rnd = new Random('education');
  const rows: Row[] = [];
  const eligShare = balanced([1.32, 0.93, 0.83, 0.6]);
  const cme = balanced([1.4, 1.0, 0.85, 0.5]);
  const excl = balanced([1.5, 0.95, 0.8, 0.5]);
  for (const term of TERMS) {
    const t = tOf(term);
    const ti = Number(term.id.slice(-1)) - 1;
    const summer = ti === 2;
    for (const [i, loc] of LOCALITIES.entries()) {
      const p0 = population(fyOfDate(term.start), loc).population_0_17;
      const eligible = Math.round(1_120 * [0.9, 1.0, 1.07][ti] * loc.popShare * eligShare[i] * (1 + rnd.normal(0, 0.02)));
      const take2 = curve([[0, 0.675], [1.5, 0.69], [5.5, 0.782]], t) + [-0.03, 0.0, 0.012][ti] + [-0.03, 0.01, 0.02, 0.035][i];
      const funded2 = rnd.steady(eligible, clamp01(take2), 0.6);
      const pop34 = Math.round(p0 * 0.108);
      const take34 = ([0.885, 0.915, 0.935][ti] + 0.003 * t) + [-0.025, 0.004, 0.012, 0.02][i];
      const funded34 = rnd.binomial(pop34, clamp01(take34 + rnd.normal(0, 0.004)));
      const eyfsp = Math.round(p0 * 0.0545 * (1 + rnd.normal(0, 0.01)));
      const gld = rnd.steady(eyfsp, clamp01(curve([[0, 0.605], [5.5, 0.66]], t) + [-0.055, 0.005, 0.02, 0.07][i]), 0.6);
      const phonicsCohort = Math.round(p0 * 0.0555 * (1 + rnd.normal(0, 0.01)));
      const phonics = rnd.steady(phonicsCohort, clamp01(curve([[0, 0.72], [5.5, 0.776]], t) + [-0.05, 0.0, 0.02, 0.055][i]), 0.6);
      const examined = Math.round(eyfsp * 0.48 * (1 + rnd.normal(0, 0.03)));
      const decay = rnd.steady(examined, clamp01(curve([[0, 0.34], [5.5, 0.29]], t) + [0.07, 0.0, -0.03, -0.09][i]), 0.6);
      const onRoll = Math.round(p0 * 0.66 * [0.995, 1.0, 1.002][ti]);
      const cmeOpen = rnd.poisson(onRoll * (curve([[0, 38], [2, 44], [5.5, 62]], t) / 10_000) * [1.12, 0.95, 0.93][ti] * cme[i]);
      const sessionsPossible = Math.round(onRoll * [142, 118, 124][ti] * (1 + rnd.normal(0, 0.002)));
      const attRate = (curve([[0, 91.6], [2, 92.1], [5.5, 92.9]], t) + [0.9, -0.35, -0.65][ti] + [-1.3, 0.1, 0.4, 1.0][i] + rnd.normal(0, 0.08)) / 100;
      const attended = Math.round(sessionsPossible * attRate);
      const exclusions = rnd.poisson(onRoll * (curve([[0, 14], [5.5, 19.5]], t) / 10_000) * [0.3, 0.38, 0.32][ti] * excl[i]);
      const cohort1617 = Math.round(p0 * 0.107);
      const part = curve([[0, 0.905], [5.5, 0.926]], t) + [-0.004, 0.0, 0.003][ti] + [-0.02, 0.003, 0.008, 0.016][i];
      const participating = rnd.steady(cohort1617, clamp01(part), 0.6);
      rows.push({
        period: term,
        locality: loc,
        values: {
          eligible_2yo: eligible,
          funded_2yo: funded2,
          pop_3_4: pop34,
          funded_3_4: funded34,
          eyfsp_cohort: summer ? eyfsp : null,
          gld_achieved: summer ? gld : null,
          phonics_cohort: summer ? phonicsCohort : null,
          phonics_pass: summer ? phonics : null,
          oral_health_examined: summer ? examined : null,
          oral_health_decay: summer ? decay : null,
          pupils_on_roll: onRoll,
          cme_open: cmeOpen,
          sessions_possible: sessionsPossible,
          sessions_attended: attended,
          permanent_exclusions: exclusions,
          cohort_16_17: cohort1617,
          participating_16_17: participating,
        },
      });
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------------
// Youth justice: first-time entrants, quarterly; the latest quarter (2026-27 Q2) has not been sent

export const YOUTH_JUSTICE_MISSING = LATEST_QUARTER.id;

function buildYouthJustice(): Row[] {
  const rnd = new Random('youth-justice');
  const rows: Row[] = [];
  const m = balanced([1.55, 0.9, 0.78, 0.42]);
  for (const q of QUARTERS) {
    if (q.id === YOUTH_JUSTICE_MISSING) continue;
    const t = tOf(q);
    const fy = fyOf(q);
    for (const [i, loc] of LOCALITIES.entries()) {
      const pop = pop10to17(fy, loc);
      const fte = rnd.steadyCount(pop * (curve([[0, 222], [3, 205], [5.5, 196]], t) / 100_000 / 4) * m[i], 0.6);
      rows.push({ period: q, locality: loc, values: { first_time_entrants: fte, population_10_17: pop } });
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------------
// Children's social care: one row per episode (EHA, CIN, CP, CLA), simulated as journeys from 2011 so that
// episodes open on 1 April 2021 have realistic start dates. Episodes still open at 30 September 2026 have a
// blank end date.

export type EpisodeType = 'EHA' | 'CIN' | 'CP' | 'CLA';
export interface Episode {
  childId: string;
  locality: Locality;
  type: EpisodeType;
  start: string;
  end: string | null;
  substanceMisuse: 'Y' | 'N' | null;
  conflict: 'Y' | 'N' | null;
  confidence: 'Y' | 'N' | null;
}

/** A 32-bit bijection, so sequential journey numbers give unique, unordered pseudonyms. */
function pseudonym(n: number): string {
  let x = (n + 0x5bd1e995) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b) >>> 0;
  x = (x ^ (x >>> 16)) >>> 0;
  return 'BF' + x.toString(16).toUpperCase().padStart(8, '0');
}

const MONTH_SEASON_EHA = [1.05, 1.05, 1.1, 0.95, 1.05, 1.05, 0.95, 0.6, 1.1, 1.15, 1.1, 0.85];

function buildSocialCare(): Episode[] {
  const rnd = new Random('social-care');
  const simFrom = dayNumber('2011-04-01');
  const dataFrom = dayNumber(DATA_FROM);
  const dataTo = dayNumber(DATA_TO);
  const mult: Record<EpisodeType, number[]> = {
    EHA: balanced([1.3, 1.0, 0.85, 0.6]),
    CIN: balanced([1.35, 0.95, 0.85, 0.55]),
    CP: balanced([1.5, 0.9, 0.78, 0.48]),
    CLA: balanced([1.5, 0.9, 0.8, 0.45]),
  };
  // Direct entries a year for the whole partnership (others arrive by stepping up or down).
  const inflow: Record<EpisodeType, Array<[number, number]>> = {
    EHA: [[-13, 900], [0, 1_180], [5.5, 1_330]],
    CIN: [[-13, 960], [0, 960], [5.5, 930]],
    CP: [[-13, 150], [0, 160], [2.5, 175], [5.5, 245]],
    CLA: [[-13, 205], [-1.5, 200], [0, 165], [3, 135], [5.5, 128]],
  };
  const duration: Record<EpisodeType, [number, number]> = { EHA: [150, 0.5], CIN: [330, 0.7], CP: [290, 0.55], CLA: [1_150, 0.9] };
  /** Longest plausible episode in days (a child in care leaves at 18 at the latest). */
  const longest: Record<EpisodeType, number> = { EHA: 540, CIN: 1_460, CP: 1_095, CLA: 3_650 };
  const episodes: Episode[] = [];
  let journeys = 0;

  const journey = (first: EpisodeType, startDay: number, li: number) => {
    const childId = pseudonym(journeys++);
    const loc = LOCALITIES[li];
    let type: EpisodeType | null = first;
    let day = startDay;
    while (type && day <= dataTo) {
      const [mean, sigma] = duration[type];
      const end = day + Math.min(longest[type], Math.max(7, Math.round(rnd.lognormal(mean, sigma))));
      const closed = end <= dataTo;
      let next: EpisodeType | null = null;
      const u = rnd.uniform();
      if (type === 'EHA') next = u < 0.07 ? 'CIN' : null;
      else if (type === 'CIN') next = u < 0.13 ? 'CP' : null;
      else if (type === 'CP') next = u < 0.12 ? 'CLA' : u < 0.57 ? 'CIN' : null;
      const ep: Episode = { childId, locality: loc, type, start: isoOfDay(day), end: closed ? isoOfDay(end) : null, substanceMisuse: null, conflict: null, confidence: null };
      if (type === 'EHA') {
        const t = yearsAt(ep.start);
        ep.substanceMisuse = rnd.chance(curve([[-13, 0.18], [0, 0.18], [5.5, 0.158]], t) * [1.25, 1.0, 0.9, 0.7][li]) ? 'Y' : 'N';
        ep.conflict = rnd.chance(curve([[-13, 0.25], [0, 0.27], [2, 0.29], [5.5, 0.37]], t) * [1.15, 1.0, 0.95, 0.8][li]) ? 'Y' : 'N';
        if (closed && rnd.chance(0.82)) {
          const te = yearsAt(ep.end!);
          const p = next ? 0.3 : curve([[0, 0.715], [5.5, 0.745]], te) + [-0.05, 0.0, 0.02, 0.05][li];
          ep.confidence = rnd.chance(p) ? 'Y' : 'N';
        }
      }
      if (end >= dataFrom) episodes.push(ep);
      if (!closed) break;
      type = next;
      day = end;
    }
  };

  for (let day = simFrom; day <= dataTo; ) {
    const monthStart = isoOfDay(day);
    const [y, mo] = monthStart.split('-').map(Number);
    const nextMonth = dayNumber(`${mo === 12 ? y + 1 : y}-${String(mo === 12 ? 1 : mo + 1).padStart(2, '0')}-01`);
    const days = nextMonth - day;
    const t = yearsAt(monthStart);
    for (const type of ['EHA', 'CIN', 'CP', 'CLA'] as EpisodeType[]) {
      const season = type === 'EHA' ? MONTH_SEASON_EHA[mo - 1] : 1;
      for (const [li, loc] of LOCALITIES.entries()) {
        const n = rnd.poisson((curve(inflow[type], t) / 12) * season * loc.popShare * mult[type][li]);
        for (let k = 0; k < n; k++) {
          const start = day + rnd.int(0, days - 1);
          if (start <= dataTo) journey(type, start, li);
        }
      }
    }
    day = nextMonth;
  }
  const order = ['EHA', 'CIN', 'CP', 'CLA'];
  episodes.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.childId < b.childId ? -1 : a.childId > b.childId ? 1 : order.indexOf(a.type) - order.indexOf(b.type)));
  return episodes;
}

export const NHS = buildNhs();
export const EDUCATION = buildEducation();
export const YOUTH_JUSTICE = buildYouthJustice();
export const SOCIAL_CARE = buildSocialCare();
