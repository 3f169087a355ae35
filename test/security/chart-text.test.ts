/**
 * 6 (in part). Chart text is text: an indicator titled "Rate url(http://…/) of x" renders, printed as written in
 * the HTML and the PDF, and opening the HTML fetches nothing; the check that charts are self-contained still
 * refuses real external references in the SVG's markup (href, url() in style or presentation attributes, those
 * written with character references included).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { assertSelfContained } from '../../src/report/charts.js';
import { closeBrowser, launchBrowser, resolveBrowser } from '../../src/report/browser.js';
import { hasPdftotext, pdfToText, runCliHere } from '../helpers/cli.js';
import { editFile, makeProject } from '../helpers/project.js';
import { listenForRequests } from './helpers/listener.js';

const listener = listenForRequests();

describe('chart text containing url(', () => {
  it('an indicator title with url( renders, printed as text in HTML and PDF, and the HTML fetches nothing', async () => {
    const root = await makeProject();
    const title = `Rate url(${listener.base}/from-title) of x`;
    editFile(root, 'indicators/low_birth_weight.yaml', /^title: .*$/m, `title: ${title}`);
    const out = path.join(root, 'out');
    listener.hits.length = 0;
    const run = await runCliHere(['run', '--project', root, '--out', out]);
    expect(run.stderr).not.toMatch(/unexpected error|not self-contained/);
    expect(run.status, run.stderr).toBe(0);
    expect(listener.hits, 'the browser printing the PDF fetched the title').toEqual([]);

    const html = readFileSync(path.join(out, 'board-pack.html'), 'utf8');
    // As text (scorecard, figure caption) and as the charts' accessible names; never inside CSS.
    expect(html).toContain(`>${title}</a>`);
    expect(html).toContain(`aria-label="${title}, `);
    expect(html).not.toMatch(/style="[^"]*url\(http/i);
    expect(html).not.toMatch(/<style\b[^>]*>[^<]*url\(http/i);

    if (hasPdftotext()) expect(pdfToText(path.join(out, 'board-pack.pdf'))).toContain(title);

    // Opened as a reader would (script on, no request interception): nothing leaves the page.
    const browser = await launchBrowser(await resolveBrowser());
    const requested: string[] = [];
    try {
      const page = await browser.newPage();
      page.on('request', (r) => { if (!/^(file|data):/.test(r.url())) requested.push(r.url()); });
      await page.goto(pathToFileURL(path.join(out, 'board-pack.html')).href, { waitUntil: 'load' });
      expect(await page.evaluate(() => document.body.innerText)).toContain(title);
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      await closeBrowser(browser);
    }
    expect(requested).toEqual([]);
    expect(listener.hits).toEqual([]);
    expect(existsSync(path.join(out, 'manifest.json'))).toBe(true);
  }, 300_000);

  it('the self-contained check still refuses external references in markup, character references included', () => {
    const refused = [
      '<svg><rect style="fill:url(http://evil/x)"/></svg>',
      '<svg><rect fill="url(http://evil/#g)"/></svg>',
      '<svg><rect filter="url(&#104;ttp://evil/#f)"/></svg>',
      '<svg><rect style="fill:url&#40;http://evil/x)"/></svg>',
      '<svg><rect style="fill:url&#x28;\'http://evil/x\')"/></svg>',
      '<svg><a href="http://evil/">x</a></svg>',
      '<svg><a xlink:href="&#104;ttp://evil/">x</a></svg>',
      '<svg><style>rect { fill: url(http://evil/x) }</style></svg>',
      '<svg><style>@import "http://evil/x.css";</style></svg>',
    ];
    for (const svg of refused) expect(() => assertSelfContained(svg), svg).toThrow(/not self-contained/);
    const text = [
      '<svg role="img" aria-label="Rate url(http://evil/) of x"><text>Rate url(http://evil/) of x</text></svg>',
      '<svg><rect fill="url(#grad)"/><title>url(http://evil/)</title></svg>',
    ];
    for (const svg of text) expect(() => assertSelfContained(svg), svg).not.toThrow();
  });
});
