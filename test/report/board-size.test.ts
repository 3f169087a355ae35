/**
 * The board version stays board-sized as a framework grows. The sample's 24 indicators made into 96 distinct ones
 * (the benchmark's "framework" project, scripts/bench/data.ts) are printed as `run --exceptions-only` prints them,
 * in a real browser, and the PDF is read back page by page:
 * - the key messages take at most two pages (the exceptions table shows the strongest few and counts the rest);
 * - the scorecard holds every indicator at about 25 to a page;
 * - the report cards hold one card per exception and nothing else, at least two cards to a page on average
 *   (each priority opens a page, so a page more per priority);
 * - the appendix file repeats none of them.
 * Slow (a 96-indicator pack and its appendix, about a minute): `npm run test:quick` leaves it out; CI runs it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTool } from '../helpers/tools.js';
import { prepareFramework } from '../../scripts/bench/data.js';
import { runPipeline, type RunSummary } from '../../src/pipeline/index.js';
import { resolveBrowser } from '../../src/report/browser.js';
import { placeSampleWarehouse } from '../helpers/sample.js';

const HOOK = 600_000;
const COPIES = 4;
/** Scorecard rows a page holds: one dense line per measure, with its priority and group rows. */
const ROWS_PER_PAGE = 25;

/** Why the test cannot run here, or null: it needs a real browser to print and poppler-utils to read back. */
const WHY_SKIP = await resolveBrowser().then(
  () => (hasTool('pdftotext') && hasTool('pdfinfo') ? null : 'poppler-utils (pdftotext, pdfinfo) is not installed; .ci/run installs it'),
  (e: unknown) => `no Chromium to print the PDF (${(e as Error).message.split('\n')[0]})`,
);
if (WHY_SKIP) console.warn(`board-size.test.ts skipped: ${WHY_SKIP}`);

const dir = mkdtempSync(path.join(tmpdir(), 'bp-board-size-'));
const out = path.join(dir, 'out');
let run: RunSummary;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  if (WHY_SKIP) return;
  // The framework copies only indicators; its sources are the sample's as shipped, so the sample warehouse serves.
  const project = prepareFramework(path.join(dir, 'framework-96'), COPIES);
  await placeSampleWarehouse(path.join(project, '.boardpack', 'warehouse.duckdb'));
  run = await runPipeline({ projectDir: project, outDir: out, formats: ['html', 'pdf'], history: false, exceptionsOnly: true });
}, HOOK);

/** The lines of each printed page. */
function pages(pdf: string): string[][] {
  return execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8', maxBuffer: 64 << 20 })
    .split('\f').filter((p, i, all) => i < all.length - 1 || p.trim())
    .map((p) => p.split('\n').map((l) => l.trim()));
}

/** The page (1-based) with a section's heading: a line of its own (the cover's contents number theirs). */
const opens = (list: string[][], heading: string) => list.findIndex((p) => p.includes(heading)) + 1;

describe('the board version of a 96-indicator framework', () => {
  it.skipIf(!!WHY_SKIP)('is board-sized: key messages ≤ 2 pages, the scorecard about a page per 25 indicators, one card per exception, an appendix that repeats none of them', () => {
    const n = run.assessment.indicators.length;
    expect(n).toBe(24 * COPIES);
    const exceptions = run.assessment.indicators.filter((ia) => ia.exceptions?.length).length;
    expect(exceptions).toBeGreaterThan(20);

    const board = readFileSync(path.join(out, 'board-pack.html'), 'utf8');
    const list = pages(path.join(out, 'board-pack.pdf'));
    const key = opens(list, 'Key messages');
    const scorecard = opens(list, 'Scorecard');
    const cards = opens(list, 'Report cards');
    expect([key, scorecard, cards]).toEqual([2, expect.any(Number), expect.any(Number)]);
    const sizes = { cover: key - 1, keyMessages: scorecard - key, scorecard: cards - scorecard, cards: list.length - cards + 1 };
    const priorities = new Set(run.assessment.indicators.map((ia) => ia.indicator.priority)).size;
    const bound = { cover: 1, keyMessages: 2, scorecard: Math.ceil(n / ROWS_PER_PAGE), cards: Math.ceil(exceptions / 2) + priorities };
    expect(sizes.cover).toBe(1);
    expect(sizes.keyMessages, JSON.stringify(sizes)).toBeLessThanOrEqual(bound.keyMessages);
    expect(sizes.scorecard, JSON.stringify(sizes)).toBeLessThanOrEqual(bound.scorecard);
    expect(sizes.cards, JSON.stringify(sizes)).toBeLessThanOrEqual(bound.cards);

    // The whole framework in the scorecard; in the report cards, a card for each exception and for nothing else.
    expect(board.match(/<tr class="sc-row">/g)).toHaveLength(n);
    const cardIds = (html: string) => [...html.matchAll(/<(?:div class="measure"|article class="ttc") id="(?:ind|ttc)-([\w-]+)"/g)].map((m) => m[1]);
    expect(cardIds(board).sort()).toEqual(run.assessment.indicators.filter((ia) => ia.exceptions?.length).map((ia) => ia.indicator.id).sort());
    // The key messages' table shows the strongest few and says how many more there are.
    expect(board.match(/<table class="exceptions">[\s\S]*?<\/table>/)![0].match(/<tr>/g)!.length).toBeLessThan(exceptions);
    expect(board).toMatch(new RegExp(`\\d+ more exceptions \\(`));

    // The appendix file: a paper of its own, repeating neither the key messages, the scorecard nor a card.
    const appendix = readFileSync(path.join(out, 'board-pack-appendix.html'), 'utf8');
    expect(appendix).not.toContain('id="summary"');
    expect(appendix).not.toContain('id="scorecard"');
    expect(cardIds(appendix).filter((id) => cardIds(board).includes(id))).toEqual([]);
    expect(new Set([...cardIds(board), ...cardIds(appendix)]).size).toBe(n);
  });
});
