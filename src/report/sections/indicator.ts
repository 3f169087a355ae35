/**
 * One indicator as every section prints it: the figure, its interval, rating, direction of travel, comparators,
 * SPC reading and curve, each already worded (words.ts), so a judgement reads the same on every page.
 */
import type { IndicatorAssessment, Significance } from '../../assess/types.js';
import type { Priority } from '../../config/types.js';
import { sparklineChart, type ChartView } from '../chart-views.js';
import {
  FORECAST_STATUS_LABEL, KIND_LABEL, POLARITY_LABEL, QUESTION_LABEL, UNIT_LABEL,
  directionView, figureView, formatBare, formatValue, isSpcConcern, ragView, type DirectionView, type FigureView, type RagView,
} from '../format.js';
import { assuranceIcon, variationIcon, type SpcIcon } from '../icons.js';
import { ASSURANCE_TEXT, SIGNIFICANCE_WORD, VARIATION_TEXT, intervalText, compactInterval } from '../words.js';
import { anchorOf, comparedLabels } from './context.js';

export interface ComparatorView {
  label: string;
  value: string;
  significance: string;
  /** The scorecard's dense form: "England 40.0: worse" (the figure in the indicator's unit, percentages with %). */
  compact: string;
  /** `sig sig-worse` etc.: Fingertips' colours (better green, similar amber, worse red, higher/lower blue). */
  className: string;
  verdict: Significance;
}

/** One indicator, everything the scorecard, cards and pages print about it. */
export interface IndicatorView {
  id: string;
  /** HTML ids: the indicator's report-card entry and, for population indicators, its turn-the-curve page. */
  anchor: string;
  ttcAnchor: string | null;
  title: string;
  shortTitle: string;
  description: string;
  kind: string;
  question: string | null;
  priorityTitle: string;
  polarity: string;
  unit: string;
  periodLabel: string;
  value: FigureView;
  target: string;
  rag: RagView;
  ragReason: string;
  ragRule: string;
  previous: string;
  sameLastYear: string;
  direction: DirectionView;
  directionYoY: DirectionView;
  comparators: ComparatorView[];
  /** "95% confidence interval 58.1% to 63.4% (Wilson score)", or null. */
  interval: string | null;
  /** "95% CI 58.1% to 63.4%", or null. */
  intervalShort: string | null;
  /** "(58.1–63.4)", the scorecard's compact form, or null. */
  intervalCompact: string | null;
  /** "worse for 3 periods in a row", when the run of deteriorating periods is 2 or more. */
  run: string | null;
  /** SPC variation and assurance in words, with their Making Data Count icons, or null when no SPC chart. */
  spc: { variation: string; assurance: string | null; concern: boolean; variationIcon: SpcIcon; assuranceIcon: SpcIcon | null } | null;
  /** Turning the curve, for population indicators with a forecast. */
  curve: { status: string; explanation: string; method: string } | null;
  sentence: string;
  failed: boolean;
  failure: string | null;
  sparkline: ChartView;
  /** The figures behind the history chart, oldest first (printed as a table under the chart). */
  history: Array<{ period: string; value: string; target: string; rag: string }>;
}

export function indicatorView(ia: IndicatorAssessment, priorities: Map<string, Priority>): IndicatorView {
  const def = ia.indicator;
  const l = ia.latest;
  const failed = !!ia.failure || l.status === 'failed';
  const compared = comparedLabels(ia);
  return {
    id: def.id,
    anchor: anchorOf('ind', def.id),
    ttcAnchor: def.kind === 'population_indicator' ? anchorOf('ttc', def.id) : null,
    title: def.title,
    shortTitle: def.shortTitle,
    description: def.description,
    kind: KIND_LABEL[def.kind],
    question: def.question && def.kind === 'performance_measure' ? QUESTION_LABEL[def.question] : null,
    priorityTitle: priorities.get(def.priority)?.title ?? def.priority,
    polarity: POLARITY_LABEL[def.polarity],
    unit: UNIT_LABEL[def.unit],
    periodLabel: l.periodLabel,
    value: failed ? figureView(def, { status: 'failed', value: null, marker: null }) : figureView(def, l),
    target: l.target !== null ? formatValue(def, l.target) : 'none',
    rag: ragView(l.rag),
    ragReason: l.ragReason,
    ragRule: l.ragRule,
    previous: formatValue(def, l.previousValue),
    sameLastYear: formatValue(def, l.sameLastYearValue),
    direction: directionView(l.direction, l.value, l.previousValue, def, compared.previous ?? 'the previous period', l.directionTest),
    directionYoY: directionView(l.directionYoY, l.value, l.sameLastYearValue, def, compared.sameLastYear ?? 'the same period last year', l.directionYoYTest),
    comparators: l.comparators.map((cmp) => ({
      label: cmp.label,
      value: formatValue(def, cmp.value),
      significance: SIGNIFICANCE_WORD[cmp.significance],
      compact: `${cmp.label} ${def.unit === 'percent' ? formatValue(def, cmp.value) : formatBare(def, cmp.value)}: ${SIGNIFICANCE_WORD[cmp.significance]}`,
      className: `sig sig-${cmp.significance.replace('_', '-')}`,
      verdict: cmp.significance,
    })),
    interval: l.ci ? `${intervalText(def, l.ci, true)} (${l.ci.method})` : null,
    intervalShort: l.ci && l.status === 'ok' ? intervalText(def, l.ci) : null,
    intervalCompact: l.ci && l.status === 'ok' ? compactInterval(def, l.ci) : null,
    run: l.direction === 'deteriorating' && l.runLength >= 2 ? `worse for ${l.runLength} periods in a row` : null,
    spc: ia.spc ? {
      variation: VARIATION_TEXT[ia.spc.variation] ?? ia.spc.variation,
      assurance: ia.spc.assurance ? ASSURANCE_TEXT[ia.spc.assurance] ?? ia.spc.assurance : null,
      concern: isSpcConcern(ia.spc.variation),
      variationIcon: variationIcon(ia.spc.variation),
      assuranceIcon: ia.spc.assurance ? assuranceIcon(ia.spc.assurance) : null,
    } : null,
    curve: ia.forecast ? { status: FORECAST_STATUS_LABEL[ia.forecast.status], explanation: ia.forecast.explanation, method: ia.forecast.method } : null,
    sentence: l.sentence,
    failed,
    failure: ia.failure?.message ?? null,
    history: ia.series.map((s) => ({
      period: s.periodLabel,
      value: failed ? 'not computed' : figureView(def, s).text,
      target: s.target !== null ? formatValue(def, s.target) : 'none',
      rag: ragView(s.rag).word,
    })),
    sparkline: sparklineChart(ia),
  };
}
