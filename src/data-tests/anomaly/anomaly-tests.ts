import { StrataError } from '../../shared/errors.js';
import type { MetricName } from '../../observability/profile-relation.js';

/** Which way a change must go to count as an anomaly. */
export type Direction = 'both' | 'up' | 'down';

/** The arguments an anomaly test node carries. */
export interface AnomalyArgs {
  readonly metric: MetricName;
  readonly column?: string;
  /** Previous points compared against. */
  readonly lookback: number;
  /** Points needed before the test judges anything. */
  readonly minHistory: number;
  readonly zThreshold: number;
  readonly percentThreshold?: number;
  readonly direction: Direction;
}

interface AnomalyKind {
  readonly metric: MetricName;
  readonly needsColumn: boolean;
  readonly direction: Direction;
}

/** The anomaly tests a line of YAML declares; each compares the newest metric value with its history. */
export const ANOMALY_TESTS: Readonly<Record<string, AnomalyKind>> = {
  row_count_anomaly: { metric: 'row_count', needsColumn: false, direction: 'both' },
  null_rate_anomaly: { metric: 'null_rate', needsColumn: true, direction: 'up' },
  mean_anomaly: { metric: 'mean', needsColumn: true, direction: 'both' },
  distinct_count_anomaly: { metric: 'distinct_count', needsColumn: true, direction: 'down' },
  freshness_anomaly: { metric: 'freshness_lag_seconds', needsColumn: true, direction: 'up' },
};

/** Reads an anomaly test's arguments, with defaults (10 previous loads, 3 needed, z-score above 3). */
export function anomalyArgs(testName: string, column: string | undefined, args: Readonly<Record<string, unknown>>, defaultTimeColumn?: string): AnomalyArgs {
  const kind = ANOMALY_TESTS[testName]!;
  const target = testName === 'freshness_anomaly' ? ((args.field as string | undefined) ?? column ?? defaultTimeColumn) : column;
  if (kind.needsColumn && !target) {
    throw new StrataError('bad_test', testName === 'freshness_anomaly' ? "freshness_anomaly needs 'field' (a timestamp column) or a column to be declared on" : `test '${testName}' must be declared on a column`);
  }
  const number = (name: string, fallback: number | undefined, min: number): number | undefined => {
    const value = args[name];
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min) throw new StrataError('bad_test', `test '${testName}': '${name}' must be a number of at least ${min}`);
    return value;
  };
  const direction = args.direction ?? kind.direction;
  if (direction !== 'both' && direction !== 'up' && direction !== 'down') throw new StrataError('bad_test', `test '${testName}': 'direction' must be both, up or down`);
  return {
    metric: kind.metric,
    column: kind.needsColumn ? target : undefined,
    lookback: number('lookback', 10, 2)!,
    minHistory: number('min_history', 3, 1)!,
    zThreshold: number('z_threshold', 3, 0)!,
    percentThreshold: number('percent_threshold', undefined, 0),
    direction,
  };
}
