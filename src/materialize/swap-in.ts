import type { Relation } from '../manifest/types.js';
import type { MaterializationContext } from './strategy.js';

/** The name a relation is built under before it is swapped in. */
export function stagingRelation(relation: Relation, suffix: string): Relation {
  return { schema: relation.schema, identifier: `${relation.identifier}__strata_${suffix}` };
}

/**
 * Builds a table under a temporary name with `build`, then replaces the live relation in one
 * transaction. A run killed at any point leaves the previous relation as it was; a leftover
 * temporary table is dropped by the next run.
 */
export async function buildAndSwapTable(
  relation: Relation,
  context: MaterializationContext,
  build: (temporary: Relation) => Promise<void>,
): Promise<number> {
  const { connection, adapter, existing } = context;
  const d = adapter.dialect;
  const temporary = stagingRelation(relation, 'new');
  await connection.execute(d.createSchema(relation.schema));
  await connection.execute(d.drop(temporary, 'table'));
  await build(temporary);
  await connection.transaction(async () => {
    if (existing) await connection.execute(d.drop(relation, existing.kind));
    await connection.execute(d.rename(temporary, relation.identifier, 'table'));
  });
  const count = await connection.query(`select count(*) as n from ${d.relation(relation)}`);
  return Number(count.rows[0]?.n ?? 0);
}
