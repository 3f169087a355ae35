/**
 * The appendix: each indicator in brief (a table a reader can scan; on screen the full definition follows), the
 * data-quality notes, small numbers (summarised per indicator and period range in print; the full list is on
 * screen and in the workbook), the figures behind every chart as tables of period columns, and one list of the
 * methods and terms, each term explained once.
 */
import path from 'node:path';
import { comparePeriods, tryParsePeriodId } from '../../core/periods.js';
import { formatLocation, type Problem } from '../../core/errors.js';
import type { LoadBehind, SuppressionRecord } from '../../assess/types.js';
import { KIND_LABEL, PERIOD_TYPE_LABEL, POLARITY_LABEL, QUESTION_LABEL, RAG_ORDER, UNIT_LABEL, figureView, formatBare, formatDate, formatValue, plural, ragView, type RagView } from '../format.js';
import { GLOSSARY, methodsAndTerms } from '../glossary.js';
import { spcSignals } from '../chart-views.js';
import { anchorOf, periodLabelOf, type SectionContext } from './context.js';

export interface DefinitionView {
  id: string;
  anchor: string;
  title: string;
  fields: Array<{ label: string; value: string }>;
}

/** One indicator in one line of the definitions table: what it counts, who provides it, how often, which way is better. */
export interface DefinitionRow {
  anchor: string;
  title: string;
  definition: string;
  source: string;
  period: string;
  polarity: string;
  /** "target 80.0%" (the latest period's) or "no target". */
  target: string;
}

/** Figures behind the charts: indicators that share their periods, one row each, one column per period. */
export interface ChartTable {
  caption: string;
  periods: string[];
  rows: Array<{ title: string; anchor: string | null; unit: string; values: string[] }>;
}

export interface AppendixView {
  id: string;
  /** Every indicator in brief (printed); the full definitions below are for the screen. */
  definitionRows: DefinitionRow[];
  /** Where the full definitions are, said once above the brief table. */
  definitionsNote: string;
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
  /** The figures behind every history chart as text, one row per indicator (for a project's own templates; the bundled one prints `chartTables`). */
  chartData: Array<{ title: string; anchor: string; figures: string; signals: string | null }>;
  /** The same figures as tables of period columns, the unit said once per row (what the bundled template prints). */
  chartTables: ChartTable[];
  /** Every SPC signal, per indicator whose SPC chart has any (the charts print only their summary). */
  spcSignals: Array<{ title: string; text: string }>;
  /** The SPC charts with no signal, named in one sentence, or null. */
  spcQuiet: string | null;
  glossary: Array<{ term: string; definition: string }>;
  /** The methods behind every judgement (from assess), in words. */
  methods: Array<{ title: string; text: string }>;
  /** Methods and glossary as one list: a term a method explains is explained there, once. */
  terms: Array<{ term: string; text: string }>;
}

/** At most this many period columns to a table of figures, so that it stays legible on a portrait page. */
const MAX_PERIOD_COLUMNS = 12;

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

