/**
 * The report stage's IO: read the commentary, render each format (pure functions in src/report) and write it
 * atomically. A PDF failure (no browser, timeout, crash) is reported, and the HTML, XLSX and JSON are still
 * written. However many packs one run prints (the full pack, the exceptions-only board version and its
 * appendix, one pack per locality), they share one browser. The pipeline starts it at the beginning of the run
 * (`startBrowser`), so its start-up overlaps ingest and computation, and closes it at the end
 * whatever happened in between.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'puppeteer-core';
import type { ResolvedBrowser } from '../report/browser.js';
import { BoardpackError, formatProblem, fromThreadError, problem, type Problem } from '../core/errors.js';
import { writeFileAtomicHashed } from '../core/atomic-write.js';
import type { Config } from '../config/types.js';
import type { Assessment } from '../assess/types.js';
import type { Commentary } from '../report/model.js';
import type { PackHtmlInput, PackSpec } from '../report/packs.js';
import type { Logger } from './index.js';
import type { RunChartStore } from './chart-store.js';
import type { RenderReply, RenderRequest } from './render-worker.js';
import { startThread } from './start-thread.js';

export interface RenderedFile { format: 'html' | 'pdf' | 'xlsx' | 'json'; path: string; sha256: string }

export interface RenderOptions {
  generatedAt: string;
  outDir: string;
  toolVersion: string;
  log: Logger;
  /** Commentary given directly (tests); otherwise read from the project's commentary file. */
  commentary?: Record<string, Commentary>;
  /** Board version: exceptions only in `board-pack.*`, everything else in `board-pack-appendix.*`. */
  exceptionsOnly?: boolean;
  /** Also one pack per locality (`board-pack-<area>.*`). */
  eachArea?: boolean;
  /** Each locality's own commentary, by area id then indicator or priority id; a locality without any prints none. */
  areaCommentary?: Record<string, Record<string, Commentary>>;
  /** Whole-PDF time budget per pack (default: pdf.ts's). */
  pdfTimeoutMs?: number;
  /** The run's browser, started early by the pipeline; otherwise one is started here when a PDF is wanted. */
  browser?: BrowserLease;
  /** Charts already drawn (by an earlier pack or run), and where this run's are kept; otherwise each is drawn. */
  charts?: RunChartStore;
  /** The run's render thread (`startRenderThread`), started early by the pipeline; otherwise the HTML is built here. */
  thread?: RenderThread;
  /**
   * Other writing of the run (results.json, the compiled SQL), done while the browser prints: it starts once
   * the HTML is built and the first PDF is being printed (at once when there is no PDF), like the XLSX.
   */
  alongside?: () => Promise<void>;
}

/** A browser being started in the background, for the PDFs of one run. */
export interface BrowserLease {
  /** Settles when the browser is up or has failed; never rejects. */
  ready: Promise<{ browser?: Browser; resolved?: ResolvedBrowser; error?: unknown }>;
  /** Settles as soon as the executable is found (before it is started): undefined when none was. Never rejects. */
  found: Promise<ResolvedBrowser | undefined>;
  /** Close the browser (waiting for its start if need be), killing it if it does not close. Idempotent. */
  close(): Promise<void>;
}

export interface StartBrowserOptions {
  /** Seconds → ms the browser may take to start and answer (BOARDPACK_BROWSER_TIMEOUT; default browser.ts's). */
  timeoutMs?: number;
  /** Budget of one call to the started browser: must exceed the PDF's own budget. */
  protocolTimeoutMs?: number;
  /** Where `config.browser` was set, for the message when it points nowhere. */
  explicitFrom?: string;
}

/**
 * Find and launch the browser in the background. Its failure (BP_BROWSER_NOT_FOUND, BP_BROWSER_LAUNCH_FAILED,
 * BP_BROWSER_TIMEOUT) is kept in `ready` and reported when the PDF is printed, so the other outputs are written
 * first. The caller must call `close()` on every path, a failed run included, so no browser outlives the run.
 */
