/**
 * The appendix: each indicator's definition and rating rule, the data-quality notes, small numbers (summarised
 * per indicator and period range in print; the full list is on screen and in the workbook), the methods and a
 * glossary.
 */
import path from 'node:path';
import { comparePeriods, tryParsePeriodId } from '../../core/periods.js';
import { formatLocation, type Problem } from '../../core/errors.js';
import type { LoadBehind, SuppressionRecord } from '../../assess/types.js';
import { KIND_LABEL, PERIOD_TYPE_LABEL, POLARITY_LABEL, QUESTION_LABEL, RAG_ORDER, UNIT_LABEL, formatDate, formatValue, plural, ragView, type RagView } from '../format.js';
import { GLOSSARY } from '../glossary.js';
import { spcSignals } from '../chart-views.js';
import { anchorOf, periodLabelOf, type SectionContext } from './context.js';

export interface DefinitionView {
  id: string;
  anchor: string;
  title: string;
  fields: Array<{ label: string; value: string }>;
}

export interface AppendixView {
  id: string;
  definitions: DefinitionView[];
  ragKey: RagView[];
  dataQuality: Array<{ severity: string; code: string; message: string; where: string; fix: string | null; className: string }>;
  noDataQuality: string | null;
  suppression: {
    summary: string;
    byReason: Array<{ reason: string; count: number }>;
    /** Per indicator: how many figures, over which periods ("2011/12 Q1 to 2026/27 Q2, 58 periods"). */
    byIndicator: Array<{ title: string; count: number; periods: string }>;
    /** Every suppressed figure (screen only; the workbook has them too). */
    all: Array<{ title: string; period: string; area: string; reason: string }>;
  };
  /** The figures behind every history chart, one row per indicator (so the PDF carries each chart's data). */
  chartData: Array<{ title: string; anchor: string; figures: string; signals: string | null }>;
  glossary: Array<{ term: string; definition: string }>;
  /** The methods behind every judgement (from assess), in words. */
  methods: Array<{ title: string; text: string }>;
}

const SUPPRESSION_REASON: Record<SuppressionRecord['reason'], string> = {
  primary: 'Primary: a small count',
  secondary: 'Secondary: so that a total cannot reveal a small count',
  derived: 'Derived: a figure calculated from a suppressed count',
  input_marker: 'Suppressed by the data provider',
};

/** Absolute paths of the machine that ran the pack do not belong in a board paper: show them project-relative. */
function relativeTo(root: string, problem: Problem): Problem {
  if (!problem.file || !path.isAbsolute(problem.file)) return problem;
  const rel = path.relative(root, problem.file);
  return { ...problem, file: rel.startsWith('..') ? path.basename(problem.file) : rel };
}

/** The partner files behind an indicator's latest figure: "file.csv (sha256 1a2b3c4d5e6f, loaded 25 November 2026)". */
function loadedFrom(loads: LoadBehind[] | undefined): string | undefined {
  if (!loads?.length) return undefined;
  const seen = new Map<string, string>();
  for (const l of loads) {
    const name = l.file.split(/[\\/]/).pop() ?? l.file;
    const when = /^\d{4}-\d{2}-\d{2}/.test(l.loadedAt ?? '') ? `, loaded ${formatDate(l.loadedAt.slice(0, 10))}` : '';
    seen.set(`${l.file}\u0000${l.sha256}`, `${name} (sha256 ${(l.sha256 ?? '').slice(0, 12)}${when})`);
  }
  return [...seen.values()].join('; ');
}

/** "2011/12 Q1 to 2026/27 Q2 (58 periods)", or the one period. */
function periodRange(ids: string[]): string {
  const parsed = ids.map((id) => ({ id, p: tryParsePeriodId(id) }));
  parsed.sort((a, b) => (a.p && b.p ? comparePeriods(a.p, b.p) : a.id.localeCompare(b.id)));
  if (parsed.length === 1) return periodLabelOf(parsed[0].id);
  return `${periodLabelOf(parsed[0].id)} to ${periodLabelOf(parsed[parsed.length - 1].id)} (${plural(parsed.length, 'period')})`;
}

