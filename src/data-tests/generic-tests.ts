import type { Dialect } from '../adapters/contract.js';
import { StrataError } from '../shared/errors.js';
import { refToken, sourceToken } from '../templating/tokens.js';

/** What a built-in test is given: the tested relation (a placeholder), the column, its arguments. */
export interface GenericTestInput {
  /** Relation text (possibly a placeholder) already filtered by `where`. */
  readonly relation: string;
  readonly column?: string;
  readonly args: Readonly<Record<string, unknown>>;
  readonly dialect: Dialect;
  /** Records a relation the test reads besides the tested one (relationships' `to`). */
  readonly addRef: (kind: 'ref' | 'source', name: string, table?: string) => void;
}

type Generator = (input: GenericTestInput) => string;

function needColumn(input: GenericTestInput, test: string): string {
  if (!input.column) throw new StrataError('bad_test', `test '${test}' must be declared on a column`);
  return input.column;
}

function arg<T>(input: GenericTestInput, test: string, name: string, check: (v: unknown) => v is T, what: string): T {
  const value = input.args[name];
  if (!check(value)) throw new StrataError('bad_test', `test '${test}' needs '${name}': ${what}`);
  return value;
}

const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isList = (v: unknown): v is unknown[] => Array.isArray(v) && v.length > 0;
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function literal(value: unknown, dialect: Dialect, quote: boolean): string {
  if (!quote || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return dialect.quoteLiteral(String(value));
}

/** `ref('x')` / `source('a', 'b')` in a test argument as a relation placeholder. */
export function relationArgument(text: string, input: GenericTestInput, test: string): string {
  const ref = /^\s*ref\(\s*['"]([^'"]+)['"]\s*\)\s*$/.exec(text);
  if (ref) {
    input.addRef('ref', ref[1]!);
    return refToken(ref[1]!);
  }
  const src = /^\s*source\(\s*['"]([^'"]+)['"]\s*,\s*['"]([^'"]+)['"]\s*\)\s*$/.exec(text);
  if (src) {
    input.addRef('source', src[1]!, src[2]!);
    return sourceToken(src[1]!, src[2]!);
  }
  throw new StrataError('bad_test', `test '${test}' needs 'to' written as ref('model') or source('src', 'table'), got '${text}'`);
}

const INTERVAL_PARTS = new Set(['second', 'minute', 'hour', 'day', 'week', 'month', 'year']);

/** The built-in generic tests: each returns SQL selecting the failing rows (dbt semantics). */
export const GENERIC_TESTS: Readonly<Record<string, Generator>> = {
  not_null: (input) => `select * from ${input.relation} where ${needColumn(input, 'not_null')} is null`,
  unique: (input) => {
    const column = needColumn(input, 'unique');
    return `select ${column} as unique_field, count(*) as n_records from ${input.relation} where ${column} is not null group by ${column} having count(*) > 1`;
  },
  accepted_values: (input) => {
    const column = needColumn(input, 'accepted_values');
    const values = arg(input, 'accepted_values', 'values', isList, 'a non-empty list of values');
    const quote = input.args.quote !== false;
    const list = values.map((v) => literal(v, input.dialect, quote)).join(', ');
    return `select ${column} as value_field, count(*) as n_records from ${input.relation} where ${column} is not null and ${column} not in (${list}) group by ${column}`;
  },
  relationships: (input) => {
    const column = needColumn(input, 'relationships');
    const to = relationArgument(arg(input, 'relationships', 'to', isString, "the parent, e.g. ref('customers')"), input, 'relationships');
    const field = arg(input, 'relationships', 'field', isString, 'the parent column');
    return `select child.${column} as from_field from ${input.relation} as child left join ${to} as parent on child.${column} = parent.${field} where child.${column} is not null and parent.${field} is null`;
  },
  expression_is_true: (input) => {
    const expression = arg(input, 'expression_is_true', 'expression', isString, "a SQL condition, e.g. 'amount >= 0'");
    const condition = input.column ? `${input.column} ${expression}` : expression;
    return `select * from ${input.relation} where not (${condition})`;
  },
  row_count: (input) => {
    const min = input.args.min;
    const max = input.args.max;
    if (!isNumber(min) && !isNumber(max)) throw new StrataError('bad_test', "test 'row_count' needs 'min' and/or 'max'");
    const checks = [isNumber(min) ? `count(*) < ${min}` : '', isNumber(max) ? `count(*) > ${max}` : ''].filter(Boolean);
    return `select count(*) as row_count from ${input.relation} having ${checks.join(' or ')}`;
  },
  unique_combination: (input) => {
    const columns = input.args.columns ?? input.args.combination_of_columns;
    if (!isList(columns)) throw new StrataError('bad_test', "test 'unique_combination' needs 'columns': a list of column names");
    const list = columns.map(String).join(', ');
    return `select ${list}, count(*) as n_records from ${input.relation} group by ${list} having count(*) > 1`;
  },
  recency: (input) => {
    const field = (input.args.field as string | undefined) ?? input.column;
    if (!isString(field)) throw new StrataError('bad_test', "test 'recency' needs 'field': the timestamp column");
    const datepart = String(input.args.datepart ?? 'day');
    if (!INTERVAL_PARTS.has(datepart)) throw new StrataError('bad_test', `test 'recency' needs 'datepart' to be one of ${[...INTERVAL_PARTS].join(', ')}`);
    const interval = arg(input, 'recency', 'interval', isNumber, 'a number of dateparts');
    return `select max(${field}) as most_recent from ${input.relation} having max(${field}) is null or max(${field}) < current_timestamp - interval '${interval} ${datepart}'`;
  },
};

/** dbt_utils names accepted as aliases. */
export const TEST_ALIASES: Readonly<Record<string, string>> = {
  unique_combination_of_columns: 'unique_combination',
  expression_is_true: 'expression_is_true',
};