export function startBrowser(config: Config, options: StartBrowserOptions = {}): BrowserLease {
  const stop = new AbortController();
  let onFound: (r: ResolvedBrowser | undefined) => void = () => {};
  const found = new Promise<ResolvedBrowser | undefined>((resolve) => { onFound = resolve; });
  const ready = (async () => {
    let resolved: ResolvedBrowser | undefined;
    try {
      const { resolveBrowser, launchBrowser } = await import('../report/browser.js');
      resolved = await resolveBrowser({ explicit: config.browser, explicitFrom: options.explicitFrom });
      onFound(resolved);
      return { resolved, browser: await launchBrowser(resolved, { timeoutMs: options.timeoutMs, protocolTimeoutMs: options.protocolTimeoutMs, signal: stop.signal }) };
    } catch (error) {
      return { resolved, error };
    } finally {
      onFound(resolved);
    }
  })();
  let closing: Promise<void> | undefined;
  return {
    ready,
    found,
    close: () => {
      stop.abort(); // a start still under way is stopped (the browser killed), not waited for
      closing ??= ready.then(async ({ browser }) => {
        if (!browser) return;
        const { closeBrowser } = await import('../report/browser.js');
        await closeBrowser(browser);
      });
      return closing;
    },
  };
}

/** Read the commentary file named in the config, or the project's `commentary.xlsx`/`.yaml` (IO): the partnership's and each locality's. */
export async function readProjectCommentary(config: Config, assessment: Assessment): Promise<{ commentary: Record<string, Commentary>; areas: Record<string, Record<string, Commentary>>; problems: Problem[] }> {
  const { commentaryPathOf, readCommentaryFile, commentaryForPack } = await import('../report/commentary.js');
  const { file, configured } = commentaryPathOf(config);
  if (!existsSync(file)) {
    if (!configured) return { commentary: {}, areas: {}, problems: [] };
    return {
      commentary: {}, areas: {},
      problems: [problem('BP_COMMENTARY_MISSING', 'the commentary file named in the config does not exist; the pack has no commentary', {
        severity: 'warning', file: path.relative(config.root, file) || file, yamlPath: 'commentary',
        fix: 'run `boardpack commentary export` to write it, or correct `commentary:` in boardpack.yaml',
      })],
    };
  }
  try {
    return commentaryForPack(await readCommentaryFile(file), config, assessment, file);
  } catch (e) {
    if (!(e instanceof BoardpackError)) throw e;
    return { commentary: {}, areas: {}, problems: e.problems };
  }
}

