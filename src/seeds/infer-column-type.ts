import type { LogicalType } from '../adapters/contract.js';

const INTEGER = /^[-+]?(0|[1-9]\d*)$/;
const DECIMAL = /^[-+]?(0|[1-9]\d*)\.(\d+)$/;
const BOOLEAN = /^(true|false)$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?$/;
const TIMESTAMPTZ = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?\s*(Z|[+-]\d{2}(:?\d{2})?)$/i;
const INT32_MAX = 2147483647n;
const INT64_MAX = 9223372036854775807n;

/**
 * The narrowest type every non-empty value of a column fits. Leading zeros keep a column as text
 * (identifiers like `007` must not lose them); integers beyond 64 bits become decimals.
 */
export function inferColumnType(values: Iterable<string>): LogicalType {
  let candidates = new Set<'integer' | 'bigint' | 'decimal' | 'boolean' | 'date' | 'timestamp' | 'timestamptz'>([
    'integer', 'bigint', 'decimal', 'boolean', 'date', 'timestamp', 'timestamptz',
  ]);
  let intDigits = 1;
  let scale = 0;
  let seen = false;
  for (const raw of values) {
    const value = raw.trim();
    if (value === '') continue;
    seen = true;
    const next = new Set<typeof candidates extends Set<infer T> ? T : never>();
    if (INTEGER.test(value)) {
      const big = BigInt(value);
      const abs = big < 0n ? -big : big;
      if (abs <= INT32_MAX && candidates.has('integer')) next.add('integer');
      if (abs <= INT64_MAX && candidates.has('bigint')) next.add('bigint');
      if (candidates.has('decimal')) next.add('decimal');
      intDigits = Math.max(intDigits, value.replace(/^[-+]/, '').length);
    } else {
      const dec = DECIMAL.exec(value);
      if (dec && candidates.has('decimal')) {
        next.add('decimal');
        intDigits = Math.max(intDigits, dec[1]!.length);
        scale = Math.max(scale, dec[2]!.length);
      }
    }
    if (BOOLEAN.test(value) && candidates.has('boolean')) next.add('boolean');
    if (DATE.test(value) && candidates.has('date')) next.add('date');
    if (TIMESTAMP.test(value) && candidates.has('timestamp')) next.add('timestamp');
    if (TIMESTAMPTZ.test(value) && candidates.has('timestamptz')) next.add('timestamptz');
    candidates = next;
    if (candidates.size === 0) return 'text';
  }
  if (!seen) return 'text';
  for (const type of ['integer', 'bigint', 'boolean', 'date', 'timestamp', 'timestamptz'] as const) {
    if (candidates.has(type)) return type;
  }
  if (candidates.has('decimal')) {
    const precision = intDigits + scale;
    return precision <= 38 ? { decimal: [Math.max(precision, 18), scale] } : 'double';
  }
  return 'text';
}
