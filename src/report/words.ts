/**
 * The words of every judgement the pack makes: rating, direction of travel (and whether the change is
 * significant), significance against a comparator, SPC variation and assurance, the curve, and why an indicator
 * is an exception. HTML, PDF, XLSX, results.json and the status sentences all take their words from here, so a
 * judgement reads the same wherever a board member meets it.
 *
 * A leaf module: it imports only types and `core/format`, so assess (status sentences, rating reasons) can use
 * it without depending on the rest of the report stage.
 */
import { formatBare, formatNumber, formatValue } from '../core/format.js';
import type { AssessedValue, ChangeTest, Direction, ExceptionReason, ForecastSummary, Interval, Rag, Significance } from '../assess/types.js';
import type { AssuranceType, VariationType } from '../assess/stats/spc.js';
import type { IndicatorDef } from '../config/types.js';

type Def = Pick<IndicatorDef, 'unit' | 'decimals'>;

// --- Rating ------------------------------------------------------------------------------------------------

export const RAG_WORD: Record<Rag, string> = { red: 'Red', amber: 'Amber', green: 'Green', blue: 'Blue', grey: 'Not rated' };

export const RAG_MEANING: Record<Rag, string> = {
  red: 'worse than target and outside the amber tolerance',
  amber: 'worse than target but within the amber tolerance',
  green: 'on or better than target',
  blue: 'better than target by more than the stated margin',
  grey: 'no target, no polarity, too few to rate, or no figure',
};

/**
 * A gap between two figures in the figure's own terms: percentage points for a percentage ("15.0 percentage
 * points"), the unit otherwise ("8.8 per 10,000", "3 days"). Never a relative change: "20% below a target of
 * 75%" for 60% misreads as 55%.
 */
export function gapText(def: Def, gap: number): string {
  const g = Math.abs(gap);
  if (def.unit === 'percent') return `${formatNumber(g, 'count', def.decimals)} percentage ${g === 1 ? 'point' : 'points'}`;
  return formatValue(def, g);
}

// --- Direction of travel -----------------------------------------------------------------------------------

/** How a change was judged, in words, for the methods and the long descriptions. */
export const CHANGE_TEST_TEXT: Record<ChangeTest, string> = {
  two_proportions: 'two-proportion z-test at the 5% level',
  two_poisson_rates: 'test of two Poisson rates (exact conditional binomial) at the 5% level',
  no_change_band: 'no significance test applies to this unit; changes inside the no-change band count as no change',
};

/**
 * Direction of travel as one word or phrase that always says whether the change is significant. Under a test:
 * "significant improvement", "significant deterioration", "no significant change" (and "significantly
 * higher/lower" without a better direction). Where no test applies the no-change band judged it, and the word
 * says so: "improving (not tested)".
 */
export function directionWord(direction: Direction, test: ChangeTest | undefined, moved: number): string {
  const tested = test !== undefined && test !== 'no_change_band';
  switch (direction) {
    case 'improving': return tested ? 'significant improvement' : 'improving (not tested)';
    case 'deteriorating': return tested ? 'significant deterioration' : 'deteriorating (not tested)';
    case 'no_change': return tested ? 'no significant change' : 'no change';
    case 'no_judgement':
      // Moved beyond the band (or significantly) although which way is not known here: the earlier figure is missing.
      if (moved === 0) return tested ? 'significant change' : 'changed (not tested)';
      return tested ? `significantly ${moved > 0 ? 'higher' : 'lower'}` : `${moved > 0 ? 'higher' : 'lower'} (not tested)`;
    default: return 'not available';
  }
}

/** A figure's direction of travel (against the previous period, or the same period last year) in words. */
export function directionText(v: Pick<AssessedValue, 'value' | 'previousValue' | 'sameLastYearValue' | 'direction' | 'directionYoY' | 'directionTest' | 'directionYoYTest'>, yoy = false): string {
  const earlier = yoy ? v.sameLastYearValue : v.previousValue;
  const moved = v.value !== null && earlier !== null ? Math.sign(v.value - earlier) : 0;
  return yoy ? directionWord(v.directionYoY, v.directionYoYTest, moved) : directionWord(v.direction, v.directionTest, moved);
}

/** The comparison a direction is made against, naming the period: "against 2026/27 Q1". */
export function againstText(label: string | null | undefined, fallback: string): string {
  return label ? `against ${label}` : fallback;
}

// --- Significance against a comparator (Fingertips' colours) ------------------------------------------------

export const SIGNIFICANCE_WORD: Record<Significance, string> = {
  better: 'significantly better',
  similar: 'similar',
  worse: 'significantly worse',
  higher: 'significantly higher',
  lower: 'significantly lower',
  not_compared: 'not compared',
};

// --- SPC (NHS "Making Data Count") ------------------------------------------------------------------------

/** Variation in a few words (scorecards, JSON, XLSX). */
export const VARIATION_WORD: Record<string, string> = {
  common_cause: 'common cause: no significant change',
  improvement_high: 'special cause: improving (higher)',
  improvement_low: 'special cause: improving (lower)',
  concern_high: 'special cause: concern (higher)',
  concern_low: 'special cause: concern (lower)',
  neutral_high: 'special cause: higher',
  neutral_low: 'special cause: lower',
};

/** Variation as a sentence (captions, alt text). */
export const VARIATION_TEXT: Record<string, string> = {
  common_cause: 'Common cause variation: no significant change',
  improvement_high: 'Special cause variation: improving (higher)',
  improvement_low: 'Special cause variation: improving (lower)',
  concern_high: 'Special cause variation: of concern (higher)',
  concern_low: 'Special cause variation: of concern (lower)',
  neutral_high: 'Special cause variation: higher (no better direction)',
  neutral_low: 'Special cause variation: lower (no better direction)',
};