export async function renderPack(config: Config, assessment: Assessment, options: RenderOptions): Promise<{ files: RenderedFile[]; problems: Problem[] }> {
  const files: RenderedFile[] = [];
  const problems: Problem[] = [];
  const formats = config.outputs.formats;
  if (!formats.some((f) => f !== 'json')) {
    await options.alongside?.();
    return { files, problems };
  }
  const write = async (format: RenderedFile['format'], name: string, data: string | Uint8Array, into: RenderedFile[] = files) => {
    const file = path.join(options.outDir, name);
    into.push({ format, path: file, sha256: await writeFileAtomicHashed(file, data) });
  };

  let commentary = options.commentary;
  let areaCommentary = options.areaCommentary;
  let withNotes = assessment;
  if (!commentary) {
    const read = await readProjectCommentary(config, assessment);
    commentary = read.commentary;
    areaCommentary ??= read.areas;
    problems.push(...read.problems);
    for (const p of read.problems) options.log.warn(p.severity === 'error' ? formatProblem(p) : `${p.code}: ${p.message}`);
    // The pack's data-quality appendix lists them too (a copy: the caller's assessment is not changed).
    if (read.problems.length) withNotes = { ...assessment, dataQuality: [...assessment.dataQuality, ...read.problems] };
  }

  // The packs are listed without the report modules, which are loaded only where the HTML is built: in the
  // render thread, or here when there is none.
  const { packSpecs } = await import('../report/packs.js');
  const specs = packSpecs(config, assessment, options);
  const input: PackHtmlInput = { config, assessment: withNotes, specs, generatedAt: options.generatedAt, toolVersion: options.toolVersion, commentary, areaCommentary };
  // The render thread makes the workbook once the HTML is built, while this thread has the browser print.
  let xlsxMade: Promise<Uint8Array | undefined> | undefined;
  const writeXlsx = formats.includes('xlsx') ? async () => {
    const made = await xlsxMade;
    await write('xlsx', 'scorecard.xlsx', made ?? await (await import('../report/xlsx.js')).renderPackXlsx(input));
  } : undefined;
  const alongside = options.alongside;
  const htmls: Array<{ pack: PackSpec; html: string }> = [];
  try {
    const fromThread = await options.thread?.render(input, options.charts, { xlsx: Boolean(writeXlsx) });
    xlsxMade = fromThread?.xlsx;
    const built = fromThread?.htmls ?? await renderInLine(input, options.charts);
    for (const [i, { name, html }] of built.entries()) {
      htmls.push({ pack: specs[i], html });
      if (formats.includes('html')) await write('html', `${name}.html`, html);
    }
  } catch (e) {
    // The run's other outputs do not depend on the HTML: written all the same, then the failure is reported.
    await alongside?.();
    throw e;
  }
  // Chromium prints in its own process while this one writes the workbook and the run's other files, so they
  // overlap. Those start only once the first page is handed to the browser: their work in this process would
  // otherwise hold back the messages that start the print; and while a render thread builds the HTML, its two
  // drawing threads have the cores. PDFs are listed after the XLSX whichever finishes first.
  const pdfFiles: RenderedFile[] = [];
  let onPrinting: () => void = () => {};
  const printing = new Promise<void>((resolve) => { onPrinting = resolve; });
  // A moment's grace after the print is asked for: puppeteer sends the print command after one more exchange
  // with the page (its fonts), which a long synchronous job here would delay.
  const afterPrintStarts = (job: (() => Promise<void>) | undefined) => (job ? printing.then(() => new Promise((r) => setTimeout(r, 25))).then(job) : undefined);
  const printPdfs = async () => {
    const { renderPdf } = await import('../report/pdf.js');
    const lease = options.browser ?? startBrowser(config, { protocolTimeoutMs: options.pdfTimeoutMs !== undefined ? options.pdfTimeoutMs + 5_000 : undefined });
    try {
      const { browser, resolved, error } = await lease.ready;
      if (error !== undefined) throw error;
      options.log.info(`PDF: printing ${htmls.length === 1 ? 'the pack' : `${htmls.length} packs`} with ${resolved!.source} browser ${resolved!.executablePath}`);
      for (const { pack, html } of htmls) {
        try {
          const pdf = await renderPdf(browser!, html, {
            title: pack.title,
            author: config.board.author ?? config.partnership.name,
            subject: `${config.framework.title}: performance pack for ${assessment.period.label}`,
            headerLeft: `${pack.shortName} · ${config.board.name}`,
            headerRight: config.board.meetingDate ?? assessment.period.label,
            footerLeft: config.board.protectiveMarking,
            timeoutMs: options.pdfTimeoutMs,
            date: new Date(options.generatedAt),
            onPrinting,
          });
          await write('pdf', `${pack.name}.pdf`, pdf, pdfFiles);
        } catch (e) {
          if (!(e instanceof BoardpackError)) throw e;
          problems.push(...e.problems);
          options.log.warn(`${pack.name}.pdf: ${e.message}`);
        }
      }
    } catch (e) {
      if (!(e instanceof BoardpackError)) throw e;
      problems.push(...e.problems);
      options.log.warn(e.message);
    } finally {
      await lease.close();
    }
  };
  if (!formats.includes('pdf')) onPrinting();
  const jobs = await Promise.allSettled([
    // Whatever happens to the print, the other writing is not held back any longer once it ends.
    formats.includes('pdf') ? printPdfs().finally(onPrinting) : undefined,
    afterPrintStarts(writeXlsx),
    afterPrintStarts(alongside),
  ]);
  for (const job of jobs) if (job.status === 'rejected') throw job.reason;
  files.push(...pdfFiles);
  return { files, problems };
}

