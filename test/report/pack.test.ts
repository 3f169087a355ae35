/**
 * The sample partnership's whole pack, printed in a real headless browser: the PDF is
 * tagged, has an outline naming every section, numbers every page "Page x of y", starts with the cover sheet and
 * names every indicator and rating; the HTML passes axe-core in a real browser; commentary containing markup,
 * a formula and Handlebars braces prints as literal text in HTML, PDF and XLSX. Then the variants: the
 * exceptions-only board version with its appendix file and one pack per locality, from one run.
 *
 * Reading the PDF back needs poppler-utils (pdfinfo, pdftotext, pdftohtml); `.ci/run` installs them, and the
 * checks that need them skip with that reason where they are absent.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTool } from '../helpers/tools.js';
import { runPipeline, type RunSummary } from '../../src/pipeline/index.js';
import { launchBrowser, resolveBrowser } from '../../src/report/browser.js';
import { copySampleWithWarehouse } from '../helpers/sample.js';

const NASTY = 'Families told us <script>alert("x")</script> and =HYPERLINK("http://evil.example","y") and {{meta.title}} verbatim.';
const HOOK = 300_000;

const POPPLER = hasTool('pdftotext') && hasTool('pdfinfo') && hasTool('pdftohtml');
const NO_POPPLER = 'poppler-utils (pdftotext, pdfinfo, pdftohtml) is not installed; .ci/run installs it';

const dir = mkdtempSync(path.join(tmpdir(), 'bp-pack-'));
const project = path.join(dir, 'project');
let run: RunSummary;
let variants: RunSummary;
/** The board version of the sample exactly as shipped (its own commentary), as `run --exceptions-only` prints it. */
const shipped = path.join(dir, 'shipped');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Normalise text from pdftotext: ligatures and line breaks inside titles do not matter. */
const flat = (s: string) => s.replace(/\s+/g, ' ');

/** The text of every heading in a pack's HTML, as printed. */
function headingTexts(html: string, levels = '1-6'): string[] {
  return [...html.matchAll(new RegExp(`<h([${levels}])\\b[^>]*>([\\s\\S]*?)<\\/h\\1>`, 'g'))]
    .map((m) => m[2].replace(/<[^>]*>/g, '').replace(/&#x27;/g, "'").replace(/&amp;/g, '&').replace(/\s+/g, ' ').trim());
}

const pageCount = (pdf: string) => Number(/^Pages:\s+(\d+)/m.exec(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }))![1]);

/**
 * Pages whose text ends with a heading (a heading left alone at the foot of a page, its text on the next). A
 * page's text is read as printed (pdftotext -layout) without its running header and "Page x of y" footer.
 */
function orphanHeadings(pdf: string, html: string): string[] {
  const headings = headingTexts(html, '2-5').filter((h) => h.length > 2);
  const pages = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8', maxBuffer: 64 << 20 }).split('\f');
  return pages.flatMap((page, i) => {
    const lines = page.split('\n').map((l) => l.trim()).filter((l) => l && !/Page \d+ of \d+/.test(l)).slice(1);
    const tail = flat(lines.slice(-2).join(' ')).trim();
    const heading = headings.find((h) => tail.endsWith(h));
    return heading ? [`page ${i + 1} ends with the heading "${heading}"`] : [];
  });
}

/**
 * Pages more than half empty that do not end a section: how far down its text area each page's last word
 * reaches (pdftotext -bbox; the running header and footer sit in the margins and are left out), and whether
 * the next page opens a section (its first words are a section's h2 heading) or there is none.
 */
