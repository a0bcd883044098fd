import type { Adapter, Connection, ExistingRelation } from '../adapters/contract.js';
import { runDataTest } from '../data-tests/run-data-test.js';
import { runUnitTest } from '../data-tests/run-unit-test.js';
import { runFreshnessTest } from '../data-tests/run-freshness-test.js';
import { runAnomalyTest } from '../data-tests/anomaly/run-anomaly-test.js';
import type { MetadataStore } from '../observability/metadata-store.js';
import type { Dag } from '../graph/dag.js';
import { effectivePriorities } from '../graph/effective-priority.js';
import type { RunnableNode, TestNode } from '../manifest/types.js';
import { materializeNode } from '../materialize/materialize-node.js';
import { describeError } from '../shared/errors.js';
import type { NodeResult, RunListener } from './node-result.js';
import { schedule, type NodeStatus } from './schedule.js';

/** Which failed tests stop the nodes downstream of what they test. */
export type TestGate = 'critical' | 'error';

export interface RunNodesOptions {
  readonly dag: Dag;
  readonly adapter: Adapter;
  /** Seeds, models and tests to run. */
  readonly selected: ReadonlySet<string>;
  readonly existing: ReadonlyMap<string, ExistingRelation>;
  readonly threads: number;
  readonly failFast: boolean;
  readonly fullRefresh: boolean;
  readonly projectRoot: string;
  readonly listener: RunListener;
  /** Default `critical`: only a failed test tagged critical blocks what is downstream. */
  readonly gate?: TestGate;
  /** Schema of `store_failures` tables. */
  readonly failuresSchema: string;
  /** A scratch in-memory DuckDB for unit tests, opened on first use (the caller closes it). */
  readonly scratchAdapter: () => Promise<Adapter>;
  /** Run history and metrics (anomaly tests read and extend it). */
  readonly store: MetadataStore;
  readonly runId: string;
  /**
   * Called on the node's own connection just before a model or seed is materialized; returns the
   * node to build (e.g. a model whose SQL is rendered again with the database, dbt's `execute`).
   */
  readonly prepare?: (node: RunnableNode, connection: Connection) => Promise<RunnableNode>;
}

type ExecutableNode = RunnableNode | TestNode;

/** Key of a relation in the `existing` map. */
export function relationKey(schema: string, identifier: string): string {
  return `${schema}\u0000${identifier}`;
}

/**
 * Runs the selected seeds, models and tests through the scheduler, one connection per thread.
 * A model's tests run right after it, and a model waits for the tests of its parents, so a
 * failing gate test stops everything downstream (as `dbt build` does).
 */
export async function runNodes(options: RunNodesOptions): Promise<NodeResult[]> {
  const { dag, adapter, listener } = options;
  const total = options.selected.size;
  const results: NodeResult[] = [];
  // Each node keeps the number it got when it started (or was skipped), as in dbt's log.
  let numbered = 0;
  const indexOf = new Map<string, number>();
  const record = (result: NodeResult): void => {
    results.push(result);
    listener.nodeFinished(result, indexOf.get(result.uniqueId)!, total);
  };
  const nodeOf = (id: string): ExecutableNode => dag.node(id) as ExecutableNode;
  const built = new Set<string>();

  // Schemas are created one at a time up front: concurrent CREATE SCHEMA conflicts on DuckDB.
  const schemas = new Set([...options.selected].map(nodeOf).flatMap((n) => (n.kind === 'test' ? [] : [n.relation.schema])));
  await adapter.withConnection(async (connection) => {
    for (const schema of schemas) await connection.execute(adapter.dialect.createSchema(schema));
  });

  const priorities = effectivePriorities(dag);
  await schedule(dag, {
    selected: options.selected,
    priority: (id) => priorities.get(id) ?? 0,
    threads: options.threads,
    failFast: options.failFast,
    extraParents: testsOfParents(dag, options.selected),
    inlined: (id) => {
      const node = dag.nodes.get(id);
      return node?.kind === 'model' && node.config.materialized === 'ephemeral';
    },
    run: async (id) => {
      const node = nodeOf(id);
      indexOf.set(id, (numbered += 1));
      listener.nodeStarted(node, numbered, total);
      const startedAt = new Date();
      const base = describe(node, startedAt);
      try {
        const { result, status } = await adapter.withConnection((connection) => execute(node, connection, options, built));
        if (node.kind !== 'test' && result.status === 'success') built.add(id);
        record({ ...base, ...result, durationMs: Date.now() - startedAt.getTime() });
        return status;
      } catch (error) {
        record({ ...base, status: 'error', message: describeError(error), durationMs: Date.now() - startedAt.getTime() });
        return 'error';
      }
    },
    skip: (id, cause) => {
      indexOf.set(id, (numbered += 1));
      record({ ...describe(nodeOf(id), new Date()), status: 'skipped', message: cause, durationMs: 0 });
    },
  });
  return results;
}

