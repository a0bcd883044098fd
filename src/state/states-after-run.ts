import type { Dag } from '../graph/dag.js';
import { effectiveVersions } from './effective-versions.js';
import type { NodeState } from './node-state.js';

/**
 * The states to record for the models and seeds a run built: their checksums, the data versions
 * of their inputs after the run (a parent built in the same run counts with its new version) and
 * a new version of their own (the run id). Pure.
 */
export function statesAfterRun(input: {
  readonly dag: Dag;
  readonly built: ReadonlySet<string>;
  readonly runId: string;
  readonly builtAt: string;
  readonly checksums: ReadonlyMap<string, string>;
  readonly recorded: ReadonlyMap<string, NodeState>;
  readonly sourceVersions: ReadonlyMap<string, string>;
}): NodeState[] {
  const { dag } = input;
  const own = new Map<string, string>();
  for (const [id, state] of input.recorded) own.set(id, state.version);
  for (const id of input.built) own.set(id, input.runId);
  const versions = effectiveVersions(dag.nodes, dag.topologicalOrder(), own, input.sourceVersions);
  const out: NodeState[] = [];
  for (const id of input.built) {
    const node = dag.nodes.get(id);
    const checksum = input.checksums.get(id);
    if (!node || (node.kind !== 'model' && node.kind !== 'seed') || checksum === undefined) continue;
    const inputVersions: Record<string, string> = {};
    for (const parent of node.dependsOn) {
      const version = versions.get(parent);
      if (version !== undefined) inputVersions[parent] = version;
    }
    out.push({ uniqueId: id, checksum, inputVersions, builtAt: input.builtAt, runId: input.runId, version: input.runId });
  }
  return out;
}
