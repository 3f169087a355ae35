/**
 * Print the pack's HTML to PDF in the shared headless browser.
 *
 * The page is sealed: JavaScript is off and every request except `data:` URLs is aborted, so printing can
 * neither reach the network nor read local files, whatever the HTML (which carries user-written commentary)
 * contains. Charts and images must therefore be inline (SVG or `data:` URLs).
 * Each call uses its own page and closes it, because one browser serves the whole run.
 */
import type { Browser, Page } from 'puppeteer-core';
import { BoardpackError, problem } from '../core/errors.js';
import { formatSeconds } from '../core/format.js';

export interface PdfOptions {
  /** Document title (PDF /Title). The HTML's `<title>` should say the same; this one wins. */
  title: string;
  author?: string;
  subject?: string;
  keywords?: string[];
  /** Running header, e.g. partnership and meeting on the left, the meeting date on the right. */
  headerLeft?: string;
  headerRight?: string;
  /** The protective marking (e.g. `OFFICIAL`), printed in every footer. */
  footerLeft?: string;
  /** Whole-render budget in milliseconds (default 60 s). */
  timeoutMs?: number;
  /** Ignored when the HTML sets `@page { size: … }` (preferCSSPageSize). */
  landscape?: boolean;
  /** Called with the URL of every request that was blocked (images or styles not inlined). */
  onBlockedRequest?: (url: string) => void;
  /** The pack's generation time: replaces the print time Chromium writes as /CreationDate and /ModDate. */
  date?: Date;
  /** Called once the page is loaded and the print has been asked for (the caller may then use this process). */
  onPrinting?: () => void;
}

/**
 * Page margins when the HTML sets none. The header and footer are drawn inside the top and bottom margins,
 * so these must leave room for them; an `@page { margin }` in the HTML takes precedence.
 */
const DEFAULT_MARGIN = { top: '20mm', bottom: '18mm', left: '15mm', right: '15mm' };
const TEMPLATE_STYLE =
  'box-sizing:border-box;width:100%;padding:0 15mm;display:flex;justify-content:space-between;gap:8mm;' +
  'font-family:Arial,Helvetica,sans-serif;font-size:8pt;color:#333;-webkit-print-color-adjust:exact;';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function renderHeaderTemplate(left = '', right = ''): string {
  return `<div style="${TEMPLATE_STYLE}"><span>${escapeHtml(left)}</span><span>${escapeHtml(right)}</span></div>`;
}

export function renderFooterTemplate(marking = ''): string {
  return (
    `<div style="${TEMPLATE_STYLE}"><span style="font-weight:bold;">${escapeHtml(marking)}</span>` +
    `<span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`
  );
}

/** Render one HTML document to PDF bytes. Throws BP_PDF_TIMEOUT or BP_PDF_FAILED; the caller still writes the HTML. */
export async function renderPdf(browser: Browser, html: string, options: PdfOptions): Promise<Uint8Array> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  let page: Page | undefined;
  let timer: NodeJS.Timeout | undefined;

  const work = (async () => {
    page = await browser.newPage();
    page.setDefaultTimeout(timeoutMs);
    await page.setJavaScriptEnabled(false);
    // Styled for print from the start: the page is laid out once with the print rules it is printed with,
    // rather than for the screen first (about a tenth of the browser's time on a large pack).
    await page.emulateMediaType('print');
    await page.setRequestInterception(true);
    page.on('request', (request) => {
      if (request.isInterceptResolutionHandled()) return;
      const url = request.url();
      if (url.startsWith('data:')) {
        request.continue().catch(() => undefined);
      } else {
        options.onBlockedRequest?.(url);
        request.abort('blockedbyclient').catch(() => undefined);
      }
    });
    await page.setContent(html, { waitUntil: 'load', timeout: timeoutMs });
    const printed = page.pdf({
      format: 'A4',
      landscape: options.landscape ?? false,
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: renderHeaderTemplate(options.headerLeft, options.headerRight),
      footerTemplate: renderFooterTemplate(options.footerLeft),
      margin: DEFAULT_MARGIN,
      preferCSSPageSize: true,
      tagged: true,
      outline: true,
      timeout: timeoutMs,
    });
    options.onPrinting?.();
    return printed;
  })();
  // Backstop for a browser that stops answering altogether (puppeteer's own timeouts cover each step).
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PdfDeadline()), timeoutMs + 1_000);
  });
  work.catch(() => undefined); // the race below reports it; this stops an unhandled rejection after a deadline

  try {
    const pdf = await Promise.race([work, deadline]);
    return setPdfInfo(fixOutlineTitles(pdf, headingTexts(html)), { title: options.title, author: options.author, subject: options.subject, keywords: options.keywords, date: options.date });
  } catch (err) {
    throw toPdfError(err, timeoutMs);
  } finally {
    clearTimeout(timer);
    const p = page as Page | undefined;
    if (p) {
      // A hung browser may never answer close(); do not let that hang the run.
      await Promise.race([p.close().catch(() => undefined), new Promise((r) => setTimeout(r, 5_000).unref())]);
    }
  }
}

