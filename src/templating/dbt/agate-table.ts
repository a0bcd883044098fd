import type { QueryResult, SqlValue } from '../../adapters/contract.js';

/**
 * The result of `run_query()` as dbt templates read it (an agate Table): `table.rows`,
 * `row[0]`, `row['name']`, `table.columns[0].values()`, `table.columns['name'].values()`,
 * `table.column_names`, and `for row in table`.
 */
export class AgateTable {
  readonly column_names: string[];
  readonly column_types: string[];
  readonly rows: AgateRow[];
  readonly columns: AgateColumn[];

  constructor(result: QueryResult) {
    this.column_names = result.columns.map((c) => c.name);
    this.column_types = result.columns.map((c) => c.type);
    const convert = result.columns.map((c) => converterFor(c.type));
    this.rows = result.rows.map((row) => new AgateRow(this.column_names, this.column_names.map((name, i) => convert[i]!(row[name] ?? null))));
    const columns = this.column_names.map((name, i) => new AgateColumn(name, this.rows.map((r) => r.at(i))));
    // Columns are reached by position or by name.
    this.columns = Object.assign(columns, Object.fromEntries(columns.map((c) => [c.name, c])));
  }

  /** A table with no columns and no rows; any column asked for is empty (what `run_query` gives at compile time). */
  static empty(): AgateTable {
    const table = new AgateTable({ columns: [], rows: [] });
    const columns = new Proxy(table.columns, {
      get: (target, key) => (key in target ? Reflect.get(target, key) : typeof key === 'string' ? new AgateColumn(key, []) : undefined),
    });
    return Object.assign(table, { columns });
  }

  [Symbol.iterator](): Iterator<AgateRow> {
    return this.rows[Symbol.iterator]();
  }

  print_table(): string {
    return '';
  }
}

/** One row: by position, by column name, iterable over its values. */
export class AgateRow {
  [key: string | number]: unknown;

  constructor(names: readonly string[], values: readonly unknown[]) {
    values.forEach((value, i) => {
      this[i] = value;
    });
    names.forEach((name, i) => {
      if (!(name in AgateRow.prototype)) this[name] = values[i];
    });
    Object.defineProperty(this, '__values', { value: values, enumerable: false });
    Object.defineProperty(this, '__names', { value: names, enumerable: false });
  }

  at(index: number): unknown {
    return (this.__values as unknown[])[index];
  }

  values(): unknown[] {
    return [...(this.__values as unknown[])];
  }

  keys(): string[] {
    return [...(this.__names as string[])];
  }

  items(): [string, unknown][] {
    return (this.__names as string[]).map((n, i) => [n, (this.__values as unknown[])[i]]);
  }

  get length(): number {
    return (this.__values as unknown[]).length;
  }

  [Symbol.iterator](): Iterator<unknown> {
    return (this.__values as unknown[])[Symbol.iterator]();
  }
}

/** One column: its name and `values()`. */
export class AgateColumn {
  constructor(
    readonly name: string,
    private readonly data: readonly unknown[],
  ) {}

  values(): unknown[] {
    return [...this.data];
  }

  [Symbol.iterator](): Iterator<unknown> {
    return this.data[Symbol.iterator]();
  }
}

/** Integers arrive as text when they may exceed JavaScript's safe range; templates get numbers when they are safe. */
function converterFor(type: string): (value: SqlValue) => unknown {
  if (/^(tinyint|smallint|integer|int|int2|int4|int8|bigint|hugeint|ubigint|uinteger|usmallint|utinyint|oid)$/i.test(type.trim())) {
    return (value) => {
      if (typeof value !== 'string') return value;
      const n = Number(value);
      return Number.isSafeInteger(n) ? n : value;
    };
  }
  if (/^(double|float|real|float4|float8|double precision)$/i.test(type.trim())) {
    return (value) => (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)) ? Number(value) : value);
  }
  return (value) => value;
}
