/**
 * The period rule of a source as ingest applies it: which raw text a row's period is read from (for DfE
 * tidy files, `time_period` together with `time_identifier`) and how that text maps to a period id
 * (`core/published-periods.ts` for published formats, `period-labels.ts` for anything written by a person).
 */
import type { SourceDef } from '../config/types.js';
import { periodFormatExample, publishedPeriodId, typeOfDfeIdentifier, writtenDate } from '../core/published-periods.js';
import { periodOfDate } from '../core/periods.js';
import { quoteIdent } from '../warehouse/db.js';
import { parsePeriodLabel } from './period-labels.js';

/** Separates time_period from time_identifier in the mapped text (never in a CSV cell that is read as text). */
const SEP = '\u001f';

type PeriodRule = NonNullable<SourceDef['period']>;

/** The identifier column a `dfe_ees` period is read with, when the file has it. */
const IDENTIFIER = 'time_identifier';

/**
 * The SQL text a row's period is mapped from, or undefined for the plain `trim(column)`: a `dfe_ees` period
 * reads `time_identifier` beside `time_period`, as "Reporting year" and "Calendar year" give 2025 different meanings.
 */
export function periodTextSql(rule: PeriodRule, rawCols: Set<string>, columnSql: string): string | undefined {
  if (rule.format !== 'dfe_ees' || !rawCols.has(IDENTIFIER)) return undefined;
  return `(trim(${columnSql}) || '${SEP}' || coalesce(trim(${quoteIdent(IDENTIFIER)}), ''))`;
}

/** The period text as a person reads it in a message: `2025 (Reporting year)`. */
export function shownPeriodText(text: string): string {
  const [p, id] = text.split(SEP);
  return id ? `${p} (${id})` : p;
}

/** A row's period text → period id of the rule's type, or undefined. */
export function periodIdOf(text: string, rule: PeriodRule): string | undefined {
  const [p, identifier] = text.split(SEP);
  if (rule.format && rule.format !== 'label') return publishedPeriodId(p, rule.format, rule.type, identifier);
  const id = parsePeriodLabel(p, rule.type);
  if (id) return id;
  // A snapshot date written out ("31 March 2025", "As at 31/03/2025"): the period it falls in, which a
  // 31 March snapshot ends.
  const date = writtenDate(p);
  return date ? periodOfDate(rule.type, date).id : undefined;
}

const LABEL_EXAMPLES: Record<PeriodRule['type'], string> = {
  fy_quarter: 'e.g. 2024-25-Q1 or 2024/25 Q1', fy: 'e.g. 2024-25, 2024/25 or 31 March 2025', academic_year: 'e.g. AY2024-25 or 2024/25',
  term: 'e.g. Autumn 2024 or AY2024-25-T1', month: 'e.g. 2024-04 or April 2024', calendar_year: 'e.g. 2024',
};

/** What the rule expects, and how to fix a period that does not fit it. */
export function periodExpectation(rule: PeriodRule, text: string | null): { expected: string; fix: string } {
  const fix = 'correct the period in the extract, or the `period:` rule in the source contract';
  if (!rule.format || rule.format === 'label') return { expected: LABEL_EXAMPLES[rule.type], fix };
  const identifier = text?.split(SEP)[1];
  const type = identifier ? typeOfDfeIdentifier(identifier) : undefined;
  if (rule.format === 'dfe_ees' && type && type !== rule.type) {
    return {
      expected: periodFormatExample(rule.format, rule.type),
      fix: `the file's time_identifier "${identifier}" gives a ${type.replace('_', ' ')}: set \`period: {type: ${type}}\` on the source (and \`period_type: ${type}\` on its indicators)`,
    };
  }
  if (!/^\d{4}$/.test(text?.split(SEP)[0] ?? '') && /_year$/.test(rule.format)) {
    return { expected: periodFormatExample(rule.format, rule.type), fix: 'the column holds more than a year: leave out `period.format` (any common way is read), or correct the column' };
  }
  return { expected: periodFormatExample(rule.format, rule.type), fix: `${fix} (\`format: ${rule.format}\` reads ${rule.type.replace('_', ' ')} periods)` };
}
