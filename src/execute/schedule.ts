import type { Dag } from '../graph/dag.js';

export type NodeStatus = 'success' | 'error' | 'skipped';

export interface ScheduleOptions {
  /** Ids to run; their unselected parents are treated as already built. */
  readonly selected: ReadonlySet<string>;
  readonly threads: number;
  readonly failFast: boolean;
  /** Higher runs first when more nodes are ready than threads (ties: dependency order). */
  readonly priority?: (id: string) => number;
  /** Runs one node; resolves to its status ('error' makes its descendants 'skipped'). */
  readonly run: (id: string) => Promise<NodeStatus>;
  /** Called for each node skipped because an upstream node failed (or fail-fast stopped the run). */
  readonly skip: (id: string, cause: string) => void;
  /** Unselected nodes that are inlined into their consumers (ephemeral models): dependencies pass through them. */
  readonly inlined?: (id: string) => boolean;
  /** Extra dependencies by node (`strata build`: a model waits for the tests of its parents). */
  readonly extraParents?: ReadonlyMap<string, readonly string[]>;
}

/** Parent and child edges between selected nodes, passing through inlined nodes. */
function selectedEdges(dag: Dag, order: readonly string[], options: ScheduleOptions): { parents: Map<string, Set<string>>; children: Map<string, Set<string>> } {
  const inlined = options.inlined ?? (() => false);
  const parents = new Map<string, Set<string>>();
  const children = new Map<string, Set<string>>(order.map((id) => [id, new Set<string>()]));
  const collect = (id: string, into: Set<string>, seen: Set<string>): void => {
    for (const parent of dag.parents.get(id) ?? []) {
      if (seen.has(parent)) continue;
      seen.add(parent);
      if (options.selected.has(parent)) into.add(parent);
      else if (inlined(parent)) collect(parent, into, seen);
    }
  };
  for (const id of order) {
    const found = new Set<string>();
    collect(id, found, new Set());
    for (const extra of options.extraParents?.get(id) ?? []) if (options.selected.has(extra)) found.add(extra);
    parents.set(id, found);
    for (const parent of found) children.get(parent)!.add(id);
  }
  return { parents, children };
}

/**
 * Runs the selected nodes in dependency order, up to `threads` at once. A failed node skips its
 * selected descendants and independent branches continue, unless fail-fast.
 */
export async function schedule(dag: Dag, options: ScheduleOptions): Promise<Map<string, NodeStatus>> {
  const order = dag.topologicalOrder().filter((id) => options.selected.has(id));
  const rank = new Map(order.map((id, i) => [id, i]));
  const edges = selectedEdges(dag, order, options);
  const waitingOn = new Map<string, number>();
  for (const id of order) waitingOn.set(id, edges.parents.get(id)!.size);
  const descendants = (id: string): string[] => {
    const out = new Set<string>();
    const stack = [id];
    while (stack.length) {
      for (const child of edges.children.get(stack.pop()!) ?? []) {
        if (!out.has(child)) {
          out.add(child);
          stack.push(child);
        }
      }
    }
    return [...out];
  };
  const statuses = new Map<string, NodeStatus>();
  const ready = order.filter((id) => waitingOn.get(id) === 0);
  const priority = options.priority ?? (() => 0);
  let running = 0;
  let stopped = false;

  const markSkipped = (id: string, cause: string): void => {
    if (statuses.has(id)) return;
    statuses.set(id, 'skipped');
    options.skip(id, cause);
  };

  return new Promise((resolve, reject) => {
    const finish = (id: string, status: NodeStatus): void => {
      statuses.set(id, status);
      running -= 1;
      if (status === 'error' && options.failFast) stopped = true;
      for (const child of edges.children.get(id) ?? []) {
        if (status !== 'success') {
          for (const below of [child, ...descendants(child)]) markSkipped(below, `upstream ${id} ${status === 'error' ? 'failed' : 'was skipped'}`);
          continue;
        }
        const left = waitingOn.get(child)! - 1;
        waitingOn.set(child, left);
        if (left === 0 && !statuses.has(child)) ready.push(child);
      }
      pump();
    };
    const pump = (): void => {
      if (stopped) {
        for (const id of order) if (!statuses.has(id) && !inFlight.has(id)) markSkipped(id, 'the run stopped at the first failure (--fail-fast)');
        ready.length = 0;
      }
      ready.sort((a, b) => priority(b) - priority(a) || rank.get(a)! - rank.get(b)!);
      while (running < options.threads && ready.length) {
        const id = ready.shift()!;
        if (statuses.has(id)) continue;
        running += 1;
        inFlight.add(id);
        options
          .run(id)
          .then((status) => {
            inFlight.delete(id);
            finish(id, status);
          })
          .catch(reject);
      }
      if (running === 0 && ready.length === 0) resolve(statuses);
    };
    const inFlight = new Set<string>();
    pump();
  });
}