/** How often, in a word where the word says it all: "Quarterly", "Termly", "Annual (academic year)". */
function briefPeriod(def: { frequency: string; periodType: keyof typeof PERIOD_TYPE_LABEL }): string {
  const word = `${def.frequency.charAt(0).toUpperCase()}${def.frequency.slice(1)}`;
  return def.frequency === 'annual' ? `${word} (${PERIOD_TYPE_LABEL[def.periodType].toLowerCase()})` : word;
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

  const partnerOf = new Map(config.sources.map((src) => [src.id, src.partner]));
  const definitionRows: DefinitionRow[] = included.map((ia) => {
    const def = ia.indicator;
    // The partner whose extract holds the numerator names the provider most briefly; the full text is on screen.
    const partner = def.numerator ? partnerOf.get(def.numerator.from) : undefined;
    const target = ia.latest.target !== null ? `target ${formatValue(def, ia.latest.target)}` : 'no target';
    return {
      anchor: anchorOf('def', def.id),
      title: def.title,
      definition: def.description,
      source: partner ?? def.dataProvider ?? 'not stated',
      period: `${briefPeriod(def)}${def.pool ? `, pooled over ${plural(def.pool.years, 'year')}` : ''}`,
      polarity: POLARITY_LABEL[def.polarity],
      target,
    };
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

  // Charts with no signal are named in one sentence rather than given a row each.
  const quiet = included.filter((ia) => ia.spc && !spcSignals(ia.spc).length).map((ia) => ia.indicator.shortTitle);
  const glossary = ctx.locality
    ? GLOSSARY.map((g) => (g.term === 'Comparator' ? { ...g, definition: `A figure to compare with: for a locality, ${ctx.wholeName} as a whole.` } : g))
    : GLOSSARY;
  const methods = (assessment.methods ?? []).map((m) => (ctx.locality && m.id === 'comparators'
    ? { id: m.id, title: m.title, text: `Each figure of ${ctx.locality.name} is compared with ${ctx.wholeName} as a whole: it is similar when ${ctx.wholeName}'s figure lies within ${ctx.locality.name}'s 95% confidence interval (bounds included), otherwise significantly better or worse by polarity, or higher or lower where there is no better direction (the Fingertips convention).` }
    : { id: m.id, title: m.title, text: m.text }));

  return {
    id,
    definitionRows,
    definitionsNote: 'Each indicator in brief. The full definitions (source notes, files loaded, baseline, comparators, rating rule, small-number rule and version) are in the HTML version of this pack and in the workbook\'s Definitions sheet.',
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
    chartTables: chartTables(ctx, included),
    spcSignals: included.filter((ia) => ia.spc && spcSignals(ia.spc).length).map((ia) => ({ title: ia.indicator.title, text: `${spcSignals(ia.spc!).join('; ')}.` })),
    spcQuiet: quiet.length ? `No SPC signal, every point common cause variation: ${quiet.join('; ')}.` : null,
    // A locality is compared with the partnership, not with the council's benchmarks: its pack says so.
    glossary,
    methods: methods.map(({ title, text }) => ({ title, text })),
    terms: methodsAndTerms(methods, glossary, !!ctx.locality),
  };
}

/**
 * The figures behind the charts as tables: indicators charted over the same periods share a table, one column
 * per period (at most MAX_PERIOD_COLUMNS; a longer history continues in a further table), the unit once per row.
 */
function chartTables(ctx: SectionContext, included: SectionContext['included']): ChartTable[] {
  const groups = new Map<string, { periods: string[]; list: typeof included }>();
  for (const ia of included) {
    const periods = ctx.viewOf(ia).history.map((h) => h.period);
    if (!periods.length) continue;
    const key = periods.join('\u0000');
    if (!groups.has(key)) groups.set(key, { periods, list: [] });
    groups.get(key)!.list.push(ia);
  }
  const tables: ChartTable[] = [];
  const anchored = new Set<string>();
  for (const { periods, list } of groups.values()) {
    // Pooled figures are labelled "2020/21 Q4 - 2023/24 Q3": the columns name the period each pool ends in.
    const pool = list[0].indicator.pool;
    const heads = pool ? periods.map((p) => p.split(' - ').pop()!) : periods;
    for (let from = 0; from < periods.length; from += MAX_PERIOD_COLUMNS) {
      const cols = heads.slice(from, from + MAX_PERIOD_COLUMNS);
      tables.push({
        caption: pool
          ? `Figures pooled over ${plural(pool.years, 'year')}, for the ${plural(cols.length, 'period')} ending ${cols[0]} to ${cols[cols.length - 1]}`
          : `Figures by period, ${cols[0]} to ${cols[cols.length - 1]}`,
        periods: cols,
        rows: list.map((ia) => {
          const def = ia.indicator;
          const view = ctx.viewOf(ia);
          const first = !anchored.has(def.id);
          anchored.add(def.id);
          return {
            title: def.title,
            anchor: first ? anchorOf('data', def.id) : null,
            unit: UNIT_LABEL[def.unit].toLowerCase(),
            values: ia.series.slice(from, from + MAX_PERIOD_COLUMNS).map((s) => {
              if (view.failed) return 'not computed';
              if (s.status === 'ok' && s.value !== null) return formatBare(def, s.value);
              if (s.status === 'partial') return `${formatBare(def, s.value)} (partial)`;
              return figureView(def, s).text;
            }),
          };
        }),
      });
    }
  }
  return tables;
}