/** What a special cause of concern means, for the exception list. */
export const SPC_CONCERN_TEXT: Record<string, string> = {
  concern_high: 'figures unusually high for this process',
  concern_low: 'figures unusually low for this process',
};

/** The icons' short labels, beside their SVG. */
export const VARIATION_SHORT: Record<VariationType, string> = {
  common_cause: 'Common cause',
  improvement_high: 'Improvement (high)',
  improvement_low: 'Improvement (low)',
  concern_high: 'Concern (high)',
  concern_low: 'Concern (low)',
  neutral_high: 'Special cause (high)',
  neutral_low: 'Special cause (low)',
};

export const ASSURANCE_SHORT: Record<AssuranceType, string> = {
  pass: 'Consistently hits the target',
  fail: 'Consistently misses the target',
  hit_or_miss: 'Hits and misses the target',
};

export const ASSURANCE_WORD: Record<string, string> = {
  pass: 'consistently passing',
  fail: 'consistently failing',
  hit_or_miss: 'hit and miss',
};

export const ASSURANCE_TEXT: Record<string, string> = {
  pass: 'Assurance: the target will consistently be met',
  fail: 'Assurance: the target will consistently be missed without change',
  hit_or_miss: 'Assurance: the target will be met or missed at random (within the limits)',
};

export function variationWord(variation: string | undefined | null): string {
  return variation ? VARIATION_WORD[variation] ?? variation : 'no SPC chart';
}

export function assuranceWord(assurance: string | undefined | null): string {
  return assurance ? ASSURANCE_WORD[assurance] ?? assurance : 'no target to assure';
}

// --- Turning the curve -------------------------------------------------------------------------------------

export const CURVE_WORD: Record<ForecastSummary['status'], string> = {
  turned: 'curve turned',
  turning: 'curve turning',
  not_turning: 'not turning the curve',
  no_judgement: 'no judgement on the curve',
};

// --- Intervals ---------------------------------------------------------------------------------------------

/**
 * "95% CI 58.1% to 63.4%". An interval never prints as a single value: decimals are added (up to three more)
 * until its ends differ; an interval narrower than that says so ("95% CI within ±0.001 percentage points").
 */
export function intervalText(def: Def & Partial<Pick<IndicatorDef, 'unit'>>, ci: Pick<Interval, 'lower' | 'upper' | 'level'>, long = false): string {
  const level = `${Math.round(ci.level * 1000) / 10}%`;
  const head = long ? `${level} confidence interval` : `${level} CI`;
  for (let extra = 0; extra <= 3; extra++) {
    const d = { ...def, decimals: def.decimals + extra };
    const lo = formatValue(d, ci.lower);
    const hi = formatValue(d, ci.upper);
    if (lo !== hi) return `${head} ${lo} to ${hi}`;
  }
  return `${head} narrower than ${gapText({ ...def, decimals: def.decimals + 3 }, 10 ** -(def.decimals + 3))} either side`;
}

/** The scorecard's compact interval, "(58.1–63.4)", with the same never-one-value rule. */
export function compactInterval(def: Def, ci: Pick<Interval, 'lower' | 'upper'>): string {
  for (let extra = 0; extra <= 3; extra++) {
    const d = { decimals: def.decimals + extra };
    const lo = formatBare(d, ci.lower);
    const hi = formatBare(d, ci.upper);
    if (lo !== hi) return `(${lo}–${hi})`;
  }
  return `(±${formatBare({ decimals: def.decimals + 3 }, 10 ** -(def.decimals + 3))})`;
}

// --- Exceptions --------------------------------------------------------------------------------------------

export const EXCEPTION_KIND_WORD: Record<ExceptionReason['kind'], string> = {
  red: 'Red against target',
  spc_concern: 'Special cause of concern',
  assurance_fail: 'Target consistently missed',
  worse_than_comparator: 'Significantly worse than a comparator',
  significant_deterioration: 'Significant deterioration',
};

/** One reason an indicator is an exception, as the pack prints it. `labels` names the compared periods. */
export function exceptionReasonText(def: Def, r: ExceptionReason, labels: { previous?: string | null; sameLastYear?: string | null } = {}): string {
  switch (r.kind) {
    case 'red': return `Red: ${r.reason}`;
    case 'spc_concern': return `Special cause of concern (SPC): ${SPC_CONCERN_TEXT[r.variation] ?? VARIATION_TEXT[r.variation] ?? r.variation}`;
    case 'assurance_fail': return 'SPC assurance: the target will consistently be missed without a change to the process';
    case 'worse_than_comparator': return `Significantly worse than ${r.comparator} (${formatValue(def, r.value)})`;
    case 'significant_deterioration': {
      const when = r.against === 'previous' ? labels.previous ?? 'the previous period' : labels.sameLastYear ?? 'the same period last year';
      const run = r.runLength >= 2 ? `, worse for ${r.runLength} periods in a row` : '';
      return r.test === 'no_change_band'
        ? `Deteriorating against ${when} (${formatValue(def, r.earlier)})${run}: beyond the no-change band (no significance test applies)`
        : `Significant deterioration against ${when} (${formatValue(def, r.earlier)})${run}`;
    }
  }
}

// --- Decision type -----------------------------------------------------------------------------------------

export const DECISION_WORD = { assurance: 'For assurance', decision: 'For decision', information: 'For information' } as const;
