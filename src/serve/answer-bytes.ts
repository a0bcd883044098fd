import { createHash } from 'node:crypto';
import type { QueryResult } from '../adapters/contract.js';

/** The part of an answer that depends only on its rows, as bytes, with a validator for them. */
export interface SerializedRows {
  /** `{"columns":…,"rows":…,"rowCount":…,"truncated":…` — each response appends its own `cache` and `elapsedMs`. */
  readonly head: Buffer;
  /**
   * Weak ETag of `head`. Weak because two responses with the same rows still differ in `cache`
   * and `elapsedMs`: equal data, not equal bytes.
   */
  readonly etag: string;
}

/**
 * Serializes each query result once. A cache hit hands back the same result object for as long
 * as the cache keeps its entry in memory, so a hit reuses these bytes instead of turning the rows
 * into JSON again; they are dropped with the entry (a WeakMap keyed by the result).
 */
export class AnswerBytes {
  private readonly known = new WeakMap<QueryResult, SerializedRows>();

  constructor(private readonly maxRows: number) {}

  of(result: QueryResult): SerializedRows {
    const known = this.known.get(result);
    if (known) return known;
    const rows = result.rows.slice(0, this.maxRows);
    const head = Buffer.from(
      `{"columns":${JSON.stringify(result.columns)},"rows":${JSON.stringify(rows)},"rowCount":${result.rows.length},"truncated":${rows.length < result.rows.length}`,
    );
    const serialized = { head, etag: `W/"${createHash('sha256').update(head).digest('base64url')}"` };
    this.known.set(result, serialized);
    return serialized;
  }
}

/** Whether an `If-None-Match` header names `etag` (weak comparison, as RFC 9110 asks for GET). */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const opaque = (tag: string): string => tag.trim().replace(/^W\//, '');
  const wanted = opaque(etag);
  return header.split(',').some((tag) => opaque(tag) === wanted);
}
