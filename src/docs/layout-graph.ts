import dagre from '@dagrejs/dagre';
import type { GraphLayout, LayoutEdge, LayoutNode } from './site-data.js';

/** A node to lay out: a key the caller understands and its box size. */
export interface LayoutInputNode {
  readonly key: number;
  readonly width: number;
  readonly height: number;
}

export interface LayoutInputEdge {
  readonly from: number;
  readonly to: number;
  readonly weight?: number;
}

/** Graphs up to this many nodes get dagre's network-simplex ranking (tighter); larger ones the faster longest-path. */
const NETWORK_SIMPLEX_MAX = 120;

/** Height of a node box in the lineage graph, in layout units. */
export const NODE_HEIGHT = 30;

/** Width of a node box for a label, so the renderer and the layout agree. */
export function nodeWidth(label: string): number {
  return Math.max(110, Math.min(280, 44 + label.length * 7.6));
}

/**
 * A left-to-right layered layout (dagre) of a directed acyclic graph: upstream on the left.
 * Pure and synchronous; used at generate time in Node and for small neighbourhoods in the browser.
 */
export function layoutGraph(
  nodes: readonly LayoutInputNode[],
  edges: readonly LayoutInputEdge[],
  options: { readonly ranker?: 'network-simplex' | 'tight-tree' | 'longest-path' } = {},
): GraphLayout {
  if (nodes.length === 0) return { width: 0, height: 0, nodes: [], edges: [] };
  const graph = new dagre.graphlib.Graph({ multigraph: false });
  graph.setGraph({
    rankdir: 'LR',
    nodesep: 14,
    ranksep: 70,
    edgesep: 8,
    marginx: 20,
    marginy: 20,
    ranker: options.ranker ?? (nodes.length <= NETWORK_SIMPLEX_MAX ? 'network-simplex' : 'longest-path'),
  });
  graph.setDefaultEdgeLabel(() => ({}));
  const keys = new Set<number>();
  for (const node of nodes) {
    keys.add(node.key);
    graph.setNode(String(node.key), { width: node.width, height: node.height });
  }
  for (const edge of edges) {
    if (edge.from === edge.to || !keys.has(edge.from) || !keys.has(edge.to)) continue;
    graph.setEdge(String(edge.from), String(edge.to), { weight: edge.weight ?? 1 });
  }
  dagre.layout(graph);
  const round = (n: number): number => Math.round(n * 10) / 10;
  const laidOut: LayoutNode[] = nodes.map((node) => {
    const placed = graph.node(String(node.key)) as { x: number; y: number };
    return { key: node.key, x: round(placed.x), y: round(placed.y), width: node.width, height: node.height };
  });
  const laidEdges: LayoutEdge[] = (graph.edges() as { v: string; w: string }[]).map((e) => {
    const label = graph.edge(e) as { points?: { x: number; y: number }[]; weight?: number };
    const points = (label.points ?? []).flatMap((p) => [round(p.x), round(p.y)]);
    const weight = label.weight ?? 1;
    return weight > 1 ? { from: Number(e.v), to: Number(e.w), points, weight } : { from: Number(e.v), to: Number(e.w), points };
  });
  const label = graph.graph() as { width?: number; height?: number };
  return { width: round(label.width ?? 0), height: round(label.height ?? 0), nodes: laidOut, edges: laidEdges };
}
