import type { Aggregation, AsOfPeriod } from '../config/strategy-config.js';
import type { Duration, Grain } from '../config/time-spec.js';

/** `materialized: history`: SCD2 over load dates, built from a raw (append-only) source. */
export interface HistorySettings {
  /** Tracked columns; undefined means every column but the key and the raw layer's system columns. */
  readonly checkCols?: readonly string[];
  /** `snapshot` feeds delete the keys a load lacks; `delta` feeds never delete. From the source's `load` unless configured. */
  readonly sourceLoad: 'snapshot' | 'delta';
  /** ORDER BY terms picking the row that wins among several rows of one key in one load (the first in this order). */
  readonly deduplicateBy: readonly string[];
}

/** `materialized: current`: the live versions of a history model. */
export interface CurrentSettings {
  readonly materializeAs: 'view' | 'table';
}

/** Which as-of dates a point-in-time table holds. */
export type AsOfDates =
  | { readonly kind: 'list'; readonly instants: readonly string[] }
  | { readonly kind: 'every'; readonly period: AsOfPeriod; readonly from: string; readonly to: string }
  | { readonly kind: 'last_load_dates'; readonly count: number };

/** `materialized: point_in_time`: one slice per as-of date of a history model. */
export interface PointInTimeSettings {
  readonly asOf: AsOfDates;
}

/** One output column of a windowed aggregate. */
export interface AggregationSpec {
  readonly column: string;
  readonly fn: Aggregation;
}

/** `materialized: windowed_aggregate`: rolling time windows (or plain resampling) per partition and time bucket. */
export interface WindowedAggregateSettings {
  /** Model read when the model's SQL is empty (`source` config). */
  readonly source?: string;
  readonly timeColumn: string;
  readonly partitionBy: readonly string[];
  readonly grain: Grain;
  /** Rolling windows; empty means one value per bucket (resampling). */
  readonly windows: readonly Duration[];
  readonly aggregations: readonly AggregationSpec[];
  /** Tie-breakers after the time column for `first` and `last`. */
  readonly orderBy: readonly string[];
  /** How far before the last bucket built an incremental run re-reads events (late events). */
  readonly lookback?: Duration;
}

/** dbt snapshots: SCD2 of a query's current state, captured at each run, with dbt's `dbt_*` columns. */
export interface SnapshotSettings {
  /** `timestamp`: a key's row changed when its `updatedAt` column is later than the snapshot's; `check`: when a check column differs. */
  readonly strategy: 'timestamp' | 'check';
  /** The column holding the row's last update (timestamp strategy). */
  readonly updatedAt?: string;
  /** Columns compared by the check strategy (`all`: every column of the query). */
  readonly checkCols: 'all' | readonly string[];
  /** `invalidate`: a key missing from the query has its current version closed at the run's time. */
  readonly hardDeletes: 'ignore' | 'invalidate';
}
