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
  | {
      readonly format: typeof FORMAT;
      readonly sql: string;
      readonly cacheable: false;
      readonly reason: string;
      /** The project's relations when judged (a read outside them may become a model later). */
      readonly projectRelations: string;
      readonly createdAt: string;
    };

const FORMAT = 1;

/** Limits of the cache folder. */
export interface CacheLimits {
  /** Entries kept; the least recently used go first. */
  readonly maxEntries: number;
  /** Answers larger than this (as JSON) are not kept. */
  readonly maxEntryBytes: number;
}

export const DEFAULT_CACHE_LIMITS: CacheLimits = { maxEntries: 500, maxEntryBytes: 16 * 1024 * 1024 };

/** Bytes of parsed entries a long-lived process (`strata serve`) keeps in memory. */
const MEMORY_BYTES = 64 * 1024 * 1024;

/**
 * Cached query answers as one JSON file each in a folder of target/ (per target), named by the
 * key (a hash of the normalized SQL). A hit touches its file, so eviction drops the least
 * recently used. Unreadable files count as misses; a write that fails only costs a recomputation.
 */
export class QueryCacheStore {
  /** Parsed entries by key, least recently used first, with the file's mtime they were read at. */
  private readonly memory = new Map<string, { entry: CacheEntry; mtimeMs: number; bytes: number }>();
  private memoryBytes = 0;

  constructor(
    readonly dir: string,
    private readonly limits: CacheLimits = DEFAULT_CACHE_LIMITS,
  ) {}

  private file(key: string): string {
    return path.join(this.dir, `${key}.json`);
  }

  /** The entry of `key`: from memory while its file is unchanged (another process may have replaced it), else read. */
  get(key: string): CacheEntry | undefined {
    let mtimeMs: number;
    try {
      mtimeMs = statSync(this.file(key)).mtimeMs;
    } catch {
      this.forget(key);
      return undefined;
    }
    const known = this.memory.get(key);
    if (known && known.mtimeMs === mtimeMs) {
      this.memory.delete(key);
      this.memory.set(key, known);
      return known.entry;
    }
    try {
      const text = readFileSync(this.file(key), 'utf8');
      const entry = JSON.parse(text) as CacheEntry;
      if (entry.format !== FORMAT) return undefined;
      this.remember(key, entry, mtimeMs, text.length);
      return entry;
    } catch {
      return undefined;
    }
  }

  /** Marks an entry as just used (for eviction); at most once a minute per entry, so a hit costs no write. */
  touch(key: string): void {
    const known = this.memory.get(key);
    if (known && Date.now() - known.mtimeMs < 60_000) return;
    try {
      const now = new Date();
      utimesSync(this.file(key), now, now);
      if (known) known.mtimeMs = statSync(this.file(key)).mtimeMs;
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
      this.remember(key, entry, statSync(this.file(key)).mtimeMs, text.length);
      this.evict();
      return true;
    } catch {
      return false;
    }
  }

  /** Removes every entry. */
  clear(): void {
    rmSync(this.dir, { recursive: true, force: true });
    this.memory.clear();
    this.memoryBytes = 0;
  }

  private remember(key: string, entry: CacheEntry, mtimeMs: number, bytes: number): void {
    this.forget(key);
    if (bytes > MEMORY_BYTES / 4) return;
    this.memory.set(key, { entry, mtimeMs, bytes });
    this.memoryBytes += bytes;
    for (const [oldest, value] of this.memory) {
      if (this.memoryBytes <= MEMORY_BYTES) break;
      this.memory.delete(oldest);
      this.memoryBytes -= value.bytes;
    }
  }

  private forget(key: string): void {
    const known = this.memory.get(key);
    if (!known) return;
    this.memory.delete(key);
    this.memoryBytes -= known.bytes;
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