function describe(node: ExecutableNode, startedAt: Date): Omit<NodeResult, 'status' | 'durationMs'> {
  return {
    uniqueId: node.uniqueId,
    name: node.name,
    kind: node.kind,
    relation: node.kind === 'test' ? undefined : `${node.relation.schema}.${node.relation.identifier}`,
    startedAt: startedAt.toISOString(),
    compiledPath: node.kind === 'model' ? node.compiledPath : undefined,
  };
}

async function execute(
  node: ExecutableNode,
  connection: Connection,
  options: RunNodesOptions,
  built: ReadonlySet<string>,
): Promise<{ result: Pick<NodeResult, 'status' | 'action' | 'rows' | 'test' | 'message'>; status: NodeStatus }> {
  if (node.kind !== 'test') {
    const ready = options.prepare ? await options.prepare(node, connection) : node;
    const outcome = await materializeNode(ready, {
      adapter: options.adapter,
      connection,
      existing: options.existing.get(relationKey(node.relation.schema, node.relation.identifier)),
      fullRefresh: options.fullRefresh,
      projectRoot: options.projectRoot,
    });
    return { result: { status: 'success', action: outcome.action, rows: outcome.rows }, status: 'success' };
  }
  if (node.testType === 'unit') {
    const scratch = await options.scratchAdapter();
    const unit = await scratch.withConnection((c) => runUnitTest(node, c, scratch.dialect));
    return {
      result: {
        status: unit.verdict === 'fail' ? 'error' : 'success',
        message: unit.verdict === 'fail' ? `the model's rows differ from the expected rows:\n${unit.diff}` : undefined,
        test: { verdict: unit.verdict, failures: unit.failures, sample: [], severity: 'error', critical: node.tags.includes('critical') },
      },
      status: unit.verdict === 'fail' && (node.tags.includes('critical') || options.gate === 'error') ? 'error' : 'success',
    };
  }
  if (node.testType === 'freshness') {
    const fresh = await runFreshnessTest(node, connection);
    const critical = node.tags.includes('critical');
    return {
      result: {
        status: fresh.verdict === 'fail' ? 'error' : 'success',
        message: fresh.explanation,
        test: { verdict: fresh.verdict, failures: fresh.verdict === 'pass' ? 0 : 1, sample: [], severity: node.config.severity, critical, freshness: fresh },
      },
      status: fresh.verdict === 'fail' && (critical || options.gate === 'error') ? 'error' : 'success',
    };
  }
  if (node.testType === 'anomaly') {
    const anomaly = await runAnomalyTest(node, { adapter: options.adapter, connection, store: options.store, runId: options.runId, builtInThisRun: built });
    const verdict = !anomaly.anomalous ? 'pass' : node.config.severity === 'error' ? 'fail' : 'warn';
    const critical = node.tags.includes('critical');
    return {
      result: {
        status: verdict === 'fail' ? 'error' : 'success',
        message: anomaly.anomalous || anomaly.insufficientHistory ? anomaly.explanation : undefined,
        test: { verdict, failures: anomaly.anomalous ? 1 : 0, sample: [], severity: node.config.severity, critical, anomaly },
      },
      status: verdict === 'fail' && (critical || options.gate === 'error') ? 'error' : 'success',
    };
  }
  const outcome = await runDataTest(node, { adapter: options.adapter, connection, failuresSchema: options.failuresSchema });
  const critical = node.tags.includes('critical');
  const failed = outcome.verdict === 'fail';
  const blocks = failed && (critical || (options.gate ?? 'critical') === 'error');
  return {
    result: {
      status: failed ? 'error' : 'success',
      message: failed || outcome.verdict === 'warn' ? `${outcome.failures} failing row${outcome.failures === 1 ? '' : 's'}` : undefined,
      test: { ...outcome, severity: node.config.severity, critical },
    },
    status: blocks ? 'error' : 'success',
  };
}

/** For each selected node, the selected tests of its parents: in a build they must pass first. */
function testsOfParents(dag: Dag, selected: ReadonlySet<string>): Map<string, string[]> {
  const testsOf = new Map<string, string[]>();
  for (const id of selected) {
    const node = dag.node(id);
    if (node.kind !== 'test') continue;
    for (const parent of node.dependsOn) testsOf.set(parent, [...(testsOf.get(parent) ?? []), id]);
  }
  const extra = new Map<string, string[]>();
  if (testsOf.size === 0) return extra;
  for (const id of selected) {
    const node = dag.node(id);
    if (node.kind === 'test') continue;
    const candidates = node.dependsOn.flatMap((parent) => testsOf.get(parent) ?? []);
    if (candidates.length === 0) continue;
    // Wait only for tests whose every input is upstream of this node, so no wait can form a cycle.
    const upstream = dag.walk(id, 'parents');
    const waits = candidates.filter((t) => dag.node(t).dependsOn.every((input) => upstream.has(input)));
    if (waits.length) extra.set(id, [...new Set(waits)]);
  }
  return extra;
}
