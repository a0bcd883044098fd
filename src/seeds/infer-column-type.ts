import type { LogicalType } from '../adapters/contract.js';

const INTEGER = /^[-+]?(0|[1-9]\d*)$/;
const DECIMAL = /^[-+]?(0|[1-9]\d*)\.(\d+)$/;
const DOUBLE = /^[-+]?(\d+\.?\d*|\.\d+)[eE][-+]?\d+$/;
const BOOLEAN = /^(true|false)$/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(:(\d{2})(\.\d{1,6})?)?$/;
const TIMESTAMPTZ = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(:(\d{2})(\.\d{1,6})?)?\s*(Z|[+-]\d{2}(:?\d{2})?)$/i;
const INT32_MAX = 2147483647n;
const INT64_MAX = 9223372036854775807n;
/** Widest decimal both engines keep exactly. */
const MAX_PRECISION = 38;

type Candidate = 'integer' | 'bigint' | 'decimal' | 'double' | 'boolean' | 'date' | 'timestamp' | 'timestamptz';
const ALL: readonly Candidate[] = ['integer', 'bigint', 'decimal', 'double', 'boolean', 'date', 'timestamp', 'timestamptz'];

/**
 * Learns a column's type one value at a time: the narrowest type every non-empty value fits.
 * Leading zeros keep a column as text (identifiers like `007` must not lose them); integers
 * beyond 64 bits become decimals, and numbers wider than 38 digits stay text; a date or time that
 * is not on the calendar is text; nested JSON makes the column JSON.
 */
export class ColumnProfiler {
  private candidates = new Set<Candidate>(ALL);
  private intDigits = 1;
  private scale = 0;
  private seen = false;
  private nested = false;

  /** One value as text; empty (or blank) values say nothing about the type. */
  add(raw: string): void {
    if (this.candidates.size === 0 && !this.nested) return;
    const value = raw.trim();
    if (value === '') return;
    this.seen = true;
    const c = this.candidates;
    const next = new Set<Candidate>();
    if (INTEGER.test(value)) {
      const big = BigInt(value);
      const abs = big < 0n ? -big : big;
      if (abs <= INT32_MAX && c.has('integer')) next.add('integer');
      if (abs <= INT64_MAX && c.has('bigint')) next.add('bigint');
      if (c.has('decimal')) next.add('decimal');
      if (c.has('double')) next.add('double');
      this.intDigits = Math.max(this.intDigits, value.replace(/^[-+]/, '').length);
    } else {
      const dec = DECIMAL.exec(value);
      if (dec) {
        if (c.has('decimal')) next.add('decimal');
        if (c.has('double')) next.add('double');
        this.intDigits = Math.max(this.intDigits, dec[1]!.length);
        this.scale = Math.max(this.scale, dec[2]!.length);
      } else if (DOUBLE.test(value) && c.has('double')) next.add('double');
    }
    if (BOOLEAN.test(value) && c.has('boolean')) next.add('boolean');
    if (c.has('date') && isCalendarDate(DATE.exec(value))) next.add('date');
    if (c.has('timestamp') && isCalendarTime(TIMESTAMP.exec(value))) next.add('timestamp');
    if (c.has('timestamptz') && isCalendarTime(TIMESTAMPTZ.exec(value))) next.add('timestamptz');
    this.candidates = next;
  }

  /** A nested JSON value (object or array): the column becomes JSON, which holds any value. */
  addNested(): void {
    this.nested = true;
    this.seen = true;
  }

  /** The narrowest type seen so far (`text` when nothing or everything was seen). */
  type(): LogicalType {
    if (this.nested) return 'json';
    if (!this.seen) return 'text';
    const c = this.candidates;
    for (const type of ['integer', 'bigint', 'boolean', 'date', 'timestamp', 'timestamptz'] as const) if (c.has(type)) return type;
    if (c.has('decimal')) {
      const precision = this.intDigits + this.scale;
      if (precision <= MAX_PRECISION) return { decimal: [Math.max(precision, 18), this.scale] };
    }
    if (c.has('double') && !c.has('decimal')) return 'double';
    return 'text';
  }
}

/** The narrowest type every non-empty value of a column fits (see ColumnProfiler). */
export function inferColumnType(values: Iterable<string>): LogicalType {
  const profiler = new ColumnProfiler();
  for (const value of values) profiler.add(value);
  return profiler.type();
}

/**
 * Whether a non-empty text value can be stored in a column of `type` (the engines' casts accept
 * it): integers within range, decimals within their integer digits (extra scale is rounded),
 * calendar dates and times, `true`/`false`. Text and JSON hold anything.
 */
export function fitsType(type: LogicalType, raw: string): boolean {
  const value = raw.trim();
  if (typeof type === 'object') {
    const m = INTEGER.test(value) ? [value, value.replace(/^[-+]/, ''), ''] : DECIMAL.exec(value);
    if (!m) return false;
    const digits = m[1]!.replace(/^[-+]/, '').replace(/^0+(?=\d)/, '');
    return digits === '0' || digits.length <= type.decimal[0] - type.decimal[1];
  }
  switch (type) {
    case 'text':
    case 'json':
      return true;
    case 'integer':
    case 'bigint': {
      if (!/^[-+]?\d+$/.test(value)) return false;
      const big = BigInt(value);
      const abs = big < 0n ? -big : big;
      return abs <= (type === 'integer' ? INT32_MAX : INT64_MAX);
    }
    case 'double':
      return INTEGER.test(value) || DECIMAL.test(value) || DOUBLE.test(value) || /^[-+]?\d+(\.\d*)?$/.test(value);
    case 'boolean':
      return BOOLEAN.test(value);
    case 'date':
      return isCalendarDate(DATE.exec(value));
    case 'timestamp':
      return isCalendarTime(TIMESTAMP.exec(value)) || isCalendarDate(DATE.exec(value));
    case 'timestamptz':
      return isCalendarTime(TIMESTAMPTZ.exec(value)) || isCalendarTime(TIMESTAMP.exec(value)) || isCalendarDate(DATE.exec(value));
  }
}

function isCalendarDate(m: RegExpExecArray | null): boolean {
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function isCalendarTime(m: RegExpExecArray | null): boolean {
  if (!m || !isCalendarDate(m)) return false;
  return Number(m[4]) <= 23 && Number(m[5]) <= 59 && Number(m[7] ?? 0) <= 59;
}
