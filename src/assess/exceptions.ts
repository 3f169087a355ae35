/**
 * Which indicators need the board's attention, on evidence only (NHS "Making Data Count"): red against target,
 * special cause variation of concern, assurance that the target will consistently be missed, significantly worse
 * than a comparator, or a statistically significant deterioration. A change that is not significant is never a
 * reason, and a green or blue indicator is never an exception through its direction of travel alone.
 */
import type { ExceptionReason, IndicatorAssessment } from './types.js';

export function exceptionReasons(ia: Pick<IndicatorAssessment, 'latest' | 'spc'>): ExceptionReason[] {
  const l = ia.latest;
  const out: ExceptionReason[] = [];
  if (l.status !== 'ok') return out;
  if (l.rag === 'red') out.push({ kind: 'red', reason: l.ragReason });
  if (ia.spc?.variation.startsWith('concern')) out.push({ kind: 'spc_concern', variation: ia.spc.variation });
  if (ia.spc?.assurance === 'fail') out.push({ kind: 'assurance_fail' });
  for (const c of l.comparators) if (c.significance === 'worse') out.push({ kind: 'worse_than_comparator', comparator: c.label, value: c.value });
  const onTarget = l.rag === 'green' || l.rag === 'blue';
  // Direction alone never makes a green or blue indicator an exception; beside other evidence it is listed.
  if (!onTarget || out.length) {
    if (l.direction === 'deteriorating') out.push({ kind: 'significant_deterioration', against: 'previous', earlier: l.previousValue, test: l.directionTest ?? 'no_change_band', runLength: l.runLength });
    if (l.directionYoY === 'deteriorating') out.push({ kind: 'significant_deterioration', against: 'same_last_year', earlier: l.sameLastYearValue, test: l.directionYoYTest ?? 'no_change_band', runLength: 0 });
  }
  return out;
}
