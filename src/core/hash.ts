import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  // 1 MiB reads: with the default 64 KiB, a large extract took twice as long to hash (one async read per chunk).
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

export const sha256Text = (s: string | Uint8Array) => createHash('sha256').update(s).digest('hex');
