import { layoutGraph, nodeWidth, NODE_HEIGHT } from './layout-graph.js';
import type { GraphLayout, IndexNode } from './site-data.js';

/** Projects up to this many nodes get a layout of the whole graph at generate time. */
export const FULL_LAYOUT_MAX = 300;

/** Text on a node's box in the graph. */
export function nodeLabel(node: Pick<IndexNode, 'name' | 'label'>): string {
  return node.label ?? node.name;
}

/** The whole graph, laid out once (small projects only). */
export function fullLayout(nodes: readonly IndexNode[]): GraphLayout | undefined {
  if (nodes.length > FULL_LAYOUT_MAX) return undefined;
  return layoutGraph(
    nodes.map((n, key) => ({ key, width: nodeWidth(nodeLabel(n)), height: NODE_HEIGHT })),
    nodes.flatMap((n, to) => n.parents.map((from) => ({ from, to }))),
  );
}

/** Label of a folder box: its path and how many nodes it holds. */
export function folderLabel(folder: string, count: number): string {
  return `${folder} (${count})`;
}

/**
 * Folders as nodes, with an edge wherever a node of one folder reads a node of another
 * (weighted by how many such edges there are): the first view of a large project.
 */
export function overviewLayout(nodes: readonly IndexNode[], folders: readonly string[]): GraphLayout {
  const counts = new Array<number>(folders.length).fill(0);
  for (const n of nodes) counts[n.folder] = (counts[n.folder] ?? 0) + 1;
  const weights = new Map<string, number>();
  for (const n of nodes) {
    for (const p of n.parents) {
      const from = nodes[p]!.folder;
      if (from === n.folder) continue;
      const key = `${from}>${n.folder}`;
      weights.set(key, (weights.get(key) ?? 0) + 1);
    }
  }
  // Folder-level cycles (a reads b in one place, b reads a in another) are broken by dagre.
  return layoutGraph(
    folders.map((f, key) => ({ key, width: nodeWidth(folderLabel(f, counts[key] ?? 0)), height: NODE_HEIGHT + 8 })),
    strongestEdges(weights),
  );
}

/** Incoming folder edges kept per folder: enough to read the flow, few enough to lay out fast. */
export const FOLDER_EDGES_KEPT = 4;

/**
 * The heaviest `FOLDER_EDGES_KEPT` incoming edges of each folder (`from>to` → weight), without
 * the ones a path of other kept edges already implies: on a large project every folder reads
 * many others, and drawing (and laying out) all of those edges costs seconds and shows nothing
 * readable.
 */
export function strongestEdges(weights: ReadonlyMap<string, number>): { from: number; to: number; weight: number }[] {
  const incoming = new Map<number, { from: number; to: number; weight: number }[]>();
  for (const [key, weight] of weights) {
    const [from, to] = key.split('>').map(Number) as [number, number];
    incoming.set(to, [...(incoming.get(to) ?? []), { from, to, weight }]);
  }
  const kept = [...incoming.values()].flatMap((edges) => edges.sort((a, b) => b.weight - a.weight || a.from - b.from).slice(0, FOLDER_EDGES_KEPT));
  return withoutShortcuts(kept);
}

/**
 * Drops an edge a→c when c is also reached from a through other kept edges (a→b→c): the flow
 * reads the same, and long edges are what make a layered layout slow and tangled.
 */
function withoutShortcuts<E extends { from: number; to: number }>(edges: readonly E[]): E[] {
  const out = new Map<number, E[]>();
  for (const e of edges) out.set(e.from, [...(out.get(e.from) ?? []), e]);
  const reaches = (from: number, to: number, skip: E): boolean => {
    const seen = new Set<number>([from]);
    const stack = [from];
    while (stack.length) {
      const at = stack.pop()!;
      for (const e of out.get(at) ?? []) {
        if (e === skip || seen.has(e.to)) continue;
        if (e.to === to) return true;
        seen.add(e.to);
        stack.push(e.to);
      }
    }
    return false;
  };
  return edges.filter((e) => !reaches(e.from, e.to, e));
}
