import type { Dag } from './dag.js';

/**
 * Each node's priority: the highest priority of the exposures that depend on it (directly or
 * through other nodes), 0 when no exposure does. Computed once, children before parents.
 */
export function effectivePriorities(dag: Dag): Map<string, number> {
  const priority = new Map<string, number>();
  const order = dag.topologicalOrder();
  for (let i = order.length - 1; i >= 0; i -= 1) {
    const id = order[i]!;
    const node = dag.node(id);
    let best = node.kind === 'exposure' ? node.priority : 0;
    for (const child of dag.children.get(id) ?? []) best = Math.max(best, priority.get(child) ?? 0);
    priority.set(id, best);
  }
  return priority;
}
