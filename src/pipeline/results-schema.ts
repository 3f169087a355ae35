/**
 * The shape of results.json, written once as a zod schema: the emitter's type comes from it, and `boardpack
 * schema` writes it as JSON Schema (results.schema.json) with every field's description. Bump
 * RESULTS_SCHEMA_VERSION when a field changes meaning or is removed; adding a field keeps the version.
 */
import { z } from 'zod';

export const RESULTS_SCHEMA_VERSION = 1;

const num = z.number().nullable();
const rag = z.enum(['red', 'amber', 'green', 'blue', 'grey']);
const direction = z.enum(['improving', 'deteriorating', 'no_change', 'no_judgement', 'not_available']);
const changeSignificance = z.enum(['significant', 'not_significant', 'not_tested']);

const Interval = z.object({
  level: z.number().describe('Confidence level as a fraction: 0.95 or 0.998.'),
  lower: z.number(),
  upper: z.number(),
  method: z.string().describe('How it was computed: "Wilson score", "Byar\'s method", "exact Poisson".'),
}).nullable().describe('The figure\'s confidence interval, or null where the unit has none or the figure is not rated.');

const CommentaryStatus = z.object({
  status: z.enum(['current', 'stale', 'none']).describe('`stale`: written for an earlier period than the figures; `none`: no text.'),
  writtenFor: z.string().nullable(),
  updatedAt: z.string().nullable(),
});

const Travel = z.object({
  period: z.string().describe('The period compared with.'),
  value: num.describe('Its figure (only a figure that could be rated), or null.'),
  direction,
  text: z.string().describe('Arrow and words as the pack prints them: "↑ significant improvement", "→ no significant change".'),
  description: z.string().describe('The sentence the pack gives screen readers: "improving: up from 60.4% in the previous period".'),
  test: z.enum(['two_proportions', 'two_poisson_rates', 'no_change_band']).nullable().describe('How the change was judged.'),
  testText: z.string().nullable().describe('The test in words.'),
  significance: changeSignificance.describe('Whether the change is bigger than chance under the test (5% level); `not_tested` where no test applies (the no-change band judged it) or there is nothing to compare.'),
});

const Rank = z.object({
  rank: z.number().int(),
  of: z.number().int(),
  quartile: z.enum(['A', 'B', 'C', 'D']).describe('A is the best quarter of the peer group by polarity.'),
  text: z.string().describe('"8th of 11".'),
  group: z.string().describe('The peer group: "statistical neighbours", "all authorities".'),
});

const Comparator = z.object({
  id: z.string(),
  label: z.string(),
  value: num.describe('The comparator\'s value for the figure\'s period (or its year), or null when it has none.'),
  interval: z.null().describe('The comparator\'s own interval: published comparator tables carry none, so always null; the verdict uses the figure\'s 95% interval.'),
  significance: z.enum(['better', 'similar', 'worse', 'higher', 'lower', 'not_compared']),
  verdict: z.string().describe('The verdict in the pack\'s words: "significantly worse", "similar", "not compared".'),
  rank: Rank.nullable().describe('Our rank among the comparator\'s peer group (the partnership as a whole only).'),
});

