/**
 * The HTML of every pack one run prints, from the one assessment: the full pack, or the exceptions-only board
 * version and its appendix, and one pack per locality. Pure apart from reading the templates; the pipeline runs
 * it in its render thread (`pipeline/render-worker.ts`) while it writes the other outputs, or in line.
 */
import { randomBytes } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Assessment } from '../assess/types.js';
import type { Config } from '../config/types.js';
import { drawChart, encodeOption, useChartDeferral, useChartStore, type ChartDeferral, type ChartJob, type ChartStore, type TrustedSvg } from './charts.js';
import { finishHtml, readTemplates, renderHtml, templateHtmlWith } from './html.js';
import { buildReportModel, type Commentary, type ReportMeta, type ReportModel } from './model.js';
import { areaAssessment, exceptionIds } from './variants.js';

/** Which pack: the whole pack, the board version (exceptions only) or its appendix, or one locality's. */
export type PackKind = 'full' | 'board' | 'appendix' | 'area';

/** One pack of the run, as the PDF printing also needs it (file name, title, running header). */
export interface PackSpec {
  /** File name without extension: `board-pack`, `board-pack-appendix`, `board-pack-<area>`. */
  name: string;
  kind: PackKind;
  /** The locality of an `area` pack. */
  area?: string;
  /** PDF title. */
  title: string;
  /** The partnership's short name as the pack prints it (a locality's pack adds the locality's name). */
  shortName: string;
}

export interface PackHtmlInput {
  config: Config;
  /** The assessment the packs print (with the run's notes). */
  assessment: Assessment;
  specs: PackSpec[];
  generatedAt: string;
  toolVersion: string;
  commentary: Record<string, Commentary>;
  /** Each locality's own commentary, by area id. */
  areaCommentary?: Record<string, Record<string, Commentary>>;
}

/** The packs a run prints, in order (no report module needed: the pipeline lists them before rendering). */
export function packSpecs(config: Config, assessment: Pick<Assessment, 'period'>, options: { exceptionsOnly?: boolean; eachArea?: boolean }): PackSpec[] {
  const baseTitle = `${config.partnership.name}: ${config.board.name} performance report, ${assessment.period.label}`;
  const shortName = config.partnership.shortName;
  const specs: PackSpec[] = options.exceptionsOnly
    ? [
      { name: 'board-pack', kind: 'board', title: `${baseTitle} (board version: exceptions)`, shortName },
      { name: 'board-pack-appendix', kind: 'appendix', title: `${baseTitle} (appendix)`, shortName },
    ]
    : [{ name: 'board-pack', kind: 'full', title: baseTitle, shortName }];
  if (options.eachArea) {
    for (const area of config.areas.filter((a) => !a.isWhole)) {
      // The locality's pack reads as that locality's: its name on the cover and in the header.
      specs.push({ name: `board-pack-${area.id}`, kind: 'area', area: area.id, title: `${baseTitle}: ${area.name}`, shortName: `${shortName}: ${area.name}` });
    }
  }
  return specs;
}

/** Each pack's HTML, in the order of `input.specs`; charts are taken from and kept in `charts` when given. */
export function renderPackHtmls(input: PackHtmlInput, charts?: ChartStore): Array<{ name: string; html: string }> {
  const only = onlyOf(input);
  return input.specs.map((spec) => ({ name: spec.name, html: renderHtml(modelOf(spec, input, only, charts), { templatesDir: input.config.templatesDir }) }));
}

/** Draws a chart in another thread: ECharts' SVG of an `encodeOption`ed option; rejects when it cannot. */
export interface ChartDrawer {
  draw(job: { width: number; height: number; option: unknown }): Promise<string>;
}

/**
 * The same HTML as `renderPackHtmls`, with the charts drawn by this thread and `drawer` together: each pack's
 * model is built with its charts as placeholders, its templates are filled in, then the charts are drawn (as many
 * by the other thread as it takes while this one draws the rest) and put in their placeholders' places before
 * the document is finished.
 */
export async function renderPackHtmlsShared(input: PackHtmlInput, charts: ChartStore | undefined, drawer: ChartDrawer): Promise<Array<{ name: string; html: string }>> {
  const only = onlyOf(input);
  const out: Array<{ name: string; html: string }> = [];
  for (const spec of input.specs) {
    // Placeholders are markup no data can spell (the templates escape "<" in data) and no template can guess.
    const token = `bp-chart-${randomBytes(6).toString('hex')}`;
    const pending: Array<{ job: ChartJob; finish: (raw: string) => TrustedSvg }> = [];
    const deferral: ChartDeferral = {
      defer(job, finish) {
        pending.push({ job, finish });
        return `<${token}-${pending.length - 1}>` as TrustedSvg;
      },
    };
    const previous = useChartDeferral(deferral);
    let model: ReportModel;
    try {
      model = modelOf(spec, input, only, charts);
    } finally {
      useChartDeferral(previous);
    }
    const templated = templateHtmlWith(model, readTemplates(input.config.templatesDir));
    const unique = [...new Map(pending.map((p) => [p.job.key, p.job])).values()];
    const drawn = await drawAll(unique, drawer);
    // Counted as drawing in line counts them: the first of a key drawn, each later one taken from the store.
    const seen = new Set<string>();
    for (const { job } of pending) {
      if (seen.has(job.key)) charts?.get(job.key);
      else charts?.set(job.key, drawn.get(job.key)!);
      seen.add(job.key);
    }
    const svgs = pending.map((p) => p.finish(drawn.get(p.job.key)!));
    out.push({ name: spec.name, html: finishHtml(templated.replace(new RegExp(`<${token}-(\\d+)>`, 'g'), (_m, i: string) => svgs[Number(i)])) });
  }
  return out;
}

