/**
 * `boardpack commentary export`: the commentary workbook (or YAML) owners fill in, one row per priority and per
 * indicator with its owner and latest status, last quarter's text carried forward (report/commentary.ts);
 * with `--each area`, also one row per locality, whose text only that locality's pack prints.
 * It computes the figures as `run` does (`computePack`), but writes no pack: only the commentary file.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { BoardpackError, formatProblem, problem, UsageError, type Problem } from '../../core/errors.js';
import { writeFileAtomic } from '../../core/atomic-write.js';
import { computePack, defaultClock } from '../../pipeline/compute.js';
import {
  buildCommentaryRows, commentaryPathOf, readCommentary, renderCommentaryWorkbook, renderCommentaryYaml, uncarriedText, type CommentaryRow,
} from '../../report/commentary.js';
import type { CliLogger } from '../log.js';
import { packageVersion } from '../main.js';

export default async function commentary(log: CliLogger, opts: { project?: string; period?: string; format?: string; out?: string; each?: string }, args: string[]): Promise<number> {
  const action = args[0];
  if (action !== 'export') throw new UsageError(`unknown commentary action "${action}"`, 'use `boardpack commentary export`');
  const pack = await computePack(path.resolve(opts.project ?? '.'), { period: opts.period, history: false, readCommentary: false, log, toolVersion: packageVersion() });
  const config = pack.project.config;
  const { file: configured } = commentaryPathOf(config);
  let target = opts.out ? path.resolve(opts.out) : configured;
  // --format wins over the file name: commentary.xlsx becomes commentary.yaml, never YAML in an .xlsx file.
  if (opts.format && /\.ya?ml$/i.test(target) !== (opts.format === 'yaml')) target = target.replace(/\.[^./\\]*$/, '') + `.${opts.format}`;
  const yaml = /\.ya?ml$/i.test(target);
  // Text is carried forward from the file being replaced (and, when changing format, from the project's file).
  const from = existsSync(target) ? target : existsSync(configured) ? configured : null;
  // What the file holds that this export cannot carry (unreadable, unknown headers or keys …) keeps it as it is.
  let previous: CommentaryRow[] = [];
  const unread: Problem[] = [];
  if (from) {
    try {
      const read = await readCommentary(from);
      previous = read.rows;
      unread.push(...read.unread);
    } catch (e) {
      if (!(e instanceof BoardpackError)) throw e;
      unread.push(...e.problems);
    }
  }
  const now = defaultClock()();
  const rows = buildCommentaryRows(config, pack.assessment, previous, now.toISOString().slice(0, 10), { eachArea: opts.each === 'area', file: from ?? target });
  if (from) unread.push(...uncarriedText(previous, rows, from));
  const out = unread.length && existsSync(target) ? besideFile(target) : target;
  const meta = { partnership: config.partnership.name, periodLabel: pack.assessment.period.label, generatedAt: now.toISOString() };
  await writeFileAtomic(out, yaml ? renderCommentaryYaml(rows, meta) : await renderCommentaryWorkbook(rows, meta));
  const shown = (f: string) => path.relative(process.cwd(), f) || f;
  process.stdout.write(`${shown(out)}\n`);
  const kept = rows.filter((r) => !r.inFramework).length;
  const carried = rows.filter((r) => r.inFramework && (r.story || r.actions || r.whatWorks || r.partners)).length;
  const local = rows.filter((r) => r.area).length;
  log.summary(`Commentary for ${pack.assessment.period.label}: ${rows.length} rows (${local ? `${local} for localities, ` : ''}${carried} with text carried forward${kept ? `, ${kept} kept for indicators no longer in the framework` : ''}) → ${shown(out)}`);
  if (!unread.length || !from) return 0;
  for (const p of unread) log.warn(formatProblem(p));
  log.warn(formatProblem(problem('BP_COMMENTARY_KEPT', out === target
    ? `${shown(from)} holds text this export did not read back (above); it was left as it is, and the new rows were written to ${shown(out)}`
    : `${shown(from)} holds text this export did not read back (above), so it was not overwritten: the new file is ${shown(out)}`, {
    file: shown(from),
    fix: `copy the text the problems above name into ${shown(out)} (or correct them in ${shown(from)} and export again), then replace ${shown(from)} with it`,
  })));
  return 1;
}

/** `commentary.xlsx` → `commentary.new.xlsx` (or `.new-2`, `.new-3` … when that exists too: it may hold text as well). */
function besideFile(file: string): string {
  const ext = path.extname(file);
  const stem = file.slice(0, file.length - ext.length);
  for (let i = 1; ; i++) {
    const candidate = `${stem}.new${i === 1 ? '' : `-${i}`}${ext}`;
    if (!existsSync(candidate)) return candidate;
  }
}