class PdfDeadline extends Error {
  constructor() {
    super('the browser stopped responding');
    this.name = 'TimeoutError';
  }
}

function toPdfError(err: unknown, timeoutMs: number): BoardpackError {
  if (err instanceof BoardpackError) return err;
  const e = err as Error | undefined;
  const message = e?.message?.split('\n')[0] ?? String(err);
  const timedOut = e?.name === 'TimeoutError' || /timed? ?out/i.test(message);
  if (timedOut && /protocolTimeout/.test(message)) {
    // One call to the browser outlived launchBrowser's protocolTimeout: the browser has stopped answering.
    return new BoardpackError(
      problem('BP_PDF_TIMEOUT', `the browser stopped answering while printing the PDF (${message.replace(/\s*Increase the 'protocolTimeout'.*$/, '')}); the HTML pack is still written`, {
        fix: 'run again; if it keeps happening, try another browser via BOARDPACK_BROWSER or `browser:` in the config',
      }),
      { cause: err },
    );
  }
  if (timedOut) {
    return new BoardpackError(
      problem('BP_PDF_TIMEOUT', `printing the PDF took longer than ${formatSeconds(timeoutMs)} and was stopped (${message}); the HTML pack is still written`, {
        fix: 'open the HTML pack to check for very long tables, or allow more time for the PDF',
      }),
      { cause: err },
    );
  }
  return new BoardpackError(
    problem('BP_PDF_FAILED', `the browser failed while printing the PDF (${message}); the HTML pack is still written`, {
      fix: 'run again; if it keeps failing, try another browser via BOARDPACK_BROWSER or `browser:` in the config',
    }),
    { cause: err },
  );
}

export interface PdfInfo {
  title?: string;
  author?: string;
  subject?: string;
  keywords?: string[];
  /** Creation and modification date (SOURCE_DATE_EPOCH makes the PDF byte-identical). */
  date?: Date;
}

/** A PDF date in the exact shape Chromium writes, `D:YYYYMMDDHHmmSS+00'00'`, so a rewrite keeps every offset. */
function pdfDate(d: Date): string {
  return `D:${d.toISOString().replace(/[-:T]/g, '').slice(0, 14)}+00'00'`;
}

/**
 * Rewrites Chromium's /CreationDate and /ModDate (the wall-clock time of printing) to `date`, in place and
 * with the same number of bytes, so the cross-reference offsets stay valid and the same inputs give the
 * same PDF bytes. Dates of any other shape are left alone.
 */
function fixPdfDates(pdf: Uint8Array, date: Date): Uint8Array {
  const text = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength).toString('latin1');
  const fixed = pdfDate(date);
  const next = text.replace(/\/(CreationDate|ModDate) \(D:\d{14}\+00'00'\)/g, (_m, key: string) => `/${key} (${fixed})`);
  return next === text ? pdf : new Uint8Array(Buffer.from(next, 'latin1'));
}

/**
 * Set the PDF document information (/Title, /Author, /Subject, /Keywords) by appending an incremental update:
 * a new version of the Info dictionary, a one-entry xref section and a trailer pointing back at the old one.
 * The original bytes are untouched, so nothing Chromium wrote (tags, outline, fonts) can be damaged.
 * Chromium only fills /Title (from `<title>`); there is no printToPDF option for the rest.
 * Returns the input unchanged when the file is not the plain classic-xref layout Chromium writes.
 */
/**
 * The last trailer of an unencrypted PDF, which an incremental update must point back to (/Prev) and repeat
 * (/Size, /Root, /ID); undefined when the file does not end the way Chromium writes it.
 */
