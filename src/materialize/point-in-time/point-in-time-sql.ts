import type { ColumnDescription, Dialect } from '../../adapters/contract.js';
import { aliveAt } from '../history/read-history.js';

/** The as_of column every point-in-time table starts with. */
export const AS_OF = 'as_of';

/** One row per (as-of instant, key alive then): `as_of`, then the history's columns (`keep`). */
export function pointInTimeSql(dialect: Dialect, historySql: string, keep: readonly ColumnDescription[], instants: readonly string[]): string {
  const q = (n: string): string => dialect.quoteIdentifier(n);
  // No instant: one NULL row, which matches no version (an empty table with the right columns).
  const dates = instants.length ? instants.map((i) => `(${dialect.timestampTzLiteral(i)})`).join(', ') : '(cast(null as timestamp with time zone))';
  return `select d.${q(AS_OF)}, ${keep.map((c) => `h.${q(c.name)}`).join(', ')}
from (values ${dates}) as d(${q(AS_OF)})
join (
${historySql}
) as h on ${aliveAt(dialect, 'h', `d.${q(AS_OF)}`)}`;
}

/**
 * Per as-of instant: row count and a sum of 64-bit hashes of each row's version identity (its
 * `_hash` and the raw row that introduced it). Equal on both sides exactly when a slice holds the
 * same versions, so only slices a late load changed are rebuilt.
 */
export function sliceFingerprintSql(dialect: Dialect, rowsSql: string): string {
  const q = (n: string): string => dialect.quoteIdentifier(n);
  const text = (n: string): string => `coalesce(cast(${q(n)} as text), '')`;
  const identity = [text('_hash'), text('_load_id'), text('_source_file'), text('_source_row')].join(` || '|' || `);
  return `select ${dialect.stableText(q(AS_OF), 'timestamp with time zone')} as as_of, count(*) as n, sum(${dialect.hash64(identity)}) as f
from (
${rowsSql}
) as s
group by ${q(AS_OF)}`;
}
