/** The cover sheet: the board-paper form (board, meeting, author, decision type, period), purpose and recommendation. */
import { formatDate } from '../format.js';
import { DECISION_WORD } from '../words.js';
import type { SectionContext } from './context.js';

export interface CoverView {
  id: string;
  title: string;
  subtitle: string;
  protectiveMarking: string;
  decision: string;
  /** The board-paper form, in order: only fields that have a value. */
  fields: Array<{ label: string; value: string }>;
  purpose: string | null;
  /** The configured recommendation, or the summary's "what the board is asked to do" by the paper's decision type. */
  recommendation: string | null;
}

export function buildCover(ctx: SectionContext, id: string, asked: string): CoverView {
  const { config, assessment, meta } = ctx;
  const board = config.board;
  const fields: Array<{ label: string; value: string | undefined }> = [
    { label: 'Partnership', value: config.partnership.name },
    { label: 'Board', value: board.name },
    { label: 'Meeting', value: board.meeting },
    { label: 'Date of meeting', value: board.meetingDate ? formatDate(board.meetingDate) : undefined },
    { label: 'Agenda item', value: board.agendaItem },
    { label: 'Report author', value: board.author },
    { label: 'Report for', value: DECISION_WORD[board.decision] },
    { label: 'Reporting period', value: assessment.period.label },
    { label: 'Data as at', value: formatDate(meta.dataAsAt) },
    { label: 'Protective marking', value: board.protectiveMarking },
  ];
  return {
    id,
    title: `${config.framework.title}: performance report`,
    subtitle: `${config.board.name}, ${assessment.period.label}${ctx.locality ? `: ${ctx.locality.name}` : ''}`,
    protectiveMarking: board.protectiveMarking,
    decision: DECISION_WORD[board.decision],
    fields: fields.filter((f): f is { label: string; value: string } => !!f.value),
    purpose: board.purpose ?? null,
    recommendation: board.recommendation ?? asked,
  };
}
