/**
 * Freshness gates: is every source up to date for the report period, and by the clock?
 *
 * Each source declares `frequency` and `lateness_days` in its contract. For the report period P, a source's
 * *due* period is the latest period of its own type that ends by P's end (a termly source's summer term for
 * a September quarter, a yearly source's last financial year). A source with no data for its due period is
 * "missing for the period"; once the due period's end plus the lateness allowance has passed it is also
 * overdue. By the clock, a source is "late" when a later period than the one it has should have arrived by
 * today — the case where a monthly job would otherwise quietly publish last quarter's numbers again.
 *
 * Pure: coverage is read from the warehouse by the pipeline and handed in as plain values.
 */
import { problem, type Problem } from '../core/errors.js';
import { addDays, comparePeriods, dueDate, makePeriod, type Period, periodsBetween, type PeriodType, tryParsePeriodId } from '../core/periods.js';
import { sourcePeriodType } from '../measures/coverage.js';
import type { Config, Frequency, IndicatorDef, SourceDef } from '../config/types.js';
import type { Assessment } from '../assess/types.js';

/** What the warehouse holds for one source. */
export interface SourceCoverage {
  /** Period ids present (sources with a period column). */
  periods: string[];
  /** Latest date in any date column (record-level sources), ISO. */
  maxDate?: string | null;
  /** Whether the source has any table in the warehouse at all. */
  loaded: boolean;
}

export type SourceFreshnessStatus = 'current' | 'missing_period' | 'late' | 'not_loaded';

export interface SourceFreshness {
  source: string;
  partner: string;
  frequency: Frequency;
  periodType: PeriodType;
  latenessDays: number;
  /** Latest period the warehouse holds for it, or null. */
  latest: string | null;
  /** The period it must have for this report, and the date that is due by. */
  due: { period: string; label: string; dueBy: string };
  hasDuePeriod: boolean;
  /** Set when, by the clock, a later period should already have arrived. */
  overdue?: { period: string; label: string; dueBy: string };
  status: SourceFreshnessStatus;
  /** Indicators that read this source. */
  indicators: string[];
}

export type GateKind = 'source_missing_period' | 'source_late' | 'indicator_not_computed' | 'validation';

/** One reason `--strict` fails a run. Without --strict the same facts are data-quality notes in the pack. */
export interface Gate {
  code: string;
  kind: GateKind;
  message: string;
  source?: string;
  period?: string;
  indicators: string[];
}

export interface FreshnessReport {
  today: string;
  sources: SourceFreshness[];
  gates: Gate[];
  /** Warnings for the pack's data-quality appendix (the source gates, worded for the board). */
  notes: Problem[];
}



/** The latest period of `type` that ends on or before `date`. */
function lastEndingBy(type: PeriodType, date: string): Period {
  return periodsBetween(type, addDays(date, -800), date).filter((p) => p.end <= date).pop() ?? makePeriod(type, Number(date.slice(0, 4)) - 2, 1);
}

/** Which sources an indicator reads: its numerator's and denominator's `from`, or the tables its SQL names. */
export function sourcesOf(def: IndicatorDef, sources: SourceDef[]): string[] {
  const out = new Set<string>();
  for (const part of [def.numerator, def.denominator]) if (part) out.add(part.from);
  if (def.sql) {
    for (const s of sources) if (new RegExp(`\\b${s.table}\\b`, 'i').test(def.sql)) out.add(s.id);
  }
  return [...out];
}

export { sourcePeriodType };

/** Does the source hold data for `p`? Record-level sources do once any of their dates falls in or after it. */
function covers(cov: SourceCoverage, p: Period): boolean {
  if (cov.periods.includes(p.id)) return true;
  return Boolean(cov.maxDate && cov.maxDate >= p.start);
}

function latestCovered(cov: SourceCoverage, type: PeriodType): Period | null {
  const ids = cov.periods.map((id) => tryParsePeriodId(id)).filter((p): p is Period => Boolean(p)).sort(comparePeriods);
  if (ids.length) return ids[ids.length - 1];
  if (cov.maxDate) return periodsBetween(type, cov.maxDate, cov.maxDate)[0] ?? null;
  return null;
}

export interface FreshnessInput {
  config: Config;
  indicators: IndicatorDef[];
  assessment: Assessment;
  coverage: Record<string, SourceCoverage>;
  /** Today's date (ISO), from the run's clock (SOURCE_DATE_EPOCH when set). */
  today: string;
  /** Check lateness against the clock (off when the user named the period: an old pack rebuilt on purpose). */
  byClock: boolean;
  /** Problems with severity `error` from config, ingest and measures. */
  errors: Problem[];
}

