import { StrataError } from '../../shared/errors.js';
import type { Relation } from '../../manifest/types.js';
import type { Capabilities, Dialect, IntervalUnit, LogicalType, RelationKind, TemporalKind } from '../contract.js';

/** SQL both engines spell the same way (double-quoted identifiers, standard DDL); engines override what differs. */
export abstract class AnsiDialect implements Dialect {
  abstract readonly name: string;
  abstract readonly formatterLanguage: 'duckdb' | 'postgresql';
  abstract readonly capabilities: Capabilities;
  abstract readonly maxIdentifierBytes: number | undefined;
  abstract readonly sessionSchema: string | undefined;
  abstract typeName(type: LogicalType): string;

  quoteIdentifier(name: string): string {
    if (name.length === 0 || name.includes('\u0000')) {
      throw new StrataError('bad_identifier', `invalid identifier ${JSON.stringify(name)}: it must be non-empty and contain no NUL character`);
    }
    return `"${name.replaceAll('"', '""')}"`;
  }

  quoteLiteral(value: string): string {
    if (value.includes('\u0000')) throw new StrataError('bad_literal', 'a text literal cannot contain a NUL character');
    return `'${value.replaceAll("'", "''")}'`;
  }

  relation(relation: Relation): string {
    return `${this.quoteIdentifier(relation.schema)}.${this.quoteIdentifier(relation.identifier)}`;
  }

  createSchema(schema: string): string {
    return `create schema if not exists ${this.quoteIdentifier(schema)}`;
  }

  createTableAs(relation: Relation, selectSql: string): string {
    return `create table ${this.relation(relation)} as (\n${selectSql}\n)`;
  }

  createView(relation: Relation, selectSql: string): string {
    return `create view ${this.relation(relation)} as (\n${selectSql}\n)`;
  }

  createOrReplaceView(relation: Relation, selectSql: string): string {
    return `create or replace view ${this.relation(relation)} as (\n${selectSql}\n)`;
  }

  commentOnView(relation: Relation, text: string): string {
    return `comment on view ${this.relation(relation)} is ${this.quoteLiteral(text)}`;
  }

  /** By default DDL does not wait for readers (multi-version catalog): nothing to lock. */
  lockForSwap(_relations: readonly Relation[]): string[] {
    return [];
  }

  isLockBusy(_error: unknown): boolean {
    return false;
  }

  drop(relation: Relation, kind: RelationKind): string {
    return `drop ${kind} if exists ${this.relation(relation)}`;
  }

  rename(relation: Relation, newIdentifier: string, kind: RelationKind): string {
    return `alter ${kind} ${this.relation(relation)} rename to ${this.quoteIdentifier(newIdentifier)}`;
  }

  merge(target: Relation, batch: Relation, uniqueKey: readonly string[], columns: readonly string[]): string[] {
    const t = this.relation(target);
    const b = this.relation(batch);
    const on = uniqueKey.map((k) => `t.${this.quoteIdentifier(k)} is not distinct from b.${this.quoteIdentifier(k)}`).join(' and ');
    const cols = columns.map((c) => this.quoteIdentifier(c));
    const updates = columns
      .filter((c) => !uniqueKey.includes(c))
      .map((c) => `${this.quoteIdentifier(c)} = b.${this.quoteIdentifier(c)}`);
    const matched = updates.length ? `when matched then update set ${updates.join(', ')}\n` : '';
    return [
      `merge into ${t} as t using ${b} as b on ${on}\n${matched}when not matched then insert (${cols.join(', ')}) values (${cols.map((c) => `b.${c}`).join(', ')})`,
    ];
  }

  abstract hash64(expr: string): string;
  abstract firstInGroup(expr: string, orderBy: readonly string[]): string;
  abstract lastInGroup(expr: string, orderBy: readonly string[]): string;

  temporalKind(type: string): TemporalKind | undefined {
    const t = type.toLowerCase().trim();
    if (t === 'timestamptz' || t === 'timestamp with time zone' || /^timestamp\(\d\) with time zone$/.test(t)) return 'timestamptz';
    if (/^timestamp(_[a-z]+)?(\(\d\))?( without time zone)?$/.test(t) || t === 'datetime') return 'timestamp';
    if (t === 'date') return 'date';
    return undefined;
  }

  /** Times become ISO-like text in UTC; everything else is cast to text. */
  stableText(expr: string, type: string): string {
    switch (this.temporalKind(type)) {
      case 'timestamptz':
        return `cast((${expr}) at time zone 'UTC' as text)`;
      default:
        return `cast(${expr} as text)`;
    }
  }

  md5(expr: string): string {
    return `md5(${expr})`;
  }

  timestampTzLiteral(isoUtc: string): string {
    return `cast(${this.quoteLiteral(`${utcText(isoUtc)}+00`)} as timestamp with time zone)`;
  }

  timestampLiteral(isoUtc: string): string {
    return `cast(${this.quoteLiteral(utcText(isoUtc))} as timestamp)`;
  }

  interval(amount: number, unit: IntervalUnit): string {
    if (!Number.isSafeInteger(amount) || amount < 0) throw new StrataError('internal', `bad interval amount ${amount}`);
    return `interval '${amount} ${unit}${amount === 1 ? '' : 's'}'`;
  }

  utcBucket(expr: string, kind: TemporalKind, grain: string): string {
    if (!/^[a-z]+$/.test(grain)) throw new StrataError('internal', `bad grain ${grain}`);
    const utc = kind === 'timestamptz' ? `(${expr}) at time zone 'UTC'` : kind === 'date' ? `cast(${expr} as timestamp)` : expr;
    return `date_trunc('${grain}', ${utc})`;
  }

  /** ROW_NUMBER() in a subquery, keeping row 1. */
  firstRowPerGroup(columns: readonly { readonly sql: string; readonly alias: string }[], from: string, partitionBy: readonly string[], orderBy: readonly string[]): string {
    const rn = this.quoteIdentifier('__strata_rn');
    const list = columns.map((c) => `${c.sql} as ${this.quoteIdentifier(c.alias)}`).join(', ');
    return `select ${columns.map((c) => this.quoteIdentifier(c.alias)).join(', ')}
  from (
    select ${list}, row_number() over (partition by ${partitionBy.join(', ')} order by ${orderBy.join(', ')}) as ${rn}
    from ${from}
  ) as ranked
  where ${rn} = 1`;
  }

  utcToTimestampTz(expr: string): string {
    return `((${expr}) at time zone 'UTC')`;
  }
}

/** `2024-03-31T10:00:00.5Z` → `2024-03-31 10:00:00.5` (refusing anything that is not an ISO 8601 UTC instant). */
function utcText(isoUtc: string): string {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(isoUtc)) {
    throw new StrataError('internal', `not an ISO 8601 UTC instant: ${isoUtc}`);
  }
  return isoUtc.replace('T', ' ').replace('Z', '');
}
