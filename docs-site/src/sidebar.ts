import type { IndexNode, SiteIndex } from '../../src/docs/site-data.js';
import { h } from './dom.js';
import { displayName, nodeStatus } from './node-style.js';
import { href, nodeHref } from './router.js';

/** Projects up to this size start with every folder open. */
const OPEN_ALL_MAX = 150;

/**
 * The project tree: folders with their nodes, opened on demand (children are created when a
 * folder opens, so thousands of nodes cost nothing until looked at).
 */
export function sidebar(index: SiteIndex): HTMLElement {
  const byFolder = new Map<number, number[]>();
  index.nodes.forEach((n, i) => byFolder.set(n.folder, [...(byFolder.get(n.folder) ?? []), i]));
  const openAll = index.nodes.length <= OPEN_ALL_MAX;
  const tree = h('ul', { class: 'tree', role: 'tree' });
  for (const [folder, members] of [...byFolder].sort((a, b) => (index.folders[a[0]] ?? '').localeCompare(index.folders[b[0]] ?? ''))) {
    const children = h('ul', { role: 'group' });
    let filled = false;
    const fill = (): void => {
      if (filled) return;
      filled = true;
      for (const i of members) children.append(item(index.nodes[i]!));
    };
    const details = h('details', { open: openAll });
    details.addEventListener('toggle', () => details.open && fill());
    if (openAll) fill();
    details.append(h('summary', {}, h('span', { class: 'folder-name' }, index.folders[folder] ?? ''), h('span', { class: 'count' }, String(members.length)), h('a', { class: 'folder-graph', href: href(['graph'], { folder: index.folders[folder] }), title: 'Show this folder in the graph', 'aria-label': 'show this folder in the graph' }, graphIcon())), children);
    tree.append(h('li', { role: 'treeitem' }, details));
  }
  return h('nav', { class: 'sidebar', 'aria-label': 'project tree' }, tree);
}

/** A small three-node graph icon (SVG, no font glyph needed). */
function graphIcon(): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('width', '13');
  svg.setAttribute('height', '13');
  svg.setAttribute('class', 'icon');
  for (const [tag, attrs] of [
    ['path', { d: 'M4 8 L12 3.5 M4 8 L12 12.5', fill: 'none', stroke: 'currentColor', 'stroke-width': '1.5' }],
    ['circle', { cx: '4', cy: '8', r: '2.3', fill: 'currentColor' }],
    ['circle', { cx: '12', cy: '3.5', r: '2.3', fill: 'currentColor' }],
    ['circle', { cx: '12', cy: '12.5', r: '2.3', fill: 'currentColor' }],
  ] as const) {
    const el = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    svg.append(el);
  }
  return svg;
}

function item(n: IndexNode): HTMLElement {
  const status = nodeStatus(n);
  return h('li', { role: 'treeitem' }, h('a', { href: nodeHref(n.id), 'data-id': n.id, title: n.summary }, h('span', { class: `kind-dot ${n.kind}` }), displayName(n), status && status !== 'ok' ? h('span', { class: `dot ${status}` }) : null));
}

/** Marks the sidebar link of the current node. */
export function markCurrent(nav: HTMLElement, id: string | undefined): void {
  nav.querySelectorAll('a.current').forEach((a) => a.classList.remove('current'));
  if (id === undefined) return;
  const link = nav.querySelector<HTMLElement>(`a[data-id="${CSS.escape(id)}"]`);
  link?.classList.add('current');
}
