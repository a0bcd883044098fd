import type { NodeResult } from '../../execute/node-result.js';

/** A file the loader saw in this run. */
export interface LoadedFileEntry {
  readonly source: string;
  readonly path: string;
  readonly status: string;
  readonly rows?: number;
  readonly loadId?: string;
  readonly loadDate?: string;
  readonly message?: string;
}

/** Freshness of one source. */
export interface FreshnessEntry {
  readonly source: string;
  readonly lastLoad?: string;
  readonly lagSeconds?: number;
  readonly status: 'pass' | 'warn' | 'error' | 'unknown';
}

/** `target/reports/<run id>.json`: what a load or build did, for people (HTML) and machines. */
export interface RunReport {
  readonly runId: string;
  readonly command: string;
  readonly project: string;
  readonly target: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly status: 'success' | 'warning' | 'failure';
  readonly summary: { readonly pass: number; readonly warn: number; readonly error: number; readonly skip: number; readonly total: number };
  readonly nodes: readonly {
    readonly uniqueId: string;
    readonly name: string;
    readonly kind: string;
    readonly status: string;
    readonly relation?: string;
    readonly rows?: number;
    readonly durationMs: number;
    readonly message?: string;
  }[];
  readonly tests: readonly {
    readonly uniqueId: string;
    readonly name: string;
    readonly verdict: string;
    readonly failures: number;
    readonly severity: string;
    readonly critical: boolean;
    readonly message?: string;
  }[];
  readonly anomalies: readonly {
    readonly test: string;
    readonly anomalous: boolean;
    readonly explanation: string;
    readonly series: readonly { readonly value: number; readonly measuredAt: string }[];
  }[];
  readonly freshness: readonly FreshnessEntry[];
  readonly files: readonly LoadedFileEntry[];
  /** Recent history of the metrics kept for what this run loaded (oldest point first). */
  readonly metrics: readonly MetricSeries[];
}

/** One metric of one node over its recent versions. */
export interface MetricSeries {
  readonly node: string;
  readonly metric: string;
  readonly column: string;
  readonly points: readonly { readonly value: number; readonly measuredAt: string }[];
}

/** Overall status: failure if anything errored, warning if a test warned, else success. */
export function runStatus(results: readonly NodeResult[], files: readonly LoadedFileEntry[] = []): RunReport['status'] {
  if (results.some((r) => r.status === 'error') || files.some((f) => f.status === 'failed')) return 'failure';
  if (results.some((r) => r.test?.verdict === 'warn')) return 'warning';
  return 'success';
}

/** The report of a run from its node results (and the loader's files and freshness, when it loaded). */
export function buildRunReport(input: {
  runId: string;
  command: string;
  project: string;
  target: string;
  startedAt: string;
  finishedAt: string;
  results: readonly NodeResult[];
  files?: readonly LoadedFileEntry[];
  freshness?: readonly FreshnessEntry[];
  metrics?: readonly MetricSeries[];
}): RunReport {
  const { results } = input;
  const warn = results.filter((r) => r.test?.verdict === 'warn').length;
  const count = (status: NodeResult['status']): number => results.filter((r) => r.status === status).length;
  return {
    runId: input.runId,
    command: input.command,
    project: input.project,
    target: input.target,
    startedAt: input.startedAt,
    finishedAt: input.finishedAt,
    status: runStatus(results, input.files),
    summary: { pass: count('success') - warn, warn, error: count('error'), skip: count('skipped'), total: results.length },
    nodes: results
      .filter((r) => r.kind !== 'test')
      .map((r) => ({ uniqueId: r.uniqueId, name: r.name, kind: r.kind, status: r.status, relation: r.relation, rows: r.rows, durationMs: r.durationMs, message: r.message })),
    tests: results
      .filter((r) => r.kind === 'test')
      .map((r) => ({
        uniqueId: r.uniqueId,
        name: r.name,
        verdict: r.test?.verdict ?? r.status,
        failures: r.test?.failures ?? 0,
        severity: r.test?.severity ?? 'error',
        critical: r.test?.critical ?? false,
        message: r.message,
      })),
    anomalies: results
      .filter((r) => r.test?.anomaly)
      .map((r) => ({
        test: r.name,
        anomalous: r.test!.anomaly!.anomalous,
        explanation: r.test!.anomaly!.explanation,
        series: r.test!.anomaly!.series.map((p) => ({ value: p.value, measuredAt: p.measuredAt })),
      })),
    freshness: [
      ...(input.freshness ?? []),
      ...results
        .filter((r) => r.test?.freshness)
        .map((r) => ({
          source: r.name.replace(/^freshness_/, ''),
          lastLoad: r.test!.freshness!.lastLoaded,
          lagSeconds: r.test!.freshness!.lagSeconds,
          status: r.test!.freshness!.verdict === 'fail' ? ('error' as const) : r.test!.freshness!.verdict,
        })),
    ],
    files: input.files ?? [],
    metrics: input.metrics ?? [],
  };
}
