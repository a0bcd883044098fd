import type { AnomalyArgs } from './anomaly-tests.js';

/** The judgement of the newest value against its history. */
export interface AnomalyVerdict {
  readonly anomalous: boolean;
  /** Fewer previous points than `minHistory`: the test says so and passes. */
  readonly insufficientHistory: boolean;
  readonly current: number;
  readonly mean?: number;
  readonly stddev?: number;
  readonly zScore?: number;
  readonly percentChange?: number;
  readonly explanation: string;
}

function round(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(3).replace(/\.?0+$/, '');
}

/**
 * Compares `current` with `previous` (most recent first): a z-score above the threshold, or a
 * percentage change above `percentThreshold`, in the configured direction, is an anomaly.
 * Pure: the same inputs always give the same verdict.
 */
export function evaluateAnomaly(current: number, previous: readonly number[], args: AnomalyArgs): AnomalyVerdict {
  const history = previous.slice(0, args.lookback);
  if (history.length < args.minHistory) {
    return {
      anomalous: false,
      insufficientHistory: true,
      current,
      explanation: `not enough history yet: ${history.length} of the ${args.minHistory} previous loads needed`,
    };
  }
  const mean = history.reduce((a, b) => a + b, 0) / history.length;
  const variance = history.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, history.length - 1);
  const stddev = Math.sqrt(variance);
  const delta = current - mean;
  const percentChange = mean === 0 ? (current === 0 ? 0 : Infinity) : (Math.abs(delta) / Math.abs(mean)) * 100;
  // A flat history (stddev 0) makes any change infinitely unusual; compare by percentage then.
  const zScore = stddev === 0 ? (delta === 0 ? 0 : Infinity) : Math.abs(delta) / stddev;
  const inDirection = args.direction === 'both' || (args.direction === 'up' ? delta > 0 : delta < 0);
  const byZ = zScore > args.zThreshold && (stddev > 0 || args.percentThreshold === undefined);
  const byPercent = args.percentThreshold !== undefined && percentChange > args.percentThreshold;
  const anomalous = inDirection && (byZ || byPercent);
  const explanation = `${args.metric}${args.column ? ` of ${args.column}` : ''} is ${round(current)}; the previous ${history.length} averaged ${round(mean)} (stddev ${round(stddev)}, z-score ${Number.isFinite(zScore) ? round(zScore) : 'inf'}, change ${Number.isFinite(percentChange) ? round(percentChange) : 'inf'}%)`;
  return { anomalous, insufficientHistory: false, current, mean, stddev, zScore, percentChange, explanation };
}
