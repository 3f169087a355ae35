/**
 * Why an indicator is an exception, in the pack's words, and the periods its direction of travel compares with:
 * shared by the summary, the board version and results.json, and kept apart from the sections so results.json
 * does not load the chart modules.
 */
import { samePeriodLastYear, shiftPeriod, tryParsePeriodId } from '../core/periods.js';
import type { IndicatorAssessment } from '../assess/types.js';
import { exceptionReasons as assessExceptionReasons } from '../assess/exceptions.js';
import { exceptionReasonText } from './words.js';

/** The periods a direction of travel compares with, by name: "2026/27 Q1", "2025/26 Q2". */
export function comparedLabels(ia: Pick<IndicatorAssessment, 'latest'>): { previous: string | null; sameLastYear: string | null } {
  const p = tryParsePeriodId(ia.latest.period);
  if (!p) return { previous: null, sameLastYear: null };
  return { previous: shiftPeriod(p, -1).label, sameLastYear: samePeriodLastYear(p).label };
}

export const EXCEPTION_RANK = { red: 0, spc_concern: 1, assurance_fail: 2, worse_than_comparator: 3, significant_deterioration: 4 } as const;

/**
 * Why an indicator is an exception (judged in assess on evidence only), strongest first, with a rank
 * (0 red, 1 special cause of concern, 2 assurance fail, 3 worse than a comparator, 4 significant deterioration);
 * empty when it is not one. The summary and the exceptions-only board version both use this.
 */
export function exceptionReasons(ia: IndicatorAssessment): Array<[number, string]> {
  const labels = comparedLabels(ia);
  return (ia.exceptions ?? assessExceptionReasons(ia)).map((r) => [EXCEPTION_RANK[r.kind], exceptionReasonText(ia.indicator, r, labels)]);
}

