/** One load of the raw layer: its id (as text) and its logical load date (ISO 8601 UTC, microseconds). */
export interface LoadRef {
  readonly id: string;
  readonly date: string;
}

/** What a history run finds before it decides anything. */
export interface HistoryState {
  /** Whether the history table and its applied-loads table both exist as tables. */
  readonly built: boolean;
  readonly fullRefresh: boolean;
  /** Loads already applied (from the applied-loads table); empty when not built. */
  readonly applied: readonly LoadRef[];
  /** Every load in the raw source. */
  readonly raw: readonly LoadRef[];
}

/**
 * What a history run does:
 * - `rebuild`: compute the whole history from raw (first run, `--full-refresh`, or state that does not match raw);
 * - `up_to_date`: no load to apply;
 * - `append`: one new load date, later than every applied one: versions open and close against the current rows;
 * - `recompute`: versions from `from` on are recomputed from raw for the keys concerned (several new dates, or a
 *   load dated before loads already applied: a late file, a backfill, a correction).
 */
export type HistoryPlan =
  | { readonly kind: 'rebuild'; readonly reason: string; readonly loads: readonly LoadRef[] }
  | { readonly kind: 'up_to_date' }
  | { readonly kind: 'append'; readonly date: string; readonly loads: readonly LoadRef[] }
  | { readonly kind: 'recompute'; readonly from: string; readonly late: boolean; readonly loads: readonly LoadRef[] };

/** Decides the run from the state alone (pure, so it is tested without a database). */
export function planHistoryRun(state: HistoryState): HistoryPlan {
  if (!state.built) return { kind: 'rebuild', reason: 'first run', loads: state.raw };
  if (state.fullRefresh) return { kind: 'rebuild', reason: 'full refresh', loads: state.raw };
  const key = (load: LoadRef): string => `${load.id}\u0000${load.date}`;
  const rawKeys = new Set(state.raw.map(key));
  const vanished = state.applied.filter((load) => !rawKeys.has(key(load)));
  if (vanished.length) {
    return { kind: 'rebuild', reason: `${vanished.length} applied load(s) are no longer in raw (e.g. load ${vanished[0]!.id})`, loads: state.raw };
  }
  const appliedKeys = new Set(state.applied.map(key));
  const loads = state.raw.filter((load) => !appliedKeys.has(key(load))).sort(byDateThenId);
  if (loads.length === 0) return { kind: 'up_to_date' };
  const from = loads[0]!.date;
  const lastApplied = state.applied.reduce<string | undefined>((max, load) => (max === undefined || load.date > max ? load.date : max), undefined);
  const late = lastApplied !== undefined && from <= lastApplied;
  if (!late && loads.every((load) => load.date === from)) return { kind: 'append', date: from, loads };
  return { kind: 'recompute', from, late, loads };
}

function byDateThenId(a: LoadRef, b: LoadRef): number {
  return a.date < b.date ? -1 : a.date > b.date ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * An engine's UTC timestamp text (`2024-03-31 00:00:00`, `2024-03-31 00:00:00.250000`) as a
 * fixed-width ISO instant with microseconds, so instants compare as strings.
 */
export function isoMicros(utcText: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?/.exec(utcText.trim());
  if (!m) throw new Error(`not a UTC timestamp: ${utcText}`);
  return `${m[1]}T${m[2]}.${(m[3] ?? '').padEnd(6, '0').slice(0, 6)}Z`;
}
