import type { ColumnDescription } from '../../adapters/contract.js';
import type { ModelNode } from '../../manifest/types.js';
import { StrataError } from '../../shared/errors.js';
import { describeQuery } from '../describe-query.js';
import { applyConfiguredGrants } from '../grants.js';
import type { MaterializationContext, MaterializationResult, Materializer } from '../strategy.js';
import { batchRelation, buildAndSwapTable } from '../swap-in.js';
import { SNAPSHOT_COLUMNS, SnapshotSql } from './snapshot-sql.js';

/**
 * `snapshot` (dbt's `{% snapshot %}`): SCD2 of the query's current state, captured at each run,
 * with dbt's columns `dbt_scd_id`, `dbt_updated_at`, `dbt_valid_from` and `dbt_valid_to` (NULL
 * while current). The first run builds the table; later runs stage the changes, then in one
 * transaction add new columns, close the changed (and, with `hard_deletes: invalidate`, the
 * vanished) versions and insert the new ones. Unlike `history`, which is rebuilt from raw loads,
 * a snapshot is never rebuilt: `--full-refresh` leaves it alone, as in dbt.
 */
export const materializeSnapshot: Materializer<ModelNode> = async (node, context) => {
  const { connection, adapter, existing } = context;
  const d = adapter.dialect;
  const settings = node.config.snapshot;
  if (!settings) throw new StrataError('internal', `snapshot ${node.name} has no snapshot settings`);
  const columns = await describeQuery(connection, node.compiledSql);
  checkColumns(node, columns);
  if (!existing) {
    const sql = new SnapshotSql({ dialect: d, sourceSql: node.compiledSql, settings, uniqueKey: node.config.uniqueKey, columns });
    const rows = await buildAndSwapTable(node.relation, context, node.config.grants, async (temporary) => {
      await connection.execute(d.createTableAs(temporary, sql.initial()));
    });
    return { action: 'created snapshot', rows };
  }
  if (existing.kind !== 'table') {
    throw new StrataError('snapshot_target', `a ${existing.kind} is where the snapshot's table should be: drop it, or give the snapshot another name`, { node: node.name, file: node.path }, 'execution');
  }
  return applyChanges(node, context, columns);
};

async function applyChanges(node: ModelNode, context: MaterializationContext, columns: readonly ColumnDescription[]): Promise<MaterializationResult> {
  const { connection, adapter } = context;
  const d = adapter.dialect;
  const tableColumns = await adapter.listColumns(connection, node.relation);
  const names = new Set(tableColumns.map((c) => c.name));
  const missing = SNAPSHOT_COLUMNS.filter((c) => !names.has(c));
  if (missing.length) {
    throw new StrataError('snapshot_target', `${d.relation(node.relation)} is not a snapshot table (it lacks ${missing.join(', ')})`, { node: node.name, file: node.path }, 'execution');
  }
  const added = columns.filter((c) => !names.has(c.name));
  const sql = new SnapshotSql({ dialect: d, sourceSql: node.compiledSql, settings: node.config.snapshot!, uniqueKey: node.config.uniqueKey, columns, existingColumns: names });
  const changes = batchRelation(d, node.relation);
  await connection.execute(d.drop(changes, 'table'));
  try {
    await connection.execute(d.createTableAs(changes, sql.changes(node.relation)));
    const written = [...columns.map((c) => c.name), ...SNAPSHOT_COLUMNS];
    await connection.transaction(async () => {
      for (const column of added) await connection.execute(`alter table ${d.relation(node.relation)} add column ${d.quoteIdentifier(column.name)} ${column.type}`);
      await connection.execute(sql.closeVersions(node.relation, changes));
      await connection.execute(sql.insertVersions(node.relation, changes, written));
      await applyConfiguredGrants(context, node.relation, 'table', node.config.grants);
    });
    const counts = await connection.query(
      `select ${d.quoteIdentifier('dbt_change_type')} as kind, count(*) as n from ${d.relation(changes)} group by ${d.quoteIdentifier('dbt_change_type')}`,
    );
    const count = (kind: string): number => Number(counts.rows.find((r) => r.kind === kind)?.n ?? 0);
    const inserted = count('insert');
    const closed = count('update') + count('delete');
    return { action: `snapshot: ${inserted} new version(s), ${closed} closed`, rows: inserted };
  } finally {
    await connection.execute(d.drop(changes, 'table'));
  }
}

/** The key, updated_at and check columns must be columns of the query, and dbt's columns must not be. */
function checkColumns(node: ModelNode, columns: readonly ColumnDescription[]): void {
  const where = { node: node.name, file: node.path };
  const names = new Set(columns.map((c) => c.name));
  const available = columns.map((c) => c.name).join(', ');
  const clash = SNAPSHOT_COLUMNS.filter((c) => names.has(c));
  if (clash.length) throw new StrataError('snapshot_columns', `the query returns ${clash.join(', ')}, which the snapshot adds itself; rename them`, where, 'execution');
  const settings = node.config.snapshot!;
  const wanted: [string, readonly string[]][] = [
    ['unique_key', node.config.uniqueKey],
    ['updated_at', settings.strategy === 'timestamp' && settings.updatedAt ? [settings.updatedAt] : []],
    ['check_cols', settings.checkCols === 'all' ? [] : settings.checkCols],
  ];
  for (const [key, list] of wanted) {
    const bad = list.filter((c) => !names.has(c));
    if (bad.length) throw new StrataError('invalid_config', `${bad.map((b) => `'${b}'`).join(', ')} is not a column of the snapshot's query (columns: ${available})`, { ...where, key }, 'execution');
  }
}
