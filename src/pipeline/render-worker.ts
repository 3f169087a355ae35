/**
 * The render thread: builds every pack's HTML (report model, charts, templates) off the main thread, then the
 * scorecard workbook when asked, while the main thread has the browser print. It loads the
 * report modules (ECharts, Handlebars, the sections) as soon as it starts, while the main thread ingests and
 * computes, which would otherwise stall between DuckDB's statements for as long as the loading takes; and it
 * draws the charts with a chart thread of its own, so two cores draw. Started and stopped by `render.ts`
 * (`startRenderThread`).
 */
import { parentPort } from 'node:worker_threads';
import { toThreadError, type ThreadError } from '../core/errors.js';
import { renderPackHtmls, renderPackHtmlsShared, type ChartDrawer, type PackHtmlInput } from '../report/packs.js';
import type { ChartReply, ChartRequest } from '../report/chart-worker.js';
import { chartMemory } from './chart-store.js';
import { startThread } from './start-thread.js';

export interface RenderRequest { input: PackHtmlInput; kept: Map<string, string>; xlsx: boolean }

type Failure = { ok: false } & ThreadError;

/** The HTML of every pack; then, when the request asked for it, the workbook in a second reply. */
export type RenderReply =
  | { kind: 'html'; ok: true; htmls: Array<{ name: string; html: string }>; charts: { used: Map<string, string>; reused: number; drawn: number } }
  | ({ kind: 'html' } & Failure)
  | { kind: 'xlsx'; ok: true; bytes: Uint8Array }
  | ({ kind: 'xlsx' } & Failure);

const failure = (e: unknown): Failure => ({ ok: false, ...toThreadError(e) });

/**
 * A second thread that draws charts while this one draws others (drawing is most of the HTML's time), started
 * now so it loads ECharts while the main thread computes. Undefined when it cannot be started: this thread then
 * draws every chart.
 */
function startChartThread(): ChartDrawer | undefined {
  const worker = startThread(new URL('../report/chart-worker.js', import.meta.url));
  if (!worker) return undefined;
  let next = 0;
  let gone: Error | undefined;
  const waiting = new Map<number, { resolve: (raw: string) => void; reject: (e: Error) => void }>();
  const fail = (e: Error) => {
    gone ??= e;
    for (const w of waiting.values()) w.reject(e);
    waiting.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the chart thread exited (${code})`)));
  worker.on('message', (reply: ChartReply) => {
    const w = waiting.get(reply.id);
    waiting.delete(reply.id);
    if ('raw' in reply) w?.resolve(reply.raw);
    else w?.reject(new Error(reply.failed));
  });
  return {
    draw(job) {
      if (gone) return Promise.reject(gone);
      const id = next++;
      return new Promise<string>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, ...job } satisfies ChartRequest);
      });
    },
  };
}

const drawer = startChartThread();

parentPort!.on('message', async (request: RenderRequest) => {
  let reply: RenderReply;
  try {
    const charts = chartMemory(request.kept);
    const htmls = drawer ? await renderPackHtmlsShared(request.input, charts, drawer) : renderPackHtmls(request.input, charts);
    reply = { kind: 'html', ok: true, htmls, charts: charts.use() };
  } catch (e) {
    reply = { kind: 'html', ...failure(e) };
  }
  parentPort!.postMessage(reply);
  if (!request.xlsx || !reply.ok) return;
  let workbook: RenderReply;
  try {
    const { renderPackXlsx } = await import('../report/xlsx.js');
    workbook = { kind: 'xlsx', ok: true, bytes: await renderPackXlsx(request.input) };
  } catch (e) {
    workbook = { kind: 'xlsx', ...failure(e) };
  }
  parentPort!.postMessage(workbook);
});
