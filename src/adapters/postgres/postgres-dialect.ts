import type { Relation } from '../../manifest/types.js';
import { StrataError } from '../../shared/errors.js';
import type { Capabilities, LogicalType } from '../contract.js';
import { AnsiDialect } from '../shared/ansi-dialect.js';

/** PostgreSQL keeps names up to NAMEDATALEN - 1 bytes and silently truncates longer ones. */
const MAX_IDENTIFIER_BYTES = 63;

/** Privileges a `grants` config may list on a table or view. */
export const GRANTABLE_PRIVILEGES: ReadonlySet<string> = new Set(['select', 'insert', 'update', 'delete', 'truncate', 'references', 'trigger', 'maintain']);

/** PostgreSQL's spelling of Strata's SQL (server 15 or later: MERGE). */
export class PostgresDialect extends AnsiDialect {
  readonly name = 'postgres';
  readonly formatterLanguage = 'postgresql' as const;
  readonly capabilities: Capabilities = {
    transactionalDdl: true,
    merge: true,
    viewsBindToRelations: true,
    grants: true,
  };
  readonly maxIdentifierBytes = MAX_IDENTIFIER_BYTES;
  readonly sessionSchema = 'pg_temp';

  override quoteIdentifier(name: string): string {
    const bytes = Buffer.byteLength(name);
    if (bytes > MAX_IDENTIFIER_BYTES) {
      throw new StrataError(
        'identifier_too_long',
        `identifier ${JSON.stringify(name)} is ${bytes} bytes long; PostgreSQL keeps at most ${MAX_IDENTIFIER_BYTES} bytes and would silently truncate it: choose a shorter name (or an alias)`,
      );
    }
    return super.quoteIdentifier(name);
  }

  /** Standard quoting; a value with backslashes is written as E'' so it reads the same whatever `standard_conforming_strings` says. */
  override quoteLiteral(value: string): string {
    const quoted = super.quoteLiteral(value);
    return value.includes('\\') ? `E${quoted.replaceAll('\\', '\\\\')}` : quoted;
  }

  typeName(type: LogicalType): string {
    if (typeof type === 'object') return `numeric(${type.decimal[0]},${type.decimal[1]})`;
    switch (type) {
      case 'boolean':
        return 'boolean';
      case 'integer':
        return 'integer';
      case 'bigint':
        return 'bigint';
      case 'double':
        return 'double precision';
      case 'text':
        return 'text';
      case 'date':
        return 'date';
      case 'timestamp':
        return 'timestamp';
      case 'timestamptz':
        return 'timestamptz';
      case 'json':
        return 'jsonb';
    }
  }

  /** Plain `=` on the key, so PostgreSQL can hash-join the batch (a NULL key never matches: keys must be non-null). */
  override merge(target: Relation, batch: Relation, uniqueKey: readonly string[], columns: readonly string[]): string[] {
    const q = (name: string): string => this.quoteIdentifier(name);
    const on = uniqueKey.map((k) => `t.${q(k)} = b.${q(k)}`).join(' and ');
    const updates = columns.filter((c) => !uniqueKey.includes(c)).map((c) => `${q(c)} = b.${q(c)}`);
    const matched = updates.length ? `when matched then update set ${updates.join(', ')}\n` : '';
    const cols = columns.map(q);
    return [
      `merge into ${this.relation(target)} as t using ${this.relation(batch)} as b on ${on}\n${matched}when not matched then insert (${cols.join(', ')}) values (${cols.map((c) => `b.${c}`).join(', ')})`,
    ];
  }

  /** `grant <privilege> on <relation> to <role>`; the role PUBLIC is the keyword, every other role is quoted. */
  grant(relation: Relation, privilege: string, role: string): string {
    return `grant ${this.privilege(privilege)} on ${this.relation(relation)} to ${this.role(role)}`;
  }

  /** `revoke <privilege> on <relation> from <role>`. */
  revoke(relation: Relation, privilege: string, role: string): string {
    return `revoke ${this.privilege(privilege)} on ${this.relation(relation)} from ${this.role(role)}`;
  }

  private privilege(privilege: string): string {
    const p = privilege.toLowerCase();
    if (!GRANTABLE_PRIVILEGES.has(p)) {
      throw new StrataError('bad_grant', `unknown privilege '${privilege}' in grants: use one of ${[...GRANTABLE_PRIVILEGES].join(', ')}`, { key: 'grants' });
    }
    return p;
  }

  private role(role: string): string {
    return role.toLowerCase() === 'public' ? 'public' : this.quoteIdentifier(role);
  }

  /** Times through to_char, so neither TimeZone nor DateStyle changes the text. */
  override stableText(expr: string, type: string): string {
    const format = "'YYYY-MM-DD HH24:MI:SS.US'";
    switch (this.temporalKind(type)) {
      case 'timestamptz':
        return `to_char((${expr}) at time zone 'UTC', ${format})`;
      case 'timestamp':
        return `to_char(${expr}, ${format})`;
      case 'date':
        return `to_char(${expr}, 'YYYY-MM-DD')`;
      default:
        return `cast(${expr} as text)`;
    }
  }

  hash64(expr: string): string {
    return `hashtextextended(${expr}, 0)`;
  }

  /** DISTINCT ON: the select list is then computed below the sort, in parallel workers. */
  override firstRowPerGroup(columns: readonly { readonly sql: string; readonly alias: string }[], from: string, partitionBy: readonly string[], orderBy: readonly string[]): string {
    const list = columns.map((c) => `${c.sql} as ${this.quoteIdentifier(c.alias)}`).join(', ');
    return `select distinct on (${partitionBy.join(', ')}) ${list}
  from ${from}
  order by ${[...partitionBy, ...orderBy].join(', ')}`;
  }

  /**
   * DDL takes ACCESS EXCLUSIVE locks and waits for readers, and readers queue behind it. Taking
   * every lock at once with NOWAIT (or failing at once, to be retried) means a reader never
   * waits for a swap that waits for it, so no reader is ever chosen as a deadlock victim.
   */
  override lockForSwap(relations: readonly Relation[]): string[] {
    if (relations.length === 0) return [];
    return [`lock table ${relations.map((r) => this.relation(r)).join(', ')} in access exclusive mode nowait`];
  }

  /** SQLSTATE 55P03 (lock_not_available), which NOWAIT raises. */
  override isLockBusy(error: unknown): boolean {
    return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '55P03';
  }

  /** No first()/last() aggregates: the first element of an ordered array_agg. */
  firstInGroup(expr: string, orderBy: readonly string[]): string {
    return `(array_agg(${expr} order by ${orderBy.join(', ')}))[1]`;
  }

  lastInGroup(expr: string, orderBy: readonly string[]): string {
    return `(array_agg(${expr} order by ${orderBy.map((o) => `${o} desc`).join(', ')}))[1]`;
  }
}
