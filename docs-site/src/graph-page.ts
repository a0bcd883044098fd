import { layoutGraph, nodeWidth, NODE_HEIGHT } from '../../src/docs/layout-graph.js';
import type { GraphLayout, SiteIndex } from '../../src/docs/site-data.js';
import { renderColumnGraph } from './column-graph.js';
import { h, replace } from './dom.js';
import { drawGraph, type DrawNode } from './graph-render.js';
import { graphView, type GraphView } from './graph-model.js';
import { displayName, nodeStatus, statusText } from './node-style.js';
import { href, navigate, nodeHref } from './router.js';
import { selectIndices } from './selector-filter.js';

const DEPTHS = ['0', '1', '2', '3', '5', 'all'];

/** Parameters of the graph page, as kept in the URL hash. */
interface GraphParams {
  focus?: string;
  up?: string;
  down?: string;
  tag?: string;
  folder?: string;
  mat?: string;
  select?: string;
  col?: string;
}

function paramsOf(search: URLSearchParams): GraphParams {
  const out: GraphParams = {};
  for (const key of ['focus', 'up', 'down', 'tag', 'folder', 'mat', 'select', 'col'] as const) {
    const value = search.get(key);
    if (value) out[key] = value;
  }
  return out;
}

const depthOf = (text: string | undefined, fallback: number): number => (text === 'all' ? Infinity : text !== undefined && /^\d+$/.test(text) ? Number(text) : fallback);

/**
 * The lineage graph: the whole project when it is small, else its folders, or the neighbourhood
 * of a focused node; filtered by tag, folder, materialization and a dbt selector.
 */
