import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { QueryIr } from './query-ir.js';

/** Bumped whenever `toQueryIr` changes what it produces, so an old cache is ignored. */
const CACHE_VERSION = 1;

/**
 * Parsed queries of the last `docs generate`, by SHA-256 of the compiled SQL: a model whose SQL
 * did not change is not parsed again. A missing, unreadable or outdated cache is empty.
 */
export function readQueryCache(file: string): Map<string, QueryIr> {
  if (!existsSync(file)) return new Map();
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { version?: number; entries?: Record<string, QueryIr> };
    if (parsed.version !== CACHE_VERSION || !parsed.entries) return new Map();
    return new Map(Object.entries(parsed.entries));
  } catch {
    return new Map();
  }
}

/** Replaces the cache with `entries` (only the queries of the current project, so it never grows stale). */
export function writeQueryCache(file: string, entries: ReadonlyMap<string, QueryIr>): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify({ version: CACHE_VERSION, entries: Object.fromEntries(entries) }));
    renameSync(temporary, file);
  } catch {
    // A cache that cannot be written only costs time on the next run.
  }
}
