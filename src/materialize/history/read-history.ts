import type { ColumnDescription, Dialect } from '../../adapters/contract.js';
import type { ModelNode } from '../../manifest/types.js';
import { StrataError } from '../../shared/errors.js';

/** Columns a history table has that only make sense inside it: dropped from current and point-in-time outputs. */
export const HISTORY_ONLY_COLUMNS: ReadonlySet<string> = new Set(['_valid_to', '_is_current', '_is_deleted']);

/** The versioning columns a model reading a history model needs. */
const NEEDED = ['_valid_from', '_valid_to', '_is_current', '_is_deleted', '_hash'];

/**
 * Checks that a current or point-in-time model's query returns a history model's columns, and
 * returns the columns to keep: everything but `_valid_to`, `_is_current` and `_is_deleted`.
 */
export function historyReaderColumns(node: ModelNode, columns: readonly ColumnDescription[]): ColumnDescription[] {
  const names = new Set(columns.map((c) => c.name));
  const missing = NEEDED.filter((n) => !names.has(n));
  if (missing.length) {
    throw new StrataError(
      'not_a_history',
      `materialized '${node.config.materialized}' reads a history model, but the query lacks ${missing.join(', ')}; select * from {{ ref('<history model>') }}`,
      { node: node.name, file: node.path },
      'execution',
    );
  }
  return columns.filter((c) => !HISTORY_ONLY_COLUMNS.has(c.name));
}

/** `h` rows alive and not deleted at `instant` (an SQL expression of type timestamptz). */
export function aliveAt(dialect: Dialect, alias: string, instant: string): string {
  const q = (n: string): string => `${alias}.${dialect.quoteIdentifier(n)}`;
  return `${q('_valid_from')} <= ${instant} and (${q('_valid_to')} is null or ${q('_valid_to')} > ${instant}) and not ${q('_is_deleted')}`;
}
