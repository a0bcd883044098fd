import type { AsOfPeriod } from '../../config/strategy-config.js';
import type { AsOfDates } from '../../manifest/strategy-settings.js';

/**
 * The as-of instants a rule gives, ascending, as ISO 8601 UTC with microseconds; `undefined` for
 * `last_load_dates`, which needs the history's dates (see `lastDates`). A date means its
 * midnight UTC, so a slice holds what was known once the loads of that date were applied.
 */
export function expandAsOf(spec: AsOfDates): string[] | undefined {
  switch (spec.kind) {
    case 'list':
      return [...spec.instants].map(micros).sort();
    case 'every':
      return periodEnds(spec.period, new Date(spec.from), new Date(spec.to)).map((d) => micros(d.toISOString()));
    case 'last_load_dates':
      return undefined;
  }
}

/** The `count` latest of `dates` (ISO, any order, duplicates allowed), ascending. */
export function lastDates(dates: readonly string[], count: number): string[] {
  return [...new Set(dates)].sort().slice(-count);
}

/** Days in [from, to] (midnight UTC) that end a period: every day, Sundays, or the last day of a month, quarter or year. */
export function periodEnds(period: AsOfPeriod, from: Date, to: Date): Date[] {
  const out: Date[] = [];
  const day = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()));
  if (day < from) day.setUTCDate(day.getUTCDate() + 1);
  for (; day <= to; day.setUTCDate(day.getUTCDate() + 1)) {
    const next = new Date(day);
    next.setUTCDate(next.getUTCDate() + 1);
    const monthEnds = next.getUTCDate() === 1;
    const ends =
      period === 'day' ||
      (period === 'week_end' && day.getUTCDay() === 0) ||
      (period === 'month_end' && monthEnds) ||
      (period === 'quarter_end' && monthEnds && next.getUTCMonth() % 3 === 0) ||
      (period === 'year_end' && monthEnds && next.getUTCMonth() === 0);
    if (ends) out.push(new Date(day));
  }
  return out;
}

/** `2024-03-31T00:00:00.000Z` → `2024-03-31T00:00:00.000000Z` (the form instants are compared in). */
export function micros(iso: string): string {
  const m = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?Z$/.exec(iso);
  return m ? `${m[1]}.${(m[2] ?? '').padEnd(6, '0')}Z` : iso;
}
