import type { FreshnessOutcome } from '../data-tests/run-freshness-test.js';
import type { AnomalyOutcome } from '../data-tests/anomaly/run-anomaly-test.js';
import type { NodeKind } from '../manifest/types.js';
import type { NodeStatus } from './schedule.js';

/** The outcome of one node in a run, as printed and written to run_results.json. */
export interface NodeResult {
  readonly uniqueId: string;
  readonly name: string;
  readonly kind: NodeKind;
  readonly status: NodeStatus;
  /** e.g. `created table`, for the progress line. */
  readonly action?: string;
  /** `schema.identifier` of the relation built. */
  readonly relation?: string;
  readonly rows?: number;
  readonly startedAt: string;
  readonly durationMs: number;
  /** The error, or why the node was skipped. */
  readonly message?: string;
  readonly compiledPath?: string;
  /** For data tests: the verdict, the failing-row count and the first failing rows. */
  readonly test?: {
    readonly verdict: 'pass' | 'warn' | 'fail';
    readonly failures: number;
    readonly sample: readonly Record<string, unknown>[];
    readonly severity: 'error' | 'warn';
    readonly critical: boolean;
    readonly storedIn?: string;
    /** For anomaly tests: the judged series and its statistics. */
    readonly anomaly?: AnomalyOutcome;
    /** For source freshness checks. */
    readonly freshness?: FreshnessOutcome;
  };
}

/** Receives progress as nodes start and finish, to print lines or JSON events. */
export interface RunListener {
  nodeStarted(node: { uniqueId: string; name: string; kind: NodeKind; description: string }, index: number, total: number): void;
  nodeFinished(result: NodeResult, index: number, total: number): void;
  /** Selected models and seeds `--changed` found up to date, told once before the run starts. */
  upToDate?(nodes: readonly { uniqueId: string; name: string; kind: NodeKind }[]): void;
}
