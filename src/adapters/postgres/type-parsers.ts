import pg from './pg-driver.js';
import type { CustomTypesConfig } from 'pg';

/**
 * Types whose text form is kept as is: 64-bit integers and numerics keep their precision;
 * dates, times and timestamps are not turned into JS Dates in the process's time zone; JSON
 * stays text, as DuckDB returns it. Arrays of them become arrays of text.
 */
const KEEP_TEXT = new Set([
  20, // int8
  1700, // numeric
  1082, // date
  1083, // time
  1114, // timestamp
  1184, // timestamptz
  1186, // interval
  1266, // timetz
  114, // json
  3802, // jsonb
]);
const KEEP_TEXT_ARRAYS = new Set([1016, 1231, 1182, 1183, 1115, 1185, 1187, 1270, 199, 3807]);
/** text[]: not in the driver's list of built-in type ids, though it has a parser for it. */
const TEXT_ARRAY_OID = 1009 as Parameters<typeof pg.types.getTypeParser>[0];

/** Per-client type parsers (never the global ones, which other code in the process may rely on). */
export const textPreservingTypes: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (format === 'binary') return pg.types.getTypeParser(oid, 'binary');
    if (KEEP_TEXT.has(oid)) return (value: string) => value;
    if (KEEP_TEXT_ARRAYS.has(oid)) return pg.types.getTypeParser(TEXT_ARRAY_OID, 'text');
    return pg.types.getTypeParser(oid, 'text');
  }) as CustomTypesConfig['getTypeParser'],
};

const TYPE_NAMES: Readonly<Record<number, string>> = {
  16: 'boolean',
  17: 'bytea',
  18: 'char',
  19: 'name',
  20: 'bigint',
  21: 'smallint',
  23: 'integer',
  25: 'text',
  26: 'oid',
  114: 'json',
  700: 'real',
  701: 'double precision',
  1042: 'character',
  1043: 'character varying',
  1082: 'date',
  1083: 'time',
  1114: 'timestamp without time zone',
  1184: 'timestamp with time zone',
  1186: 'interval',
  1266: 'time with time zone',
  1700: 'numeric',
  2950: 'uuid',
  3802: 'jsonb',
  1000: 'boolean[]',
  1005: 'smallint[]',
  1007: 'integer[]',
  1009: 'text[]',
  1016: 'bigint[]',
  1015: 'character varying[]',
  1231: 'numeric[]',
  1022: 'double precision[]',
};

/** The type name of a result column from its OID and modifier, e.g. `numeric(18,4)`; `oid <n>` for types outside the built-in list. */
export function typeNameOf(oid: number, modifier: number): string {
  const name = TYPE_NAMES[oid] ?? `oid ${oid}`;
  if (oid === 1700 && modifier >= 4) return `numeric(${((modifier - 4) >> 16) & 0xffff},${(modifier - 4) & 0xffff})`;
  if ((oid === 1043 || oid === 1042) && modifier >= 4) return `${name}(${modifier - 4})`;
  return name;
}
