import type { Connection, Dialect } from '../../adapters/contract.js';
import type { ModelNode } from '../../manifest/types.js';
import { StrataError } from '../../shared/errors.js';
import { describeQuery, queryText } from '../describe-query.js';
import { applyConfiguredGrants } from '../grants.js';
import { historyReaderColumns } from '../history/read-history.js';
import { isoMicros } from '../history/plan-history-run.js';
import type { Materializer } from '../strategy.js';
import { buildAndSwapTable } from '../swap-in.js';
import { expandAsOf } from './as-of-dates.js';
import { planPointInTimeRun, type SliceFingerprint } from './plan-point-in-time-run.js';
import { AS_OF, pointInTimeSql, sliceFingerprintSql } from './point-in-time-sql.js';

/**
 * `point_in_time`: for each configured as-of instant, the versions of a history model alive (and
 * not deleted) at that instant, one row per (`as_of`, key). Later runs compare per-slice
 * fingerprints with the history: a new instant adds its slice, a slice a late load changed is
 * rebuilt, the others are left alone; all in one transaction.
 */
export const materializePointInTime: Materializer<ModelNode> = async (node, context) => {
  const { connection, adapter, existing } = context;
  const d = adapter.dialect;
  const spec = node.config.pointInTime;
  if (!spec) throw new StrataError('internal', `model ${node.name} has no point_in_time settings`);
  const keep = historyReaderColumns(node, await describeQuery(connection, node.compiledSql));
  const wanted = expandAsOf(spec.asOf) ?? (spec.asOf.kind === 'last_load_dates' ? await lastChangeDates(connection, d, node.compiledSql, spec.asOf.count) : []);
  const sliceSql = (instants: readonly string[]): string => pointInTimeSql(d, node.compiledSql, keep, instants);
  const columns = [AS_OF, ...keep.map((c) => c.name)];

  const fullRefresh = context.fullRefresh && node.config.fullRefresh !== false;
  const tableColumns = existing?.kind === 'table' && !fullRefresh ? (await adapter.listColumns(connection, node.relation)).map((c) => c.name) : [];
  const reusable = tableColumns.join('\u0000') === columns.join('\u0000');
  const plan = planPointInTimeRun({
    reusable,
    wanted,
    built: reusable ? await fingerprints(connection, sliceFingerprintSql(d, `select * from ${d.relation(node.relation)}`)) : new Map(),
    expected: reusable && wanted.length ? await fingerprints(connection, sliceFingerprintSql(d, sliceSql(wanted))) : new Map(),
  });

  if (plan.kind === 'rebuild') {
    const rows = await buildAndSwapTable(node.relation, context, node.config.grants, async (temporary) => {
      return connection.execute(d.createTableAs(temporary, sliceSql(wanted)));
    });
    return { action: `created point-in-time table (${wanted.length} as-of dates)`, rows };
  }
  const write = [...plan.add, ...plan.replace];
  const drop = [...plan.replace, ...plan.remove];
  if (write.length === 0 && drop.length === 0) return { action: 'point-in-time slices up to date', rows: 0 };
  const q = (n: string): string => d.quoteIdentifier(n);
  const t = d.relation(node.relation);
  let rows = 0;
  await connection.transaction(async () => {
    if (drop.length) await connection.execute(`delete from ${t} where ${q(AS_OF)} in (${drop.map((i) => d.timestampTzLiteral(i)).join(', ')})`);
    if (write.length) rows = (await connection.execute(`insert into ${t} (${columns.map(q).join(', ')})\n${sliceSql(write)}`)) ?? 0;
    await applyConfiguredGrants(context, node.relation, 'table', node.config.grants);
  });
  const parts = [plan.add.length && `${plan.add.length} new`, plan.replace.length && `${plan.replace.length} rebuilt`, plan.remove.length && `${plan.remove.length} removed`];
  return { action: `point-in-time slices: ${parts.filter(Boolean).join(', ')}`, rows };
};

async function fingerprints(connection: Connection, sql: string): Promise<Map<string, SliceFingerprint>> {
  const rows = await queryText(connection, sql);
  return new Map(rows.map((r) => [isoMicros(r.as_of ?? ''), { n: r.n ?? '0', f: r.f ?? '0' }]));
}

/** The `count` latest dates at which a version of the history started or ended. */
async function lastChangeDates(connection: Connection, d: Dialect, historySql: string, count: number): Promise<string[]> {
  const q = (n: string): string => d.quoteIdentifier(n);
  const rows = await queryText(
    connection,
    `select ${d.stableText('x.at', 'timestamp with time zone')} as at from (
  select h.${q('_valid_from')} as at from (\n${historySql}\n) as h
  union
  select h.${q('_valid_to')} as at from (\n${historySql}\n) as h where h.${q('_valid_to')} is not null
) as x order by x.at desc limit ${count}`,
  );
  return rows.map((r) => isoMicros(r.at ?? '')).sort();
}
