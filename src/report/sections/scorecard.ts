/**
 * The one dense scorecard (Clear Impact's one line per measure, grouped by result; Making Data Count's icons;
 * Fingertips' colours against the comparator): every included indicator in one table, with a row per priority
 * and per OBA question instead of a table and header each.
 */
import type { IndicatorAssessment } from '../../assess/types.js';
import { QUESTION_LABEL } from '../format.js';
import { anchorOf, isPopulation, type SectionContext } from './context.js';
import type { IndicatorView } from './indicator.js';

/** A priority: one `tbody` of the table, headed by the priority, with a header row per OBA group. */
export interface ScorecardPriority {
  id: string;
  anchor: string;
  title: string;
  groups: Array<{ key: string; label: string; rows: IndicatorView[] }>;
}

export interface ScorecardView {
  id: string;
  intro: string;
  caption: string;
  priorities: ScorecardPriority[];
  /** The key to the columns' symbols, printed under the table. */
  key: string;
}

const GROUPS = [
  { key: 'population', label: 'Population indicators', test: (ia: IndicatorAssessment) => isPopulation(ia) },
  ...(['how_much', 'how_well', 'better_off'] as const).map((q) => ({ key: q, label: QUESTION_LABEL[q], test: (ia: IndicatorAssessment) => !isPopulation(ia) && ia.indicator.question === q })),
  { key: 'other', label: 'Other performance measures', test: (ia: IndicatorAssessment) => !isPopulation(ia) && !ia.indicator.question },
];

export function buildScorecard(ctx: SectionContext, id: string): ScorecardView {
  // The board version prints cards only for the exceptions, but its scorecard is the whole framework.
  const priorities: ScorecardPriority[] = (ctx.meta.board ? ctx.allPriorityList : ctx.priorityList).map(({ id: pid, priority, list }) => ({
    id: pid,
    anchor: anchorOf('priority', pid),
    title: priority.title,
    groups: GROUPS.map((g) => ({ key: g.key, label: g.label, rows: list.filter(g.test).map(ctx.viewOf) })).filter((g) => g.rows.length),
  }));
  return {
    id,
    intro: `Latest figure for each indicator in ${ctx.assessment.period.label}, grouped by priority and by the Outcomes-Based Accountability question it answers. Ratings are against the period's target (the rule for each is in the appendix); direction is against the indicator's previous period and says whether the change is significant.`,
    caption: `Scorecard, ${ctx.assessment.period.label}: every indicator's latest figure, rating, direction, SPC reading and comparator`,
    priorities,
    key: 'Indicator: its short title (the full title is on its card) and the period of its latest figure. Latest: the figure with its 95% confidence interval in brackets. SPC: Making Data Count variation and assurance icons. Comparator: the comparator\'s figure and whether ours is significantly better (green), similar (amber) or significantly worse (red), or significantly higher or lower where there is no better direction (blue).',
  };
}
