import { layoutGraph, nodeWidth, NODE_HEIGHT } from '../../src/docs/layout-graph.js';
import type { ColumnGraphData, ColumnTransform, SiteIndex } from '../../src/docs/site-data.js';
import { loadColumns } from './data.js';
import { h, replace } from './dom.js';
import { drawGraph, type DrawNode } from './graph-render.js';
import { displayName } from './node-style.js';
import { href, navigate, nodeHref } from './router.js';

/** Column nodes drawn at most in the column view. */
const MAX_COLUMNS = 300;

/** `#/graph?col=<node id>::<column>`: the column view of the graph. */
export function columnHref(index: SiteIndex, node: number, column: string): string {
  return href(['graph'], { col: `${index.nodes[node]!.id}::${column}` });
}

interface Adjacency {
  readonly up: Map<string, { node: number; column: string; transform: ColumnTransform }[]>;
  readonly down: Map<string, { node: number; column: string; transform: ColumnTransform }[]>;
}

let adjacency: { data: ColumnGraphData; adj: Adjacency } | undefined;
const keyOf = (node: number, column: string): string => `${node}\u0000${column.toLowerCase()}`;

function adjacencyOf(data: ColumnGraphData): Adjacency {
  if (adjacency?.data === data) return adjacency.adj;
  const up: Adjacency['up'] = new Map();
  const down: Adjacency['down'] = new Map();
  for (const [toNode, toColumn, fromNode, fromColumn, transform] of data.edges) {
    const to = keyOf(toNode, toColumn);
    const from = keyOf(fromNode, fromColumn);
    up.set(to, [...(up.get(to) ?? []), { node: fromNode, column: fromColumn, transform }]);
    down.set(from, [...(down.get(from) ?? []), { node: toNode, column: toColumn, transform }]);
  }
  const adj = { up, down };
  adjacency = { data, adj };
  return adj;
}

/**
 * Column-level lineage as a graph: the chosen column, every column it is computed from (all the
 * way upstream) and every column computed from it, each labelled `model.column`. Columns that
 * could not be traced are drawn dashed, with the reason in their tooltip.
 */
export async function renderColumnGraph(canvas: HTMLElement, panel: HTMLElement, notice: HTMLElement, index: SiteIndex, node: number, column: string): Promise<void> {
  canvas.replaceChildren(h('p', { class: 'loading' }, 'Loading column lineage…'));
  let data: ColumnGraphData;
  try {
    data = await loadColumns();
  } catch (error) {
    canvas.replaceChildren(h('p', { class: 'error' }, `Column lineage could not be loaded: ${String(error)}`));
    return;
  }
  const adj = adjacencyOf(data);
  const ids = new Map<string, number>();
  const cols: { node: number; column: string }[] = [];
  const edges: { from: number; to: number }[] = [];
  const transformOf = new Map<number, ColumnTransform>();
  const idOf = (n: number, c: string): number => {
    const key = keyOf(n, c);
    let id = ids.get(key);
    if (id === undefined) {
      id = cols.push({ node: n, column: c }) - 1;
      ids.set(key, id);
    }
    return id;
  };
  const start = idOf(node, column);
  let truncated = false;
  for (const direction of ['up', 'down'] as const) {
    let frontier = [{ node, column }];
    const seen = new Set([keyOf(node, column)]);
    while (frontier.length) {
      const next: typeof frontier = [];
      for (const current of frontier) {
        for (const other of adj[direction].get(keyOf(current.node, current.column)) ?? []) {
          if (cols.length >= MAX_COLUMNS && !ids.has(keyOf(other.node, other.column))) {
            truncated = true;
            continue;
          }
          const a = idOf(current.node, current.column);
          const b = idOf(other.node, other.column);
          if (direction === 'up') {
            edges.push({ from: b, to: a });
            transformOf.set(a, other.transform);
          } else {
            edges.push({ from: a, to: b });
            transformOf.set(b, other.transform);
          }
          const key = keyOf(other.node, other.column);
          if (!seen.has(key)) {
            seen.add(key);
            next.push(other);
          }
        }
      }
      frontier = next;
    }
  }
  const draw = new Map<number, DrawNode>();
  cols.forEach((c, id) => {
    const n = index.nodes[c.node]!;
    const reason = data.untraced[c.node]?.[c.column];
    const transform = transformOf.get(id);
    const label = `${displayName(n)}.${c.column}`;
    draw.set(id, {
      key: id,
      label,
      sublabel: reason ? 'not fully traced' : transform ?? n.kind,
      classes: `column ${n.kind}${id === start ? ' focused' : ''}${reason ? ' untraced' : ''}`,
      ...(reason ? { status: 'warn' as const } : {}),
      title: [label, transform ? `computed as: ${transform}` : '', reason ? `not traced: ${reason}` : ''].filter(Boolean).join('\n'),
    });
  });
  const layout = layoutGraph(
    cols.map((c, id) => ({ key: id, width: nodeWidth(`${displayName(index.nodes[c.node]!)}.${c.column}`), height: NODE_HEIGHT + 6 })),
    edges,
  );
  drawGraph(canvas, layout, draw, {
    highlight: start,
    onClick: (id) => {
      const c = cols[id];
      if (c) navigate(columnHref(index, c.node, c.column));
    },
  });
  const startReason = data.untraced[node]?.[column];
  notice.textContent = truncated ? `More than ${MAX_COLUMNS} columns are connected; the farthest are not drawn.` : '';
  notice.hidden = !truncated;
  const n = index.nodes[node]!;
  const list = (items: readonly { node: number; column: string; transform: ColumnTransform }[]): HTMLElement =>
    items.length
      ? h('ul', { class: 'plain' }, items.map((it) => h('li', {}, h('a', { href: columnHref(index, it.node, it.column) }, `${displayName(index.nodes[it.node]!)}.${it.column}`), h('span', { class: 'muted' }, ` ${it.transform}`))))
      : h('p', { class: 'muted' }, 'None.');
  replace(
    panel,
    h('div', { class: 'kind-badge column' }, 'column'),
    h('h2', {}, `${displayName(n)}.${column}`),
    startReason ? h('p', { class: 'warn-text' }, `Not fully traced: ${startReason}`) : null,
    h('h3', {}, 'Computed from'),
    list(adj.up.get(keyOf(node, column)) ?? []),
    h('h3', {}, 'Used by'),
    list(adj.down.get(keyOf(node, column)) ?? []),
    h('p', {}, h('a', { href: nodeHref(n.id, column) }, `Open ${displayName(n)} →`)),
    h('p', {}, h('a', { href: href(['graph'], { focus: n.id }) }, 'Back to the model graph')),
  );
}