function lastTrailer(text: string) {
  const startxref = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(text.slice(-4096));
  const trailerAt = text.lastIndexOf('trailer');
  if (!startxref || trailerAt < 0) return undefined;
  const trailer = /^trailer\s*<<([\s\S]*?)>>\s*startxref/.exec(text.slice(trailerAt))?.[1];
  if (!trailer || /\/Encrypt\b/.test(trailer)) return undefined;
  const size = /\/Size\s+(\d+)/.exec(trailer);
  const root = /\/Root\s+(\d+\s+\d+\s+R)/.exec(trailer);
  if (!size || !root) return undefined;
  return { trailer, startxref, size, root, id: /\/ID\s*(\[[^\]]*\])/.exec(trailer)?.[1] };
}

export function setPdfInfo(pdf: Uint8Array, info: PdfInfo): Uint8Array {
  if (info.date && !Number.isNaN(info.date.getTime())) pdf = fixPdfDates(pdf, info.date);
  const entries: Array<[string, string]> = [];
  if (info.title) entries.push(['Title', info.title]);
  if (info.author) entries.push(['Author', info.author]);
  if (info.subject) entries.push(['Subject', info.subject]);
  if (info.keywords?.length) entries.push(['Keywords', info.keywords.join(', ')]);
  if (entries.length === 0) return pdf;

  const text = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength).toString('latin1');
  const t = lastTrailer(text);
  if (!t) return pdf;
  const { startxref, size, root, id } = t;
  const oldInfo = /\/Info\s+(\d+)\s+(\d+)\s+R/.exec(t.trailer);

  let num = Number(size[1]);
  let gen = 0;
  let newSize = num + 1;
  const keep: string[] = [];
  if (oldInfo) {
    num = Number(oldInfo[1]);
    gen = Number(oldInfo[2]);
    newSize = Number(size[1]);
    let objAt = -1; // the last definition wins; `(?<!\d)` keeps `1 0 obj` from matching `641 0 obj`
    for (const m of text.matchAll(new RegExp(`(?<!\\d)${num} ${gen} obj`, 'g'))) objAt = m.index;
    const body = objAt >= 0 ? text.slice(objAt, text.indexOf('endobj', objAt)) : '';
    const replaced = new Set(entries.map(([k]) => k));
    const field = /\/(Creator|Producer|CreationDate|ModDate|Title|Author|Subject|Keywords)\s*(\((?:\\[\s\S]|[^\\()])*\)|<[0-9A-Fa-f\s]*>)/g;
    for (const m of body.matchAll(field)) if (!replaced.has(m[1])) keep.push(`/${m[1]} ${m[2]}`);
  }

  const dict = [...entries.map(([k, v]) => `/${k} ${pdfTextString(v)}`), ...keep].join('\n');
  const sep = text.endsWith('\n') ? '' : '\n';
  const object = `${num} ${gen} obj\n<<${dict}>>\nendobj\n`;
  const objectOffset = pdf.byteLength + sep.length;
  const xrefOffset = objectOffset + object.length; // ASCII only, so characters = bytes
  const update =
    sep +
    object +
    `xref\n${num} 1\n${String(objectOffset).padStart(10, '0')} ${String(gen).padStart(5, '0')} n \n` +
    `trailer\n<</Size ${newSize}\n/Root ${root[1]}\n/Info ${num} ${gen} R${id ? `\n/ID ${id}` : ''}\n/Prev ${startxref[1]}>>\n` +
    `startxref\n${xrefOffset}\n%%EOF\n`;
  const out = new Uint8Array(pdf.byteLength + update.length);
  out.set(pdf, 0);
  out.set(Buffer.from(update, 'latin1'), pdf.byteLength);
  return out;
}

/** A PDF text string as UTF-16BE hex with a byte-order mark: exact for any Unicode, no escaping rules. */
function pdfTextString(value: string): string {
  let hex = 'FEFF';
  for (let i = 0; i < value.length; i++) hex += value.charCodeAt(i).toString(16).padStart(4, '0').toUpperCase();
  return `<${hex}>`;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** The text of every heading (h1–h6) in the HTML, as a reader sees it: tags dropped, entities decoded, spaces collapsed. */
export function headingTexts(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(/<h([1-6])\b[^>]*>([\s\S]*?)<\/h\1>/gi)) {
    const text = m[2]
      .replace(/<[^>]*>/g, '')
      .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (e, code: string) => (code[0] === '#'
        ? String.fromCodePoint(code[1] === 'x' || code[1] === 'X' ? parseInt(code.slice(2), 16) : Number(code.slice(1)))
        : ENTITIES[code.toLowerCase()] ?? e))
      .replace(/\s+/g, ' ')
      .trim();
    if (text) out.push(text);
  }
  return out;
}

