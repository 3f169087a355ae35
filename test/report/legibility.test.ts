/**
 * Every chart of the sample pack is legible in a real browser, on paper and on a phone: the sample's HTML is laid
 * out at A4 print width (portrait 180 mm of text, landscape 267 mm for landscape sections, print media) and at a
 * 390 px phone screen, and each chart's text boxes are measured as drawn: no two overlap, none runs outside the
 * chart, none is smaller than 12 CSS px (9 pt on paper), and in print no chart is wider than its column (it would
 * be cut off). The words beside the charts (legends, notes, icon words) are held to the same minimum size.
 * The SPC icons' letters are pictures with their words printed beside them, so they are not measured as text.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../../src/pipeline/index.js';
import { closeBrowser, launchBrowser, resolveBrowser } from '../../src/report/browser.js';
import { placeSampleWarehouse } from '../helpers/sample.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const HOOK = 300_000;
const MIN_PX = 12;
/** A4 text width at 96 px per inch: 210 mm less 2 x 15 mm margins, portrait; 297 mm less 30 mm, landscape. */
const A4_PORTRAIT_PX = Math.floor((180 / 25.4) * 96);
const A4_LANDSCAPE_PX = Math.floor((267 / 25.4) * 96);

const dir = mkdtempSync(path.join(tmpdir(), 'bp-legibility-'));
let browser: Browser;
let html: string;

beforeAll(async () => {
  const out = path.join(dir, 'out');
  const warehousePath = path.join(dir, 'warehouse.duckdb');
  await placeSampleWarehouse(warehousePath);
  await runPipeline({ projectDir: path.join(REPO, 'sample-data'), outDir: out, warehousePath, formats: ['html'], history: false });
  html = readFileSync(path.join(out, 'board-pack.html'), 'utf8');
  browser = await launchBrowser(await resolveBrowser());
}, HOOK);

afterAll(async () => {
  if (browser) await closeBrowser(browser);
  rmSync(dir, { recursive: true, force: true });
});

interface Layout { width: number; media: 'screen' | 'print'; within: 'portrait' | 'landscape' | 'all' }

/** 8 pt at 96 px per inch: the smallest text the printed pack's tables may use. */
const MIN_PRINT_PX = (8 / 72) * 96;

/** The pack laid out in a fresh page at a width and media, for `use`; the page is closed afterwards. */
async function laidOut<T>(width: number, media: Layout['media'], use: (page: Page) => Promise<T>): Promise<T> {
  const page: Page = await browser.newPage();
  try {
    await page.setViewport({ width, height: 900 });
    await page.emulateMediaType(media);
    await page.setContent(html, { waitUntil: 'load' });
    return await use(page);
  } finally {
    await page.close();
  }
}

/** Lays the pack out and returns every legibility problem found, one line each. */
async function problemsAt(layout: Layout): Promise<{ charts: number; problems: string[] }> {
  return laidOut(layout.width, layout.media, (page) => page.evaluate((minPx: number, layoutArg: Layout) => {
    const problems: string[] = [];
    const figures = [...document.querySelectorAll('figure.chart')].filter((f) => {
      if (layoutArg.within === 'all') return true;
      const landscape = !!f.closest('.orient-landscape');
      return layoutArg.within === 'landscape' ? landscape : !landscape;
    });
    let charts = 0;
    for (const figure of figures) {
      const svg = figure.querySelector(':scope > .chart-frame > svg[role="img"]') as SVGSVGElement | null;
      if (!svg) continue;
      charts++;
      const name = `${svg.getAttribute('aria-label')!.slice(0, 60)}…`;
      const box = svg.getBoundingClientRect();
      if (layoutArg.media === 'print') {
        const frame = figure.getBoundingClientRect();
        if (box.width > frame.width + 1) problems.push(`${name}: drawn ${Math.round(box.width)} px wide in a ${Math.round(frame.width)} px column (cut off on paper)`);
      }
      const texts = [...svg.querySelectorAll('text')].filter((t) => (t.textContent ?? '').trim() !== '');
      const rects = texts.map((t) => ({ text: t.textContent!.trim(), r: t.getBoundingClientRect(), px: parseFloat(getComputedStyle(t).fontSize) * (t.getScreenCTM()?.a ?? 1) }));
      for (const { text, r, px } of rects) {
        if (px < minPx - 0.05) problems.push(`${name}: "${text}" drawn at ${px.toFixed(1)} px`);
        if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1) problems.push(`${name}: "${text}" runs outside the chart`);
      }
      for (let i = 0; i < rects.length; i++) {
        for (let j = i + 1; j < rects.length; j++) {
          const a = rects[i].r;
          const b = rects[j].r;
          const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
          const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
          if (w > 1 && h > 1) problems.push(`${name}: "${rects[i].text}" overlaps "${rects[j].text}"`);
        }
      }
      for (const el of figure.querySelectorAll('.chart-legend li, .chart-note, .spc-icons li, figcaption')) {
        const px = parseFloat(getComputedStyle(el).fontSize);
        if (px < minPx - 0.05) problems.push(`${name}: words beside the chart at ${px.toFixed(1)} px: "${(el.textContent ?? '').trim().slice(0, 40)}"`);
      }
    }
    return { charts, problems };
  }, MIN_PX, layout));
}

