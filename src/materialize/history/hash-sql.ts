import type { ColumnDescription, Dialect } from '../../adapters/contract.js';

/**
 * The `_hash` of a version: MD5 over the tracked columns, each encoded as
 * `<name length>:<name><value length>:<value>` and a NULL as nothing at all. So NULL, the empty
 * string and the text 'NULL' all differ; values cannot run into each other; and a column added
 * to the source changes no hash while it is NULL. Values are written as session-independent
 * text (times in UTC). Column order is the caller's (sorted by name).
 */
export function trackedHashSql(dialect: Dialect, tracked: readonly ColumnDescription[], qualifier = ''): string {
  if (tracked.length === 0) return dialect.md5("''");
  const parts = tracked.map((column) => {
    const value = dialect.stableText(`${qualifier}${dialect.quoteIdentifier(column.name)}`, column.type);
    const label = dialect.quoteLiteral(`${[...column.name].length}:${column.name}`);
    return `coalesce(${label} || cast(length(${value}) as text) || ':' || ${value}, '')`;
  });
  return dialect.md5(parts.join('\n      || '));
}
