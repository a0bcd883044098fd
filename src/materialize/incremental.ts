import type { ColumnDescription } from '../adapters/contract.js';
import type { ModelNode } from '../manifest/types.js';
import { StrataError } from '../shared/errors.js';
import { applyConfiguredGrants } from './grants.js';
import type { Materializer } from './strategy.js';
import { batchRelation } from './swap-in.js';
import { materializeTable } from './table.js';

/**
 * `incremental`: the first run (or `--full-refresh`) builds the table; later runs write the new
 * batch into it with the configured strategy, in one transaction. The batch is staged as a
 * table first, so a failing query never touches the live rows. Grants are reconciled in the
 * same transaction.
 */
export const materializeIncremental: Materializer<ModelNode> = async (node, context) => {
  const { connection, adapter, existing } = context;
  const fullRefresh = context.fullRefresh && node.config.fullRefresh !== false;
  if (!existing || existing.kind === 'view' || fullRefresh) return materializeTable(node, context);

  const d = adapter.dialect;
  const batch = batchRelation(d, node.relation);
  await connection.execute(d.drop(batch, 'table'));
  const staged = await connection.execute(d.createTableAs(batch, node.compiledSql));
  try {
    const targetColumns = await adapter.listColumns(connection, node.relation);
    const batchColumns = await adapter.listColumns(connection, batch);
    const columns = await reconcileColumns(node, targetColumns, batchColumns, async (added) => {
      for (const column of added) {
        await connection.execute(`alter table ${d.relation(node.relation)} add column ${d.quoteIdentifier(column.name)} ${column.type}`);
      }
    });
    const key = node.config.uniqueKey;
    const strategy = node.config.incrementalStrategy;
    if (strategy !== 'append' && key.length === 0) {
      throw new StrataError('missing_unique_key', `incremental_strategy '${strategy}' needs a unique_key`, { node: node.name, file: node.path, key: 'unique_key' });
    }
    const t = d.relation(node.relation);
    const b = d.relation(batch);
    const list = columns.map((c) => d.quoteIdentifier(c)).join(', ');
    const insert = `insert into ${t} (${list}) select ${list} from ${b}`;
    const keys = key.map((k) => d.quoteIdentifier(k)).join(', ');
    const statements =
      strategy === 'append'
        ? [insert]
        : strategy === 'merge' && d.capabilities.merge
          ? d.merge(node.relation, batch, key, columns)
          : [`delete from ${t} where (${keys}) in (select ${keys} from ${b})`, insert];
    await connection.transaction(async () => {
      for (const sql of statements) await connection.execute(sql);
      await applyConfiguredGrants(context, node.relation, 'table', node.config.grants);
    });
    // The batch's size, as CREATE TABLE AS reported it (a scan only for an engine that does not say).
    const rows = typeof staged === 'number' ? staged : Number((await connection.query(`select count(*) as n from ${b}`)).rows[0]?.n ?? 0);
    const verb = strategy === 'append' ? 'appended to' : 'merged into';
    return { action: `${verb} table`, rows };
  } finally {
    await connection.execute(d.drop(batch, 'table'));
  }
};

/** The columns to write, honouring `on_schema_change` when the batch's columns differ from the table's. */
async function reconcileColumns(
  node: ModelNode,
  target: readonly ColumnDescription[],
  batch: readonly ColumnDescription[],
  addColumns: (columns: readonly ColumnDescription[]) => Promise<void>,
): Promise<string[]> {
  const targetNames = new Set(target.map((c) => c.name));
  const added = batch.filter((c) => !targetNames.has(c.name));
  const shared = batch.filter((c) => targetNames.has(c.name)).map((c) => c.name);
  const missing = target.filter((c) => !batch.some((b) => b.name === c.name)).map((c) => c.name);
  if (added.length === 0 && missing.length === 0) return shared;
  const change = [
    added.length ? `new column(s) ${added.map((c) => c.name).join(', ')}` : '',
    missing.length ? `missing column(s) ${missing.join(', ')}` : '',
  ].filter(Boolean).join(' and ');
  switch (node.config.onSchemaChange) {
    case 'fail':
      throw new StrataError('schema_change', `the model's columns changed (${change}) and on_schema_change is 'fail'; run with --full-refresh`, { node: node.name, file: node.path }, 'execution');
    case 'append_new_columns':
      await addColumns(added);
      return [...shared, ...added.map((c) => c.name)];
    case 'ignore':
      return shared;
  }
}