const Result = z.object({
  indicator: z.string(),
  period: z.string().describe('Period id: 2016-17-Q1, 2016-17, AY2016-17, AY2016-17-T1, 2016-04, 2016; -YTD, -R12, -CUM for year to date, rolling 12 months, cumulative; -P3Y (-P2Y … -P5Y) for years pooled.'),
  periodLabel: z.string(),
  area: z.string().describe('`all` for the partnership, else a locality id.'),
  status: z.enum(['ok', 'suppressed', 'awaiting_data', 'failed', 'marked', 'partial']).describe('Why a figure has no plain value; `partial`: some constituent periods are not held yet.'),
  value: num,
  numerator: num,
  denominator: num,
  marker: z.string().nullable().describe('Official marker shown instead of a value: c (suppressed), x, z, u, low.'),
  figure: z.string().describe('The figure as the pack prints it: "62.3%", "c", "awaiting data", "1,753 (partial)".'),
  interval: Interval,
  interval998: Interval.describe('The 99.8% interval, as Fingertips publishes beside the 95% one.'),
  lower95: num.describe('Same as interval.lower (kept for readers of earlier files).'),
  upper95: num.describe('Same as interval.upper.'),
  tooFewToRate: z.boolean().describe('The denominator (or count) is under min_denominator: shown but not rated, compared or charted.'),
  target: num,
  rag,
  rating: z.object({
    rag,
    word: z.string().describe('"Red", "Amber", "Green", "Blue", "Not rated".'),
    reason: z.string().describe('Why: "2.1 points worse than target 60% (tolerance 5%)", "no target set", "partial: 2016/17 Q4 not yet held".'),
    rule: z.string().describe('The rule used, as printed in the pack.'),
  }),
  direction: direction.describe('Against the previous period.'),
  directionYoY: direction.describe('Against the same period last year.'),
  directionText: z.string().describe('Direction against the previous period in the pack\'s words: "significant improvement", "no significant change", "improving (not tested)".'),
  directionYoYText: z.string(),
  directionTest: z.enum(['two_proportions', 'two_poisson_rates', 'no_change_band']).nullable(),
  directionOfTravel: z.object({ previous: Travel, sameLastYear: Travel }),
  runLength: z.number().int().describe('Consecutive periods moving the same way, including this one.'),
  comparators: z.array(Comparator),
  rank: Rank.nullable().describe('The first peer-group rank among the comparators, or null.'),
  quartile: z.enum(['A', 'B', 'C', 'D']).nullable(),
  spc: z.object({
    mean: z.number(),
    lowerLimit: z.number(),
    upperLimit: z.number(),
    specialCause: z.boolean(),
    signal: z.enum(['improvement', 'concern', 'neutral']).nullable().describe('For a special cause: improvement or concern by polarity, neutral without one.'),
    rules: z.array(z.string()).describe('SPC rules the point takes part in: outside_limits, shift, trend, two_of_three.'),
  }).nullable().describe('The figure\'s point on the indicator\'s XmR chart (limits of its own segment), or null when it is not on the chart.'),
  forecast: z.object({ value: z.number(), lower: z.number(), upper: z.number() }).nullable().describe('The baseline forecast for this period (population indicators), or null.'),
  suppression: z.object({
    reason: z.enum(['primary', 'secondary', 'derived', 'input_marker']),
    detail: z.string().nullable(),
    marker: z.string().nullable(),
  }).nullable().describe('Why the figure is hidden, or null.'),
  partial: z.object({ missing: z.array(z.string()), missingLabels: z.array(z.string()) }).nullable().describe('For a partial figure: the constituent periods not held.'),
  sentence: z.string().describe('The plain-English status sentence the pack prints.'),
  revisedFrom: z.number().optional().describe('The value the previous pack published, when this one differs (the `r` marker).'),
});

