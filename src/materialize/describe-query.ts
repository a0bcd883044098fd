import type { ColumnDescription, Connection } from '../adapters/contract.js';

/** The columns (names and engine type names) a SELECT returns, without reading its rows. */
export async function describeQuery(connection: Connection, selectSql: string): Promise<ColumnDescription[]> {
  const result = await connection.query(`select * from (\n${selectSql}\n) as strata_described limit 0`);
  return result.columns.map((c) => ({ name: c.name, type: c.type }));
}

/** Rows of a query as plain text values (NULL stays null). */
export async function queryText(connection: Connection, sql: string): Promise<Record<string, string | null>[]> {
  const result = await connection.query(sql);
  return result.rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === null ? null : String(v)])));
}
