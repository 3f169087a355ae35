/** Terms the pack uses, in the order a reader meets them: OBA first, then ratings, then statistics. */
export const GLOSSARY: Array<{ term: string; definition: string }> = [
  { term: 'Outcomes-Based Accountability (OBA)', definition: 'A way of planning and reporting that starts from the results wanted for a population and works back to what services do. Also called Results-Based Accountability.' },
  { term: 'Population indicator', definition: 'A measure of how a whole population is doing (for example, the percentage of children ready for school at five). No single service owns it; partners contribute together.' },
  { term: 'Performance measure', definition: 'A measure of how well a service or programme is working, answering one of three questions: How much did we do? How well did we do it? Is anyone better off?' },
  { term: 'How much did we do?', definition: 'Counts of activity: referrals received, families supported, sessions delivered.' },
  { term: 'How well did we do it?', definition: 'Quality and timeliness: the percentage of assessments completed on time, satisfaction, staff turnover.' },
  { term: 'Is anyone better off?', definition: 'The number and percentage of people with a better outcome. Only these measures show impact.' },
  { term: 'Report card', definition: 'One page per priority with its headline measures, their history and the story behind them.' },
  { term: 'Baseline', definition: 'The history of an indicator up to a starting point, and where it was then.' },
  { term: 'Forecast', definition: 'Where the line would go if nothing more were done: the baseline trend carried forward, with a 95% prediction interval.' },
  { term: 'Turning the curve', definition: 'Doing better than the forecast. "Turning" means the latest figure is outside the forecast\'s prediction interval on the better side; "turned" means the trend since the baseline runs the better way.' },
  { term: 'RAG rating', definition: 'Red, amber or green against a target, with an amber tolerance. Blue means the target is exceeded by a stated margin; "not rated" (grey) means there is no target, no better direction, too few to rate, or no figure. Each rating is shown as a word and a shape as well as a colour.' },
  { term: 'Tolerance', definition: 'How far from target a figure may be and still be amber rather than red: a percentage of the target, a number of points, or an explicit amber value.' },
  { term: 'Polarity', definition: 'Whether higher or lower is better. Some indicators have none and are shown for context only.' },
  { term: 'Direction of travel', definition: 'Whether a figure is better or worse than the previous period and than the same period last year. The arrow shows which way the figure moved; the word says whether that is an improvement.' },
  { term: 'Comparator', definition: 'A figure to compare with: England, the region, or statistical neighbours (the ten local authorities most like ours in the Department for Education\'s model).' },
  { term: 'Confidence interval', definition: 'The range within which the true value probably lies, allowing for chance. Proportions use the Wilson score method; rates use exact Poisson (counts under 10) or Byar\'s method.' },
  { term: 'Significantly better or worse', definition: 'The comparator lies outside our figure\'s 95% confidence interval. If it lies inside, the figures are "similar": the difference could be chance.' },
  { term: 'Statistical process control (SPC)', definition: 'A way of telling real change from everyday variation, as in NHS "Making Data Count".' },
  { term: 'XmR chart', definition: 'An SPC chart of individual values with their mean and process limits (the mean plus or minus 2.66 times the average moving range).' },
  { term: 'Common cause variation', definition: 'Variation within the process limits with no signal: the process is stable, and a single high or low point is not a change.' },
  { term: 'Special cause variation', definition: 'A signal that something has changed: a point beyond a limit, a run of 7 points on one side of the mean, a trend of 7 points rising or falling, or 2 of 3 points near a limit. It is of concern or an improvement depending on the better direction.' },
  { term: 'Assurance', definition: 'Whether a stable process will meet its target: always (the target is outside the limits on the easy side), never (outside on the hard side), or hit or miss (the target is within the limits).' },
  { term: 'c (suppressed)', definition: 'A figure withheld because it is based on a small number of children who could otherwise be identified. Other figures may also be withheld so that totals cannot reveal it (secondary suppression).' },
  { term: 'x, z, u, low', definition: 'Official markers: x not available; z not applicable; u low reliability; low rounds to zero but is not zero.' },
  { term: 'Awaiting data', definition: 'The figure for the period has not yet arrived from the data provider.' },
];

/**
 * The glossary terms a method explains in full: where the pack used the method, its entry replaces them, led by
 * the plain meaning of the term (`lead`) and followed by what the method text leaves unsaid (`tail`).
 */
const EXPLAINED_BY: Record<string, { terms: string[]; lead?: string; tail?: string }> = {
  rag: { terms: ['RAG rating', 'Tolerance'], tail: 'Each rating is shown as a word and a shape as well as a colour.' },
  direction: { terms: ['Direction of travel'], lead: 'The arrow shows which way the figure moved; the word says whether that is an improvement.' },
  intervals: { terms: ['Confidence interval'], lead: 'A confidence interval is the range within which the true value probably lies, allowing for chance.' },
  comparators: { terms: ['Comparator', 'Significantly better or worse'] },
  spc: {
    terms: ['Statistical process control (SPC)', 'XmR chart', 'Common cause variation', 'Special cause variation', 'Assurance'],
    lead: 'A way of telling real change from everyday variation. Variation within the limits with no signal is common cause: the process is stable, and a single high or low point is not a change.',
    tail: 'Assurance says whether a stable process will meet its target: always (the target is outside the limits on the easy side), never (outside on the hard side), or hit or miss (the target is within the limits).',
  },
  forecast: { terms: ['Baseline', 'Forecast', 'Turning the curve'], lead: 'The baseline is the history of an indicator up to a starting point.' },
  disclosure: { terms: ['c (suppressed)', 'x, z, u, low'], tail: 'Official markers: x not available; z not applicable; u low reliability; low rounds to zero but is not zero.' },
};

/**
 * Methods and glossary as one list, in the glossary's order: a method takes the place of the first term it
 * explains and the others it explains are left out, so that no term is explained twice. The comparator's plain
 * meaning leads its method (for a locality, the partnership as a whole).
 */
export function methodsAndTerms(
  methods: Array<{ id: string; title: string; text: string }>,
  glossary: Array<{ term: string; definition: string }>,
  locality = false,
): Array<{ term: string; text: string }> {
  const byTerm = new Map<string, { id: string; title: string; text: string }>();
  for (const m of methods) for (const term of EXPLAINED_BY[m.id]?.terms ?? []) byTerm.set(term, m);
  const definitionOf = new Map(glossary.map((g) => [g.term, g.definition]));
  const out: Array<{ term: string; text: string }> = [];
  const placed = new Set<string>();
  const entryOf = (m: { id: string; title: string; text: string }) => {
    const how = EXPLAINED_BY[m.id] ?? { terms: [] };
    const lead = m.id === 'comparators' && !locality ? definitionOf.get('Comparator') : how.lead;
    return { term: m.title, text: [lead, m.text, how.tail].filter(Boolean).join(' ') };
  };
  for (const g of glossary) {
    const m = byTerm.get(g.term);
    if (!m) { out.push({ term: g.term, text: g.definition }); continue; }
    if (placed.has(m.id)) continue;
    placed.add(m.id);
    out.push(entryOf(m));
  }
  for (const m of methods) if (!placed.has(m.id)) out.push(entryOf(m));
  return out;
}