export function renderGraphPage(main: HTMLElement, index: SiteIndex, search: URLSearchParams): void {
  const params = paramsOf(search);
  const go = (change: Partial<GraphParams>): void => {
    const next: Record<string, string | undefined> = { ...params, ...change };
    navigate(href(['graph'], next));
  };
  const byId = new Map(index.nodes.map((n, i) => [n.id, i]));
  const focus = params.focus !== undefined ? byId.get(params.focus) : undefined;

  // Filters → the set of nodes allowed (undefined: everything).
  let allowed: Set<number> | undefined;
  let selectorError: string | undefined;
  const restrict = (keep: (i: number) => boolean): void => {
    const base = allowed ?? new Set(index.nodes.map((_, i) => i));
    allowed = new Set([...base].filter(keep));
  };
  if (params.tag) restrict((i) => index.nodes[i]!.tags.includes(params.tag!) || (Array.isArray(index.nodes[i]!.config?.tags) && (index.nodes[i]!.config!.tags as string[]).includes(params.tag!)));
  if (params.folder) restrict((i) => index.folders[index.nodes[i]!.folder] === params.folder || index.folders[index.nodes[i]!.folder]!.startsWith(`${params.folder}/`));
  if (params.mat) restrict((i) => (index.nodes[i]!.materialized ?? index.nodes[i]!.kind) === params.mat);
  if (params.select) {
    try {
      const picked = selectIndices(index, params.select);
      restrict((i) => picked.has(i));
    } catch (error) {
      selectorError = error instanceof Error ? error.message : String(error);
    }
  }

  const up = depthOf(params.up, 2);
  const down = depthOf(params.down, 2);
  const canvas = h('div', { class: 'graph-canvas', id: 'graph-canvas' });
  const panel = h('aside', { class: 'graph-panel' });
  const notice = h('div', { class: 'graph-notice', role: 'status' });
  main.replaceChildren(h('div', { class: 'graph-page' }, toolbar(), h('div', { class: 'graph-body' }, canvas, panel), notice, legend()));

  if (params.col) {
    const [nodeId, column] = splitColumn(params.col);
    const nodeIndex = nodeId !== undefined ? byId.get(nodeId) : undefined;
    if (nodeIndex === undefined || !column) notice.textContent = `Unknown column ${params.col}`;
    else void renderColumnGraph(canvas, panel, notice, index, nodeIndex, column);
    return;
  }

  const view = graphView(index, { ...(focus !== undefined ? { focus } : {}), up, down, ...(allowed ? { allowed } : {}) });
  const notes: string[] = [];
  if (params.focus && focus === undefined) notes.push(`No node ${params.focus}.`);
  if (selectorError) notes.push(`Selector: ${selectorError}`);
  if ('notice' in view && view.notice) notes.push(view.notice);
  if (view.kind === 'nodes' && view.nodes.length === 0) notes.push('No node matches the filters.');
  notice.textContent = notes.join(' ');
  notice.hidden = notes.length === 0;
  drawView(canvas, index, view, focus, (key) => {
    if (view.kind === 'folders') go({ folder: index.folders[key], focus: undefined });
    else go({ focus: index.nodes[key]!.id });
  });
  renderPanel(panel, index, focus, view);

  function toolbar(): HTMLElement {
    if (params.col) {
      const [nodeId, column] = splitColumn(params.col);
      const owner = nodeId !== undefined ? byId.get(nodeId) : undefined;
      return h(
        'div',
        { class: 'graph-toolbar' },
        h('span', { class: 'chip focus-chip' }, `Column lineage: ${owner !== undefined ? displayName(index.nodes[owner]!) : nodeId ?? ''}.${column ?? ''}`),
        h('span', { class: 'muted' }, 'Every column it is computed from, and every column computed from it. Dashed: not fully traced.'),
        h('a', { class: 'button', href: href(['graph'], owner !== undefined ? { focus: index.nodes[owner]!.id } : {}) }, 'Back to the model graph'),
      );
    }
    const focusChip =
      focus !== undefined
        ? h('span', { class: 'chip focus-chip' }, 'Focus: ', h('a', { href: nodeHref(index.nodes[focus]!.id) }, displayName(index.nodes[focus]!)), h('button', { type: 'button', class: 'chip-x', title: 'Show everything', 'aria-label': 'clear focus', onclick: () => go({ focus: undefined, up: undefined, down: undefined }) }, '×'))
        : h('span', { class: 'chip muted' }, 'Click a node to focus it');
    const depthSelect = (name: 'up' | 'down', label: string, value: number): HTMLElement =>
      h(
        'label',
        { class: 'field' },
        label,
        select(DEPTHS.map((d) => [d, d]), value === Infinity ? 'all' : String(value), (v) => go({ [name]: v }), focus === undefined, `${name}-depth`),
      );
    const tags = [...new Set(index.nodes.flatMap((n) => [...n.tags, ...(Array.isArray(n.config?.tags) ? (n.config!.tags as string[]) : [])]))].sort();
    const mats = [...new Set(index.nodes.map((n) => n.materialized ?? n.kind))].sort();
    const selector = h('input', { type: 'search', class: 'selector-input', id: 'selector-input', placeholder: 'selector, e.g. +bars_1m or tag:marts', value: params.select ?? '', 'aria-label': 'dbt selector', spellcheck: 'false' });
    selector.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') go({ select: selector.value.trim() || undefined });
    });
    return h(
      'div',
      { class: 'graph-toolbar' },
      focusChip,
      depthSelect('up', 'Upstream', up),
      depthSelect('down', 'Downstream', down),
      h('label', { class: 'field' }, 'Tag', select([['', 'any'], ...tags.map((t): [string, string] => [t, t])], params.tag ?? '', (v) => go({ tag: v || undefined }), false, 'tag-filter')),
      h('label', { class: 'field' }, 'Folder', select([['', 'any'], ...index.folders.map((f): [string, string] => [f, f])], params.folder ?? '', (v) => go({ folder: v || undefined }), false, 'folder-filter')),
      h('label', { class: 'field' }, 'Type', select([['', 'any'], ...mats.map((m): [string, string] => [m, m])], params.mat ?? '', (v) => go({ mat: v || undefined }), false, 'mat-filter')),
      h('span', { class: 'field grow' }, selector, h('button', { type: 'button', onclick: () => go({ select: selector.value.trim() || undefined }) }, 'Apply')),
      h('button', { type: 'button', class: 'ghost', onclick: () => navigate(href(['graph'])) }, 'Reset'),
    );
  }
}

function select(options: readonly (readonly [string, string])[], value: string, onChange: (value: string) => void, disabled: boolean, id: string): HTMLSelectElement {
  const el = h('select', { id, disabled });
  for (const [v, label] of options) el.append(h('option', { value: v, selected: v === value }, label));
  el.addEventListener('change', () => onChange(el.value));
  return el;
}

function splitColumn(value: string): [string | undefined, string | undefined] {
  const at = value.lastIndexOf('::');
  return at < 0 ? [undefined, undefined] : [value.slice(0, at), value.slice(at + 2)];
}