function halfEmptyPages(pdf: string, html: string): string[] {
  const sections = headingTexts(html, '2');
  const xml = execFileSync('pdftotext', ['-bbox', pdf, '-'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const pages = [...xml.matchAll(/<page width="[\d.]+" height="([\d.]+)">([\s\S]*?)<\/page>/g)].map((m) => {
    const height = Number(m[1]);
    // The pack's @page margins: 22 mm top, 20 mm bottom.
    const top = (22 / 25.4) * 72;
    const bottom = height - (20 / 25.4) * 72;
    const words = [...m[2].matchAll(/<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<\/word>/g)]
      .map((w) => ({ yMin: Number(w[1]), yMax: Number(w[2]), text: w[3] }))
      .filter((w) => w.yMin >= top - 1 && w.yMax <= bottom + 1);
    const last = Math.max(top, ...words.map((w) => w.yMax));
    const opening = flat(words.slice(0, 12).map((w) => w.text).join(' '));
    return { fill: (last - top) / (bottom - top), opening };
  });
  return pages.flatMap((p, i) => {
    const next = pages[i + 1];
    const endsSection = !next || sections.some((h) => next.opening.startsWith(h));
    return p.fill < 0.5 && !endsSection ? [`page ${i + 1} is ${Math.round((1 - p.fill) * 100)}% empty`] : [];
  });
}

beforeAll(async () => {
  await copySampleWithWarehouse(project);
  // An owner's commentary, in the project's default place (commentary.yaml), with nothing to say which period:
  // so it counts as this period's and is not flagged.
  writeFileSync(path.join(project, 'commentary.yaml'), [
    'commentary:',
    '  good_level_of_development:',
    `    story: ${JSON.stringify(NASTY)}`,
    '    what_works: "Speech and language screening at 2."',
    '    actions: "Family hubs to run the Talk Boost programme."',
    '  best_start:',
    '    story: "Early years settings report rising speech and language needs."',
    '',
  ].join('\n'));
  run = await runPipeline({ projectDir: project, outDir: path.join(dir, 'out'), formats: ['html', 'pdf', 'xlsx', 'json'], history: false });
  variants = await runPipeline({ projectDir: project, outDir: path.join(dir, 'variants'), formats: ['html', 'pdf'], history: false, exceptionsOnly: true, eachArea: true });
  await copySampleWithWarehouse(shipped);
  await runPipeline({ projectDir: shipped, outDir: path.join(shipped, 'out'), formats: ['html', 'pdf'], history: false, exceptionsOnly: true });
}, HOOK);

const file = (name: string) => path.join(dir, 'out', name);

describe('the sample pack', () => {
  it('is written in every format, and the commentary is found without being flagged', () => {
    for (const f of ['board-pack.html', 'board-pack.pdf', 'scorecard.xlsx']) expect(existsSync(file(f)), f).toBe(true);
    expect(run.problems.filter((p) => p.code.startsWith('BP_COMMENTARY') || p.code.startsWith('BP_PDF'))).toEqual([]);
  });

  it.skipIf(!POPPLER)('PDF: tagged, titled, with an outline naming every section', () => {
    const info = execFileSync('pdfinfo', [file('board-pack.pdf')], { encoding: 'utf8' });
    expect(info).toMatch(/^Tagged:\s+yes$/m);
    expect(info).toMatch(/^Title:\s+Brackenfield Children and Families Partnership: .*performance report/m);
    expect(info).toMatch(/^Author:\s+\S/m);
    expect(info).toMatch(/^Subject:\s+\S/m);
    const xml = execFileSync('pdftohtml', ['-xml', '-stdout', '-i', '-q', file('board-pack.pdf')], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const outline = [...xml.matchAll(/<item page="\d+">([^<]*)<\/item>/g)].map((m) => flat(m[1]));
    for (const section of ['Key messages', 'Scorecard', 'Report cards', 'Turning the curve', 'Localities', 'Appendix']) expect(outline, section).toContain(section);
  });

  it.skipIf(!POPPLER)('PDF: cover first, every page numbered "Page x of y", every indicator title and rating word, commentary literal', () => {
    const text = execFileSync('pdftotext', ['-layout', file('board-pack.pdf'), '-'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const pages = text.split('\f').filter((p, i, all) => i < all.length - 1 || p.trim());
    const total = pages.length;
    expect(total).toBeGreaterThan(10);
    pages.forEach((p, i) => expect(p, `page ${i + 1}`).toContain(`Page ${i + 1} of ${total}`));
    expect(pages[0]).toContain('For assurance');
    expect(pages[0]).toContain('OFFICIAL');
    expect(flat(pages[0])).toContain('outcomes framework: performance');
    const all = flat(text);
    for (const ia of run.assessment.indicators) expect(all, ia.indicator.title).toContain(flat(ia.indicator.title));
    for (const word of ['Red', 'Amber', 'Green', 'Blue', 'Not rated']) expect(all).toContain(word);
    // Raw text from the PDF: pdftotext keeps the characters as printed.
    expect(all).toContain('<script>alert("x")</script>');
    expect(all).toContain('=HYPERLINK("http://evil.example","y")');
    expect(all).toContain('{{meta.title}}');
  });

  it('HTML and XLSX print the commentary as literal text', async () => {
    const html = readFileSync(file('board-pack.html'), 'utf8');
    expect(html).toContain('Families told us &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; and &#x3D;HYPERLINK(&quot;http://evil.example&quot;,&quot;y&quot;) and {{meta.title}} verbatim.');
    expect(html).not.toMatch(/<script/i);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file('scorecard.xlsx'));
    const values: unknown[] = [];
    wb.getWorksheet('Scorecard')!.eachRow((row) => row.eachCell((c) => values.push(c.value)));
    expect(values).toContain(NASTY);
  });

  it('one vocabulary: each indicator\'s direction of travel and comparator verdict read the same in results.json, the workbook, the HTML and the PDF', async () => {
    const json = JSON.parse(readFileSync(file('results.json'), 'utf8')) as { results: Array<{ indicator: string; period: string; area: string; directionText: string; comparators?: Array<{ verdict: string }> }> };
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file('scorecard.xlsx'));
    const sheet = wb.getWorksheet('Scorecard')!;
    const header = (sheet.getRow(1).values as unknown[]).map(String);
    const col = (name: string) => header.indexOf(name);
    const xlsx = new Map<string, string>();
    sheet.eachRow((row, n) => { if (n > 1) xlsx.set(String(row.getCell(col('Indicator id')).value), String(row.getCell(col('Direction (previous period)')).value)); });
    const xlsxComparator = new Map<string, string>();
    sheet.eachRow((row, n) => { if (n > 1) xlsxComparator.set(String(row.getCell(col('Indicator id')).value), String(row.getCell(col('Comparator')).value ?? '')); });
    let verdicts = 0;
    const html = readFileSync(file('board-pack.html'), 'utf8');
    const scorecard = html.slice(html.indexOf('<table class="scorecard-table"'), html.indexOf('</table>', html.indexOf('<table class="scorecard-table"')));
    const pdf = POPPLER ? flat(execFileSync('pdftotext', [file('board-pack.pdf'), '-'], { encoding: 'utf8', maxBuffer: 64 << 20 })) : null;
    for (const ia of run.assessment.indicators) {
      const id = ia.indicator.id;
      const latest = json.results.find((r) => r.indicator === id && r.area === 'all' && r.period === ia.latest.period)!;
      const inJson = latest.directionText;
      expect(xlsx.get(id), id).toBe(inJson);
      // The row links to the indicator's card, or to its turn-the-curve page for a population indicator.
      const row = scorecard.slice(scorecard.search(new RegExp(`href="#(ind|ttc)-${id}"`)));
      const inHtml = /<span class="dot [^"]*"><span aria-hidden="true">[^<]*<\/span> ([^<]+)<span/.exec(row)?.[1];
      expect(inHtml, id).toBe(inJson);
      if (pdf) expect(pdf, id).toContain(inJson);
      // The first comparator's verdict, word for word, in the workbook's cell and the scorecard's row.
      const verdict = latest.comparators?.[0]?.verdict;
      if (verdict && verdict !== 'not compared') {
        verdicts++;
        expect(xlsxComparator.get(id), id).toContain(`(${verdict})`);
        expect(row.slice(0, row.indexOf('</tr>')), id).toContain(`: ${verdict}`);
      }
    }
    expect(verdicts).toBeGreaterThan(10);
  });

  it('no exception rests on a change that is not significant: 21 → 22 conceptions is "no significant change" in every output', async () => {
    const ia = run.assessment.indicators.find((x) => x.indicator.id === 'under_18_conceptions')!;
    const prev = ia.series[ia.series.length - 2];
    expect([prev.numerator, ia.latest.numerator]).toEqual([21, 22]);
    expect(ia.latest.direction).toBe('no_change');
    const json = JSON.parse(readFileSync(file('results.json'), 'utf8')) as { results: Array<{ indicator: string; period: string; area: string; directionText: string }> };
    expect(json.results.find((r) => r.indicator === 'under_18_conceptions' && r.area === 'all' && r.period === ia.latest.period)!.directionText).toBe('no significant change');
    const html = readFileSync(file('board-pack.html'), 'utf8');
    const exceptions = html.slice(html.indexOf('<table class="exceptions"'), html.indexOf('</table>', html.indexOf('<table class="exceptions"')));
    // It may be an exception on other evidence (a comparator), never on its direction.
    expect(exceptions).not.toMatch(/deteriorat[^<]*against 2026\/27 Q1 \(18\.2 per 1,000\)/i);
    for (const e of run.assessment.indicators.flatMap((x) => x.exceptions ?? [])) {
      if (e.kind === 'significant_deterioration' && e.test !== 'no_change_band') expect(e.test).toMatch(/two_/);
    }
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file('scorecard.xlsx'));
    const values: unknown[] = [];
    wb.getWorksheet('Scorecard')!.eachRow((row) => { if (row.getCell(1).value === 'under_18_conceptions') row.eachCell((c) => values.push(c.value)); });
    expect(values).toContain('no significant change');
  });

  it.skipIf(!POPPLER)('PDF: every bookmark is a heading\'s exact text, and every figure in the structure tree has alternative text', () => {
    const html = readFileSync(file('board-pack.html'), 'utf8');
    const headings = new Set(headingTexts(html));
    const xml = execFileSync('pdftohtml', ['-xml', '-stdout', '-i', '-q', file('board-pack.pdf')], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const outline = [...xml.matchAll(/<item page="\d+">([^<]*)<\/item>/g)].map((m) => m[1].replace(/&#39;/g, "'").replace(/&amp;/g, '&').replace(/&quot;/g, '"'));
    expect(outline.length).toBeGreaterThan(20);
    for (const title of outline) expect(headings.has(title), title).toBe(true);
    // The structure tree: Chromium writes each element as a plain object, so its dictionaries can be read directly.
    const pdf = readFileSync(file('board-pack.pdf')).toString('latin1');
    const figures = [...pdf.matchAll(/<<\/Type \/StructElem\s*\/S \/Figure([\s\S]*?)>>/g)].map((m) => m[1]);
    expect(figures.length).toBeGreaterThan(20);
    expect(figures.filter((f) => !/\/Alt\s*[(<]/.test(f))).toEqual([]);
  });

  it.skipIf(!POPPLER)('PDF: a length a board reads, and no heading alone at the foot of a page', () => {
    // Report cards and turn-the-curve blocks two to a page where they fit, the locality table in bare figures (the
    // unit in each row's heading) with the charts three across, three rows to a page, flowing on after it, each
    // definition in brief in one table, the exceptions table as the 'not going well' list and the figures behind the
    // charts in period columns: 59 pages before, about 30 the aim.
    expect(pageCount(file('board-pack.pdf'))).toBeLessThanOrEqual(29);
    expect(orphanHeadings(file('board-pack.pdf'), readFileSync(file('board-pack.html'), 'utf8'))).toEqual([]);
    expect(halfEmptyPages(file('board-pack.pdf'), readFileSync(file('board-pack.html'), 'utf8'))).toEqual([]);
  });

  it.skipIf(!POPPLER)('PDF appendix: each indicator in brief with a note of where the full definitions are; the HTML holds the full ones', () => {
    const text = flat(execFileSync('pdftotext', [file('board-pack.pdf'), '-'], { encoding: 'utf8', maxBuffer: 64 << 20 }));
    const appendix = text.slice(text.lastIndexOf('Indicator definitions'));
    expect(appendix).toContain('Each indicator in brief');
    expect(appendix).toMatch(/full definitions \(.*\) are in the HTML version of this pack and in the workbook's Definitions sheet/);
    // pdftotext reads a table's wrapped cells line by line across the row: each definition's first words are together.
    const bare = appendix.replace(/\s+/g, '');
    for (const ia of run.assessment.indicators) expect(bare, ia.indicator.id).toContain(ia.indicator.description.split(/\s+/).slice(0, 4).join(''));
    // The full definitions' fields are not printed ...
    for (const label of ['Loaded from', 'Version and id', 'Small numbers:']) expect(appendix).not.toContain(label);
    // ... but every indicator has its full definition in the HTML.
    const html = readFileSync(file('board-pack.html'), 'utf8');
    const full = [...html.matchAll(/<div class="definition" id="def-([\w-]+)-full">([\s\S]*?)<\/dl>/g)];
    expect(full.map((m) => m[1]).sort()).toEqual(run.assessment.indicators.map((ia) => ia.indicator.id).sort());
    for (const m of full) for (const label of ['Definition', 'Provider and owner', 'Rating', 'Small numbers', 'Version and id']) expect(m[2], `${m[1]} ${label}`).toContain(`<dt>${label}</dt>`);
    // Every indicator with a figure names the files it was loaded from.
    expect(full.filter((m) => m[2].includes('<dt>Loaded from</dt>')).length).toBeGreaterThan(full.length / 2);
    // Methods and glossary are one list: no term twice.
    expect(appendix).toContain('Methods and glossary');
    expect(appendix.match(/Direction of travel/g)).toHaveLength(1);
  });

  it.skipIf(!POPPLER)('PDF: turn-the-curve blocks two to a page, none split across pages', () => {
    const population = run.assessment.indicators.filter((ia) => ia.indicator.kind === 'population_indicator');
    expect(population.length).toBeGreaterThan(4);
    const pages = execFileSync('pdftotext', [file('board-pack.pdf'), '-'], { encoding: 'utf8', maxBuffer: 64 << 20 }).split('\f').map(flat);
    // Where the section starts and the next one starts, from the PDF's bookmarks (1-based pages).
    const xml = execFileSync('pdftohtml', ['-xml', '-stdout', '-i', '-q', file('board-pack.pdf')], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const pageOf = (title: string) => Number(new RegExp(`<item page="(\\d+)">${title}</item>`).exec(xml)?.[1] ?? 0);
    const first = pageOf('Turning the curve') - 1;
    const after = pageOf('Localities') - 1;
    expect(first).toBeGreaterThan(0);
    expect(after).toBeGreaterThan(first);
    const ttc = pages.slice(first, after);
    expect(ttc.length, 'pages of turn-the-curve blocks').toBeLessThanOrEqual(Math.ceil(population.length / 2) + 1);
    // Each block ends with its partners line: a page holds as many of those as it holds block titles, so no block
    // runs onto the next page.
    const titles = population.map((ia) => flat(ia.indicator.title));
    ttc.forEach((page, i) => {
      const starts = titles.filter((t) => page.includes(`${t} Population indicator,`)).length;
      expect(starts, `page ${first + i + 1}`).toBeGreaterThan(0);
      expect(page.match(/Partners with a role:/g)?.length ?? 0, `page ${first + i + 1}`).toBe(starts);
    });
  });

  it('pooled rare events: the baseline, the comparator\'s own period and the overlapping windows said plainly', () => {
    const html = flat(readFileSync(file('board-pack.html'), 'utf8'));
    const block = html.slice(html.indexOf('<article class="ttc" id="ttc-infant_mortality"'), html.indexOf('</article>', html.indexOf('id="ttc-infant_mortality"')));
    expect(block).toContain('Baseline: the 5 rolling three-year figures ending 2023/24 Q4 to 2024/25 Q4.');
    // England's figure is a yearly one (2026/27), set beside our pooled window: named as the year it is.
    expect(block).toContain('England 3.9 per 1,000 in 2026/27: ours (2023/24 Q3 - 2026/27 Q2) is significantly worse');
    expect(block).toContain('Previous rolling figure');
    expect(block).toContain('the previous rolling figure shares 11 of this one&#x27;s 12 quarters and the figure a year before shares 8');
  });

  it('HTML: axe-core finds no violations in a real headless browser', async () => {
    const axe = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    const browser = await launchBrowser(await resolveBrowser());
    try {
      const page = await browser.newPage();
      // This test page runs axe's script; the pack's own CSP allows no script, so it is removed for the check.
      const html = readFileSync(file('board-pack.html'), 'utf8').replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '');
      await page.setContent(html, { waitUntil: 'load' });
      await page.addScriptTag({ content: axe });
      const result = await page.evaluate(async () => {
        const r = await (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: Array<{ id: string; help: string; nodes: Array<{ target: string[] }> }> }> } }).axe.run(document, { resultTypes: ['violations'] });
        return r.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
      });
      expect(result).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);
});

describe('variants from one run', () => {
  const vfile = (name: string) => path.join(dir, 'variants', name);

  it('writes the board version, its appendix and one pack per locality', () => {
    const names = variants.files.map((f) => path.basename(f.path));
    for (const n of ['board-pack.html', 'board-pack.pdf', 'board-pack-appendix.html', 'board-pack-appendix.pdf']) expect(names).toContain(n);
    for (const area of ['central', 'north', 'east', 'south_west']) {
      expect(names).toContain(`board-pack-${area}.html`);
      expect(names).toContain(`board-pack-${area}.pdf`);
    }
    expect(variants.problems.filter((p) => p.code.startsWith('BP_PDF') || p.code.startsWith('BP_BROWSER'))).toEqual([]);
  });

  it('the board version holds only the exceptions; the appendix file holds every indicator and the appendix', () => {
    const board = readFileSync(vfile('board-pack.html'), 'utf8');
    const appendix = readFileSync(vfile('board-pack-appendix.html'), 'utf8');
    expect(board).toContain('Board version: exceptions only');
    expect(board).not.toContain('id="appendix"');
    expect(appendix).toContain('id="appendix"');
    // The appendix file is a paper of its own: it opens with a cover naming what it is, and does not repeat the
    // board version's key messages, scorecard or exception cards.
    expect(appendix).toMatch(/class="cover-variant">Appendix to the board version/);
    expect(appendix).not.toContain('id="summary"');
    expect(appendix).not.toContain('id="scorecard"');
    const cards = (html: string) => [...html.matchAll(/<(?:div class="measure"|article class="ttc") id="(?:ind|ttc)-([\w-]+)"/g)].map((m) => m[1]);
    expect(cards(board).length).toBeGreaterThan(0);
    expect(cards(board).filter((id) => cards(appendix).includes(id))).toEqual([]);
    expect(new Set([...cards(board), ...cards(appendix)]).size).toBe(variants.assessment.indicators.length);
  });

  it.skipIf(!POPPLER)('the board version is at most 12 pages: cover, key messages, the whole scorecard and a card per exception; no heading alone at the foot of a page', () => {
    const board = readFileSync(vfile('board-pack.html'), 'utf8');
    expect(pageCount(vfile('board-pack.pdf'))).toBeLessThanOrEqual(12);
    // The sample as shipped, with its owners' commentary on every exception's card.
    const shippedBoard = path.join(shipped, 'out', 'board-pack.pdf');
    expect(pageCount(shippedBoard)).toBeLessThanOrEqual(12);
    expect(orphanHeadings(shippedBoard, readFileSync(path.join(shipped, 'out', 'board-pack.html'), 'utf8'))).toEqual([]);
    expect(board.match(/<tr class="sc-row">/g)).toHaveLength(variants.assessment.indicators.length);
    expect(board).not.toContain('id="turn-the-curve"');
    expect(orphanHeadings(vfile('board-pack.pdf'), board)).toEqual([]);
    expect(orphanHeadings(vfile('board-pack-appendix.pdf'), readFileSync(vfile('board-pack-appendix.html'), 'utf8'))).toEqual([]);
  });

  it('a locality pack is local: no partnership commentary, no statistical neighbours, compared with the partnership', () => {
    const central = readFileSync(vfile('board-pack-central.html'), 'utf8');
    expect(central).not.toContain('Early years settings report rising speech and language needs.');
    expect(central).not.toContain('Families told us');
    expect(central).not.toMatch(/statistical neighbours/i);
    expect(central).toContain('No story or actions have been written for Central this period.');
    const ia = variants.assessment.results.find((r) => r.area === 'central' && r.status === 'ok' && r.comparators.length)!;
    expect(ia.comparators.map((c) => c.id)).toEqual(['partnership']);
  });

  it('every in-page link of every pack leads somewhere in that document, and the board version still links its cards', () => {
    const docs = [file('board-pack.html'), ...['board-pack.html', 'board-pack-appendix.html', 'board-pack-central.html', 'board-pack-east.html'].map(vfile)];
    for (const doc of docs) {
      const html = readFileSync(doc, 'utf8');
      const ids = new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]));
      const links = [...html.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]);
      expect(links.length, doc).toBeGreaterThan(5);
      expect(links.filter((l) => !ids.has(l)), doc).toEqual([]);
    }
    // A population indicator's scorecard row leads to its turn-the-curve page in the full pack.
    expect(readFileSync(file('board-pack.html'), 'utf8')).toMatch(/<a href="#ttc-low_birth_weight">/);
    // An exception's row leads to its card in the board version.
    const exception = variants.assessment.indicators.find((ia) => ia.exceptions?.length)!;
    expect(readFileSync(vfile('board-pack.html'), 'utf8')).toContain(`<a href="#ind-${exception.indicator.id}">`);
  });

  it('a locality pack shows that locality\'s figures', () => {
    const east = readFileSync(vfile('board-pack-east.html'), 'utf8');
    expect(east).toContain('East locality');
    expect(east).not.toContain('id="localities"');
    const ia = variants.assessment.indicators.find((x) => x.byArea.some((v) => v.area === 'east' && v.value !== null))!;
    const v = ia.byArea.find((x) => x.area === 'east')!;
    expect(east).toContain(v.sentence.replace(/&/g, '&amp;').replace(/'/g, '&#x27;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/=/g, '&#x3D;').replace(/`/g, '&#x60;'));
  });
});
