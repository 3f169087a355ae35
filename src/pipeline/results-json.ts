/**
 * results.json: every figure of every computed period and area with every judgement made on it (interval,
 * rating and its rule, direction of travel and its significance, each comparator, rank and quartile, its SPC
 * point and forecast, suppression, partial periods), and per indicator its SPC reading, curve verdict,
 * exception reasons and commentary status; plus when and from what it was made. The words are the pack's own
 * (report/words.ts, report/format.ts, report/model.ts). Its shape is `results-schema.ts` (`boardpack schema` writes it).
 */
import type { Config } from '../config/types.js';
import type { Assessment, AssessedValue, ChangeTest, IndicatorAssessment } from '../assess/types.js';
import { samePeriodLastYear, shiftPeriod, tryParsePeriodId } from '../core/periods.js';
import { directionView, figureView } from '../report/format.js';
import { ASSURANCE_TEXT, CHANGE_TEST_TEXT, CURVE_WORD, RAG_WORD, SIGNIFICANCE_WORD, VARIATION_TEXT, directionText } from '../report/words.js';
import { exceptionReasons } from '../report/exception-reasons.js';
import type { Commentary } from '../report/model.js';
import { RESULTS_SCHEMA_VERSION, type IndicatorRecord, type ResultRecord, type ResultsDocument } from './results-schema.js';

export interface ResultsJsonMeta {
  generatedAt: string;
  inputs: Array<{ source: string; path: string; sha256: string; rows: number }>;
  /** The pack's commentary by indicator id, for each indicator's commentary status. */
  commentary?: Record<string, Commentary>;
  /** Each locality's own commentary, by area id then indicator id, for its status per locality. */
  areaCommentary?: Record<string, Record<string, Commentary>>;
}

/** Rounds away floating-point noise so the same inputs give the same text on any machine. */
const stable = (x: number | null) => (x === null ? null : Number(x.toPrecision(12)));

