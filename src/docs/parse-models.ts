import path from 'node:path';
import type { GraphNode } from '../manifest/types.js';
import { describeError } from '../shared/errors.js';
import { sha256 } from '../shared/hash.js';
import { readQueryCache, writeQueryCache } from './query-cache.js';
import { toQueryIr, type QueryIr } from './query-ir.js';

/** A SQL parser returning DuckDB's `json_serialize_sql` trees (src/adapters/duckdb/duckdb-sql-serializer.ts). */
export interface SqlParser {
  serialize<T>(sqls: readonly string[], convert: (tree: unknown) => T): Promise<T[]>;
  close(): void;
}

/** Every model's compiled SQL parsed into the lineage IR: from the cache when the SQL is unchanged, else with DuckDB's parser. */
export async function parseModels(
  nodes: readonly GraphNode[],
  targetDir: string,
  createParser: () => Promise<SqlParser>,
): Promise<{ queries: Map<string, QueryIr>; reason?: string }> {
  const models = nodes.filter((n) => n.kind === 'model');
  const queries = new Map<string, QueryIr>();
  if (models.length === 0) return { queries };
  const cacheFile = path.join(targetDir, 'docs_cache', 'query-ir.json');
  const cache = readQueryCache(cacheFile);
  const fresh = new Map<string, QueryIr>();
  const todo: { id: string; hash: string; sql: string }[] = [];
  for (const model of models) {
    if (model.kind !== 'model') continue;
    const hash = sha256(model.compiledSql);
    const cached = cache.get(hash);
    if (cached) {
      queries.set(model.uniqueId, cached);
      fresh.set(hash, cached);
    } else todo.push({ id: model.uniqueId, hash, sql: model.compiledSql });
  }
  if (todo.length) {
    let serializer: SqlParser;
    try {
      serializer = await createParser();
    } catch (error) {
      return { queries, reason: `DuckDB's SQL parser is not available (${describeError(error)})` };
    }
    try {
      const parsed = await serializer.serialize(todo.map((t) => t.sql), toQueryIr);
      todo.forEach((t, i) => {
        queries.set(t.id, parsed[i]!);
        fresh.set(t.hash, parsed[i]!);
      });
    } finally {
      serializer.close();
    }
  }
  if (todo.length > 0 || fresh.size !== cache.size) writeQueryCache(cacheFile, fresh);
  return { queries };
}