/**
 * Draw every job: the other thread takes them from the front, two at a time, while this one draws from the back
 * (a job the other thread cannot draw is drawn here).
 */
async function drawAll(jobs: ChartJob[], drawer: ChartDrawer): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const queue: Array<{ job: ChartJob; encoded: unknown }> = [];
  for (const job of jobs) {
    const encoded = encodeOption(job.option);
    if (encoded === undefined) out.set(job.key, drawChart(job));
    else queue.push({ job, encoded });
  }
  const remote: Array<Promise<void>> = [];
  let inFlight = 0;
  const send = () => {
    while (inFlight < 2 && queue.length) {
      const { job, encoded } = queue.shift()!;
      inFlight++;
      remote.push(drawer.draw({ width: job.width, height: job.height, option: encoded })
        .then((raw) => { out.set(job.key, raw); }, () => { out.set(job.key, drawChart(job)); })
        .finally(() => { inFlight--; send(); }));
    }
  };
  send();
  while (queue.length) {
    const { job } = queue.pop()!;
    out.set(job.key, drawChart(job));
    await nextTurn(); // the other thread's results come in, and it is sent more
  }
  while (remote.length) await Promise.all(remote.splice(0));
  return out;
}

function onlyOf(input: PackHtmlInput): string[] {
  return input.specs.some((s) => s.kind === 'board' || s.kind === 'appendix') ? exceptionIds(input.assessment) : [];
}

function modelOf(spec: PackSpec, input: PackHtmlInput, only: string[], charts: ChartStore | undefined): ReportModel {
  const { packConfig, packAssessment, meta } = packOf(spec, input, only);
  const previousStore = useChartStore(charts);
  try {
    return buildReportModel(packConfig, packAssessment, {
      generatedAt: input.generatedAt,
      dataAsAt: input.assessment.period.end,
      toolVersion: input.toolVersion,
      commentary: input.commentary,
      ...meta,
    });
  } finally {
    useChartStore(previousStore);
  }
}

function packOf(spec: PackSpec, input: PackHtmlInput, only: string[]): { packConfig: Config; packAssessment: Assessment; meta: Partial<ReportMeta> } {
  const { config, assessment } = input;
  switch (spec.kind) {
    case 'full':
      return { packConfig: config, packAssessment: assessment, meta: {} };
    case 'board':
      // Board-sized at any framework size: the whole scorecard, then one compact card per exception.
      return {
        packConfig: config, packAssessment: assessment,
        meta: { only, board: true, variant: 'Board version: exceptions only (full detail in the appendix file)', sections: [{ id: 'cover' }, { id: 'summary' }, { id: 'scorecard' }, { id: 'report_cards' }] },
      };
    case 'appendix': {
      // The appendix carries what the board version leaves out, without repeating its cover, summary or scorecard.
      const exceptionSet = new Set(only);
      return {
        packConfig: config, packAssessment: assessment,
        meta: {
          only: assessment.indicators.map((ia) => ia.indicator.id).filter((id) => !exceptionSet.has(id)),
          variant: 'Appendix to the board version: the indicators that are not exceptions, localities, definitions and methods',
          sections: [{ id: 'cover' }, { id: 'report_cards' }, { id: 'turn_the_curve' }, { id: 'localities', orientation: 'landscape' }, { id: 'appendix' }],
        },
      };
    }
    case 'area': {
      const area = config.areas.find((a) => a.id === spec.area)!;
      return {
        packConfig: { ...config, partnership: { ...config.partnership, shortName: spec.shortName } },
        packAssessment: areaAssessment(assessment, area.id),
        // Only the locality's own commentary: never the partnership's, as if it were local.
        meta: { area: area.id, commentary: input.areaCommentary?.[area.id] ?? {}, variant: `${area.name} locality`, sections: (config.report?.sections ?? undefined)?.filter((s) => s.id !== 'localities') ?? [{ id: 'cover' }, { id: 'summary' }, { id: 'scorecard' }, { id: 'report_cards' }, { id: 'turn_the_curve' }, { id: 'appendix' }] },
      };
    }
  }
}
