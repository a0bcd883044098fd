import { createReadStream } from 'node:fs';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { LoadFileError } from './load-file-error.js';

/** A gzip file may always inflate to this much, whatever its ratio. */
const INFLATE_FLOOR = 64 * 1024 * 1024;
/**
 * Bytes per read and per inflated chunk. With zlib's default 16 KiB chunks the per-chunk stream
 * work costs more CPU than inflating itself (measured: 256 KiB halves a 100 MiB file's CPU time).
 */
const CHUNK_BYTES = 1 << 18;

export interface StreamLimits {
  /** Longest physical line, in bytes; undefined: lines are not checked (JSON checks records instead). */
  readonly maxLineBytes: number | undefined;
  readonly maxInflateRatio: number;
}

/** What the stream saw, once it has ended. */
export interface StreamStats {
  bytes: number;
  lines: number;
}

/**
 * The file's content as a stream of bytes, inflated when it is gzip data, checked as it flows:
 * a gzip that inflates beyond `maxInflateRatio` times its size (past 64 MiB), a line longer than
 * `maxLineBytes`, corrupt or truncated gzip data end the stream with a LoadFileError naming the
 * line. Memory stays bounded whatever the file's size. `onBytes` is told the file bytes read.
 */
export function openLandingStream(
  file: { readonly path: string; readonly gzip: boolean; readonly size: number },
  limits: StreamLimits,
  onBytes?: (bytes: number) => void,
  stats: StreamStats = { bytes: 0, lines: 1 },
): Readable {
  const source = createReadStream(file.path, { highWaterMark: CHUNK_BYTES });
  let read = 0;
  if (onBytes) source.on('data', (chunk: Buffer | string) => onBytes((read += chunk.length)));
  const maxInflated = file.gzip ? Math.max(INFLATE_FLOOR, limits.maxInflateRatio * file.size) : Infinity;
  let lineBytes = 0;
  const guard = new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      stats.bytes += chunk.length;
      if (stats.bytes > maxInflated) {
        return callback(
          new LoadFileError(
            `the gzip data inflates to more than ${formatBytes(maxInflated)} from ${formatBytes(file.size)} (over ${limits.maxInflateRatio} times its size: a decompression bomb?); raise max_inflate_ratio if the file is genuine`,
            { line: stats.lines },
            'limit',
          ),
        );
      }
      const max = limits.maxLineBytes;
      let start = 0;
      for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
        lineBytes += nl - start;
        if (max !== undefined && lineBytes > max) return callback(tooLong(stats.lines, max));
        lineBytes = 0;
        stats.lines += 1;
        start = nl + 1;
      }
      lineBytes += chunk.length - start;
      if (max !== undefined && lineBytes > max) return callback(tooLong(stats.lines, max));
      callback(null, chunk);
    },
  });
  const fail = (error: Error): void => {
    if (!guard.destroyed) guard.destroy(error);
  };
  guard.on('close', () => {
    source.destroy();
  });
  source.on('error', (error) => fail(new LoadFileError(`cannot read the file: ${error.message}`)));
  if (file.gzip) {
    const gunzip = createGunzip({ chunkSize: CHUNK_BYTES });
    gunzip.on('error', (error: Error & { code?: string }) => {
      const truncated = error.code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(error.message);
      fail(
        new LoadFileError(
          truncated
            ? `the gzip data is truncated: it ends after ${formatBytes(stats.bytes)} inflated`
            : `the gzip data is corrupt (${error.message}) after ${formatBytes(stats.bytes)} inflated`,
          { line: stats.lines },
          'shape',
        ),
      );
    });
    guard.on('close', () => gunzip.destroy());
    source.pipe(gunzip).pipe(guard);
  } else {
    source.pipe(guard);
  }
  return guard;
}

/** Reads a stream to its end, discarding the bytes (to check a file the engine reads itself). */
export async function drain(stream: Readable, signal?: AbortSignal): Promise<void> {
  const abort = (): void => void stream.destroy();
  signal?.addEventListener('abort', abort);
  try {
    for await (const _chunk of stream) {
      // the checks run as the bytes flow
    }
  } finally {
    signal?.removeEventListener('abort', abort);
  }
}

function tooLong(line: number, max: number): LoadFileError {
  return new LoadFileError(`the line is longer than ${formatBytes(max)} (max_line_bytes)`, { line }, 'limit');
}

/** `12.3 MiB`, `512 bytes`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1).replace(/\.0$/, '')} ${units[unit]}`;
}
