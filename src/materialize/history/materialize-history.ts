import type { ColumnDescription, Connection, Dialect } from '../../adapters/contract.js';
import type { ModelNode, Relation } from '../../manifest/types.js';
import { StrataError } from '../../shared/errors.js';
import { describeQuery } from '../describe-query.js';
import { applyConfiguredGrants } from '../grants.js';
import type { MaterializationContext, MaterializationResult, Materializer } from '../strategy.js';
import { replaceRelation, stagingRelation } from '../swap-in.js';
import { appliedLoadsRelation, appliedLoadsSql, createAppliedLoadsSql, loadsOfSql, readLoads, readRawLoads, recordLoadsSql } from './applied-loads.js';
import { appendSql, HistorySql, presentAtSql, versionsSql, type HistorySqlInput } from './history-sql.js';
import { historyShape, type HistoryShape } from './history-shape.js';
import { planHistoryRun, type HistoryPlan } from './plan-history-run.js';
import { HISTORY_COLUMNS } from './system-columns.js';

/**
 * `history`: SCD2 versions of each key over the raw source's load dates (see history-sql.ts).
 * The run is planned from the loads already applied (plan-history-run.ts): a rebuild swaps in a
 * new table; an incremental run stages the changed versions, then in one transaction adds new
 * columns, replaces the affected versions and records the loads it applied. A run killed at any
 * point leaves the history as it was before or as it is after.
 */
export const materializeHistory: Materializer<ModelNode> = async (node, context) => {
  const { connection, adapter, existing } = context;
  const d = adapter.dialect;
  if (!node.config.history) throw new StrataError('internal', `model ${node.name} has no history settings`);
  const loadsRelation = appliedLoadsRelation(d, node.relation);
  const shape = historyShape(node, await describeQuery(connection, node.compiledSql));
  const built = existing?.kind === 'table' && (await tableExists(context, loadsRelation));
  const raw = await readRawLoads(connection, loadsOfSql(d, node.compiledSql, shape.lineageTypes._load_date, shape.key));
  const plan = planHistoryRun({
    built,
    fullRefresh: context.fullRefresh && node.config.fullRefresh !== false,
    applied: built ? await readLoads(connection, appliedLoadsSql(d, loadsRelation)) : [],
    raw,
  });
  if (plan.kind === 'up_to_date') return { action: 'history up to date (no new loads)', rows: 0 };
  const from = plan.kind === 'rebuild' ? undefined : plan.kind === 'append' ? plan.date : plan.from;
  if (raw.some((load) => load.nullKeys > 0 && (from === undefined || load.date >= from))) await reportNullKey(connection, d, node, shape, from);
  const deletionLineage = new Map(raw.map((load) => [load.date, { loadId: load.dateLoadId, sourceFile: load.dateSourceFile }]));
  if (plan.kind === 'rebuild') return rebuild(node, context, shape, loadsRelation, plan.loads.length, deletionLineage);
  return applyLoads(node, context, shape, loadsRelation, plan, deletionLineage);
};

async function rebuild(
  node: ModelNode,
  context: MaterializationContext,
  shape: HistoryShape,
  loadsRelation: Relation,
  loadCount: number,
  deletionLineage: HistorySqlInput['deletionLineage'],
): Promise<MaterializationResult> {
  const { connection, adapter } = context;
  const d = adapter.dialect;
  const input: HistorySqlInput = { dialect: d, sourceSql: node.compiledSql, shape, settings: node.config.history!, extraColumns: [], newColumns: new Set(), deletionLineage };
  const newHistory = stagingRelation(d, node.relation, 'new');
  const newLoads = stagingRelation(d, loadsRelation, 'new');
  await connection.execute(d.createSchema(node.relation.schema));
  const dropStaged = async (): Promise<void> => {
    await connection.execute(d.drop(newHistory, 'table'));
    await connection.execute(d.drop(newLoads, 'table'));
  };
  await dropStaged();
  let rows: number | undefined;
  try {
    rows = await connection.execute(d.createTableAs(newHistory, versionsSql(input)));
    await connection.execute(createAppliedLoadsSql(d, newLoads, node.compiledSql));
    await replaceRelation(context, node.relation, async () => {
      await connection.execute(d.rename(newHistory, node.relation.identifier, 'table'));
      await connection.execute(d.drop(loadsRelation, 'table'));
      await connection.execute(d.rename(newLoads, loadsRelation.identifier, 'table'));
      await applyConfiguredGrants(context, node.relation, 'table', node.config.grants);
    });
  } catch (error) {
    await dropStaged().catch(() => undefined);
    throw error;
  }
  return { action: `built history from ${loadCount} load(s)`, rows: rows ?? 0 };
}

