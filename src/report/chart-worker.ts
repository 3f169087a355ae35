/**
 * The chart thread: draws charts for the render thread (`pipeline/render-worker.ts`), which draws others at the
 * same time. Its input is an option from `encodeOption`; it answers with ECharts' SVG, or with `failed` when the
 * chart needed a function the option's tables did not cover (the render thread then draws it itself).
 */
import { parentPort } from 'node:worker_threads';
import { decodeOption, drawChart } from './charts.js';

export interface ChartRequest { id: number; width: number; height: number; option: unknown }
export type ChartReply = { id: number; raw: string } | { id: number; failed: string };

parentPort!.on('message', (request: ChartRequest) => {
  let reply: ChartReply;
  try {
    const { option, missed } = decodeOption(request.option);
    const raw = drawChart({ width: request.width, height: request.height, option });
    reply = missed() ? { id: request.id, failed: 'a function was called with an argument outside its table' } : { id: request.id, raw };
  } catch (e) {
    reply = { id: request.id, failed: (e as Error)?.message ?? String(e) };
  }
  parentPort!.postMessage(reply);
});
