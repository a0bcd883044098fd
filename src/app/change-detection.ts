import type { Adapter, Connection, ExistingRelation } from '../adapters/contract.js';
import type { CompiledProject } from '../compile/compile-project.js';
import { relationKey } from '../execute/run-nodes.js';
import { defaultSelectorMethods, SelectorMethodRegistry, stateSelectorMethod } from '../graph/selectors/index.js';
import type { NodeResult } from '../execute/node-result.js';
import { effectiveVersions } from '../state/effective-versions.js';
import { NodeStateStore } from '../state/node-state-store.js';
import type { NodeState } from '../state/node-state.js';
import { planChanges, type ChangePlan } from '../state/plan-changes.js';
import { readChangeState, type ChangeState } from '../state/read-change-state.js';
import { versionsByRelation } from '../state/relation-versions.js';
import { statesAfterRun } from '../state/states-after-run.js';

/** What a run knows about changes: the recorded state, the plan, and a selector registry whose `state:` method uses it. */
export interface DetectedChanges {
  readonly state: ChangeState;
  readonly plan: ChangePlan;
  readonly registry: SelectorMethodRegistry;
}

/**
 * Reads the recorded state and plans what changed (see `planChanges`). `compiled` must be
 * rendered for a full build, so checksums do not depend on `is_incremental()`.
 */
export async function detectChanges(
  adapter: Adapter,
  compiled: CompiledProject,
  projectRoot: string,
  metadataSchema: string,
  existing: ReadonlyMap<string, ExistingRelation>,
): Promise<DetectedChanges> {
  const state = await adapter.withConnection((c) => readChangeState(adapter, c, compiled.nodes, projectRoot, metadataSchema));
  const plan = planChanges({
    dag: compiled.dag,
    checksums: state.checksums,
    recorded: state.recorded,
    sourceVersions: state.sourceVersions,
    exists: (id) => {
      const node = compiled.nodes.get(id);
      return node !== undefined && (node.kind === 'model' || node.kind === 'seed') && existing.has(relationKey(node.relation.schema, node.relation.identifier));
    },
  });
  const direct = new Map<string, readonly string[]>();
  for (const [id, reasons] of plan.changed) {
    const own = reasons.filter((r) => r !== 'upstream');
    if (own.length) direct.set(id, own);
  }
  const registry: SelectorMethodRegistry = defaultSelectorMethods.clone().register(stateSelectorMethod({ reasons: direct }));
  return { state, plan, registry };
}

/** What a run built: the new state of each model and seed it built, and every relation's data version after it. */
export interface BuiltState {
  readonly states: readonly NodeState[];
  readonly versions: Map<string, string>;
}

/** The state of every model and seed the run built (see `recordNodeStates`), and the data versions (for the query cache's snapshot). */
export function builtState(compiled: CompiledProject, detected: DetectedChanges, results: readonly NodeResult[], runId: string): BuiltState {
  const built = new Set(results.filter((r) => r.status === 'success' && (r.kind === 'model' || r.kind === 'seed')).map((r) => r.uniqueId));
  const states = statesAfterRun({
    dag: compiled.dag,
    built,
    runId,
    builtAt: new Date().toISOString(),
    checksums: detected.state.checksums,
    recorded: detected.state.recorded,
    sourceVersions: detected.state.sourceVersions,
  });
  const own = new Map([...detected.state.recorded].map(([id, s]) => [id, s.version]));
  for (const s of states) own.set(s.uniqueId, s.version);
  const versions = versionsByRelation(compiled.nodes, effectiveVersions(compiled.nodes, compiled.dag.topologicalOrder(), own, detected.state.sourceVersions));
  return { states, versions };
}

/** Records node states in the metadata schema; call inside a transaction (the run's record commits with them). */
export async function recordNodeStates(adapter: Adapter, connection: Connection, metadataSchema: string, states: readonly NodeState[]): Promise<void> {
  if (states.length === 0) return;
  const store = new NodeStateStore(adapter, metadataSchema);
  await store.ensure(connection);
  await store.record(connection, states);
}
