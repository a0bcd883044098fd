import { createHash } from 'node:crypto';
import type { Dialect, Grants } from '../adapters/contract.js';
import type { Relation } from '../manifest/types.js';
import { applyConfiguredGrants } from './grants.js';
import type { MaterializationContext } from './strategy.js';

/**
 * The name a relation is built under before it is swapped in. On engines with an identifier
 * limit, a long name is shortened with a hash of the full one, so it stays unique and stable.
 */
export function stagingRelation(dialect: Dialect, relation: Relation, suffix: string): Relation {
  const tail = `__strata_${suffix}`;
  const full = `${relation.identifier}${tail}`;
  const max = dialect.maxIdentifierBytes;
  if (max === undefined || Buffer.byteLength(full) <= max) return { schema: relation.schema, identifier: full };
  const hash = createHash('sha256').update(relation.identifier).digest('hex').slice(0, 8);
  const head = truncateBytes(relation.identifier, max - tail.length - hash.length - 1);
  return { schema: relation.schema, identifier: `${head}_${hash}${tail}` };
}

/**
 * Where an incremental batch of `relation` is staged: in the engine's session schema when it has
 * one (private to the connection, no write-ahead log, gone if the run is killed), else beside it.
 */
export function batchRelation(dialect: Dialect, relation: Relation): Relation {
  const staged = stagingRelation(dialect, relation, 'batch');
  return dialect.sessionSchema === undefined ? staged : { schema: dialect.sessionSchema, identifier: staged.identifier };
}

/**
 * Replaces the live relation in one transaction: drops it (if it exists) and calls `create` to
 * put the new one in its place. Where views bind to the relations they read
 * (`capabilities.viewsBindToRelations`), those views are dropped first and recreated after,
 * with their grants, in the same transaction: readers see the old or the new version, never an
 * error or an empty relation.
 */
export async function replaceRelation(context: MaterializationContext, relation: Relation, create: () => Promise<void>): Promise<void> {
  const { connection, adapter, existing } = context;
  const d = adapter.dialect;
  await connection.transaction(async () => {
    const dependents = existing && d.capabilities.viewsBindToRelations ? await adapter.dependentViews(connection, relation) : [];
    for (const view of [...dependents].reverse()) await connection.execute(d.drop(view.relation, 'view'));
    if (existing) await connection.execute(d.drop(relation, existing.kind));
    await create();
    for (const view of dependents) {
      await connection.execute(d.createView(view.relation, view.selectSql));
      await applyConfiguredGrants(context, view.relation, 'view', view.grants);
    }
  });
}

/**
 * Builds a table under a temporary name with `build`, grants on it what `grants` lists, then
 * swaps it in with `replaceRelation`. A failed build drops its temporary table; a run killed at
 * any point leaves the previous relation as it was, and its leftover is dropped by the next run.
 */
export async function buildAndSwapTable(
  relation: Relation,
  context: MaterializationContext,
  grants: Grants,
  build: (temporary: Relation) => Promise<number | undefined | void>,
): Promise<number> {
  const { connection, adapter } = context;
  const d = adapter.dialect;
  const temporary = stagingRelation(d, relation, 'new');
  await connection.execute(d.createSchema(relation.schema));
  await connection.execute(d.drop(temporary, 'table'));
  let built: number | undefined | void;
  try {
    built = await build(temporary);
    // Privileges follow a table through a rename, so readers can use the new table from its first moment.
    await applyConfiguredGrants(context, temporary, 'table', grants);
  } catch (error) {
    await connection.execute(d.drop(temporary, 'table')).catch(() => undefined);
    throw error;
  }
  await replaceRelation(context, relation, async () => {
    await connection.execute(d.rename(temporary, relation.identifier, 'table'));
  });
  // A build that knows its row count (CREATE TABLE AS reports it) spares a scan of the new table.
  if (typeof built === 'number') return built;
  const count = await connection.query(`select count(*) as n from ${d.relation(relation)}`);
  return Number(count.rows[0]?.n ?? 0);
}

function truncateBytes(text: string, maxBytes: number): string {
  let out = '';
  for (const char of text) {
    if (Buffer.byteLength(out + char) > maxBytes) break;
    out += char;
  }
  return out;
}
