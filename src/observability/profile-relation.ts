import type { Connection, Dialect } from '../adapters/contract.js';
import type { MetricValue } from './metadata-store.js';

/** Metrics Strata can measure on a relation. */
export type MetricName = 'row_count' | 'null_rate' | 'distinct_count' | 'mean' | 'min' | 'max' | 'stddev' | 'freshness_lag_seconds';

/** Which metrics to measure, and on which columns. */
export interface MetricRequest {
  readonly metric: MetricName;
  /** The column (for row_count: none; for freshness: the timestamp column). */
  readonly column?: string;
}

const NUMERIC = /^(tinyint|smallint|integer|int|bigint|hugeint|decimal|numeric|double|real|float|int2|int4|int8|float4|float8|ubigint|uinteger|usmallint|utinyint)\b/i;

/** Whether an engine type name is numeric. */
export function isNumericType(type: string): boolean {
  return NUMERIC.test(type.trim());
}

/**
 * Measures the requested metrics with one query over `relationSql` (optionally filtered), e.g.
 * the rows of the latest load of a raw table. Freshness is computed from the column's maximum.
 */
export async function profileRelation(
  connection: Connection,
  dialect: Dialect,
  relationSql: string,
  requests: readonly MetricRequest[],
  now: Date = new Date(),
): Promise<MetricValue[]> {
  const selects = ['count(*) as "row_count"'];
  const aliases: { alias: string; request: MetricRequest }[] = [];
  requests.forEach((request, i) => {
    if (request.metric === 'row_count' || !request.column) return;
    const column = dialect.quoteIdentifier(request.column);
    const alias = `m${i}`;
    const expression = {
      null_rate: `case when count(*) = 0 then null else cast(count(*) - count(${column}) as double precision) / count(*) end`,
      distinct_count: `count(distinct ${column})`,
      mean: `avg(cast(${column} as double precision))`,
      min: `min(cast(${column} as double precision))`,
      max: `max(cast(${column} as double precision))`,
      stddev: `stddev_samp(cast(${column} as double precision))`,
      freshness_lag_seconds: `cast(max(${column}) as text)`,
    }[request.metric];
    selects.push(`${expression} as "${alias}"`);
    aliases.push({ alias, request });
  });
  const result = await connection.query(`select ${selects.join(', ')} from ${relationSql}`);
  const row = result.rows[0] ?? {};
  const values: MetricValue[] = [];
  if (requests.some((r) => r.metric === 'row_count')) values.push({ metric: 'row_count', column: '', value: Number(row.row_count ?? 0) });
  for (const { alias, request } of aliases) {
    const raw = row[alias];
    if (raw === null || raw === undefined) continue;
    const value = request.metric === 'freshness_lag_seconds' ? (now.getTime() - parseTimestamp(String(raw))) / 1000 : Number(raw);
    if (Number.isFinite(value)) values.push({ metric: request.metric, column: request.column ?? '', value });
  }
  return values;
}

/** Timestamps as engines print them (`2024-01-02 10:00:00+00`, with or without offset; no offset means UTC). */
function parseTimestamp(text: string): number {
  const iso = text.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00');
  const withZone = /([zZ]|[+-]\d{2}:\d{2})$/.test(iso) ? iso : `${iso}Z`;
  return Date.parse(withZone);
}
