import type { LogicalType } from '../adapters/contract.js';

const NAMES: Readonly<Record<string, LogicalType>> = {
  boolean: 'boolean',
  bool: 'boolean',
  integer: 'integer',
  int: 'integer',
  int4: 'integer',
  int32: 'integer',
  smallint: 'integer',
  int2: 'integer',
  tinyint: 'integer',
  bigint: 'bigint',
  int8: 'bigint',
  int64: 'bigint',
  long: 'bigint',
  double: 'double',
  'double precision': 'double',
  float: 'double',
  float8: 'double',
  real: 'double',
  float4: 'double',
  text: 'text',
  string: 'text',
  varchar: 'text',
  'character varying': 'text',
  char: 'text',
  character: 'text',
  date: 'date',
  timestamp: 'timestamp',
  'timestamp without time zone': 'timestamp',
  datetime: 'timestamp',
  timestamptz: 'timestamptz',
  'timestamp with time zone': 'timestamptz',
  json: 'json',
  jsonb: 'json',
};

/**
 * The logical type of a type name as written in YAML (`bigint`, `decimal(18,4)`, `varchar(16)`,
 * `timestamp with time zone`) or reported by an engine's catalog; undefined when unknown.
 */
export function parseTypeName(text: string): LogicalType | undefined {
  const t = text.trim().toLowerCase().replace(/\s+/g, ' ');
  const decimal = /^(?:decimal|numeric)\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)$/.exec(t);
  if (decimal) {
    const precision = Number(decimal[1]);
    const scale = Number(decimal[2] ?? 0);
    return precision >= 1 && precision <= 38 && scale <= precision ? { decimal: [precision, scale] } : undefined;
  }
  if (t === 'decimal' || t === 'numeric') return { decimal: [18, 3] };
  return NAMES[t.replace(/\s*\(\s*\d+\s*\)$/, '')];
}

/** A type as a person reads it: `integer`, `decimal(18,4)`. */
export function typeLabel(type: LogicalType): string {
  return typeof type === 'object' ? `decimal(${type.decimal[0]},${type.decimal[1]})` : type;
}

/** Whether two logical types are the same. */
export function sameType(a: LogicalType, b: LogicalType): boolean {
  return typeLabel(a) === typeLabel(b);
}
