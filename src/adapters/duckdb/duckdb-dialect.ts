import type { Capabilities, LogicalType } from '../contract.js';
import { AnsiDialect } from '../shared/ansi-dialect.js';

/** DuckDB's spelling of Strata's SQL. */
export class DuckdbDialect extends AnsiDialect {
  readonly name = 'duckdb';
  readonly formatterLanguage = 'duckdb' as const;
  readonly capabilities: Capabilities = {
    transactionalDdl: true,
    merge: true,
    viewsBindToRelations: false,
    grants: false,
  };
  readonly maxIdentifierBytes = undefined;
  readonly sessionSchema = undefined;

  typeName(type: LogicalType): string {
    if (typeof type === 'object') return `DECIMAL(${type.decimal[0]},${type.decimal[1]})`;
    switch (type) {
      case 'boolean':
        return 'BOOLEAN';
      case 'integer':
        return 'INTEGER';
      case 'bigint':
        return 'BIGINT';
      case 'double':
        return 'DOUBLE';
      case 'text':
        return 'VARCHAR';
      case 'date':
        return 'DATE';
      case 'timestamp':
        return 'TIMESTAMP';
      case 'timestamptz':
        return 'TIMESTAMPTZ';
      case 'json':
        return 'JSON';
    }
  }

  /** Times through strftime, in the same text as PostgreSQL's (so hashes agree across engines). */
  override stableText(expr: string, type: string): string {
    const format = "'%Y-%m-%d %H:%M:%S.%f'";
    switch (this.temporalKind(type)) {
      case 'timestamptz':
        return `strftime((${expr}) at time zone 'UTC', ${format})`;
      case 'timestamp':
        return `strftime(${expr}, ${format})`;
      case 'date':
        return `strftime(${expr}, '%Y-%m-%d')`;
      default:
        return `cast(${expr} as text)`;
    }
  }

  /** DuckDB's own 64-bit hash (UBIGINT). */
  hash64(expr: string): string {
    return `hash(${expr})`;
  }

  /** Ordered aggregates; unlike arg_min they keep a NULL value of the first row. */
  firstInGroup(expr: string, orderBy: readonly string[]): string {
    return `first(${expr} order by ${orderBy.join(', ')})`;
  }

  lastInGroup(expr: string, orderBy: readonly string[]): string {
    return `last(${expr} order by ${orderBy.join(', ')})`;
  }
}
