/**
 * An integer with thousands separators (`1234567` → `1,234,567`), as `toLocaleString('en-US')`
 * prints it, without that call's cost: its first use in a process loads ICU's locale data (~20 ms).
 */
export function groupDigits(value: number): string {
  if (!Number.isSafeInteger(value)) return value.toLocaleString('en-US');
  const digits = String(Math.abs(value)).replace(/\B(?=(\d{3})+$)/g, ',');
  return value < 0 ? `-${digits}` : digits;
}
