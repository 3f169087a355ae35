/** Figures and the printed table of the benchmark (pure functions, tested in test/bench). */

export interface Series {
  /** Wall time of each repetition, in milliseconds. */
  ms: number[];
  median: number;
  min: number;
  max: number;
  /** Peak resident set size of the step's process, the highest over repetitions, in KiB (null when unknown). */
  peakRssKb: number | null;
}

export interface Row {
  step: string;
  /** Rows of data, where the step has a size. */
  size?: number;
  ours: Series;
  /** The floor (bare engine) or peer (pandas); absent for absolute targets. */
  floor?: Series;
  floorName?: string;
  /** ours ÷ floor medians, or for absolute targets the measured figure in the target's unit. */
  ratio: number | null;
  target: string;
  /** null when the row has no target or could not be judged. */
  met: boolean | null;
  note?: string;
}

export function median(xs: number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function series(ms: number[], rssKb: Array<number | null | undefined> = []): Series {
  const rss = rssKb.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  return { ms, median: median(ms), min: Math.min(...ms), max: Math.max(...ms), peakRssKb: rss.length ? Math.max(...rss) : null };
}

/** A row comparing ours with a floor: ratio of medians, met when at most `limit` (strictly below when `strict`). */
export function ratioRow(step: string, ours: Series, floor: Series, floorName: string, limit: number, opts: { size?: number; strict?: boolean; note?: string } = {}): Row {
  const ratio = floor.median > 0 ? ours.median / floor.median : null;
  const met = ratio === null ? null : opts.strict ? ratio < limit : ratio <= limit;
  return { step, size: opts.size, ours, floor, floorName, ratio, target: `${opts.strict ? '<' : '≤'} ${limit}×`, met, note: opts.note };
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
}

export function formatSeries(s: Series | undefined): string {
  if (!s || !s.ms.length) return '–';
  const spread = s.ms.length > 1 ? ` (${formatMs(s.min)}–${formatMs(s.max)})` : '';
  return `${formatMs(s.median)}${spread}`;
}

export function formatRss(kb: number | null | undefined): string {
  if (kb === null || kb === undefined) return '–';
  return kb >= 1024 * 1024 ? `${(kb / 1024 / 1024).toFixed(2)} GiB` : `${Math.round(kb / 1024)} MiB`;
}

export function formatRows(n: number | undefined): string {
  if (n === undefined) return '';
  if (n >= 1e6 && n % 1e6 === 0) return `${n / 1e6}M`;
  if (n >= 1e3 && n % 1e3 === 0) return `${n / 1e3}k`;
  return String(n);
}

/** The table: step, ours, floor, ratio, target, met?, with peak RSS of each side. Column widths fit the text. */
export function formatTable(rows: Row[]): string {
  const head = ['step', 'ours (median, min–max)', 'floor / peer', 'ratio', 'target', 'met?', 'RSS ours', 'RSS floor'];
  const body = rows.map((r) => [
    r.size !== undefined ? `${r.step} ${formatRows(r.size)}` : r.step,
    formatSeries(r.ours),
    r.floor ? `${r.floorName ? `${r.floorName}: ` : ''}${formatSeries(r.floor)}` : (r.floorName ?? '–'),
    r.ratio === null ? '–' : r.floor ? `${r.ratio.toFixed(2)}×` : String(Number(r.ratio.toFixed(2))),
    r.target,
    r.met === null ? (r.note ? 'n/a' : '–') : r.met ? 'yes' : 'NO',
    formatRss(r.ours.peakRssKb),
    formatRss(r.floor?.peakRssKb),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
