import type { Dialect } from '../../adapters/contract.js';
import { StrataError } from '../../shared/errors.js';
import { bindArgs, listArg } from './macro-args.js';

type Macro = (...args: unknown[]) => unknown;

/** How one engine spells the dbt macros whose SQL differs between engines (dbt's adapter dispatch). */
interface EngineSpelling {
  dateadd(datepart: string, interval: string, from: string): string;
  datediff(first: string, second: string, datepart: string): string;
  safeCast(field: string, type: string): string;
  anyValue(expression: string): string;
}

const DATEPARTS = new Set(['year', 'quarter', 'month', 'week', 'day', 'hour', 'minute', 'second', 'millisecond', 'microsecond']);

function datepartOf(value: unknown, macro: string): string {
  const part = String(value).replace(/^['"]|['"]$/g, '').toLowerCase();
  if (!DATEPARTS.has(part)) throw new StrataError('template_error', `${macro}(): unknown datepart '${String(value)}' (use one of ${[...DATEPARTS].join(', ')})`);
  return part;
}

const postgres: EngineSpelling = {
  dateadd: (datepart, interval, from) => `${from} + ((interval '1 ${datepart}') * (${interval}))`,
  datediff(first, second, datepart) {
    const dd = (part: string): string => this.datediff(first, second, part);
    const d = (x: string): string => `(${x})::date`;
    const ts = (x: string): string => `(${x})::timestamp`;
    switch (datepart) {
      case 'year':
        return `(date_part('year', ${d(second)}) - date_part('year', ${d(first)}))`;
      case 'quarter':
        return `(${dd('year')} * 4 + date_part('quarter', ${d(second)}) - date_part('quarter', ${d(first)}))`;
      case 'month':
        return `(${dd('year')} * 12 + date_part('month', ${d(second)}) - date_part('month', ${d(first)}))`;
      case 'day':
        return `(${d(second)} - ${d(first)})`;
      case 'week':
        return `(${dd('day')} / 7 + case when date_part('dow', ${ts(first)}) <= date_part('dow', ${ts(second)}) then case when ${first} <= ${second} then 0 else -1 end else case when ${first} <= ${second} then 1 else 0 end end)`;
      case 'hour':
        return `(${dd('day')} * 24 + date_part('hour', ${ts(second)}) - date_part('hour', ${ts(first)}))`;
      case 'minute':
        return `(${dd('hour')} * 60 + date_part('minute', ${ts(second)}) - date_part('minute', ${ts(first)}))`;
      case 'second':
        return `(${dd('minute')} * 60 + floor(date_part('second', ${ts(second)})) - floor(date_part('second', ${ts(first)})))`;
      case 'millisecond':
        return `(${dd('minute')} * 60000 + floor(date_part('millisecond', ${ts(second)})) - floor(date_part('millisecond', ${ts(first)})))`;
      default:
        return `(${dd('minute')} * 60000000 + floor(date_part('microsecond', ${ts(second)})) - floor(date_part('microsecond', ${ts(first)})))`;
    }
  },
  safeCast: (field, type) => `cast(${field} as ${type})`,
  anyValue: (expression) => `min(${expression})`,
};

const duckdb: EngineSpelling = {
  dateadd: (datepart, interval, from) => `date_add(${from}, interval (${interval}) ${datepart})`,
  datediff: (first, second, datepart) => `date_diff('${datepart}', ${first}::timestamp, ${second}::timestamp)`,
  safeCast: (field, type) => `try_cast(${field} as ${type})`,
  anyValue: (expression) => `any_value(${expression})`,
};

function spellingFor(dialect: Dialect): EngineSpelling {
  switch (dialect.name) {
    case 'postgres':
      return postgres;
    case 'duckdb':
      return duckdb;
    default:
      throw new StrataError('internal', `no dbt cross-database macros for ${dialect.name}`);
  }
}

/**
 * dbt's cross-database macros (`dbt.dateadd`, `dbt.datediff`, `dbt.type_string`, `dbt.hash`, …),
 * spelt for the target's engine the way dbt's DuckDB and PostgreSQL adapters spell them. Also
 * available without the `dbt.` prefix, as in dbt.
 */
export function crossDbMacros(dialect: Dialect): Record<string, Macro> {
  const engine = spellingFor(dialect);
  const text = (v: unknown): string => String(v);
  const quote = (value: unknown): string => `'${String(value).replaceAll("'", "''")}'`;
  const macros: Record<string, Macro> = {
    type_string: () => 'TEXT',
    type_timestamp: () => 'TIMESTAMP',
    type_float: () => 'FLOAT',
    type_numeric: () => 'numeric(28,6)',
    type_bigint: () => 'bigint',
    type_int: () => 'INT',
    type_boolean: () => 'BOOLEAN',
    current_timestamp: () => 'now()',
    concat: (...args) => listArg(bindArgs('concat', args, ['fields']).fields).map(text).join(' || '),
    hash: (...args) => `md5(cast(${text(bindArgs('hash', args, ['field']).field)} as TEXT))`,
    cast: (...args) => {
      const a = bindArgs('cast', args, ['field', 'type']);
      return `cast(${text(a.field)} as ${text(a.type)})`;
    },
    safe_cast: (...args) => {
      const a = bindArgs('safe_cast', args, ['field', 'type']);
      return engine.safeCast(text(a.field), text(a.type));
    },
    cast_bool_to_text: (...args) => `cast(${text(bindArgs('cast_bool_to_text', args, ['field']).field)} as TEXT)`,
    dateadd: (...args) => {
      const a = bindArgs('dateadd', args, ['datepart', 'interval', 'from_date_or_timestamp']);
      return engine.dateadd(datepartOf(a.datepart, 'dateadd'), text(a.interval), text(a.from_date_or_timestamp));
    },
    datediff: (...args) => {
      const a = bindArgs('datediff', args, ['first_date', 'second_date', 'datepart']);
      return engine.datediff(text(a.first_date), text(a.second_date), datepartOf(a.datepart, 'datediff'));
    },
    date_trunc: (...args) => {
      const a = bindArgs('date_trunc', args, ['datepart', 'date']);
      return `date_trunc('${datepartOf(a.datepart, 'date_trunc')}', ${text(a.date)})`;
    },
    last_day: (...args) => {
      const a = bindArgs('last_day', args, ['date', 'datepart']);
      const part = datepartOf(a.datepart, 'last_day');
      const start = `date_trunc('${part}', ${text(a.date)})`;
      return `cast(${engine.dateadd('day', '-1', engine.dateadd(part, '1', start))} as date)`;
    },
    string_literal: (...args) => quote(bindArgs('string_literal', args, ['value']).value),
    escape_single_quotes: (...args) => String(bindArgs('escape_single_quotes', args, ['expression']).expression).replaceAll("'", "''"),
    split_part: (...args) => {
      const a = bindArgs('split_part', args, ['string_text', 'delimiter_text', 'part_number']);
      return `split_part(${text(a.string_text)}, ${text(a.delimiter_text)}, ${text(a.part_number)})`;
    },
    replace: (...args) => {
      const a = bindArgs('replace', args, ['field', 'old_chars', 'new_chars']);
      return `replace(${text(a.field)}, ${text(a.old_chars)}, ${text(a.new_chars)})`;
    },
    length: (...args) => `length(${text(bindArgs('length', args, ['expression']).expression)})`,
    position: (...args) => {
      const a = bindArgs('position', args, ['substring_text', 'string_text']);
      return `position(${text(a.substring_text)} in ${text(a.string_text)})`;
    },
    right: (...args) => {
      const a = bindArgs('right', args, ['string_text', 'length_expression']);
      return `right(${text(a.string_text)}, ${text(a.length_expression)})`;
    },
    listagg: (...args) => {
      const a = bindArgs('listagg', args, ['measure', 'delimiter_text', 'order_by_clause', 'limit_num'], { delimiter_text: "','", order_by_clause: null, limit_num: null });
      if (a.limit_num !== null && a.limit_num !== undefined) throw new StrataError('dbt_unsupported', 'listagg(): limit_num is not supported by Strata');
      const order = a.order_by_clause ? ` ${text(a.order_by_clause)}` : '';
      return `string_agg(${text(a.measure)}, ${text(a.delimiter_text)}${order})`;
    },
    bool_or: (...args) => `bool_or(${text(bindArgs('bool_or', args, ['expression']).expression)})`,
    any_value: (...args) => engine.anyValue(text(bindArgs('any_value', args, ['expression']).expression)),
    except: () => 'except',
    intersect: () => 'intersect',
  };
  return macros;
}
