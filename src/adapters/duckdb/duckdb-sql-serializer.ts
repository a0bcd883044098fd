import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

/** Parses SQL with DuckDB's own parser, for tools that read queries (column lineage). */
export interface SqlSerializer {
  /**
   * The syntax tree of each SQL text as `json_serialize_sql` returns it (parsed JSON, one
   * statement each), in the same order, passed through `convert` as soon as it arrives (so the
   * large trees of thousands of queries are never all in memory at once). A text that does not
   * parse yields DuckDB's `{ error: true, error_message }`.
   */
  serialize<T = unknown>(sqls: readonly string[], convert?: (tree: unknown) => T): Promise<T[]>;
  close(): void;
}

/** Statements parsed per call: one call has a fixed cost of about a millisecond, a statement a fraction of that. */
const BATCH = 50;

const literal = (sql: string): string => `'${sql.replace(/'/g, "''")}'`;

/**
 * An in-memory DuckDB used only as a parser: nothing is read or written, no database file is
 * opened, so it never competes with a run for the project's database. DuckDB's grammar is
 * PostgreSQL's with extensions, so it also reads most SQL compiled for PostgreSQL targets.
 * Texts are parsed in batches (joined with `;`), and one by one when a batch fails, so one bad
 * query does not hide the trees of the others.
 */
export async function createSqlSerializer(parallelism = 2): Promise<SqlSerializer> {
  const instance = await DuckDBInstance.create(':memory:', { threads: String(Math.max(1, parallelism)), memory_limit: '256MB' });
  const connections = await Promise.all(Array.from({ length: Math.max(1, parallelism) }, () => instance.connect()));
  const call = async (connection: DuckDBConnection, sql: string): Promise<Record<string, unknown>> => {
    try {
      const reader = await connection.runAndReadAll(`select json_serialize_sql(${literal(sql)}, skip_empty := true, skip_null := true) as tree`);
      const text = reader.getRowObjectsJson()[0]?.tree;
      return typeof text === 'string' ? (JSON.parse(text) as Record<string, unknown>) : { error: true, error_message: 'no result' };
    } catch (error) {
      return { error: true, error_message: error instanceof Error ? error.message : String(error) };
    }
  };
  return {
    async serialize<T>(sqls: readonly string[], convert: (tree: unknown) => T = (tree) => tree as T): Promise<T[]> {
      const out: T[] = new Array<T>(sqls.length);
      let next = 0;
      const worker = async (connection: DuckDBConnection): Promise<void> => {
        for (let start = next; start < sqls.length; start = next) {
          next = start + BATCH;
          const batch = sqls.slice(start, start + BATCH);
          // A newline before the `;` keeps a trailing `--` comment from swallowing it.
          const tree = await call(connection, batch.join('\n;\n'));
          const statements = Array.isArray(tree.statements) ? (tree.statements as unknown[]) : [];
          if (tree.error !== true && statements.length === batch.length) {
            statements.forEach((statement, i) => (out[start + i] = convert({ error: false, statements: [statement] })));
            continue;
          }
          for (let i = 0; i < batch.length; i += 1) out[start + i] = convert(await call(connection, batch[i]!));
        }
      };
      await Promise.all(connections.map(worker));
      return out;
    },
    close() {
      for (const connection of connections) connection.closeSync();
      instance.closeSync();
    },
  };
}