export function buildResultsJson(config: Config, a: Assessment, meta: ResultsJsonMeta): string {
  const defs = new Map(a.indicators.map((ia) => [ia.indicator.id, ia]));
  const suppressions = new Map(a.suppressions.map((s) => [`${s.indicator}|${s.period}|${s.area}`, s]));
  const periods = new Map<string, { id: string; label: string; start: string; end: string }>();
  // Localities in the config's order, as the pack lists them.
  const areaCommentary = Object.fromEntries(config.areas.filter((x) => meta.areaCommentary?.[x.id]).map((x) => [x.id, meta.areaCommentary![x.id]]));
  const results = a.results.map((r) => {
    const ia = defs.get(r.indicator);
    const p = tryParsePeriodId(r.period);
    if (p && !periods.has(p.id)) periods.set(p.id, { id: p.id, label: p.label, start: p.start, end: p.end });
    return resultRecord(r, ia, suppressions.get(`${r.indicator}|${r.period}|${r.area}`));
  });
  const doc: ResultsDocument = {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    partnership: config.partnership.name,
    period: a.period.id,
    periodLabel: a.period.label,
    generatedAt: meta.generatedAt,
    dataAsAt: a.period.end,
    inputs: meta.inputs,
    counts: a.counts,
    periods: [...periods.values()].sort((x, y) => x.start.localeCompare(y.start) || x.end.localeCompare(y.end) || x.id.localeCompare(y.id)),
    indicators: a.indicators.map((ia) => indicatorRecord(ia, meta.commentary?.[ia.indicator.id], areaCommentary)),
    results,
    // What changed since the previous run made from different inputs; absent on a first run.
    ...(a.changes ? { changes: a.changes } : {}),
    // Per indicator, the partner files (sha256, load, when) behind its latest figure.
    ...(a.lineage ? { lineage: a.lineage } : {}),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

function interval(ci: AssessedValue['ci'] | undefined): ResultRecord['interval'] {
  return ci ? { level: ci.level, lower: stable(ci.lower)!, upper: stable(ci.upper)!, method: ci.method } : null;
}

function resultRecord(r: AssessedValue, ia: IndicatorAssessment | undefined, suppression: Assessment['suppressions'][number] | undefined): ResultRecord {
  const def = ia?.indicator ?? { unit: 'count' as const, decimals: 0 };
  const period = tryParsePeriodId(r.period);
  const travel = (against: string, earlierId: string | null, value: number | null, dir: AssessedValue['direction'], test: ChangeTest | undefined) => {
    const view = directionView(dir, r.value, value, def, against, test);
    // Under a test a change that is not significant is `no_change`; the no-change band is no test at all.
    const tested = test !== undefined && test !== 'no_change_band' && dir !== 'not_available';
    const significance = !tested ? 'not_tested' as const : dir === 'no_change' ? 'not_significant' as const : 'significant' as const;
    return { period: earlierId ?? '', value: stable(value), direction: dir, text: view.text, description: view.description, test: test ?? null, testText: test ? CHANGE_TEST_TEXT[test] : null, significance };
  };
  // Only the partnership's figures are on the SPC chart and the forecast; a locality's are in its own pack.
  const point = r.area === 'all' ? ia?.spc?.points.find((x) => x.period === r.period) : undefined;
  const fc = r.area === 'all' ? ia?.forecast?.points.find((x) => x.period === r.period) : undefined;
  const rank = r.comparators.find((c) => c.rank)?.rank ?? null;
  return {
    indicator: r.indicator,
    period: r.period,
    periodLabel: r.periodLabel,
    area: r.area,
    status: r.status,
    value: stable(r.value),
    numerator: stable(r.numerator),
    denominator: stable(r.denominator),
    marker: r.marker,
    figure: figureView(def, r).text,
    interval: interval(r.ci),
    interval998: interval(r.ci998),
    lower95: r.ci ? stable(r.ci.lower) : null,
    upper95: r.ci ? stable(r.ci.upper) : null,
    tooFewToRate: Boolean(r.tooFewToRate),
    target: r.target,
    rag: r.rag,
    rating: { rag: r.rag, word: RAG_WORD[r.rag], reason: r.ragReason, rule: r.ragRule },
    direction: r.direction,
    directionYoY: r.directionYoY,
    // The same words the pack and the workbook print (report/words.ts), saying whether a change is significant.
    directionText: directionText(r),
    directionYoYText: directionText(r, true),
    directionTest: r.directionTest ?? null,
    directionOfTravel: {
      previous: travel('the previous period', period ? shiftPeriod(period, -1).id : null, r.previousValue, r.direction, r.directionTest),
      sameLastYear: travel('the same period last year', period ? samePeriodLastYear(period).id : null, r.sameLastYearValue, r.directionYoY, r.directionYoYTest),
    },
    runLength: r.runLength,
    comparators: r.comparators.map((c) => ({
      id: c.id, label: c.label, value: stable(c.value), interval: null, significance: c.significance,
      verdict: SIGNIFICANCE_WORD[c.significance], rank: c.rank ? { rank: c.rank.rank, of: c.rank.of, quartile: c.rank.quartile, text: c.rank.text, group: c.rank.group } : null,
    })),
    rank: rank ? { rank: rank.rank, of: rank.of, quartile: rank.quartile, text: rank.text, group: rank.group } : null,
    quartile: rank?.quartile ?? null,
    spc: point ? {
      mean: stable(point.mean ?? ia!.spc!.mean)!, lowerLimit: stable(point.lowerLimit ?? ia!.spc!.lowerLimit)!, upperLimit: stable(point.upperLimit ?? ia!.spc!.upperLimit)!,
      specialCause: point.specialCause, signal: point.direction ?? null, rules: point.rules ?? [],
    } : null,
    forecast: fc ? { value: stable(fc.value)!, lower: stable(fc.lower)!, upper: stable(fc.upper)! } : null,
    suppression: suppression ? { reason: suppression.reason, detail: suppression.detail ?? null, marker: suppression.marker ?? null } : null,
    partial: r.partial ? { missing: r.partial.missing, missingLabels: r.partial.missingLabels } : null,
    sentence: r.sentence,
    // Only on figures the previous run published with another value (the official `r` marker).
    ...(r.revisedFrom !== undefined ? { revisedFrom: stable(r.revisedFrom)! } : {}),
  };
}

/** Whether commentary was written, and for the figures' period or an earlier one. */
function commentaryStatus(commentary: Commentary | undefined, period: string): Omit<IndicatorRecord['commentary']['areas'][number], 'area'> {
  const hasText = Boolean(commentary && (commentary.story || commentary.whatWorks || commentary.partners || commentary.actions));
  return {
    status: !hasText ? 'none' : commentary!.period && commentary!.period !== period ? 'stale' : 'current',
    writtenFor: hasText ? commentary!.period ?? null : null,
    updatedAt: hasText ? commentary!.updatedAt ?? null : null,
  };
}

function indicatorRecord(ia: IndicatorAssessment, commentary: Commentary | undefined, areaCommentary: Record<string, Record<string, Commentary>>): IndicatorRecord {
  const def = ia.indicator;
  const reasons = exceptionReasons(ia).map((x) => x[1]);
  return {
    indicator: def.id,
    title: def.title,
    kind: def.kind,
    question: def.question ?? null,
    priority: def.priority,
    unit: def.unit,
    polarity: def.polarity,
    periodType: def.periodType,
    aggregate: def.aggregate ?? null,
    pool: def.pool ?? null,
    latestPeriod: ia.latest.period,
    latestComplete: ia.latestComplete ?? null,
    status: ia.latest.status,
    displayPeriods: ia.series.map((s) => s.period),
    failure: ia.failure ? { code: ia.failure.code, message: ia.failure.message } : null,
    spc: ia.spc ? {
      mean: stable(ia.spc.mean)!, lowerLimit: stable(ia.spc.lowerLimit)!, upperLimit: stable(ia.spc.upperLimit)!,
      variation: ia.spc.variation, variationText: VARIATION_TEXT[ia.spc.variation] ?? ia.spc.variation,
      assurance: ia.spc.assurance, assuranceText: ia.spc.assurance ? ASSURANCE_TEXT[ia.spc.assurance] ?? ia.spc.assurance : null,
      method: ia.spc.method ?? null,
      signals: ia.spc.points.filter((p) => p.specialCause).map((p) => ({ period: p.period, signal: p.direction ?? null, rules: p.rules ?? [] })),
    } : null,
    forecast: ia.forecast ? {
      method: ia.forecast.method, status: ia.forecast.status, statusText: CURVE_WORD[ia.forecast.status],
      explanation: ia.forecast.explanation, baselinePeriods: ia.forecast.baselinePeriods,
    } : null,
    exception: { isException: reasons.length > 0, reasons },
    commentary: {
      ...commentaryStatus(commentary, ia.latest.period),
      areas: Object.entries(areaCommentary)
        .map(([area, byId]) => ({ area, ...commentaryStatus(byId[def.id], ia.latest.period) }))
        .filter((c) => c.status !== 'none'),
    },
  };
}
