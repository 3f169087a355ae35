/**
 * Real browser, real PDFs: whatever resolveBrowser() finds (a system Chrome, or the bundled @sparticuz Chromium).
 * Text is read back with the small PDF text extractor at the bottom of this file (Chromium/Skia writes a
 * classic xref, FlateDecode content streams and Type0 fonts with ToUnicode maps), so no PDF library is needed.
 */
import { createServer, type Server } from 'node:http';
import { existsSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inflateSync } from 'node:zlib';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BoardpackError } from '../../src/core/errors.js';
import { browserTimeoutFromEnv, closeBrowser, LAUNCH_ARGS, launchArgs, launchBrowser, resolveBrowser, systemBrowserCandidates, type ResolvedBrowser } from '../../src/report/browser.js';
import { renderPdf, setPdfInfo } from '../../src/report/pdf.js';

const HOOK_TIMEOUT = 120_000;

let resolved: ResolvedBrowser;
let browser: Browser;
let server: Server;
let serverHits = 0;
let port = 0;
const timings: Record<string, number> = {};

beforeAll(async () => {
  server = createServer((_req, res) => {
    serverHits++;
    res.end('x');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cssDir = mkdtempSync(join(tmpdir(), 'bp-pdf-css-'));
  writeFileSync(join(cssDir, 'leak.css'), "body::before { content: 'READ FROM A LOCAL FILE'; }");
  localCss = pathToFileURL(join(cssDir, 'leak.css')).href;
  port = (server.address() as { port: number }).port;

  let t = performance.now();
  resolved = await resolveBrowser();
  timings.resolve = performance.now() - t;
  t = performance.now();
  browser = await launchBrowser(resolved);
  timings.launch = performance.now() - t;
}, HOOK_TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
  if (cssDir) rmSync(cssDir, { recursive: true, force: true });
  // Visible in the test output: how long a real PDF costs here.
  console.log(`[pdf.test] browser ${resolved?.source} ${resolved?.executablePath}; timings (ms): ${JSON.stringify(Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.round(v)])))}`);
}, HOOK_TIMEOUT);

let localCss = '';
let cssDir = '';

function packHtml(): string {
  const rows = Array.from({ length: 160 }, (_, i) => `<tr><td>Locality ${i + 1}</td><td>${(i * 1.7).toFixed(1)}%</td><td>Green</td></tr>`).join('\n');
  const pixel = 'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';
  return `<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Riverside board pack</title>
<link rel="stylesheet" href="${localCss}">
<style>body { font-family: sans-serif; } h1 { break-before: page; } h1:first-of-type { break-before: auto; }</style>
</head><body>
<h1 id="headline">Section one: Early years</h1>
<p>Original headline text stays.</p>
<img src="http://example.com/x.png" alt="remote">
<img src="http://127.0.0.1:${port}/tracker.png" alt="local server">
<img src="${pixel}" alt="inline">
<script>document.getElementById('headline').textContent = 'Changed by script'; document.title = 'Script title';</script>
<table><thead><tr><th>Area</th><th>Value</th><th>RAG</th></tr></thead><tbody>
${rows}
</tbody></table>
<h1>Section two: Safeguarding</h1>
<p>Second section body.</p>
</body></html>`;
}

describe('renderPdf with a real browser', () => {
  let pdf: Uint8Array;
  let text: string;
  const blocked: string[] = [];

  beforeAll(async () => {
    const t = performance.now();
    pdf = await renderPdf(browser, packHtml(), {
      title: 'Riverside Children’s Partnership — board pack 2024/25 Q2',
      author: 'Performance & Intelligence',
      subject: 'Quarterly OBA scorecard',
      keywords: ['OBA', 'scorecard'],
      headerLeft: 'Riverside <Partnership> & Board',
      headerRight: '14 November 2024',
      footerLeft: 'OFFICIAL-SENSITIVE',
      onBlockedRequest: (url) => blocked.push(url),
    });
    timings.render = performance.now() - t;
    text = extractPdfText(Buffer.from(pdf)).replace(/\s+/g, ' ');
  }, HOOK_TIMEOUT);

  it('is a PDF of several pages', () => {
    expect(Buffer.from(pdf.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    expect(countPages(Buffer.from(pdf))).toBeGreaterThan(1);
  });

  it('prints the page-number footer with the protective marking, and the escaped header', () => {
    const pages = countPages(Buffer.from(pdf));
    expect(text).toContain('Page 1 of');
    expect(text).toContain(`Page ${pages} of ${pages}`);
    expect(text).toContain('OFFICIAL-SENSITIVE');
    expect(text).toContain('Riverside <Partnership> & Board');
    expect(text).toContain('14 November 2024');
  });

  it('prints both sections and the whole table', () => {
    expect(text).toContain('Section one: Early years');
    expect(text).toContain('Section two: Safeguarding');
    expect(text).toContain('Locality 160');
  });

  it('does not run JavaScript in the HTML', () => {
    expect(text).toContain('Section one: Early years');
    expect(text).not.toContain('Changed by script');
  });

  it('makes no network request, reads no local file, and reports what it blocked', () => {
    expect(serverHits).toBe(0);
    expect(blocked).toContain('http://example.com/x.png');
    expect(blocked).toContain(`http://127.0.0.1:${port}/tracker.png`);
    // Chromium never lets about:blank read file: URLs; if it ever did, the interception would abort them.
    expect(text).not.toContain('READ FROM A LOCAL FILE');
    expect(blocked.some((u) => u.startsWith('data:'))).toBe(false);
  });

  it('sets title, author, subject and keywords in the document information', () => {
    const info = readInfo(Buffer.from(pdf));
    expect(info.Title).toBe('Riverside Children’s Partnership — board pack 2024/25 Q2');
    expect(info.Author).toBe('Performance & Intelligence');
    expect(info.Subject).toBe('Quarterly OBA scorecard');
    expect(info.Keywords).toBe('OBA, scorecard');
    expect(info.Producer).toMatch(/Skia/); // Chromium's own entries survive the update
  });

  it('closes its page (the browser is shared across a run)', async () => {
    const pages = await browser.pages();
    // Only the blank start-up tab (if this browser opens one) remains.
    expect(pages.every((p) => p.url() === 'about:blank')).toBe(true);
    expect(pages.length).toBeLessThanOrEqual(1);
  });
});

describe('renderPdf failures', () => {
  it('reports BP_PDF_TIMEOUT when printing exceeds the time allowed', async () => {
    const err = await renderPdf(browser, packHtml(), { title: 't', timeoutMs: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BoardpackError);
    expect((err as BoardpackError).code).toBe('BP_PDF_TIMEOUT');
    // ...and the shared browser still works afterwards.
    const ok = await renderPdf(browser, '<title>ok</title><p>still fine</p>', { title: 'ok' });
    expect(extractPdfText(Buffer.from(ok))).toContain('still fine');
  });

  it('reports BP_PDF_FAILED when the browser has gone, and removes the temp profile on close', async () => {
    const t = performance.now();
    const second = await launchBrowser(resolved);
    timings.secondLaunch = performance.now() - t;
    const profileArg = second.process()?.spawnargs.find((a) => a.startsWith('--user-data-dir='));
    const profile = profileArg?.slice('--user-data-dir='.length);
    expect(profile && existsSync(profile)).toBe(true);
    await second.close();
    expect(existsSync(profile!)).toBe(false);
    const err = await renderPdf(second, '<p>x</p>', { title: 'x' }).catch((e: unknown) => e);
    expect((err as BoardpackError).code).toBe('BP_PDF_FAILED');
  }, HOOK_TIMEOUT);
});

describe('a browser that stops answering', () => {
  function alive(pid: number): boolean {
    try { process.kill(pid, 0); return true; } catch { return false; }
  }

  // SIGSTOP freezes the real browser after it started: every call to it then outlives protocolTimeout (3 s here).
  // The PDF's own budget is 5 minutes, longer than this test may run, so only protocolTimeout can end it.
  it('a hang while printing ends in BP_PDF_TIMEOUT, and closeBrowser kills the frozen browser', async () => {
    const frozen = await launchBrowser(resolved, { protocolTimeoutMs: 3_000 });
    const pid = frozen.process()!.pid!;
    try {
      process.kill(pid, 'SIGSTOP');
      const err = await renderPdf(frozen, '<p>x</p>', { title: 'x', timeoutMs: 300_000 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BoardpackError);
      expect((err as BoardpackError).code).toBe('BP_PDF_TIMEOUT');
      expect((err as BoardpackError).message).toMatch(/stopped answering/);
      await closeBrowser(frozen, 1_000);
      expect(alive(pid)).toBe(false);
    } finally {
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
  }, HOOK_TIMEOUT);

  it('BOARDPACK_BROWSER_TIMEOUT is a positive number of seconds, anything else BP_BROWSER_TIMEOUT_INVALID', () => {
    expect(browserTimeoutFromEnv({})).toBeUndefined();
    expect(browserTimeoutFromEnv({ BOARDPACK_BROWSER_TIMEOUT: '' })).toBeUndefined();
    expect(browserTimeoutFromEnv({ BOARDPACK_BROWSER_TIMEOUT: '90' })).toBe(90_000);
    expect(browserTimeoutFromEnv({ BOARDPACK_BROWSER_TIMEOUT: ' 2.5 ' })).toBe(2_500);
    for (const bad of ['0', '-5', '30s', 'abc', '1e3']) {
      const err = (() => { try { browserTimeoutFromEnv({ BOARDPACK_BROWSER_TIMEOUT: bad }); } catch (e) { return e; } })();
      expect(err, bad).toBeInstanceOf(BoardpackError);
      expect((err as BoardpackError).code).toBe('BP_BROWSER_TIMEOUT_INVALID');
      expect((err as BoardpackError).problems[0].value).toBe(bad);
    }
  });
});

describe('setPdfInfo', () => {
  it('leaves something that is not a Chromium-style PDF unchanged', () => {
    const notPdf = new Uint8Array([1, 2, 3]);
    expect(setPdfInfo(notPdf, { title: 'x' })).toBe(notPdf);
  });
});

describe('resolveBrowser', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'bp-browser-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('rejects an explicit path that does not exist with BP_BROWSER_NOT_FOUND, naming the setting', async () => {
    const missing = join(dir, 'no-such-chrome');
    const err = await resolveBrowser({ explicit: missing, env: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BoardpackError);
    const p = (err as BoardpackError).problems[0];
    expect(p.code).toBe('BP_BROWSER_NOT_FOUND');
    expect(p.value).toBe(missing);
    expect(p.fix).toMatch(/browser/);
  });

  it('rejects a folder given as the browser', async () => {
    const err = await resolveBrowser({ explicit: dir, env: {} }).catch((e: unknown) => e);
    expect((err as BoardpackError).code).toBe('BP_BROWSER_NOT_FOUND');
  });

  it('honours BOARDPACK_BROWSER, before the other variables', async () => {
    const exe = join(dir, 'my-chrome');
    writeFileSync(exe, '');
    const r = await resolveBrowser({ env: { BOARDPACK_BROWSER: exe, CHROME_PATH: join(dir, 'other') } });
    expect(r).toMatchObject({ executablePath: exe, source: 'env', origin: 'BOARDPACK_BROWSER' });
  });

  it('honours PUPPETEER_EXECUTABLE_PATH and CHROME_PATH', async () => {
    const exe = join(dir, 'chrome-bin');
    writeFileSync(exe, '');
    expect(await resolveBrowser({ env: { PUPPETEER_EXECUTABLE_PATH: exe } })).toMatchObject({ source: 'env', origin: 'PUPPETEER_EXECUTABLE_PATH' });
    expect(await resolveBrowser({ env: { CHROME_PATH: exe } })).toMatchObject({ source: 'env', origin: 'CHROME_PATH' });
  });

  it('rejects an environment variable that points nowhere, naming the variable', async () => {
    const err = await resolveBrowser({ env: { BOARDPACK_BROWSER: join(dir, 'gone') } }).catch((e: unknown) => e);
    expect((err as BoardpackError).code).toBe('BP_BROWSER_NOT_FOUND');
    expect((err as BoardpackError).message).toContain('BOARDPACK_BROWSER');
  });

  it('prefers the explicit setting to the environment', async () => {
    const a = join(dir, 'explicit-chrome');
    const b = join(dir, 'env-chrome');
    writeFileSync(a, '');
    writeFileSync(b, '');
    expect(await resolveBrowser({ explicit: a, env: { BOARDPACK_BROWSER: b } })).toMatchObject({ executablePath: a, source: 'setting' });
  });

  it('lists what it tried when nothing is found', async () => {
    const err = await resolveBrowser({ env: {}, platform: 'aix', allowBundled: false }).catch((e: unknown) => e);
    // On 'aix' the Linux paths are checked; skip if this machine really has one of them.
    if (!(err instanceof BoardpackError)) return;
    expect(err.code).toBe('BP_BROWSER_NOT_FOUND');
    expect(err.message).toContain('BOARDPACK_BROWSER');
    expect(err.message).toContain('/usr/bin/google-chrome');
  });

  it('knows the usual install places on each platform', () => {
    expect(systemBrowserCandidates('darwin', { HOME: '/Users/a' })).toContain('/Applications/Google Chrome.app/Contents/MacOS/Google Chrome');
    expect(systemBrowserCandidates('win32', { PROGRAMFILES: 'C:\\Program Files', 'PROGRAMFILES(X86)': 'C:\\Program Files (x86)' })).toEqual(
      expect.arrayContaining(['C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe', 'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe']),
    );
    expect(systemBrowserCandidates('linux', {})).toEqual(expect.arrayContaining(['/usr/bin/chromium', '/usr/bin/google-chrome-stable', '/usr/bin/microsoft-edge']));
  });

  it('adds --no-sandbox only when running as root', () => {
    const r: ResolvedBrowser = { executablePath: '/x', source: 'system', args: [], origin: '/x' };
    expect(launchArgs(r, true)).toContain('--no-sandbox');
    expect(launchArgs(r, false)).not.toContain('--no-sandbox');
    expect(launchArgs(r, false)).toEqual(expect.arrayContaining(['--disable-background-networking', '--disable-quic', ...LAUNCH_ARGS]));
  });
});

// ---------------------------------------------------------------------------------------------------------------
// A minimal PDF reader for Chromium's output: objects, Flate streams, page resources, ToUnicode CMaps, Tj/TJ.

interface PdfObject { dict: string; stream?: Buffer }

function parseObjects(pdf: Buffer): Map<number, PdfObject> {
  const text = pdf.toString('latin1');
  const objects = new Map<number, PdfObject>();
  const header = /(?<!\d)(\d+) \d+ obj\b/g;
  let m: RegExpExecArray | null;
  while ((m = header.exec(text))) {
    const start = m.index + m[0].length;
    const streamAt = text.indexOf('stream', start);
    const endobjAt = text.indexOf('endobj', start);
    if (streamAt >= 0 && streamAt < endobjAt) {
      const dict = text.slice(start, streamAt);
      let dataStart = streamAt + 'stream'.length;
      if (text[dataStart] === '\r') dataStart++;
      if (text[dataStart] === '\n') dataStart++;
      const length = /\/Length (\d+)(?! \d+ R)/.exec(dict);
      const dataEnd = length ? dataStart + Number(length[1]) : text.indexOf('endstream', dataStart);
      let data = pdf.subarray(dataStart, dataEnd);
      if (/\/FlateDecode/.test(dict)) data = inflateSync(data);
      objects.set(Number(m[1]), { dict, stream: data });
      header.lastIndex = text.indexOf('endobj', dataEnd) + 6;
    } else {
      objects.set(Number(m[1]), { dict: text.slice(start, endobjAt) });
      header.lastIndex = endobjAt + 6;
    }
  }
  return objects;
}

function countPages(pdf: Buffer): number {
  return [...parseObjects(pdf).values()].filter((o) => /\/Type\s*\/Page(?!s)\b/.test(o.dict)).length;
}

/** The dictionary at `/Key` in `dict`: inline `<< … >>` (balanced) or an indirect `n 0 R`. */
function subDict(dict: string, key: string, objects: Map<number, PdfObject>): string {
  const at = dict.search(new RegExp(`/${key}\\s*(<<|\\d+ \\d+ R)`));
  if (at < 0) return '';
  const rest = dict.slice(at + key.length + 1).trimStart();
  const ref = /^(\d+) \d+ R/.exec(rest);
  if (ref) return objects.get(Number(ref[1]))?.dict ?? '';
  let depth = 0;
  for (let i = 0; i < rest.length; i++) {
    if (rest.startsWith('<<', i)) { depth++; i++; }
    else if (rest.startsWith('>>', i)) { depth--; i++; if (depth === 0) return rest.slice(0, i + 1); }
  }
  return '';
}

function parseToUnicode(cmap: string): Map<number, string> {
  const map = new Map<number, string>();
  const utf16 = (hex: string) => {
    let s = '';
    for (let i = 0; i + 4 <= hex.length; i += 4) s += String.fromCharCode(parseInt(hex.slice(i, i + 4), 16));
    return s;
  };
  for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const [, src, dst] of block[1].matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) map.set(parseInt(src, 16), utf16(dst));
  }
  for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const [, lo, hi, dst, arr] of block[1].matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(?:<([0-9A-Fa-f]+)>|\[([^\]]*)\])/g)) {
      const a = parseInt(lo, 16);
      const b = parseInt(hi, 16);
      const list = arr ? [...arr.matchAll(/<([0-9A-Fa-f]+)>/g)].map((x) => x[1]) : undefined;
      for (let c = a; c <= b; c++) {
        if (list) map.set(c, utf16(list[c - a] ?? ''));
        else {
          const base = utf16(dst!);
          map.set(c, base.slice(0, -1) + String.fromCharCode(base.charCodeAt(base.length - 1) + (c - a)));
        }
      }
    }
  }
  return map;
}

