import { LoadFileError } from './load-file-error.js';

const ISO = /^(\d{4})-?(\d{2})-?(\d{2})(?:[T _](\d{2}):?(\d{2})(?::?(\d{2})(?:\.(\d{1,6}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * The logical load date of a file: `asOf` when given (`strata load --as-of`), else the date the
 * pattern finds in the file's path (first capture group, or the group named `date`), else `now`.
 * A pattern that does not match fails the file: backfills must never get today's date by accident.
 */
export function loadDateOf(
  display: string,
  spec: { readonly pattern: RegExp; readonly format: string | undefined } | undefined,
  asOf: Date | undefined,
  now: Date,
): Date {
  if (asOf) return asOf;
  if (!spec) return now;
  const match = spec.pattern.exec(display);
  const text = match?.groups?.date ?? match?.[1];
  if (!match || text === undefined) {
    throw new LoadFileError(`the file name does not match the load_date pattern /${spec.pattern.source}/ (with a capture group for the date)`);
  }
  const date = spec.format ? parseWithFormat(text, spec.format) : parseIsoDate(text);
  if (!date) throw new LoadFileError(`the load_date pattern found '${text}', which is not a date${spec.format ? ` in the format ${spec.format}` : ' (expected e.g. 2024-01-02, 20240102 or 2024-01-02T10:00:00Z)'}`);
  return date;
}

/** An ISO-8601 date or date-time (UTC unless an offset is given); undefined when not one. */
export function parseIsoDate(text: string): Date | undefined {
  const m = ISO.exec(text.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  const ms = Math.round(Number(`0.${m[7] ?? '0'}`) * 1000);
  let offset = 0;
  const zone = m[8];
  if (zone && zone.toUpperCase() !== 'Z') {
    const z = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!;
    offset = (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3] ?? 0));
  }
  return build(year, month, day, hour, minute, second, ms, offset);
}

function parseWithFormat(text: string, format: string): Date | undefined {
  const tokens: Record<string, string> = { YYYY: '(\\d{4})', MM: '(\\d{2})', DD: '(\\d{2})', HH: '(\\d{2})', mm: '(\\d{2})', ss: '(\\d{2})' };
  const order: string[] = [];
  const source = format.replace(/YYYY|MM|DD|HH|mm|ss|[.*+?^${}()|[\]\\]/g, (token) => {
    if (tokens[token]) {
      order.push(token);
      return tokens[token]!;
    }
    return `\\${token}`;
  });
  const m = new RegExp(`^${source}$`).exec(text);
  if (!m) return undefined;
  const value = (token: string, fallback: number): number => {
    const i = order.indexOf(token);
    return i < 0 ? fallback : Number(m[i + 1]);
  };
  return build(value('YYYY', 0), value('MM', 1), value('DD', 1), value('HH', 0), value('mm', 0), value('ss', 0), 0, 0);
}

function build(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number, offsetMinutes: number): Date | undefined {
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMinutes * 60_000);
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) return undefined;
  return date;
}
