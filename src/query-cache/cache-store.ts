import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { QueryResult } from '../adapters/contract.js';

/** One cached query: its answer and the data version of every relation it read, or why it is never cached. */
export type CacheEntry =
  | {
      readonly format: typeof FORMAT;
      readonly sql: string;
      readonly cacheable: true;
      readonly relations: readonly { readonly key: string; readonly version: string }[];
      readonly result: QueryResult;
      readonly createdAt: string;
    }
  | { readonly format: typeof FORMAT; readonly sql: string; readonly cacheable: false; readonly reason: string; readonly createdAt: string };

const FORMAT = 1;

/** Limits of the cache folder. */
export interface CacheLimits {
  /** Entries kept; the least recently used go first. */
  readonly maxEntries: number;
  /** Answers larger than this (as JSON) are not kept. */
  readonly maxEntryBytes: number;
}

export const DEFAULT_CACHE_LIMITS: CacheLimits = { maxEntries: 500, maxEntryBytes: 16 * 1024 * 1024 };

/**
 * Cached query answers as one JSON file each in a folder of target/ (per target), named by the
 * key (a hash of the normalized SQL). A hit touches its file, so eviction drops the least
 * recently used. Unreadable files count as misses; a write that fails only costs a recomputation.
 */
export class QueryCacheStore {
  constructor(
    readonly dir: string,
    private readonly limits: CacheLimits = DEFAULT_CACHE_LIMITS,
  ) {}

  private file(key: string): string {
    return path.join(this.dir, `${key}.json`);
  }

  get(key: string): CacheEntry | undefined {
    try {
      const entry = JSON.parse(readFileSync(this.file(key), 'utf8')) as CacheEntry;
      return entry.format === FORMAT ? entry : undefined;
    } catch {
      return undefined;
    }
  }

  /** Marks an entry as just used (for eviction). */
  touch(key: string): void {
    try {
      const now = new Date();
      utimesSync(this.file(key), now, now);
    } catch {
      // a missing file is a miss next time
    }
  }

  /** Keeps an entry; false when it is too large to keep. */
  put(key: string, entry: CacheEntry): boolean {
    const text = JSON.stringify(entry);
    if (Buffer.byteLength(text) > this.limits.maxEntryBytes) return false;
    try {
      mkdirSync(this.dir, { recursive: true });
      const temporary = `${this.file(key)}.${process.pid}.tmp`;
      writeFileSync(temporary, text);
      renameSync(temporary, this.file(key));
      this.evict();
      return true;
    } catch {
      return false;
    }
  }

  /** Removes every entry. */
  clear(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private evict(): void {
    const files = readdirSync(this.dir).filter((f) => f.endsWith('.json'));
    if (files.length <= this.limits.maxEntries) return;
    const aged = files
      .map((f) => {
        try {
          return { f, at: statSync(path.join(this.dir, f)).mtimeMs };
        } catch {
          return { f, at: 0 };
        }
      })
      .sort((a, b) => a.at - b.at);
    for (const { f } of aged.slice(0, files.length - this.limits.maxEntries)) rmSync(path.join(this.dir, f), { force: true });
  }
}
