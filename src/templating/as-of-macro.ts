import type { Dialect } from '../adapters/contract.js';
import { parseInstant } from '../config/time-spec.js';
import { StrataError } from '../shared/errors.js';
import { TemplateRelation } from './tokens.js';

/**
 * `as_of(ref('x_history'), '2024-03-31')`: the versions of a history model as known at an
 * instant (alive then and not deleted), as a subquery usable after FROM. The instant is a date
 * (midnight UTC) or an ISO 8601 timestamp, as in point_in_time's `as_of_dates`; the subquery is
 * aliased with the model's name unless `alias` is given (PostgreSQL wants an alias).
 */
export function asOfSql(dialect: Dialect, relation: unknown, instant: unknown, alias?: unknown): string {
  if (!(relation instanceof TemplateRelation)) {
    throw new StrataError('bad_as_of', "as_of() takes a relation first, e.g. as_of(ref('customers_history'), '2024-03-31')");
  }
  if (typeof instant !== 'string' && !(instant instanceof Date)) {
    throw new StrataError('bad_as_of', "as_of() takes a date or timestamp text second, e.g. '2024-03-31' or '2024-03-31T18:00:00Z'");
  }
  const iso = instant instanceof Date ? instant.toISOString() : parseInstant(instant);
  const at = dialect.timestampTzLiteral(iso);
  const q = (n: string): string => `h.${dialect.quoteIdentifier(n)}`;
  const name = typeof alias === 'string' && alias ? alias : relation.name;
  return `(select h.* from ${String(relation)} as h where ${q('_valid_from')} <= ${at} and (${q('_valid_to')} is null or ${q('_valid_to')} > ${at}) and not ${q('_is_deleted')}) as ${dialect.quoteIdentifier(name)}`;
}