/** A PDF string token, `(literal)` or `<hex>`, as text. */
function decodePdfString(token: string): string {
  if (token.startsWith('<')) {
    const hex = token.slice(1, -1).replace(/\s+/g, '');
    const bytes = Buffer.from(hex.length % 2 ? `${hex}0` : hex, 'hex');
    if (bytes[0] === 0xfe && bytes[1] === 0xff) {
      let out = '';
      for (let i = 2; i + 1 < bytes.length; i += 2) out += String.fromCharCode((bytes[i] << 8) | bytes[i + 1]);
      return out;
    }
    return bytes.toString('latin1');
  }
  return token.slice(1, -1).replace(/\\([nrtbf()\\]|[0-7]{1,3}|\r?\n)/g, (_m, e: string) => {
    const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '(': '(', ')': ')', '\\': '\\' };
    if (simple[e] !== undefined) return simple[e];
    if (/^[0-7]+$/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return '';
  });
}

/**
 * Chromium builds each bookmark from the heading's laid-out lines and drops the space where a heading wraps
 * ("time ofdelivery"). Each bookmark whose title is a heading's text without some of its spaces gets the
 * heading's exact text back, by an incremental update that adds new versions of those outline items only
 * (nothing Chromium wrote is rewritten). Returns the input when there is nothing to fix or the file is not the
 * plain classic-xref layout Chromium writes.
 */
export function fixOutlineTitles(pdf: Uint8Array, headings: string[]): Uint8Array {
  const bySquashed = new Map<string, string>();
  for (const h of headings) bySquashed.set(h.replace(/\s+/g, ''), h);
  const text = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength).toString('latin1');
  const fixes: Array<{ num: number; gen: number; body: string }> = [];
  const item = /(?<!\d)(\d+) (\d+) obj\s*<<((?:(?!endobj)[\s\S])*?\/Title\s*(\((?:\\[\s\S]|[^\\()])*\)|<[0-9A-Fa-f\s]*>)(?:(?!endobj)[\s\S])*?)>>\s*endobj/g;
  for (const m of text.matchAll(item)) {
    if (!/\/Parent\s+\d+\s+\d+\s+R/.test(m[3])) continue; // outline items only (the Info dictionary has a /Title too)
    const title = decodePdfString(m[4]);
    const heading = bySquashed.get(title.replace(/\s+/g, ''));
    if (!heading || heading === title) continue;
    fixes.push({ num: Number(m[1]), gen: Number(m[2]), body: m[3].replace(m[4], pdfTextString(heading)) });
  }
  if (!fixes.length) return pdf;
  const t = lastTrailer(text);
  if (!t) return pdf;
  const { startxref, size, root, id } = t;
  const info = /\/Info\s+(\d+\s+\d+\s+R)/.exec(t.trailer)?.[1];
  const sep = text.endsWith('\n') ? '' : '\n';
  let offset = pdf.byteLength + sep.length;
  let objects = '';
  let xref = 'xref\n';
  for (const f of fixes.sort((a, b) => a.num - b.num)) {
    const object = `${f.num} ${f.gen} obj\n<<${f.body}>>\nendobj\n`;
    xref += `${f.num} 1\n${String(offset).padStart(10, '0')} ${String(f.gen).padStart(5, '0')} n \n`;
    objects += object;
    offset += Buffer.byteLength(object, 'latin1');
  }
  const update = sep + objects + xref +
    `trailer\n<</Size ${size[1]}\n/Root ${root[1]}${info ? `\n/Info ${info}` : ''}${id ? `\n/ID ${id}` : ''}\n/Prev ${startxref[1]}>>\n` +
    `startxref\n${offset}\n%%EOF\n`;
  const out = new Uint8Array(pdf.byteLength + Buffer.byteLength(update, 'latin1'));
  out.set(pdf, 0);
  out.set(Buffer.from(update, 'latin1'), pdf.byteLength);
  return out;
}
