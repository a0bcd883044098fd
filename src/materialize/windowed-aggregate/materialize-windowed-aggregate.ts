import type { ColumnDescription, Dialect, TemporalKind } from '../../adapters/contract.js';
import type { ModelNode } from '../../manifest/types.js';
import { StrataError } from '../../shared/errors.js';
import { describeQuery, queryText } from '../describe-query.js';
import { isoMicros } from '../history/plan-history-run.js';
import { applyConfiguredGrants } from '../grants.js';
import type { MaterializationResult, Materializer } from '../strategy.js';
import { buildAndSwapTable, stagingRelation } from '../swap-in.js';
import { BUCKET_COLUMN, instantLiteral, outputColumns, watermarkSql, windowedSql, type WindowedSqlInput } from './windowed-sql.js';

/**
 * `windowed_aggregate`: rolling time windows per partition and grain bucket (windowed-sql.ts).
 * The first run (or a full refresh, or new output columns) builds the table and swaps it in.
 * Later runs recompute the buckets from the last one built (less `lookback`) on, in every
 * partition, reading only the events their windows reach, and replace them in one transaction.
 * Events older than that (a partition that lags, a late event) are picked up only within
 * `lookback`, or by a full refresh.
 */
export const materializeWindowedAggregate: Materializer<ModelNode> = async (node, context) => {
  const { connection, adapter, existing } = context;
  const d = adapter.dialect;
  const settings = node.config.windowed;
  if (!settings) throw new StrataError('internal', `model ${node.name} has no windowed_aggregate settings`);
  const columns = await describeQuery(connection, node.compiledSql);
  const input: WindowedSqlInput = { dialect: d, sourceSql: node.compiledSql, settings, timeKind: timeKindOf(node, columns, d) };
  const expected = outputColumns(settings);

  const fullRefresh = context.fullRefresh && node.config.fullRefresh !== false;
  const current = existing?.kind === 'table' && !fullRefresh ? (await adapter.listColumns(connection, node.relation)).map((c) => c.name) : [];
  const rebuild = async (): Promise<MaterializationResult> => {
    const rows = await buildAndSwapTable(node.relation, context, node.config.grants, async (temporary) => {
      return connection.execute(d.createTableAs(temporary, windowedSql(input)));
    });
    return { action: 'created table', rows };
  };
  if (current.join('\u0000') !== expected.join('\u0000')) return rebuild();

  const [bounds] = await queryText(connection, watermarkSql(input, node.relation));
  if (!bounds?.from || !bounds.read_from) return rebuild();
  const from = isoMicros(bounds.from);
  const q = (n: string): string => d.quoteIdentifier(n);
  const t = d.relation(node.relation);
  const batch = stagingRelation(d, node.relation, 'batch');
  await connection.execute(d.drop(batch, 'table'));
  try {
    await connection.execute(d.createTableAs(batch, windowedSql(input, { from, readFrom: isoMicros(bounds.read_from) })));
    const outKind: TemporalKind = input.timeKind === 'timestamptz' ? 'timestamptz' : 'timestamp';
    const list = expected.map(q).join(', ');
    const rows = await connection.transaction(async () => {
      await connection.execute(`delete from ${t} where ${q(BUCKET_COLUMN)} >= ${instantLiteral(d, outKind, from)}`);
      const inserted = await connection.execute(`insert into ${t} (${list}) select ${list} from ${d.relation(batch)}`);
      await applyConfiguredGrants(context, node.relation, 'table', node.config.grants);
      return inserted;
    });
    return { action: `recomputed buckets from ${from.slice(0, 19).replace('T', ' ')}`, rows: rows ?? 0 };
  } finally {
    await connection.execute(d.drop(batch, 'table'));
  }
};

/** The time column's kind, checking that the configured columns exist (errors name the key). */
function timeKindOf(node: ModelNode, columns: readonly ColumnDescription[], dialect: Dialect): TemporalKind {
  const settings = node.config.windowed!;
  const where = { node: node.name, file: node.path };
  const names = columns.map((c) => c.name);
  const check = (key: string, wanted: readonly string[]): void => {
    const bad = wanted.filter((w) => !names.includes(w));
    if (bad.length) {
      throw new StrataError('invalid_config', `${bad.map((b) => `'${b}'`).join(', ')} is not a column of the model's query (columns: ${names.join(', ')})`, { ...where, key }, 'execution');
    }
  };
  check('time_column', [settings.timeColumn]);
  check('partition_by', settings.partitionBy);
  check('aggregations', settings.aggregations.map((a) => a.column));
  const type = columns.find((c) => c.name === settings.timeColumn)!.type;
  const kind = dialect.temporalKind(type);
  if (!kind) {
    throw new StrataError('invalid_config', `time_column '${settings.timeColumn}' is of type ${type}; it must be a timestamp, timestamptz or date`, { ...where, key: 'time_column' }, 'execution');
  }
  return kind;
}
