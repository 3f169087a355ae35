/**
 * A worker thread from a compiled module beside this one, unref'd so it never keeps the process alive on its own.
 * Undefined where there is no compiled module (running from the TypeScript sources) or the thread cannot start:
 * the caller then does the work on its own thread.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

export function startThread(entry: URL): Worker | undefined {
  if (!existsSync(fileURLToPath(entry))) return undefined;
  let worker: Worker;
  try {
    worker = new Worker(entry);
  } catch {
    return undefined;
  }
  worker.unref();
  return worker;
}