function drawView(canvas: HTMLElement, index: SiteIndex, view: GraphView, focus: number | undefined, onClick: (key: number) => void): void {
  const draw = new Map<number, DrawNode>();
  let layout: GraphLayout;
  if (view.kind === 'folders') {
    for (const { folder, count } of view.folders) {
      draw.set(folder, { key: folder, label: `${index.folders[folder]} (${count})`, sublabel: 'folder', classes: 'folder', title: `${index.folders[folder]}: ${count} nodes. Click to open.` });
    }
    layout = view.complete
      ? index.overview
      : layoutGraph(
          view.folders.map(({ folder, count }) => ({ key: folder, width: nodeWidth(`${index.folders[folder]} (${count})`), height: NODE_HEIGHT + 8 })),
          view.edges,
        );
  } else {
    const shown = new Set(view.nodes);
    for (const i of view.nodes) {
      const n = index.nodes[i]!;
      const status = nodeStatus(n);
      const title = [`${n.kind} ${displayName(n)}`, n.relation, n.summary, statusText(n)].filter(Boolean).join('\n');
      draw.set(i, { key: i, label: displayName(n), sublabel: n.materialized ?? n.kind, classes: `${n.kind}${i === focus ? ' focused' : ''}`, ...(status ? { status } : {}), title });
    }
    layout =
      view.complete && index.full
        ? index.full
        : layoutGraph(
            view.nodes.map((i) => ({ key: i, width: nodeWidth(displayName(index.nodes[i]!)), height: NODE_HEIGHT })),
            view.nodes.flatMap((i) => index.nodes[i]!.parents.filter((p) => shown.has(p)).map((p) => ({ from: p, to: i }))),
          );
  }
  drawGraph(canvas, layout, draw, { onClick: (key) => onClick(key), ...(focus !== undefined ? { highlight: focus } : {}) });
}

function renderPanel(panel: HTMLElement, index: SiteIndex, focus: number | undefined, view: GraphView): void {
  if (focus === undefined) {
    const counts = new Map<string, number>();
    for (const n of index.nodes) counts.set(n.kind, (counts.get(n.kind) ?? 0) + 1);
    replace(
    panel,
      h('h2', {}, index.project.name),
      h('p', { class: 'muted' }, [...counts].map(([k, c]) => `${c} ${k}${c === 1 ? '' : 's'}`).join(' · ')),
      h('p', {}, view.kind === 'folders' ? 'Folders are shown because the project is large. Open a folder, filter, or search a node (press /).' : 'Click a node to focus its upstream and downstream; use the depth controls to widen it.'),
      h('p', {}, h('a', { href: href(['project']) }, 'Project overview →')),
    );
    return;
  }
  const n = index.nodes[focus]!;
  const link = (i: number): HTMLElement => h('li', {}, h('a', { href: href(['graph'], { focus: index.nodes[i]!.id }) }, displayName(index.nodes[i]!)), h('span', { class: 'muted' }, ` ${index.nodes[i]!.materialized ?? index.nodes[i]!.kind}`));
  replace(
    panel,
    h('div', { class: `kind-badge ${n.kind}` }, n.kind),
    h('h2', {}, displayName(n)),
    n.relation ? h('p', { class: 'mono' }, n.relation) : null,
    h('p', {}, n.summary || h('span', { class: 'muted' }, 'No description.')),
    statusText(n) ? h('p', { class: 'muted' }, statusText(n)) : null,
    h('p', {}, h('a', { class: 'button', href: nodeHref(n.id), id: 'open-node-page' }, 'Open page →')),
    h('h3', {}, `Upstream (${n.parents.length})`),
    n.parents.length ? h('ul', { class: 'plain' }, n.parents.map(link)) : h('p', { class: 'muted' }, 'None: a starting point.'),
    h('h3', {}, `Downstream (${n.children.length})`),
    n.children.length ? h('ul', { class: 'plain' }, n.children.map(link)) : h('p', { class: 'muted' }, 'Nothing reads it.'),
  );
}

function legend(): HTMLElement {
  const item = (cls: string, label: string): HTMLElement => h('span', { class: `legend-item ${cls}` }, h('span', { class: 'swatch' }), label);
  return h(
    'div',
    { class: 'legend' },
    item('source', 'source'),
    item('seed', 'seed'),
    item('model', 'model'),
    item('exposure', 'exposure'),
    h('span', { class: 'legend-item' }, h('span', { class: 'dot ok' }), 'passed'),
    h('span', { class: 'legend-item' }, h('span', { class: 'dot warn' }), 'warning / skipped'),
    h('span', { class: 'legend-item' }, h('span', { class: 'dot fail' }), 'failed'),
    h('span', { class: 'legend-hint muted' }, 'Scroll to zoom · drag to pan · double-click to fit'),
  );
}
