/**
 * "What changed since the previous pack": a pure comparison of this run's assessment with the
 * figures the previous run stored in the warehouse. Newly red, newly green (or blue), figures revised for a
 * period both packs show (flagged with the official `r` marker, old and new value), indicators added and
 * removed. Figures that were awaiting data and have now arrived are not revisions.
 */
import type { Assessment, AssessedValue, ChangeSet, Rag, RagChange, Revision } from '../assess/types.js';
import type { StoredResult, StoredRun } from '../warehouse/history.js';

/** The same rounding results.json uses, so a value is "revised" only when its printed digits could change. */
const stable = (x: number) => Number(x.toPrecision(12));

const onTarget = (r: Rag | string | null) => r === 'green' || r === 'blue';

export function storedResults(a: Assessment): StoredResult[] {
  const titles = new Map(a.indicators.map((ia) => [ia.indicator.id, ia.indicator.title]));
  const latest = new Map(a.indicators.map((ia) => [ia.indicator.id, ia.latest.period]));
  return a.results.map((r) => ({
    indicator: r.indicator, title: titles.get(r.indicator) ?? r.indicator, period: r.period, periodLabel: r.periodLabel, area: r.area,
    value: r.value, status: r.status, rag: r.rag, marker: r.marker, latest: latest.get(r.indicator) === r.period,
  }));
}

export function computeChanges(previous: { run: StoredRun; results: StoredResult[] }, current: Assessment): ChangeSet {
  const key = (r: { indicator: string; period: string; area: string }) => `${r.indicator}|${r.period}|${r.area}`;
  const before = new Map(previous.results.map((r) => [key(r), r]));
  const prevIndicators = new Map<string, string>();
  const prevLatest = new Map<string, StoredResult>();
  for (const r of previous.results) {
    prevIndicators.set(r.indicator, r.title);
    if (r.latest && r.area === 'all') prevLatest.set(r.indicator, r);
  }
  const nowIds = new Set(current.indicators.map((ia) => ia.indicator.id));

  const newlyRed: RagChange[] = [];
  const newlyGreen: RagChange[] = [];
  for (const ia of current.indicators) {
    const id = ia.indicator.id;
    if (!prevIndicators.has(id)) continue;
    const was = prevLatest.get(id);
    const from = (was?.rag ?? null) as Rag | null;
    const change: RagChange = { indicator: id, title: ia.indicator.title, period: ia.latest.period, periodLabel: ia.latest.periodLabel, from, to: ia.latest.rag };
    if (ia.latest.rag === 'red' && from !== 'red') newlyRed.push(change);
    if (onTarget(ia.latest.rag) && !onTarget(from)) newlyGreen.push(change);
  }

  const revised: Revision[] = [];
  const titles = new Map(current.indicators.map((ia) => [ia.indicator.id, ia.indicator.title]));
  const seen = new Set<string>();
  const all = [...current.results, ...current.indicators.flatMap((ia) => [...ia.series, ...ia.byArea])];
  for (const v of all) {
    const was = before.get(key(v));
    if (!was || was.value === null || v.value === null) continue;
    if (stable(was.value) === stable(v.value)) continue;
    if (seen.has(key(v))) continue;
    seen.add(key(v));
    revised.push({ indicator: v.indicator, title: titles.get(v.indicator) ?? v.indicator, period: v.period, periodLabel: v.periodLabel, area: v.area, previous: stable(was.value), current: stable(v.value), marker: 'r' });
  }
  revised.sort((a, b) => a.indicator.localeCompare(b.indicator) || a.period.localeCompare(b.period) || (a.area === 'all' ? -1 : b.area === 'all' ? 1 : a.area.localeCompare(b.area)));

  const added = current.indicators.filter((ia) => !prevIndicators.has(ia.indicator.id)).map((ia) => ({ indicator: ia.indicator.id, title: ia.indicator.title }));
  const removed = [...prevIndicators].filter(([id]) => !nowIds.has(id)).map(([indicator, title]) => ({ indicator, title })).sort((a, b) => a.indicator.localeCompare(b.indicator));
  return {
    since: { runId: previous.run.runId, period: previous.run.period, periodLabel: previous.run.periodLabel, generatedAt: previous.run.generatedAt },
    newlyRed, newlyGreen, revised, added, removed,
    none: !newlyRed.length && !newlyGreen.length && !revised.length && !added.length && !removed.length,
  };
}

/**
 * The assessment with each revised figure carrying `revisedFrom` (printed with the `r` marker): a new value,
 * the one passed in is not changed.
 */
export function withRevisions(a: Assessment, changes: ChangeSet): Assessment {
  if (!changes.revised.length) return a;
  const key = (r: { indicator: string; period: string; area: string }) => `${r.indicator}|${r.period}|${r.area}`;
  const previous = new Map(changes.revised.map((r) => [key(r), r.previous]));
  const mark = (v: AssessedValue): AssessedValue => (previous.has(key(v)) ? { ...v, revisedFrom: previous.get(key(v))! } : v);
  return {
    ...a,
    results: a.results.map(mark),
    indicators: a.indicators.map((ia) => ({ ...ia, latest: mark(ia.latest), series: ia.series.map(mark), byArea: ia.byArea.map(mark) })),
  };
}
