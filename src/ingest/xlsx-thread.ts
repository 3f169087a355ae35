/**
 * The worker thread of a large workbook's read (see `readXlsx`): exceljs's parse and the zip scan run here,
 * and the rows go to the main thread in batches of plain text arrays, which it types and appends while this
 * thread parses the next ones. At most a few batches are ahead of the main thread (it sends one credit per
 * batch taken), so memory stays bounded whatever the workbook's size.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toThreadError } from '../core/errors.js';
import { xlsxEvents, type PackedRows, type XlsxReadOptions, type ZipScan } from './xlsx-stream.js';

/** Batches of rows posted ahead of the main thread. */
const AHEAD = 4;

/**
 * A batch of rows as one string and three integer arrays (moved, not copied): the cells' text end to end, each
 * row's width, each cell's length (-1: no cell). Cloning thousands of small strings one by one costs both
 * threads more than joining them here and slicing them there.
 */
export function packRows(numbers: number[], values: string[][]): PackedRows {
  let cells = 0;
  for (const v of values) cells += v.length;
  const widths = new Int32Array(values.length);
  const lens = new Int32Array(cells);
  const parts: string[] = [];
  let c = 0;
  for (let r = 0; r < values.length; r++) {
    const v = values[r];
    widths[r] = v.length;
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (x === undefined) lens[c++] = -1;
      else { lens[c++] = x.length; parts.push(x); }
    }
  }
  return { k: 'packed', numbers: Int32Array.from(numbers), widths, lens, text: parts.join('') };
}

const port = parentPort!;
const { file, relFile, opts, scanned } = workerData as { file: string; relFile: string; opts: XlsxReadOptions; scanned?: ZipScan };
let credits = AHEAD;
let more: (() => void) | undefined;
port.on('message', () => { credits++; const m = more; more = undefined; m?.(); });
try {
  for await (const ev of xlsxEvents(file, relFile, opts, scanned)) {
    if (ev.k === 'rows') {
      while (credits <= 0) await new Promise<void>((resolve) => { more = resolve; });
      credits--;
      const packed = packRows(ev.numbers, ev.values);
      port.postMessage(packed, [packed.numbers.buffer as ArrayBuffer, packed.widths.buffer as ArrayBuffer, packed.lens.buffer as ArrayBuffer]);
    } else port.postMessage(ev);
  }
} catch (e) {
  // A coded problem goes across as its problems; anything else as its message (read as a damaged workbook).
  port.postMessage({ k: 'error', ...toThreadError(e) });
}
port.unref();
