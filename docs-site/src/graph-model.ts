import { FOLDER_EDGES_KEPT, strongestEdges } from '../../src/docs/project-layouts.js';
import type { IndexNode, SiteIndex } from '../../src/docs/site-data.js';

/** Most nodes drawn at once; beyond it the graph is collapsed by folder or its depth reduced. */
export const MAX_DRAWN = 250;

/** What the graph page was asked to show. */
export interface GraphQuery {
  readonly focus?: number;
  /** Upstream / downstream steps from the focus (Infinity for all). */
  readonly up: number;
  readonly down: number;
  /** Node indices the filters let through (undefined: no filter). */
  readonly allowed?: ReadonlySet<number>;
}

export type GraphView =
  | { readonly kind: 'nodes'; readonly nodes: readonly number[]; readonly complete: boolean; readonly notice?: string; readonly up: number; readonly down: number }
  | { readonly kind: 'folders'; readonly folders: readonly { readonly folder: number; readonly count: number }[]; readonly edges: readonly { from: number; to: number; weight: number }[]; readonly notice: string; readonly complete: boolean };

/** Nodes within `depth` steps of `start` along `edges` (start excluded), with the step each was found at. */
export function walk(nodes: readonly IndexNode[], start: number, direction: 'parents' | 'children', depth: number): Map<number, number> {
  const seen = new Map<number, number>();
  let frontier = [start];
  for (let step = 1; step <= depth && frontier.length; step += 1) {
    const next: number[] = [];
    for (const i of frontier) {
      for (const j of nodes[i]![direction]) {
        if (j === start || seen.has(j)) continue;
        seen.set(j, step);
        next.push(j);
      }
    }
    frontier = next;
  }
  return seen;
}

/**
 * Decides what to draw: the focus's neighbourhood (depth reduced until it fits), or every node
 * the filters allow; when that is more than MAX_DRAWN nodes, the folders holding them instead.
 */
export function graphView(index: SiteIndex, query: GraphQuery): GraphView {
  const { nodes } = index;
  const allowed = (i: number): boolean => !query.allowed || query.allowed.has(i);
  if (query.focus !== undefined) {
    const upAll = walk(nodes, query.focus, 'parents', query.up);
    const downAll = walk(nodes, query.focus, 'children', query.down);
    let up = query.up;
    let down = query.down;
    const pick = (u: number, d: number): number[] => [
      query.focus!,
      ...[...upAll].filter(([i, s]) => s <= u && allowed(i)).map(([i]) => i),
      ...[...downAll].filter(([i, s]) => s <= d && allowed(i) && !upAll.has(i)).map(([i]) => i),
    ];
    let chosen = pick(up, down);
    let notice: string | undefined;
    if (chosen.length > MAX_DRAWN) {
      const total = chosen.length;
      up = Math.min(up, Math.max(0, ...upAll.values()));
      down = Math.min(down, Math.max(0, ...downAll.values()));
      while (chosen.length > MAX_DRAWN && (up > 1 || down > 1)) {
        if (up >= down && up > 1) up -= 1;
        else down -= 1;
        chosen = pick(up, down);
      }
      if (chosen.length > MAX_DRAWN) chosen = chosen.slice(0, MAX_DRAWN);
      notice = `${total} nodes are within the depth asked for; showing ${chosen.length} (upstream ${up}, downstream ${down}). Use the filters to narrow it.`;
    }
    return { kind: 'nodes', nodes: chosen, complete: false, up, down, ...(notice ? { notice } : {}) };
  }
  const chosen = nodes.map((_, i) => i).filter(allowed);
  if (chosen.length <= MAX_DRAWN) return { kind: 'nodes', nodes: chosen, complete: chosen.length === nodes.length, up: 0, down: 0 };
  const counts = new Map<number, number>();
  for (const i of chosen) counts.set(nodes[i]!.folder, (counts.get(nodes[i]!.folder) ?? 0) + 1);
  const inSet = new Set(chosen);
  const weights = new Map<string, number>();
  for (const i of chosen) {
    for (const p of nodes[i]!.parents) {
      if (!inSet.has(p)) continue;
      const from = nodes[p]!.folder;
      const to = nodes[i]!.folder;
      if (from === to) continue;
      weights.set(`${from}>${to}`, (weights.get(`${from}>${to}`) ?? 0) + 1);
    }
  }
  if (counts.size === 1) {
    return {
      kind: 'nodes',
      nodes: chosen.slice(0, MAX_DRAWN),
      complete: false,
      up: 0,
      down: 0,
      notice: `${chosen.length} nodes match, all in one folder; showing the first ${MAX_DRAWN}. Narrow with a tag, a selector or a focus.`,
    };
  }
  return {
    kind: 'folders',
    folders: [...counts].map(([folder, count]) => ({ folder, count })),
    edges: strongestEdges(weights),
    complete: chosen.length === nodes.length,
    notice: `${chosen.length} nodes, grouped by folder (lines show the main dependencies between folders: up to ${FOLDER_EDGES_KEPT} per folder, without the ones a longer path implies). Click a folder to open it, or search for a node to focus it.`,
  };
}
