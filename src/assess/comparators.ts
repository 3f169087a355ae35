/**
 * Comparators beyond a single benchmark value: the DfE children's services statistical neighbour
 * model (each authority's 10 neighbours with a closeness band), the neighbours' average and a
 * closeness-weighted average, and rank and quartile among a peer group, LAIT style (rank 1 is the best by the
 * indicator's polarity; quartile A is the best quarter). Pure functions over parsed tables; the files are read
 * once at the stage boundary by `loadComparatorTables` (comparator-tables.ts).
 */
import { parse } from 'csv-parse/sync';
import type { Polarity } from '../config/types.js';

export type Closeness = 'extremely_close' | 'very_close' | 'close' | 'somewhat_close' | 'not_close';

export interface StatNeighbour {
  /** The neighbour's 3-digit DfE LA code (as in `old_la_code`). */
  code: string;
  /** 1 = the nearest. */
  position: number;
  closeness: Closeness | null;
}

export interface StatNeighbourAuthority {
  code: string;
  name: string;
  regionCode: string;
  regionName: string;
  neighbours: StatNeighbour[];
}

export type StatNeighbourModel = Map<string, StatNeighbourAuthority>;

const CLOSENESS: Record<string, Closeness> = {
  'extremely close': 'extremely_close', 'very close': 'very_close', close: 'close', 'somewhat close': 'somewhat_close', 'not close': 'not_close',
};

/** Closeness as the DfE file spells it ("Close ", with its trailing space), or null when blank or unknown. */
export function parseCloseness(text: string | undefined | null): Closeness | null {
  return CLOSENESS[String(text ?? '').trim().toLowerCase()] ?? null;
}

/**
 * Parses the DfE statistical neighbour model in its wide layout (`old_la_code, la_name, region_ind,
 * region_name, SN_1, SN_1P, … SN_10, SN_10P`), e.g. `dfe_sn_model_2025_wide.csv`. A byte-order mark,
 * quoted names with commas and trailing spaces in the closeness bands are all tolerated.
 */
export function parseStatNeighbourModel(csv: string): StatNeighbourModel {
  const rows = parse(csv, { columns: true, bom: true, skip_empty_lines: true, trim: true, relax_column_count: true }) as Array<Record<string, string>>;
  const model: StatNeighbourModel = new Map();
  for (const r of rows) {
    const code = r.old_la_code ?? r.la_code;
    if (!code) continue;
    const neighbours: StatNeighbour[] = [];
    for (let i = 1; i <= 20; i++) {
      const n = r[`SN_${i}`];
      if (n === undefined) break;
      if (n) neighbours.push({ code: n, position: i, closeness: parseCloseness(r[`SN_${i}P`]) });
    }
    model.set(code, { code, name: r.la_name ?? '', regionCode: r.region_ind ?? '', regionName: r.region_name ?? '', neighbours });
  }
  return model;
}

/**
 * Weights of the closeness bands for the weighted neighbour average, one step per band: an "extremely close"
 * neighbour counts four times a "somewhat close" one, and a "not close" neighbour is left out of the weighted
 * figure (it still counts in the plain average). Stated in the pack's methods; override per call.
 */
export const DEFAULT_CLOSENESS_WEIGHTS: Record<Closeness, number> = { extremely_close: 4, very_close: 3, close: 2, somewhat_close: 1, not_close: 0 };

export interface NeighbourAverage {
  /** Plain mean of the neighbours with a value. */
  mean: number | null;
  /** Mean weighted by closeness band; null when no neighbour with a value has a positive weight. */
  weightedMean: number | null;
  /** Neighbours with a value (code, value, weight), nearest first. */
  used: Array<{ code: string; value: number; weight: number }>;
  /** Neighbours without a value (suppressed, not published, or not in the table). */
  missing: string[];
}

export function neighbourAverage(
  model: StatNeighbourModel,
  code: string,
  values: ReadonlyMap<string, number | null>,
  weights: Record<Closeness, number> = DEFAULT_CLOSENESS_WEIGHTS,
): NeighbourAverage {
  const la = model.get(code);
  if (!la) throw new RangeError(`LA code ${code} is not in the statistical neighbour model`);
  const used: NeighbourAverage['used'] = [];
  const missing: string[] = [];
  for (const n of la.neighbours) {
    const v = values.get(n.code);
    if (v === null || v === undefined || !Number.isFinite(v)) missing.push(n.code);
    else used.push({ code: n.code, value: v, weight: n.closeness ? weights[n.closeness] : 0 });
  }
  const mean = used.length ? used.reduce((s, u) => s + u.value, 0) / used.length : null;
  const wSum = used.reduce((s, u) => s + u.weight, 0);
  const weightedMean = wSum > 0 ? used.reduce((s, u) => s + u.value * u.weight, 0) / wSum : null;
  return { mean, weightedMean, used, missing };
}

export type QuartileBand = 'A' | 'B' | 'C' | 'D';

export interface RankResult {
  /** 1 = best by polarity (highest when there is no polarity); ties share the better rank. */
  rank: number;
  /** Size of the group ranked, including the area itself. */
  of: number;
  /** LAIT banding: A the best quarter … D the worst; for no polarity, A the highest values. */
  quartile: QuartileBand;
  /** "8th of 11". */
  text: string;
}

export function ordinal(n: number): string {
  const s = n % 100;
  const suffix = s >= 11 && s <= 13 ? 'th' : n % 10 === 1 ? 'st' : n % 10 === 2 ? 'nd' : n % 10 === 3 ? 'rd' : 'th';
  return `${n}${suffix}`;
}

/**
 * Ranks `value` within `others` (the peer group's values, not including the area itself) by polarity:
 * competition ranking ("1224") so equal values share a rank, and the quartile band from the rank's position
 * (band = ceil(4 × rank / n)), as DfE's LAIT ranks all authorities. Missing values are left out.
 */
export function rankAmong(value: number, others: ReadonlyArray<number | null | undefined>, polarity: Polarity): RankResult {
  if (!Number.isFinite(value)) throw new RangeError(`cannot rank a missing value (got ${value})`);
  const peers = others.filter((v): v is number => v !== null && v !== undefined && Number.isFinite(v));
  const lowBest = polarity === 'lower_is_better';
  const better = peers.filter((v) => (lowBest ? v < value : v > value)).length;
  const rank = better + 1;
  const of = peers.length + 1;
  const band = Math.min(4, Math.max(1, Math.ceil((4 * rank) / of)));
  return { rank, of, quartile: (['A', 'B', 'C', 'D'] as const)[band - 1], text: `${ordinal(rank)} of ${of}` };
}
