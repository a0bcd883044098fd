import type { Adapter, ExistingRelation } from '../adapters/contract.js';
import type { Dag } from '../graph/dag.js';
import type { RunnableNode } from '../manifest/types.js';
import { materializeNode } from '../materialize/materialize-node.js';
import { describeError } from '../shared/errors.js';
import type { NodeResult, RunListener } from './node-result.js';
import { schedule } from './schedule.js';

export interface RunNodesOptions {
  readonly dag: Dag;
  readonly adapter: Adapter;
  readonly selected: ReadonlySet<string>;
  readonly existing: ReadonlyMap<string, ExistingRelation>;
  readonly threads: number;
  readonly failFast: boolean;
  readonly fullRefresh: boolean;
  readonly projectRoot: string;
  readonly listener: RunListener;
}

/** Key of a relation in the `existing` map. */
export function relationKey(schema: string, identifier: string): string {
  return `${schema}\u0000${identifier}`;
}

/** Materializes the selected seeds and models through the scheduler, one connection per thread. */
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

  // Schemas are created one at a time up front: concurrent CREATE SCHEMA conflicts on DuckDB.
  const schemas = new Set([...options.selected].map((id) => (dag.node(id) as RunnableNode).relation.schema));
  await adapter.withConnection(async (connection) => {
    for (const schema of schemas) await connection.execute(adapter.dialect.createSchema(schema));
  });

  await schedule(dag, {
    inlined: (id) => {
      const node = dag.nodes.get(id);
      return node?.kind === 'model' && node.config.materialized === 'ephemeral';
    },
    selected: options.selected,
    threads: options.threads,
    failFast: options.failFast,
    run: async (id) => {
      const node = dag.node(id) as RunnableNode;
      indexOf.set(id, (numbered += 1));
      listener.nodeStarted(node, numbered, total);
      const startedAt = new Date();
      const base = {
        uniqueId: id,
        name: node.name,
        kind: node.kind,
        relation: `${node.relation.schema}.${node.relation.identifier}`,
        startedAt: startedAt.toISOString(),
        compiledPath: node.kind === 'model' ? node.compiledPath : undefined,
      };
      try {
        const outcome = await adapter.withConnection((connection) =>
          materializeNode(node, {
            adapter,
            connection,
            existing: options.existing.get(relationKey(node.relation.schema, node.relation.identifier)),
            fullRefresh: options.fullRefresh,
            projectRoot: options.projectRoot,
          }),
        );
        record({ ...base, status: 'success', action: outcome.action, rows: outcome.rows, durationMs: Date.now() - startedAt.getTime() });
        return 'success';
      } catch (error) {
        record({ ...base, status: 'error', message: describeError(error), durationMs: Date.now() - startedAt.getTime() });
        return 'error';
      }
    },
    skip: (id, cause) => {
      const node = dag.node(id) as RunnableNode;
      indexOf.set(id, (numbered += 1));
      const relation = `${node.relation.schema}.${node.relation.identifier}`;
      record({ uniqueId: id, name: node.name, kind: node.kind, relation, status: 'skipped', message: cause, startedAt: new Date().toISOString(), durationMs: 0 });
    },
  });
  return results;
}