export function checkFreshness(input: FreshnessInput): FreshnessReport {
  const { config, indicators, assessment, today } = input;
  const report = assessment.period;
  const notComputed = new Map(assessment.indicators
    .filter((ia) => ia.failure || ia.latest.status === 'awaiting_data' || ia.latest.status === 'failed' || ia.latest.status === 'partial')
    .map((ia) => [ia.indicator.id, ia]));
  const readers = new Map<string, string[]>();
  for (const def of indicators) for (const s of sourcesOf(def, config.sources)) (readers.get(s) ?? readers.set(s, []).get(s)!).push(def.id);

  const sources: SourceFreshness[] = [];
  const gates: Gate[] = [];
  const notes: Problem[] = [];
  for (const s of config.sources) {
    const type = sourcePeriodType(s);
    const cov = input.coverage[s.id] ?? { periods: [], loaded: false };
    const due = lastEndingBy(type, report.end);
    const dueBy = dueDate(s.dueRule ?? { days: s.latenessDays }, due.end);
    const latest = latestCovered(cov, type);
    const hasDue = cov.loaded && covers(cov, due);
    const affected = (readers.get(s.id) ?? []).filter((id) => notComputed.has(id));
    const f: SourceFreshness = {
      source: s.id, partner: s.partner, frequency: s.frequency, periodType: type, latenessDays: s.latenessDays,
      latest: latest?.id ?? null,
      due: { period: due.id, label: due.label, dueBy },
      hasDuePeriod: hasDue,
      status: !cov.loaded ? 'not_loaded' : hasDue ? 'current' : 'missing_period',
      indicators: readers.get(s.id) ?? [],
    };
    const affects = affected.length ? `; indicators affected: ${affected.join(', ')}` : '; no indicator of this pack is affected';
    if (!hasDue) {
      const when = today > dueBy ? `it was due by ${dueBy}` : `it is due by ${dueBy}`;
      const message = `source ${s.id} (${s.partner}) has no data for ${due.label} (${due.id}); ${when}${cov.loaded ? `, latest held is ${latest?.label ?? 'none'}` : ', and nothing from it is loaded'}${affects}`;
      gates.push({ code: 'BP_GATE_SOURCE_MISSING_PERIOD', kind: 'source_missing_period', message, source: s.id, period: due.id, indicators: affected });
      notes.push(problem('BP_SOURCE_MISSING_PERIOD', message, {
        severity: 'warning', yamlPath: `sources.${s.id}`, value: due.id,
        fix: `ask ${s.partner} for the ${due.label} extract; until it arrives the figures it feeds show "awaiting data"`,
      }));
    } else if (input.byClock) {
      // By the clock: the latest period that should have arrived by today.
      const expected = periodsBetween(type, addDays(today, -800), today).filter((p) => dueDate(s.dueRule ?? { days: s.latenessDays }, p.end) < today).pop();
      if (expected && latest && comparePeriods(expected, latest) > 0 && comparePeriods(expected, due) > 0) {
        const expectedBy = dueDate(s.dueRule ?? { days: s.latenessDays }, expected.end);
        f.overdue = { period: expected.id, label: expected.label, dueBy: expectedBy };
        f.status = 'late';
        const message = `source ${s.id} (${s.partner}) is late: ${expected.label} (${expected.id}) was due by ${expectedBy} and the latest held is ${latest.label}; this pack reports ${report.label}`;
        gates.push({ code: 'BP_GATE_SOURCE_LATE', kind: 'source_late', message, source: s.id, period: expected.id, indicators: readers.get(s.id) ?? [] });
        notes.push(problem('BP_SOURCE_LATE', message, {
          severity: 'warning', yamlPath: `sources.${s.id}`, value: expected.id,
          fix: `ask ${s.partner} for the ${expected.label} extract, or run for ${report.label} on purpose with --period ${report.id}`,
        }));
      }
    }
    sources.push(f);
  }

  for (const [id, ia] of notComputed) {
    const from = sourcesOf(ia.indicator, config.sources).filter((s) => gates.some((g) => g.kind === 'source_missing_period' && g.source === s));
    const why = ia.failure ? `could not be computed (${ia.failure.code}: ${ia.failure.message})`
      : ia.latest.status === 'partial' ? `is partial for ${ia.latest.periodLabel} (${ia.latest.period}): ${ia.latest.partial?.missingLabels.join(', ')} not yet held${from.length ? ` from ${from.join(', ')}` : ''}; it is not rated`
      : `is awaiting data for ${ia.latest.periodLabel} (${ia.latest.period})${from.length ? ` from ${from.join(', ')}` : ''}`;
    gates.push({ code: 'BP_GATE_INDICATOR', kind: 'indicator_not_computed', message: `indicator ${id} ${why}`, period: ia.latest.period, indicators: [id], ...(from[0] ? { source: from[0] } : {}) });
  }
  const validation = validationGate(input.errors);
  if (validation) gates.push(validation);
  return { today, sources, gates, notes };
}

/** One gate for every error-severity problem of the run (validation, ingest, a failed PDF), or undefined. */
export function validationGate(problems: Problem[]): Gate | undefined {
  const errors = problems.filter((p) => p.severity === 'error');
  if (!errors.length) return undefined;
  const codes = [...new Set(errors.map((e) => e.code))];
  return { code: 'BP_GATE_VALIDATION', kind: 'validation', message: `${errors.length} error(s) in the run (${codes.join(', ')}); they are listed above and in the pack's data-quality appendix`, indicators: [] };
}