const Indicator = z.object({
  indicator: z.string(),
  title: z.string(),
  kind: z.enum(['population_indicator', 'performance_measure']),
  question: z.string().nullable(),
  priority: z.string(),
  unit: z.string(),
  polarity: z.enum(['higher_is_better', 'lower_is_better', 'none']),
  periodType: z.string(),
  aggregate: z.enum(['ytd', 'rolling_12', 'cumulative', 'pooled_2y', 'pooled_3y', 'pooled_4y', 'pooled_5y']).nullable().describe('How each figure adds up periods of periodType: year to date, rolling 12 months, cumulative, or pooled over 2 to 5 years (rare events).'),
  pool: z.object({ years: z.number().int() }).nullable().describe('Rare events pooled over this many years ending with each period, as Fingertips does (period ids end -P3Y, labels "2023 - 25"): every figure, interval, rating and direction is the pooled one.'),
  latestPeriod: z.string().describe('The period the pack reports for this indicator.'),
  latestComplete: z.string().nullable().describe('The latest period with a figure, ended by the report period\'s end.'),
  status: z.string().describe('Status of the latest figure.'),
  displayPeriods: z.array(z.string()).describe('The periods the pack\'s charts show (its history); results hold every computed period.'),
  failure: z.object({ code: z.string(), message: z.string() }).nullable(),
  spc: z.object({
    mean: z.number(),
    lowerLimit: z.number(),
    upperLimit: z.number(),
    variation: z.string(),
    variationText: z.string().describe('The variation icon in words, as the pack prints it.'),
    assurance: z.string().nullable(),
    assuranceText: z.string().nullable(),
    method: z.string().nullable(),
    signals: z.array(z.object({ period: z.string(), signal: z.enum(['improvement', 'concern', 'neutral']).nullable(), rules: z.array(z.string()) })).describe('Every special-cause point.'),
  }).nullable(),
  forecast: z.object({
    method: z.string(),
    status: z.enum(['turning', 'turned', 'not_turning', 'no_judgement']),
    statusText: z.string().describe('The curve verdict in the pack\'s words: "curve turning".'),
    explanation: z.string(),
    baselinePeriods: z.array(z.string()),
  }).nullable(),
  exception: z.object({
    isException: z.boolean(),
    reasons: z.array(z.string()).describe('Why the board sees it first, in the pack\'s words (red, deteriorating, worse than a comparator, special cause of concern).'),
  }),
  commentary: CommentaryStatus.extend({
    areas: z.array(CommentaryStatus.extend({ area: z.string().describe('The locality id (`areas:` in boardpack.yaml).') }))
      .describe('Each locality with its own commentary for the indicator (printed only in its pack, `run --each area`); localities without any are left out.'),
  }),
});

const RagChange = z.object({ indicator: z.string(), title: z.string(), period: z.string(), periodLabel: z.string(), from: rag.nullable(), to: rag });
const Changes = z.object({
  since: z.object({ runId: z.string(), period: z.string(), periodLabel: z.string(), generatedAt: z.string() }),
  newlyRed: z.array(RagChange),
  newlyGreen: z.array(RagChange),
  revised: z.array(z.object({ indicator: z.string(), title: z.string(), period: z.string(), periodLabel: z.string(), area: z.string(), previous: z.number(), current: z.number(), marker: z.literal('r') })),
  added: z.array(z.object({ indicator: z.string(), title: z.string() })),
  removed: z.array(z.object({ indicator: z.string(), title: z.string() })),
  none: z.boolean(),
});
const Load = z.object({
  source: z.string(), loadId: z.number(), file: z.string(), sha256: z.string(), sheet: z.string().nullable(),
  loadedAt: z.string(), contractVersion: z.string(), rows: z.number().describe('Rows of this load the figure\'s table holds for its period.'),
});

export const ResultsDoc = z.object({
  schemaVersion: z.literal(RESULTS_SCHEMA_VERSION),
  partnership: z.string(),
  period: z.string().describe('The report period id.'),
  periodLabel: z.string(),
  generatedAt: z.string(),
  dataAsAt: z.string().describe('The report period\'s end.'),
  inputs: z.array(z.object({ source: z.string(), path: z.string(), sha256: z.string(), rows: z.number() })),
  counts: z.object({ red: z.number(), amber: z.number(), green: z.number(), blue: z.number(), grey: z.number(), total: z.number(), onTarget: z.number(), rated: z.number() }),
  periods: z.array(z.object({ id: z.string(), label: z.string(), start: z.string(), end: z.string() })).describe('Every period of `results`.'),
  indicators: z.array(Indicator),
  results: z.array(Result).describe('Every figure of every computed period and area, not only the pack\'s display window.'),
  changes: Changes.optional().describe('What changed since the previous pack; absent on a first run.'),
  lineage: z.record(z.string(), z.object({ period: z.string(), loads: z.array(Load) })).optional()
    .describe('Per indicator, the partner files (sha256, load, when) behind its latest figure.'),
});

export type ResultsDocument = z.infer<typeof ResultsDoc>;
export type ResultRecord = z.infer<typeof Result>;
export type IndicatorRecord = z.infer<typeof Indicator>;

/** results.schema.json (draft 2020-12), as `boardpack schema` writes it. */
export function resultsJsonSchema(): Record<string, unknown> {
  return { title: 'boardpack results.json', ...z.toJSONSchema(ResultsDoc, { target: 'draft-2020-12', io: 'output', unrepresentable: 'any' }) };
}
