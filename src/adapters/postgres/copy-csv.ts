import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { StrataError } from '../../shared/errors.js';
import type { CsvLoad } from '../contract.js';
import type { PostgresConnection } from './postgres-connection.js';
import type { PostgresDialect } from './postgres-dialect.js';

/** A column type as written in `column_types` or by the dialect: a type name, never a second statement. */
const TYPE_NAME = /^[A-Za-z_][A-Za-z0-9_ ."]*(\(\s*\d+\s*(,\s*\d+\s*)?\))?(\s*\[\])*$/;

/**
 * Creates `load.relation` with the given columns and streams the CSV file into it with
 * `COPY ... FROM STDIN` (unquoted empty fields are NULL, quoted empty ones empty text, as on
 * DuckDB). Returns the number of rows copied.
 */
export async function copyCsv(connection: PostgresConnection, dialect: PostgresDialect, load: CsvLoad): Promise<number> {
  const columns = load.columns.map((c) => {
    if (!TYPE_NAME.test(c.type)) {
      throw new StrataError('bad_column_type', `column '${c.name}' has type '${c.type}', which is not a type name`, { key: `column_types.${c.name}` }, 'execution');
    }
    return `${dialect.quoteIdentifier(c.name)} ${c.type}`;
  });
  await connection.execute(`create table ${dialect.relation(load.relation)} (${columns.join(', ')})`);
  const names = load.columns.map((c) => dialect.quoteIdentifier(c.name)).join(', ');
  const copy = connection.client.query(
    copyFrom(`copy ${dialect.relation(load.relation)} (${names}) from stdin with (format csv, header true, delimiter ${dialect.quoteLiteral(load.delimiter)})`),
  );
  try {
    await pipeline(createReadStream(load.file), copy);
  } catch (error) {
    const { message, where } = error as { message?: string; where?: string };
    const line = /line (\d+)/.exec(where ?? '')?.[1];
    const context = where ? ` (${where.split('\n')[0]})` : '';
    throw new StrataError('bad_seed', `cannot load the file: ${message ?? String(error)}${context}`, { file: load.file, line: line ? Number(line) : undefined }, 'execution');
  }
  return copy.rowCount;
}
