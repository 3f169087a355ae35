/**
 * What every section builder is given: the config, the assessment, the run's meta and commentary, and the
 * indicator views built once (so a figure is worded the same in every section). Small shared helpers live here.
 */
import { tryParsePeriodId } from '../../core/periods.js';
import type { Assessment, IndicatorAssessment } from '../../assess/types.js';
import type { Area, Config, Priority } from '../../config/types.js';
import type { AreaNames } from '../chart-views.js';
import type { Commentary, ReportMeta } from '../model.js';
import { indicatorView, type IndicatorView } from './indicator.js';

export { comparedLabels } from '../exception-reasons.js';

export interface PriorityGroup { id: string; priority: Pick<Priority, 'id' | 'title'> & { description?: string }; list: IndicatorAssessment[] }

export interface SectionContext {
  config: Config;
  assessment: Assessment;
  meta: ReportMeta;
  commentary: Record<string, Commentary>;
  priorities: Map<string, Priority>;
  /** Indicators printed after the summary (a board version prints only some); the summary sees them all. */
  included: IndicatorAssessment[];
  /** Included indicators grouped by priority, in framework order; indicators of an unknown priority last. */
  priorityList: PriorityGroup[];
  /** Every indicator grouped the same way (the board version's scorecard shows the whole framework). */
  allPriorityList: PriorityGroup[];
  viewOf(ia: IndicatorAssessment): IndicatorView;
  views: Map<string, IndicatorView>;
  localities: Area[];
  areaName: Map<string, string>;
  areaNames: AreaNames;
  wholeName: string;
  /** True for one locality's pack: its commentary is its own, and it is compared with the partnership. */
  locality: { id: string; name: string } | null;
  /** In a locality's pack, whose commentary it prints (or that none was written for it); null in the partnership's. */
  localityCommentary: string | null;
}

export function buildContext(config: Config, assessment: Assessment, meta: ReportMeta): SectionContext {
  const priorities = new Map<string, Priority>(config.framework.priorities.map((p) => [p.id, p]));
  const whole = config.areas.find((a) => a.isWhole);
  const wholeName = whole?.name ?? config.partnership.shortName;
  const localities = config.areas.filter((a) => !a.isWhole);
  const areaName = new Map(config.areas.map((a) => [a.id, a.name]));
  const views = new Map<string, IndicatorView>();
  for (const ia of assessment.indicators) views.set(ia.indicator.id, indicatorView(ia, priorities));
  const onlySet = meta.only ? new Set(meta.only) : null;
  const included = assessment.indicators.filter((ia) => !onlySet || onlySet.has(ia.indicator.id));
  const byPriority = (list: IndicatorAssessment[]): PriorityGroup[] => {
    const groups = new Map<string, IndicatorAssessment[]>();
    for (const p of config.framework.priorities) groups.set(p.id, []);
    for (const ia of list) {
      const key = priorities.has(ia.indicator.priority) ? ia.indicator.priority : '__other';
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key)!.push(ia);
    }
    return [...groups.entries()]
      .filter(([, l]) => l.length > 0)
      .map(([id, l]) => ({ id, priority: priorities.get(id) ?? { id, title: 'Other indicators' }, list: l }));
  };
  const localityArea = meta.area ? config.areas.find((a) => a.id === meta.area) : undefined;
  const hasLocalText = Object.values(meta.commentary ?? {}).some((c) => c.story || c.whatWorks || c.partners || c.actions);
  return {
    config, assessment, meta, commentary: meta.commentary ?? {}, priorities, included,
    priorityList: byPriority(included), allPriorityList: byPriority(assessment.indicators),
    viewOf: (ia) => views.get(ia.indicator.id)!, views, localities, areaName, areaNames: { names: areaName, whole: wholeName }, wholeName,
    locality: localityArea ? { id: localityArea.id, name: localityArea.name } : null,
    // Said plainly, so a reader never takes the partnership's story for the locality's, or looks for it here.
    localityCommentary: !localityArea ? null : hasLocalText
      ? `The commentary in this pack was written for ${localityArea.name}; the partnership's commentary is in the partnership's pack.`
      : `No commentary has been written for ${localityArea.name} this period; the partnership's commentary is in the partnership's pack and is not repeated here.`,
  };
}

export const anchorOf = (prefix: string, id: string) => `${prefix}-${id.replace(/[^A-Za-z0-9_-]/g, '-')}`;

/** Split free text into paragraphs on blank lines; line breaks inside a paragraph become spaces. */
export function paragraphs(text: string | undefined): string[] {
  if (!text) return [];
  return text.split(/\r?\n\s*\r?\n/).map((p) => p.replace(/\s*\r?\n\s*/g, ' ').trim()).filter(Boolean);
}

/** Partners written in commentary: one per line or separated by semicolons. */
export function partnerList(text: string | undefined): string[] {
  return (text ?? '').split(/\r?\n|;/).map((x) => x.replace(/^\s*[-*•]\s*/, '').trim()).filter(Boolean);
}

/** Label of a period id that is not in a series (e.g. a baseline year): the id itself when it does not parse. */
export function periodLabelOf(id: string): string {
  return tryParsePeriodId(id)?.label ?? id;
}

export const isPopulation = (ia: IndicatorAssessment) => ia.indicator.kind === 'population_indicator';

/** Text is written for a figure: "This commentary was written for 2026/27 Q1; …", or null when it is current. */
export function staleNote(note: Commentary | undefined, latest: { period: string; periodLabel: string }): string | null {
  if (!note?.period || note.period === latest.period || !(note.story || note.actions || note.whatWorks)) return null;
  return `This commentary was written for ${periodLabelOf(note.period)}; the figures are for ${latest.periodLabel}. Ask the owner to update it.`;
}
