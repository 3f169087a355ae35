/**
 * The render thread: builds every pack's HTML (report model, charts, templates) off the main thread. It loads the
 * report modules (ECharts, Handlebars, the sections) as soon as it starts, while the main thread ingests and
 * computes, which would otherwise stall between DuckDB's statements for as long as the loading takes; and it
 * draws and templates while the main thread writes the workbook and results.json. Started and stopped by
 * `render.ts` (`startRenderThread`).
 */
import { parentPort } from 'node:worker_threads';
import { BoardpackError } from '../core/errors.js';
import { renderPackHtmls, type PackHtmlInput } from '../report/packs.js';
import { chartMemory } from './chart-store.js';

export interface RenderRequest { input: PackHtmlInput; kept: Map<string, string> }

export type RenderReply =
  | { ok: true; htmls: Array<{ name: string; html: string }>; charts: { used: Map<string, string>; reused: number; drawn: number } }
  | { ok: false; problems?: BoardpackError['problems']; exitCode?: number; message: string; stack?: string };

parentPort!.on('message', (request: RenderRequest) => {
  let reply: RenderReply;
  try {
    const charts = chartMemory(request.kept);
    const htmls = renderPackHtmls(request.input, charts);
    reply = { ok: true, htmls, charts: charts.use() };
  } catch (e) {
    // A BoardpackError keeps its problems across the thread boundary (structured clone drops them from an Error).
    reply = e instanceof BoardpackError
      ? { ok: false, problems: e.problems, exitCode: e.exitCode, message: e.message, stack: e.stack }
      : { ok: false, message: (e as Error)?.message ?? String(e), stack: (e as Error)?.stack };
  }
  parentPort!.postMessage(reply);
});