describe('chart legibility in a real browser', () => {
  it('at A4 print width (portrait sections): no overlap, nothing outside a chart or cut off, nothing under 9 pt', async () => {
    const r = await problemsAt({ width: A4_PORTRAIT_PX, media: 'print', within: 'portrait' });
    expect(r.charts).toBeGreaterThan(10);
    expect(r.problems).toEqual([]);
  }, HOOK);

  it('at A4 landscape print width (the localities): the same', async () => {
    const r = await problemsAt({ width: A4_LANDSCAPE_PX, media: 'print', within: 'landscape' });
    expect(r.charts).toBeGreaterThan(3);
    expect(r.problems).toEqual([]);
  }, HOOK);

  it('at A4 print width: the locality table, the appendix\'s tables and its methods and glossary print at 8 pt or more', async () => {
    await laidOut(A4_PORTRAIT_PX, 'print', async (page) => {
      const sizes = await page.evaluate(() => [...document.querySelectorAll('.appendix :is(table, dl) :is(th, td, dt, dd, caption, span), .locality-table :is(th, td, caption, span)')]
        .filter((el) => (el as HTMLElement).offsetParent !== null && (el.textContent ?? '').trim() !== '')
        .map((el) => ({ text: (el.textContent ?? '').trim().slice(0, 40), px: parseFloat(getComputedStyle(el).fontSize) })));
      expect(sizes.length).toBeGreaterThan(100);
      // 8 pt is 10.67 CSS px.
      expect(sizes.filter((x) => x.px < MIN_PRINT_PX - 0.05)).toEqual([]);
    });
  }, HOOK);

  it('on a 390 px phone screen: no overlap, nothing outside a chart, no text under 12 px', async () => {
    const r = await problemsAt({ width: 390, media: 'screen', within: 'all' });
    expect(r.charts).toBeGreaterThan(10);
    expect(r.problems).toEqual([]);
  }, HOOK);
});

/** Every element of the given sections with its own visible text under 8 pt in print, one line each. */
async function smallPrintText(sections: string[]): Promise<{ checked: number; small: string[] }> {
  return laidOut(A4_PORTRAIT_PX, 'print', (page) => page.evaluate((minPx: number, ids: string[]) => {
    const small: string[] = [];
    let checked = 0;
    for (const id of ids) {
      for (const el of document.querySelectorAll(`#${id} *`)) {
        // Charts and icons are measured above; words only a screen reader hears are not printed.
        if (el.closest('svg, .visually-hidden')) continue;
        const own = [...el.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim()).map((n) => n.textContent!.trim()).join(' ');
        if (!own) continue;
        checked++;
        const px = parseFloat(getComputedStyle(el).fontSize);
        if (px < minPx - 0.05) small.push(`#${id} ${el.tagName.toLowerCase()}.${el.className}: ${(px * 0.75).toFixed(1)} pt "${own.slice(0, 40)}"`);
      }
    }
    return { checked, small };
  }, MIN_PRINT_PX, sections));
}

describe('print text size in a real browser', () => {
  it('the key messages (with the exceptions table) and the scorecard print nothing under 8 pt', async () => {
    const r = await smallPrintText(['summary', 'scorecard']);
    expect(r.checked).toBeGreaterThan(200);
    expect(r.small).toEqual([]);
  }, HOOK);
});
