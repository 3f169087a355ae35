/**
 * A local HTTP server that records every request reaching it: a page that must fetch nothing is checked by
 * pointing its references here and expecting no hits.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';

export interface Listener {
  /** `http://127.0.0.1:PORT`, set once the server listens (in beforeAll). */
  base: string;
  /** The paths requested so far; empty it with `hits.length = 0`. */
  hits: string[];
}

/** Starts the server before the file's tests and closes it after them; `body` is what every request gets. */
export function listenForRequests(body = ''): Listener {
  const listener: Listener = { base: '', hits: [] };
  let server: Server;
  beforeAll(async () => {
    server = createServer((req, res) => { listener.hits.push(req.url ?? ''); res.end(body); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    listener.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  return listener;
}