async function applyLoads(
  node: ModelNode,
  context: MaterializationContext,
  shape: HistoryShape,
  loadsRelation: Relation,
  plan: Extract<HistoryPlan, { kind: 'append' | 'recompute' }>,
  deletionLineage: HistorySqlInput['deletionLineage'],
): Promise<MaterializationResult> {
  const { connection, adapter } = context;
  const d = adapter.dialect;
  const tableColumns = await adapter.listColumns(connection, node.relation);
  const system = new Set<string>(HISTORY_COLUMNS);
  const known = new Set(tableColumns.map((c) => c.name));
  const entityNames = new Set(shape.entity.map((c) => c.name));
  const extraColumns: ColumnDescription[] = tableColumns.filter((c) => !system.has(c.name) && !entityNames.has(c.name));
  const added = shape.entity.filter((c) => !known.has(c.name));
  const input: HistorySqlInput = {
    dialect: d,
    sourceSql: node.compiledSql,
    shape,
    settings: node.config.history!,
    extraColumns,
    newColumns: new Set(added.map((c) => c.name)),
    deletionLineage,
  };
  const sql = new HistorySql(input);
  const h = d.relation(node.relation);
  const changes = stagingRelation(d, node.relation, 'batch');
  const present = stagingRelation(d, node.relation, 'present');
  const r = d.relation(changes);
  const q = (n: string): string => d.quoteIdentifier(n);
  const dropStaged = async (): Promise<void> => {
    await connection.execute(d.drop(changes, 'table'));
    await connection.execute(d.drop(present, 'table'));
  };
  await dropStaged();
  try {
    if (plan.kind === 'append') {
      await connection.execute(d.createTableAs(present, presentAtSql(input, plan.date)));
      // Opened versions, then deletions: two statements, each planned on its own.
      const [opened, ...more] = appendSql(input, { date: plan.date, history: node.relation, present });
      await connection.execute(d.createTableAs(changes, opened!));
      for (const select of more) await connection.execute(`insert into ${r} ${select}`);
    } else {
      await connection.execute(d.createTableAs(changes, versionsSql(input, { from: plan.from, history: node.relation })));
    }
    const columns = sql.outputColumns.map(q).join(', ');
    const affected = `exists (select 1 from ${r} as r where ${sql.keyMatch('r', 'h')})`;
    const statements =
      plan.kind === 'append'
        ? [
            `update ${h} as h set ${q('_valid_to')} = ${d.timestampTzLiteral(plan.date)}, ${q('_is_current')} = false where h.${q('_valid_to')} is null and ${affected}`,
          ]
        : [`delete from ${h} as h where (h.${q('_valid_to')} is null or h.${q('_valid_to')} >= ${d.timestampTzLiteral(plan.from)}) and ${affected}`];
    const rows = await connection.transaction(async () => {
      for (const column of added) await connection.execute(`alter table ${h} add column ${q(column.name)} ${column.type}`);
      for (const statement of statements) await connection.execute(statement);
      const inserted = await connection.execute(`insert into ${h} (${columns}) select ${columns} from ${r}`);
      await connection.execute(recordLoadsSql(d, loadsRelation, plan.loads));
      await applyConfiguredGrants(context, node.relation, 'table', node.config.grants);
      return inserted ?? 0;
    });
    const how = plan.kind === 'append' ? 'appended' : plan.late ? 'recomputed from a late load dated' : 'recomputed from';
    const date = plan.kind === 'append' ? plan.date : plan.from;
    return { action: `history: ${plan.loads.length} new load(s), ${how} ${date.slice(0, 10)}`, rows };
  } finally {
    await dropStaged();
  }
}

/** A NULL in the key would make versions of different keys collide: refuse it, naming the first raw row. */
async function reportNullKey(connection: Connection, d: Dialect, node: ModelNode, shape: HistoryShape, from: string | undefined): Promise<void> {
  const q = (n: string): string => d.quoteIdentifier(n);
  const nullKey = shape.key.map((k) => `${q(k)} is null`).join(' or ');
  const since = from ? ` and ${q('_load_date')} >= ${d.timestampTzLiteral(from)}` : '';
  const found = await connection.query(`select ${q('_source_file')} as f, ${q('_source_row')} as r from (\n${node.compiledSql}\n) as strata_raw where (${nullKey})${since} limit 1`);
  const row = found.rows[0];
  if (row) {
    throw new StrataError(
      'null_unique_key',
      `a raw row has a NULL in unique_key (${shape.key.join(', ')}): ${String(row.f)} row ${String(row.r)}; fix the file or filter such rows in the model`,
      { node: node.name, file: node.path, key: 'unique_key' },
      'execution',
    );
  }
}

async function tableExists(context: MaterializationContext, relation: Relation): Promise<boolean> {
  const found = await context.adapter.listRelations(context.connection, [relation.schema]);
  return found.some((r) => r.identifier === relation.identifier && r.kind === 'table');
}
