import { StrataError } from '../shared/errors.js';
import type { GraphNode } from '../manifest/types.js';

/** The project DAG: nodes by id with parent and child edges. Build once, query many times. */
export class Dag {
  readonly parents = new Map<string, string[]>();
  readonly children = new Map<string, string[]>();

  constructor(readonly nodes: ReadonlyMap<string, GraphNode>) {
    for (const id of nodes.keys()) {
      this.parents.set(id, []);
      this.children.set(id, []);
    }
    for (const node of nodes.values()) {
      for (const parent of node.dependsOn) {
        if (!nodes.has(parent)) continue;
        this.parents.get(node.uniqueId)!.push(parent);
        this.children.get(parent)!.push(node.uniqueId);
      }
    }
  }

  node(id: string): GraphNode {
    const node = this.nodes.get(id);
    if (!node) throw new StrataError('unknown_node', `unknown node ${id}`);
    return node;
  }

  /** Ids reachable upstream (`parents`) or downstream (`children`) within `depth` steps (unbounded by default). */
  walk(start: string, direction: 'parents' | 'children', depth = Infinity): Set<string> {
    const edges = direction === 'parents' ? this.parents : this.children;
    const seen = new Set<string>();
    let frontier = [start];
    for (let step = 0; step < depth && frontier.length; step += 1) {
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
    seen.delete(start);
    return seen;
  }

  /** All ids in dependency order (parents before children); throws on a cycle. */
  topologicalOrder(): string[] {
    const indegree = new Map<string, number>();
    for (const [id, parents] of this.parents) indegree.set(id, parents.length);
    const ready = [...indegree].filter(([, n]) => n === 0).map(([id]) => id);
    const order: string[] = [];
    for (let next = 0; next < ready.length; next += 1) {
      const id = ready[next]!;
      order.push(id);
      for (const child of this.children.get(id) ?? []) {
        const left = indegree.get(child)! - 1;
        indegree.set(child, left);
        if (left === 0) ready.push(child);
      }
    }
    if (order.length !== this.nodes.size) {
      const cycle = this.findCycle();
      throw new StrataError('cycle', `dependency cycle: ${(cycle ?? []).join(' -> ')}`, {
        file: cycle ? this.nodes.get(cycle[0]!)?.path : undefined,
      });
    }
    return order;
  }

  /** One cycle as a path of ids that starts and ends with the same node, or undefined. */
  findCycle(): string[] | undefined {
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (id: string): string[] | undefined => {
      state.set(id, 'open');
      stack.push(id);
      for (const child of this.children.get(id) ?? []) {
        const s = state.get(child);
        if (s === 'open') return [...stack.slice(stack.indexOf(child)), child];
        if (s === undefined) {
          const found = visit(child);
          if (found) return found;
        }
      }
      stack.pop();
      state.set(id, 'done');
      return undefined;
    };
    for (const id of [...this.nodes.keys()].sort()) {
      if (!state.has(id)) {
        const found = visit(id);
        if (found) return found;
      }
    }
    return undefined;
  }
}
