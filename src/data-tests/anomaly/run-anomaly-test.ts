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

/** How many past points are read to know which versions are already measured. */
const KNOWN_VERSIONS = 1000;

/**
 * Records the metric for every version of the tested data not measured yet (each load of a raw
 * table, in load order; or a rebuild of a model in this run), then judges the newest point
 * against the previous ones. Re-running tests on unchanged data adds no point, so the history
 * counts loads and builds, not test runs.
 */
export async function runAnomalyTest(test: TestNode, context: AnomalyRunContext): Promise<AnomalyOutcome> {
  const args = test.args as unknown as AnomalyArgs;
  const { connection, store } = context;
  const node = test.attachedNode!;
  const column = args.column ?? '';
  const known = new Set((await store.history(connection, node, args.metric, column, KNOWN_VERSIONS)).map((p) => p.dataVersion));
  for (const version of await unmeasuredVersions(test, context, known)) {
    const values = await profileRelation(connection, context.adapter.dialect, version.relation, [{ metric: args.metric, column: args.column }]);
    const value = values.find((v) => v.metric === args.metric);
    if (value) await store.recordMetrics(connection, context.runId, node, [value], version.measuredAt, version.id);
  }
  const series = await store.history(connection, node, args.metric, column, args.lookback + 1);
  const [current, ...previous] = series;
  if (!current) {
    return { anomalous: false, insufficientHistory: true, current: Number.NaN, explanation: 'no value could be measured (empty relation?)', series: [] };
  }
  const verdict = evaluateAnomaly(current.value, previous.map((p) => p.value), args);
  return { ...verdict, series: [...series].reverse() };
}

interface DataVersion {
  readonly id: string;
  /** The relation holding just this version's rows. */
  readonly relation: string;
  readonly measuredAt: string;
}

/** Versions of the tested data without a recorded point: raw loads in load order, or this run's rebuild. */
async function unmeasuredVersions(test: TestNode, context: AnomalyRunContext, known: ReadonlySet<string>): Promise<DataVersion[]> {
  const d = context.adapter.dialect;
  const whole = `(\n${test.compiledSql}\n) as strata_measured`;
  const now = new Date().toISOString();
  let loads: { id: string; loadedAt: string }[] | undefined;
  try {
    const result = await context.connection.query(
      `select cast(_load_id as text) as id, cast(max(_loaded_at) as text) as loaded_at from ${whole} group by _load_id order by min(_loaded_at), _load_id`,
    );
    loads = result.rows.map((r) => ({ id: String(r.id), loadedAt: String(r.loaded_at ?? now) }));
  } catch {
    // No _load_id/_loaded_at columns: not a raw table.
  }
  if (loads) {
    return loads
      .filter((load) => !known.has(`load:${load.id}`))
      .map((load) => ({
        id: `load:${load.id}`,
        relation: `(select * from ${whole} where cast(_load_id as text) = ${d.quoteLiteral(load.id)}) as strata_load`,
        measuredAt: load.loadedAt,
      }));
  }
  const rebuilt = context.builtInThisRun.has(test.attachedNode ?? '');
  const version = `run:${context.runId}`;
  // A model measured for the first time, or rebuilt by this run, gets a point for its current rows.
  if ((rebuilt || known.size === 0) && !known.has(version)) return [{ id: version, relation: whole, measuredAt: now }];
  return [];
}
