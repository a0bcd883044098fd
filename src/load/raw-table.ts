import type { Adapter, Connection, Dialect } from '../adapters/contract.js';
import type { Relation } from '../manifest/types.js';
import { LINEAGE_COLUMNS, RESERVED_NAMES } from './lineage-columns.js';
import { parseTypeName } from './parse-type-name.js';
import type { TypedColumn } from './plan-columns.js';

/** The data columns (lineage excluded) of a raw table, or undefined when it does not exist. */
export async function rawColumns(adapter: Adapter, connection: Connection, relation: Relation): Promise<{ name: string; type: ReturnType<typeof parseTypeName> }[] | undefined> {
  const columns = await adapter.listColumns(connection, relation);
  if (columns.length === 0) return undefined;
  return columns.filter((c) => !RESERVED_NAMES.has(c.name)).map((c) => ({ name: c.name, type: parseTypeName(c.type) }));
}

/**
 * Statements that make the raw table ready for a file: created with the file's columns and the
 * lineage columns when missing, or given the file's new columns (nullable, so earlier rows read NULL).
 */
export function prepareRawTable(dialect: Dialect, relation: Relation, exists: boolean, added: readonly TypedColumn[]): string[] {
  const d = dialect;
  const def = (c: { name: string; type: TypedColumn['type'] }): string => `${d.quoteIdentifier(c.name)} ${d.typeName(c.type)}`;
  if (!exists) {
    return [d.createSchema(relation.schema), `create table if not exists ${d.relation(relation)} (${[...added, ...LINEAGE_COLUMNS].map(def).join(', ')})`];
  }
  return added.map((c) => `alter table ${d.relation(relation)} add column ${def(c)}`);
}
