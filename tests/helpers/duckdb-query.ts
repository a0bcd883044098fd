import { DuckDBInstance } from '@duckdb/node-api';

/**
 * Rows of one query against a DuckDB file, opened only for that query (JSON-safe values). The
 * connection and instance are closed even when the query fails, so the file's lock is released
 * before the next process needs it.
 */
export async function queryDuckdb(file: string, sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(file);
  try {
    const connection = await instance.connect();
    try {
      const reader = await connection.runAndReadAll(sql);
      return reader.getRowObjectsJson() as Record<string, unknown>[];
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}
