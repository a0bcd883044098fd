import type { Adapter, Connection } from '../../adapters/contract.js';
import type { TestNode } from '../../manifest/types.js';
import type { MetadataStore, MetricPoint } from '../../observability/metadata-store.js';
import { profileRelation } from '../../observability/profile-relation.js';
import type { AnomalyArgs } from './anomaly-tests.js';
import { evaluateAnomaly, type AnomalyVerdict } from './evaluate-anomaly.js';

export interface AnomalyRunContext {
  readonly adapter: Adapter;
  readonly connection: Connection;
  readonly store: MetadataStore;
  readonly runId: string;
  /** Nodes materialized by this run: their data is a new version. */
  readonly builtInThisRun: ReadonlySet<string>;
}

/** An anomaly test's verdict with the series it judged (newest last), for the report. */
export interface AnomalyOutcome extends AnomalyVerdict {
  readonly series: readonly MetricPoint[];
}

/**
 * Records the metric for the tested data's current version when it is new (a new load id for
 * raw tables, or a rebuild in this run), then judges the newest point against the previous ones.
 * Re-running tests on unchanged data adds no point, so history counts loads, not test runs.
 */
export async function runAnomalyTest(test: TestNode, context: AnomalyRunContext): Promise<AnomalyOutcome> {
  const args = test.args as unknown as AnomalyArgs;
  const { connection, store, adapter } = context;
  const whole = `(\n${test.compiledSql}\n) as strata_measured`;
  const column = args.column ?? '';
  const version = await dataVersion(test, context, whole);
  const [latest] = await store.history(connection, test.attachedNode!, args.metric, column, 1);
  if (!latest || (version !== undefined && latest.dataVersion !== version)) {
    // A raw table keeps every load: measure the newest load's rows, not the accumulated table.
    const loadId = version?.startsWith('load:') ? version.slice(5) : undefined;
    const measured = loadId === undefined ? whole : `(select * from ${whole} where cast(_load_id as text) = ${adapter.dialect.quoteLiteral(loadId)}) as strata_load`;
    const values = await profileRelation(connection, adapter.dialect, measured, [{ metric: args.metric, column: args.column }]);
    const value = values.find((v) => v.metric === args.metric);
    if (value) {
      await store.recordMetrics(connection, context.runId, test.attachedNode!, [value], new Date().toISOString(), version ?? `run:${context.runId}`);
    }
  }
  const series = await store.history(connection, test.attachedNode!, args.metric, column, args.lookback + 1);
  const [current, ...previous] = series;
  if (!current) {
    return { anomalous: false, insufficientHistory: true, current: Number.NaN, explanation: 'no value could be measured (empty relation?)', series: [] };
  }
  const verdict = evaluateAnomaly(current.value, previous.map((p) => p.value), args);
  return { ...verdict, series: [...series].reverse() };
}

/** The version of the tested data: its newest load id when it has one, else this run if it rebuilt it. */
async function dataVersion(test: TestNode, context: AnomalyRunContext, measured: string): Promise<string | undefined> {
  try {
    const result = await context.connection.query(`select cast(max(_load_id) as text) as version from ${measured}`);
    const version = result.rows[0]?.version;
    if (version !== null && version !== undefined) return `load:${String(version)}`;
  } catch {
    // No _load_id column: not a raw table.
  }
  return context.builtInThisRun.has(test.attachedNode ?? '') ? `run:${context.runId}` : undefined;
}
