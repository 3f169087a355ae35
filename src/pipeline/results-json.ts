/** results.json: a flat, stable list of every figure, plus when and from what it was made (inputs, and per indicator the loads behind its latest figure). */
import type { Config } from '../config/types.js';
import type { Assessment } from '../assess/types.js';
import { directionText } from '../report/words.js';

export interface ResultsJsonMeta {
  generatedAt: string;
  inputs: Array<{ source: string; path: string; sha256: string; rows: number }>;
}

/** Rounds away floating-point noise so the same inputs give the same text on any machine. */
const stable = (x: number | null) => (x === null ? null : Number(x.toPrecision(12)));

export function buildResultsJson(config: Config, a: Assessment, meta: ResultsJsonMeta): string {
  const doc = {
    partnership: config.partnership.name,
    period: a.period.id,
    generatedAt: meta.generatedAt,
    dataAsAt: a.period.end,
    inputs: meta.inputs,
    counts: a.counts,
    results: a.results.map((r) => ({
      indicator: r.indicator,
      period: r.period,
      area: r.area,
      value: stable(r.value),
      numerator: stable(r.numerator),
      denominator: stable(r.denominator),
      target: r.target,
      rag: r.rag,
      direction: r.direction,
      directionYoY: r.directionYoY,
      // The same words the pack and the workbook print (report/words.ts), saying whether a change is significant.
      directionText: directionText(r),
      directionYoYText: directionText(r, true),
      directionTest: r.directionTest ?? null,
      status: r.status,
      marker: r.marker,
      lower95: r.ci ? stable(r.ci.lower) : null,
      upper95: r.ci ? stable(r.ci.upper) : null,
      // Only on figures the previous run published with another value (the official `r` marker).
      ...(r.revisedFrom !== undefined ? { revisedFrom: stable(r.revisedFrom) } : {}),
    })),
    // What changed since the previous run made from different inputs; absent on a first run.
    ...(a.changes ? { changes: a.changes } : {}),
    // Per indicator, the partner files (sha256, load, when) behind its latest figure.
    ...(a.lineage ? { lineage: a.lineage } : {}),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
