import { createHash } from 'node:crypto';
import type { Connection, Dialect } from '../../adapters/contract.js';
import type { Relation } from '../../manifest/types.js';
import { queryText } from '../describe-query.js';
import { isoMicros, type LoadRef } from './plan-history-run.js';

/**
 * The table beside a history table that records which raw loads it has applied
 * (`<name>__loads`: load_id as text, load_date, applied_at). It changes in the same transaction
 * as the history, so the two always agree.
 */
export function appliedLoadsRelation(dialect: Dialect, history: Relation): Relation {
  const tail = '__loads';
  const full = `${history.identifier}${tail}`;
  const max = dialect.maxIdentifierBytes;
  if (max === undefined || Buffer.byteLength(full) <= max) return { schema: history.schema, identifier: full };
  const hash = createHash('sha256').update(history.identifier).digest('hex').slice(0, 8);
  let head = '';
  for (const char of history.identifier) {
    if (Buffer.byteLength(`${head}${char}_${hash}${tail}`) > max) break;
    head += char;
  }
  return { schema: history.schema, identifier: `${head}_${hash}${tail}` };
}

/** A load found in raw, with what a history run needs to know about it. */
export interface RawLoad extends LoadRef {
  /** Rows of the load with a NULL in the key. */
  readonly nullKeys: number;
  /** The lineage a deletion at this load's date records: the smallest load id and file of that date. */
  readonly dateLoadId: string;
  readonly dateSourceFile: string;
}

/**
 * SELECT of the loads of a raw query: id (as text), date (UTC text), how many rows have a NULL in
 * the key, and the smallest load id and file of the date. One scan of raw answers all of them.
 */
export function loadsOfSql(dialect: Dialect, sourceSql: string, loadDateType: string, key: readonly string[]): string {
  const q = (n: string): string => dialect.quoteIdentifier(n);
  const nullKey = key.map((k) => `${q(k)} is null`).join(' or ');
  // Group first, then format: the raw table has many rows and few loads.
  return `select cast(l.${q('_load_id')} as text) as load_id, ${dialect.stableText(`l.${q('_load_date')}`, loadDateType)} as load_date, l.null_keys,
  cast(min(l.${q('_load_id')}) over (partition by l.${q('_load_date')}) as text) as date_load_id,
  min(l.source_file) over (partition by l.${q('_load_date')}) as date_source_file
from (select ${q('_load_id')}, ${q('_load_date')}, sum(case when ${nullKey} then 1 else 0 end) as null_keys, min(${q('_source_file')}) as source_file
  from (
${sourceSql}
  ) as strata_raw group by ${q('_load_id')}, ${q('_load_date')}) as l`;
}

/** The loads of a `loadsOfSql` query. */
export async function readRawLoads(connection: Connection, sql: string): Promise<RawLoad[]> {
  return (await queryText(connection, sql)).flatMap((r) =>
    r.load_id == null || r.load_date == null
      ? []
      : [{ id: r.load_id, date: isoMicros(r.load_date), nullKeys: Number(r.null_keys ?? 0), dateLoadId: r.date_load_id ?? r.load_id, dateSourceFile: r.date_source_file ?? '' }],
  );
}

/** The loads of a SELECT of `load_id` and `load_date` (UTC text). */
export async function readLoads(connection: Connection, sql: string): Promise<LoadRef[]> {
  return (await queryText(connection, sql)).flatMap((r) => (r.load_id == null || r.load_date == null ? [] : [{ id: r.load_id, date: isoMicros(r.load_date) }]));
}

/** SELECT of the applied loads recorded beside a history table. */
export function appliedLoadsSql(dialect: Dialect, relation: Relation): string {
  return `select load_id, ${dialect.stableText('load_date', 'timestamp with time zone')} as load_date from ${dialect.relation(relation)}`;
}

/** CREATE TABLE AS for a new applied-loads table holding the loads of a raw query. */
export function createAppliedLoadsSql(dialect: Dialect, relation: Relation, sourceSql: string): string {
  const q = (n: string): string => dialect.quoteIdentifier(n);
  return dialect.createTableAs(
    relation,
    `select distinct cast(${q('_load_id')} as text) as load_id, ${q('_load_date')} as load_date, current_timestamp as applied_at
from (
${sourceSql}
) as strata_raw`,
  );
}

/** INSERT recording `loads` as applied. */
export function recordLoadsSql(dialect: Dialect, relation: Relation, loads: readonly LoadRef[]): string {
  const values = loads.map((l) => `(${dialect.quoteLiteral(l.id)}, ${dialect.timestampTzLiteral(l.date)}, current_timestamp)`);
  return `insert into ${dialect.relation(relation)} (load_id, load_date, applied_at) values ${values.join(', ')}`;
}