export function buildAppendix(ctx: SectionContext, id: string): AppendixView {
  const { config, assessment, priorities } = ctx;
  // Definitions, rules and figures cover every indicator, also in an appendix that prints only some cards.
  const included = assessment.indicators;
  const definitions: DefinitionView[] = included.map((ia) => {
    const def = ia.indicator;
    const lastWithData = [...ia.series].reverse().find((s) => s.status === 'ok');
    const fields: Array<{ label: string; value: string | undefined }> = [
      { label: 'Definition', value: def.description },
      { label: 'Type', value: def.kind === 'performance_measure' && def.question ? `${KIND_LABEL[def.kind]}: ${QUESTION_LABEL[def.question]}` : KIND_LABEL[def.kind] },
      { label: 'Priority', value: priorities.get(def.priority)?.title ?? def.priority },
      { label: 'Unit', value: `${UNIT_LABEL[def.unit]}; ${POLARITY_LABEL[def.polarity].toLowerCase()}` },
      { label: 'Period', value: `${PERIOD_TYPE_LABEL[def.periodType]} (${def.frequency}); ${lastWithData ? `latest figure ${lastWithData.periodLabel}` : 'no figures yet'}` },
      { label: 'Source', value: def.sourceNotes },
      { label: 'Provider and owner', value: [def.dataProvider, def.owner].filter(Boolean).join('; ') || undefined },
      { label: 'Loaded from', value: loadedFrom(assessment.lineage?.[def.id]?.loads) },
      { label: 'Baseline', value: def.baseline ? `${formatValue(def, def.baseline.value)} (${periodLabelOf(def.baseline.period)})` : undefined },
      { label: 'Comparators', value: ctx.locality ? `${ctx.wholeName} as a whole` : def.comparators.length ? def.comparators.map((x) => x.label).join(', ') : undefined },
      // The rating rule with the definition, rather than a table of its own: one place to read an indicator.
      { label: 'Rating', value: ia.latest.target !== null ? `target ${formatValue(def, ia.latest.target)} in ${ia.latest.periodLabel}; ${ia.latest.ragRule}` : ia.latest.ragRule },
      { label: 'Small numbers', value: def.disclosure ? `counts under ${config.disclosure.threshold} shown as ${config.disclosure.marker}${def.minDenominator ? `; not rated below a denominator of ${def.minDenominator}` : ''}` : 'not subject to suppression' },
      { label: 'Version and id', value: `${def.definitionVersion ? `version ${def.definitionVersion}; ` : ''}${def.id}${def.spc ? '; XmR chart' : ''}` },
    ];
    return { id: def.id, anchor: anchorOf('def', def.id), title: def.title, fields: fields.filter((f): f is { label: string; value: string } => !!f.value) };
  });

  const dataQuality = assessment.dataQuality.map((p0) => {
    const p = relativeTo(config.root, p0);
    return { severity: p.severity === 'error' ? 'Error' : 'Warning', code: p.code, message: p.message, where: formatLocation(p), fix: p.fix ?? null, className: `dq dq-${p.severity}` };
  });

  const supp = assessment.suppressions;
  const byReason = (Object.keys(SUPPRESSION_REASON) as SuppressionRecord['reason'][])
    .map((r) => ({ reason: SUPPRESSION_REASON[r], count: supp.filter((s) => s.reason === r).length }))
    .filter((r) => r.count > 0);
  const titleOf = new Map(assessment.indicators.map((ia) => [ia.indicator.id, ia.indicator.title]));
  const byIndicator = assessment.indicators
    .map((ia) => {
      const recs = supp.filter((s) => s.indicator === ia.indicator.id);
      return { title: ia.indicator.title, count: recs.length, periods: recs.length ? periodRange([...new Set(recs.map((r) => r.period))]) : '' };
    })
    .filter((r) => r.count > 0);

  return {
    id,
    definitions,
    ragKey: RAG_ORDER.map(ragView),
    dataQuality,
    noDataQuality: dataQuality.length ? null : 'No data-quality problems were found in this run.',
    suppression: {
      summary: supp.length
        ? `${plural(supp.length, 'figure was', 'figures were')} suppressed to protect small numbers (counts under ${config.disclosure.threshold}, shown as "${config.disclosure.marker}"), across ${plural(byIndicator.length, 'indicator')}. The full list is in the workbook (each indicator's sheet) and in the HTML version of this pack.`
        : `No figure needed suppression this period (counts under ${config.disclosure.threshold} would be shown as "${config.disclosure.marker}").`,
      byReason,
      byIndicator,
      all: supp.map((s) => ({ title: titleOf.get(s.indicator) ?? s.indicator, period: periodLabelOf(s.period), area: ctx.areaName.get(s.area) ?? s.area, reason: SUPPRESSION_REASON[s.reason] })),
    },
    chartData: included.map((ia) => {
      const view = ctx.viewOf(ia);
      // Every SPC signal: the charts print only their summary.
      const signals = ia.spc ? spcSignals(ia.spc) : [];
      return {
        title: view.title, anchor: anchorOf('data', ia.indicator.id), figures: view.history.map((h) => `${h.period} ${h.value}`).join('; '),
        signals: ia.spc ? (signals.length ? `SPC signals: ${signals.join('; ')}.` : 'SPC: no signals, every point is common cause variation.') : null,
      };
    }),
    // A locality is compared with the partnership, not with the council's benchmarks: its pack says so.
    glossary: ctx.locality
      ? GLOSSARY.map((g) => (g.term === 'Comparator' ? { ...g, definition: `A figure to compare with: for a locality, ${ctx.wholeName} as a whole.` } : g))
      : GLOSSARY,
    methods: (assessment.methods ?? []).map((m) => (ctx.locality && m.id === 'comparators'
      ? { title: m.title, text: `Each figure of ${ctx.locality.name} is compared with ${ctx.wholeName} as a whole: it is similar when ${ctx.wholeName}'s figure lies within ${ctx.locality.name}'s 95% confidence interval (bounds included), otherwise significantly better or worse by polarity, or higher or lower where there is no better direction (the Fingertips convention).` }
      : { title: m.title, text: m.text })),
  };
}
