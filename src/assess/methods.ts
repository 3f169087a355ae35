/**
 * The methods appendix in words: how every colour, arrow, interval, comparison, chart and forecast in the
 * pack was made, so a board member or auditor can check any judgement by hand. Only methods the pack used
 * are listed, with the project's own settings (threshold, marker) filled in.
 */
import type { Config } from '../config/types.js';
import { DEFAULT_CLOSENESS_WEIGHTS } from './comparators.js';
import { NO_CHANGE_RELATIVE } from './direction.js';
import type { IndicatorAssessment, MethodNote } from './types.js';

export function methodNotes(config: Pick<Config, 'disclosure'>, indicators: IndicatorAssessment[]): MethodNote[] {
  const defs = indicators.map((i) => i.indicator);
  const notes: MethodNote[] = [];
  notes.push({
    id: 'rag', title: 'RAG rating',
    text: 'Each figure is rated against the target for its period (or the target for the year containing it). Green: at or better than the target, by polarity. Amber: worse than the target but within the tolerance (a percentage of the target, a number of points, or an explicit amber value). Red: beyond the tolerance. Blue, where set: better than the target by the stated margin. Not rated (grey): no target, no better direction, no figure, suppressed, or too few to rate (a denominator under the indicator\'s minimum). The rule for each indicator is printed beside it.',
  });
  const custom = defs.filter((d) => d.noChange);
  notes.push({
    id: 'direction', title: 'Direction of travel',
    text: `Each figure is compared with the previous period and with the same period a year earlier. A change within ${NO_CHANGE_RELATIVE * 100}% of the earlier figure is "no change"${custom.length ? ` (${custom.length} ${custom.length === 1 ? 'indicator sets' : 'indicators set'} its own band)` : ''}; otherwise it is improving or deteriorating by the indicator's polarity, and "no judgement" where there is no better direction. The run length counts consecutive periods moving the same way. Figures too small to rate are not compared.`,
  });
  notes.push({
    id: 'intervals', title: 'Confidence intervals',
    text: 'Percentages use the Wilson score interval; counts and crude rates use the exact Poisson interval when the count is under 10 and Byar\'s method from 10 upward, as OHID\'s Fingertips and PHEindicatormethods do. Intervals are given at 95% (z = 1.959964) and 99.8% (z = 3.090232).',
  });
  if (defs.some((d) => d.comparators.length)) {
    const sn = defs.some((d) => d.comparators.some((c) => c.statistic === 'neighbours_mean' || c.statistic === 'neighbours_weighted'));
    const rank = defs.some((d) => d.comparators.some((c) => c.peers));
    const w = DEFAULT_CLOSENESS_WEIGHTS;
    notes.push({
      id: 'comparators', title: 'Comparators and significance',
      text: [
        'A comparator is "similar" when it lies inside our figure\'s 95% confidence interval (bounds included); otherwise our figure is significantly better or worse by polarity, or higher or lower where there is no better direction (the Fingertips convention).',
        sn ? `Statistical neighbours are the ten authorities of the Department for Education's children's services statistical neighbour model; their average is the plain mean of those with a figure, and the weighted average counts an "extremely close" neighbour ${w.extremely_close}, "very close" ${w.very_close}, "close" ${w.close}, "somewhat close" ${w.somewhat_close} and "not close" ${w.not_close}.` : '',
        rank ? 'Ranks put 1 as the best by polarity (the highest where there is none), with equal figures sharing a rank; quartile A is the best quarter and D the worst, as in the DfE Local Authority Interactive Tool.' : '',
      ].filter(Boolean).join(' '),
    });
  }
  if (indicators.some((i) => i.spc)) {
    notes.push({
      id: 'spc', title: 'Statistical process control',
      text: 'XmR charts follow NHS England\'s "Making Data Count" (as NHSRplotthedots): the centre line is the mean and the limits are the mean ± 2.66 × the mean moving range, leaving out moving ranges above 3.267 × their mean unless an indicator says otherwise; an indicator may fix the limits on its first points or recalculate them from a stated period. A special cause is a point beyond a limit, a run of 7 points on one side of the mean, a trend of 7 points rising or falling, or 2 of 3 points beyond two sigma on the same side. The variation icon comes from the latest point and the assurance icon from where the target lies against the limits; no assurance is given from limits fitted across a trend, or across a shift (a run on one side of the mean) that reaches the latest point, until the change is declared and the limits recalculated from it. Suppressed figures and figures too small to rate are left off the chart.',
    });
  }
  if (indicators.some((i) => i.forecast)) {
    notes.push({
      id: 'forecast', title: 'Baseline, forecast and turning the curve',
      text: 'For a population indicator a straight line is fitted by ordinary least squares to the baseline figures and carried forward with its 95% prediction interval (Student\'s t). The curve is "turning" when the latest figure is outside that interval on the better side, and "turned" when the line of the figures since the baseline runs the better way, opposite to the baseline trend.',
    });
  }
  notes.push({
    id: 'disclosure', title: 'Disclosure control',
    text: `Counts from 1 to ${config.disclosure.threshold - 1} are withheld and shown as "${config.disclosure.marker}", as are percentages and rates built on them, and percentages whose complement is that small (98 of 100 would say that 2 children did not). Further figures are withheld (secondary suppression) so that no withheld figure can be worked out from the total and the other localities, and no group of withheld figures adds up to fewer than ${config.disclosure.threshold} (children counted, or, for a percentage, children outside it). Markers in the partners' extracts (c, x, z, u, low) are kept as they came. No rating, arrow or chart signal is given for a withheld figure.`,
  });
  return notes;
}
