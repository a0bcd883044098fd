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
}