/** Every pack's HTML built in this thread (loading the report modules now, if they are not yet). */
async function renderInLine(input: PackHtmlInput, charts: RunChartStore | undefined): Promise<Array<{ name: string; html: string }>> {
  const { renderPackHtmls } = await import('../report/packs.js');
  return renderPackHtmls(input, charts);
}

/** A worker thread that builds the packs' HTML, and the workbook (`render-worker.ts`). */
export interface RenderThread {
  /**
   * The packs' HTML, with the thread's chart use counted into `charts`, and with `xlsx` the workbook, made after
   * the HTML (undefined should the thread stop first: make it in line). Undefined when the thread is gone (build
   * the HTML in line).
   */
  render(input: PackHtmlInput, charts: RunChartStore | undefined, options?: { xlsx?: boolean }): Promise<{ htmls: Array<{ name: string; html: string }>; xlsx?: Promise<Uint8Array | undefined> } | undefined>;
  /** Stop the thread. Idempotent. */
  close(): Promise<void>;
}

/**
 * Start the render thread, which loads the report modules at once, in parallel with whatever this thread does
 * next (ingest and the measures). Undefined where there is no compiled worker to start (running from the
 * TypeScript sources): the HTML is then built in line. It never keeps the process alive on its own.
 */
export function startRenderThread(): RenderThread | undefined {
  const worker = startThread(new URL('./render-worker.js', import.meta.url));
  if (!worker) return undefined;
  let gone: unknown;
  // The replies awaited: the HTML, then the workbook.
  const waiting: { html?: (reply: RenderReply | undefined) => void; xlsx?: (reply: RenderReply | undefined) => void } = {};
  const settle = (kind: 'html' | 'xlsx', reply: RenderReply | undefined) => {
    const resolve = waiting[kind];
    delete waiting[kind];
    resolve?.(reply);
    // Held while it works: a run waiting only for the thread must not end.
    if (!waiting.html && !waiting.xlsx) worker.unref();
  };
  const fail = (why: unknown) => {
    gone ??= why;
    settle('html', undefined);
    settle('xlsx', undefined);
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the render thread exited (${code})`)));
  worker.on('message', (reply: RenderReply) => settle(reply.kind, reply));
  let closing: Promise<void> | undefined;
  return {
    async render(input, charts, options = {}) {
      if (gone !== undefined || waiting.html || waiting.xlsx) return undefined;
      const request: RenderRequest = { input, kept: new Map(charts?.kept ?? []), xlsx: Boolean(options.xlsx) };
      const workbook = request.xlsx ? new Promise<RenderReply | undefined>((resolve) => { waiting.xlsx = resolve; }) : undefined;
      const reply = await new Promise<RenderReply | undefined>((resolve) => {
        waiting.html = resolve;
        worker.ref();
        worker.postMessage(request);
      });
      if (!reply || reply.kind !== 'html') {
        settle('xlsx', undefined);
        return undefined;
      }
      if (!reply.ok) {
        // No workbook follows a failed HTML.
        settle('xlsx', undefined);
        throw fromThreadError(reply);
      }
      charts?.absorb(reply.charts);
      const xlsx = workbook?.then((r) => {
        if (!r || r.kind !== 'xlsx') return undefined;
        if (!r.ok) throw fromThreadError(r);
        return r.bytes;
      });
      // Whoever asked awaits it; should the run fail before it does, its failure is not also an unhandled rejection.
      xlsx?.catch(() => {});
      return { htmls: reply.htmls, xlsx };
    },
    close() {
      closing ??= worker.terminate().then(() => undefined, () => undefined);
      return closing;
    },
  };
}
