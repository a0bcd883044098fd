import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { isGzip } from './detect-gzip.js';

/** A file's content identity: SHA-256 of its bytes, its size, and whether it is gzip data. */
export interface Fingerprint {
  readonly sha256: string;
  readonly size: number;
  readonly gzip: boolean;
}

/** Hashes a file in one streaming pass (bounded memory); `onBytes` is told the bytes read so far. */
export async function fingerprintFile(file: string, onBytes?: (bytes: number) => void): Promise<Fingerprint> {
  const hash = createHash('sha256');
  let size = 0;
  let head = Buffer.alloc(0);
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    if (head.length < 3) head = Buffer.concat([head, chunk.subarray(0, 3)]);
    hash.update(chunk);
    size += chunk.length;
    onBytes?.(size);
  }
  return { sha256: hash.digest('hex'), size, gzip: isGzip(head) };
}
