/**
 * The HTML of every pack one run prints, from the one assessment: the full pack, or the exceptions-only board
 * version and its appendix, and one pack per locality. Pure apart from reading the templates; the pipeline runs
 * it in its render thread (`pipeline/render-worker.ts`) while it writes the other outputs, or in line.
 */
import type { Assessment } from '../assess/types.js';
import type { Config } from '../config/types.js';
import { useChartStore, type ChartStore } from './charts.js';
import { renderHtml } from './html.js';
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
  const { config, assessment } = input;
  const only = input.specs.some((s) => s.kind === 'board' || s.kind === 'appendix') ? exceptionIds(assessment) : [];
  return input.specs.map((spec) => {
    const { packConfig, packAssessment, meta } = packOf(spec, input, only);
    const previousStore = useChartStore(charts);
    let model: ReportModel;
    try {
      model = buildReportModel(packConfig, packAssessment, {
        generatedAt: input.generatedAt,
        dataAsAt: assessment.period.end,
        toolVersion: input.toolVersion,
        commentary: input.commentary,
        ...meta,
      });
    } finally {
      useChartStore(previousStore);
    }
    return { name: spec.name, html: renderHtml(model, { templatesDir: config.templatesDir }) };
  });
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
