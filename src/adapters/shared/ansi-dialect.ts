import { StrataError } from '../../shared/errors.js';
import type { Relation } from '../../manifest/types.js';
import type { Capabilities, Dialect, LogicalType, RelationKind } from '../contract.js';

/** SQL both engines spell the same way (double-quoted identifiers, standard DDL); engines override what differs. */
export abstract class AnsiDialect implements Dialect {
  abstract readonly name: string;
  abstract readonly formatterLanguage: 'duckdb' | 'postgresql';
  abstract readonly capabilities: Capabilities;
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
}
