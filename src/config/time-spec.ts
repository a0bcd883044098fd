import { StrataError } from '../shared/errors.js';

/** Time buckets a windowed aggregate can group by (`date_trunc` units). */
export const GRAINS = ['second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'] as const;
export type Grain = (typeof GRAINS)[number];

/** Units a duration (`'7 days'`, `'1 hour'`) can be written in. */
export type DurationUnit = 'second' | 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';

/** A length of time as written in config: an amount of one unit. */
export interface Duration {
  readonly amount: number;
  readonly unit: DurationUnit;
  /** As written, e.g. `7 days`. */
  readonly text: string;
}

const UNIT_WORDS: Readonly<Record<string, DurationUnit>> = {
  s: 'second', sec: 'second', secs: 'second', second: 'second', seconds: 'second',
  min: 'minute', mins: 'minute', minute: 'minute', minutes: 'minute',
  h: 'hour', hr: 'hour', hrs: 'hour', hour: 'hour', hours: 'hour',
  d: 'day', day: 'day', days: 'day',
  w: 'week', week: 'week', weeks: 'week',
  mo: 'month', month: 'month', months: 'month',
  y: 'year', year: 'year', years: 'year',
};

/** `'7 days'`, `'7d'`, `'1 hour'`, `'30 minutes'`, `'3 months'` (no bare `m`: minute or month?). */
export const DURATION_PATTERN = /^\s*(\d+)\s*([a-z]+)\s*$/i;

/** Parses a duration, or returns undefined when it is not one. */
export function parseDuration(text: string): Duration | undefined {
  const match = DURATION_PATTERN.exec(text);
  if (!match) return undefined;
  const unit = UNIT_WORDS[match[2]!.toLowerCase()];
  const amount = Number(match[1]);
  if (!unit || !Number.isSafeInteger(amount) || amount <= 0) return undefined;
  return { amount, unit, text: text.trim() };
}

const FIXED_SECONDS: Readonly<Partial<Record<DurationUnit | Grain, number>>> = {
  second: 1,
  minute: 60,
  hour: 3600,
  day: 86_400,
  week: 604_800,
};
const MONTHS: Readonly<Partial<Record<DurationUnit | Grain, number>>> = { month: 1, quarter: 3, year: 12 };

/** Length of a duration or grain: exact seconds, or calendar months (which vary in length). */
export type Length = { readonly seconds: number } | { readonly months: number };

export function lengthOf(amount: number, unit: DurationUnit | Grain): Length {
  const seconds = FIXED_SECONDS[unit];
  if (seconds !== undefined) return { seconds: seconds * amount };
  return { months: MONTHS[unit]! * amount };
}

/** Column-name suffix of a window: `7d`, `1h`, `30min`, `90s`, `2w`, `3mo`, `1y`. */
export function durationSuffix(duration: Duration): string {
  const short: Record<DurationUnit, string> = { second: 's', minute: 'min', hour: 'h', day: 'd', week: 'w', month: 'mo', year: 'y' };
  return `${duration.amount}${short[duration.unit]}`;
}

/** `2024-03-31`, `2024-03-31T18:00:00Z`, `2024-03-31 18:00:00+02:00` (no offset means UTC). */
export const INSTANT_PATTERN = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,6})?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;

/**
 * An instant written in config or a template as ISO 8601 text, normalised to UTC
 * (`2024-03-31T00:00:00.000Z`). A date alone is midnight UTC; a time without offset is UTC.
 */
export function parseInstant(text: string, where: { key?: string; file?: string; node?: string } = {}): string {
  const match = INSTANT_PATTERN.exec(text.trim());
  const bad = (): StrataError =>
    new StrataError('bad_instant', `'${text}' is not a date or timestamp: write YYYY-MM-DD or an ISO 8601 timestamp such as 2024-03-31T18:00:00Z`, where);
  if (!match) throw bad();
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone = 'Z'] = match;
  const offset = zone === 'Z' ? 'Z' : zone.length === 3 ? `${zone}:00` : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}${frac}${offset}`);
  if (Number.isNaN(date.getTime()) || date.getUTCFullYear() !== Number(y) && zone === 'Z') throw bad();
  // Reject impossible calendar dates such as 2024-02-30 (Date would roll them over).
  if (zone === 'Z' && (date.getUTCMonth() + 1 !== Number(mo) || date.getUTCDate() !== Number(d))) throw bad();
  return date.toISOString();
}
