import type { Dag } from '../dag.js';

/**
 * Ids reachable from any of `starts` within `depth` steps along `direction`, in one breadth-first
 * pass over the whole start set (O(nodes + edges), however many starts). A start is included
 * only when another start reaches it.
 */
export function walkFrom(
  dag: Dag,
  starts: Iterable<string>,
  direction: 'parents' | 'children',
  depth = Infinity,
): Set<string> {
  const edges = direction === 'parents' ? dag.parents : dag.children;
  const seen = new Set<string>();
  let frontier = [...starts];
  for (let step = 0; step < depth && frontier.length > 0; step += 1) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const neighbour of edges.get(id) ?? []) {
        if (!seen.has(neighbour)) {
          seen.add(neighbour);
          next.push(neighbour);
        }
      }
    }
    frontier = next;
  }
  return seen;
}
