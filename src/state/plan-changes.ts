import type { Dag } from '../graph/dag.js';
import type { ChangeReason, NodeState } from './node-state.js';
import { effectiveVersions } from './effective-versions.js';

/** What the planner needs: the compiled graph and what the database and the metadata schema say. */
export interface ChangeInput {
  readonly dag: Dag;
  /** Current checksum of every model and seed (`modelChecksum`, `seedChecksum`). */
  readonly checksums: ReadonlyMap<string, string>;
  /** Recorded state by unique id. */
  readonly recorded: ReadonlyMap<string, NodeState>;
  /** Current data version of each source, by unique id. */
  readonly sourceVersions: ReadonlyMap<string, string>;
  /** Whether the node's relation exists in the database. */
  readonly exists: (id: string) => boolean;
}

/** The planner's answer: the reasons of every node to rebuild; every other buildable node is up to date. */
export interface ChangePlan {
  /** Nodes to rebuild with their reasons: the directly changed ones and everything downstream of them (`upstream`). */
  readonly changed: ReadonlyMap<string, readonly ChangeReason[]>;
  /** Buildable (non-ephemeral) models and seeds with nothing to do. */
  readonly upToDate: ReadonlySet<string>;
  /** Effective data versions before the run, by unique id. */
  readonly versions: ReadonlyMap<string, string>;
}

/**
 * Decides which models and seeds `--changed` rebuilds, without a database: a node is changed when
 * it was never built, its checksum differs from the recorded one, its relation is missing, or an
 * input's data version differs from the one it was built from; everything downstream of a changed
 * node is changed too. Ephemeral models are never built: a change to one shows in its consumers'
 * compiled SQL (and so in their checksums).
 */
export function planChanges(input: ChangeInput): ChangePlan {
  const { dag } = input;
  const order = dag.topologicalOrder();
  const own = new Map<string, string>();
  for (const [id, state] of input.recorded) own.set(id, state.version);
  const versions = effectiveVersions(dag.nodes, order, own, input.sourceVersions);
  const changed = new Map<string, ChangeReason[]>();
  const upToDate = new Set<string>();
  const add = (id: string, reason: ChangeReason): void => {
    const list = changed.get(id) ?? [];
    if (!list.includes(reason)) list.push(reason);
    changed.set(id, list);
  };
  for (const id of order) {
    const node = dag.node(id);
    if (node.kind !== 'model' && node.kind !== 'seed') continue;
    if (node.kind === 'model' && node.config.materialized === 'ephemeral') continue;
    const state = input.recorded.get(id);
    if (!state) add(id, 'new');
    else {
      if (state.checksum !== input.checksums.get(id)) add(id, 'modified');
      if (!input.exists(id)) add(id, 'missing');
      for (const parent of node.dependsOn) {
        if (!dag.nodes.has(parent)) continue;
        if (state.inputVersions[parent] !== versions.get(parent)) {
          add(id, 'new_data');
          break;
        }
      }
    }
    if (!changed.has(id) && dag.parents.get(id)?.some((p) => changed.has(p) || changedEphemeral(dag, p, changed))) add(id, 'upstream');
    if (!changed.has(id)) upToDate.add(id);
  }
  return { changed, upToDate, versions };
}

/** An ephemeral parent is never itself changed; it passes the changes of its own parents on. */
function changedEphemeral(dag: Dag, id: string, changed: ReadonlyMap<string, unknown>): boolean {
  const node = dag.node(id);
  if (node.kind !== 'model' || node.config.materialized !== 'ephemeral') return false;
  return dag.parents.get(id)?.some((p) => changed.has(p) || changedEphemeral(dag, p, changed)) ?? false;
}