function extractPdfText(pdf: Buffer): string {
  const objects = parseObjects(pdf);
  const fontCache = new Map<number, { map: Map<number, string>; bytes: number }>();
  const font = (num: number) => {
    if (!fontCache.has(num)) {
      const dict = objects.get(num)?.dict ?? '';
      const tu = /\/ToUnicode (\d+) \d+ R/.exec(dict);
      const cmap = tu ? objects.get(Number(tu[1]))?.stream?.toString('latin1') ?? '' : '';
      fontCache.set(num, { map: parseToUnicode(cmap), bytes: /\/Subtype\s*\/Type0/.test(dict) ? 2 : 1 });
    }
    return fontCache.get(num)!;
  };
  const out: string[] = [];
  for (const page of objects.values()) {
    if (!/\/Type\s*\/Page(?!s)\b/.test(page.dict)) continue;
    const fonts = new Map<string, number>();
    for (const [, name, num] of subDict(subDict(page.dict, 'Resources', objects), 'Font', objects).matchAll(/\/([^\s/<>\[\]]+)\s+(\d+) \d+ R/g)) fonts.set(name, Number(num));
    const contents = /\/Contents\s*(\[[^\]]*\]|\d+ \d+ R)/.exec(page.dict)?.[1] ?? '';
    const content = [...contents.matchAll(/(\d+) \d+ R/g)].map((r) => objects.get(Number(r[1]))?.stream?.toString('latin1') ?? '').join('\n');
    let current = { map: new Map<number, string>(), bytes: 1 };
    let operands: string[] = [];
    const decode = (token: string) => {
      let bytes: number[] = [];
      if (token.startsWith('<')) {
        const hex = token.slice(1, -1).replace(/\s/g, '');
        for (let i = 0; i < hex.length; i += 2) bytes.push(parseInt(hex.slice(i, i + 2).padEnd(2, '0'), 16));
      } else {
        bytes = [...token.slice(1, -1).replace(/\\([nrtbf()\\])/g, '$1')].map((c) => c.charCodeAt(0));
      }
      let s = '';
      for (let i = 0; i + current.bytes <= bytes.length; i += current.bytes) {
        const code = current.bytes === 2 ? (bytes[i] << 8) | bytes[i + 1] : bytes[i];
        s += current.map.get(code) ?? '';
      }
      return s;
    };
    for (const [token] of content.matchAll(/<[0-9A-Fa-f\s]*>|\((?:\\[\s\S]|[^\\)])*\)|\/[^\s/<>\[\]()]+|\[|\]|[A-Za-z'"*]+|-?[\d.]+/g)) {
      if (token === 'Tf') current = font(fonts.get(operands[operands.length - 2]?.slice(1) ?? '') ?? -1);
      else if (token === 'Tj' || token === "'" || token === '"') out.push(decode(operands[operands.length - 1] ?? '()'));
      else if (token === 'TJ') out.push(operands.filter((o) => o.startsWith('<') || o.startsWith('(')).map(decode).join(''));
      else if (token === 'ET') out.push('\n');
      if (/^[A-Za-z'"*]+$/.test(token)) operands = token === 'TJ' || token === 'Tj' ? [] : token === 'Tf' ? [] : operands.slice(-8);
      else operands.push(token);
    }
    out.push('\n\f');
  }
  // NFKC folds the ligatures Chromium emits (ﬁ → fi).
  return out.join('').normalize('NFKC');
}

/** The document information dictionary, text strings decoded (UTF-16BE hex or literal). */
function readInfo(pdf: Buffer): Record<string, string> {
  const text = pdf.toString('latin1');
  const trailers = [...text.matchAll(/trailer\s*<<([\s\S]*?)>>\s*startxref/g)];
  const ref = /\/Info (\d+) \d+ R/.exec(trailers[trailers.length - 1]?.[1] ?? '');
  const dict = ref ? parseObjects(pdf).get(Number(ref[1]))?.dict ?? '' : '';
  const info: Record<string, string> = {};
  for (const [, key, hex, lit] of dict.matchAll(/\/(\w+)\s*(?:<([0-9A-Fa-f]*)>|\(((?:\\[\s\S]|[^\\)])*)\))/g)) {
    if (hex !== undefined) {
      let s = '';
      const h = hex.startsWith('FEFF') ? hex.slice(4) : hex;
      for (let i = 0; i < h.length; i += 4) s += String.fromCharCode(parseInt(h.slice(i, i + 4), 16));
      info[key] = s;
    } else info[key] = lit.replace(/\\(.)/g, '$1');
  }
  return info;
}
