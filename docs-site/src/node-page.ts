import type { ColumnRef, DetailColumn, IndexNode, NodeDetail, SiteIndex, TestInfo } from '../../src/docs/site-data.js';
import { columnHref } from './column-graph.js';
import { loadNode } from './data.js';
import { formatCount, formatDuration, formatTime, h, setSanitizedHtml, timeAgo } from './dom.js';
import { historyView } from './history-view.js';
import { displayName, nodeStatus } from './node-style.js';
import { href, nodeHref } from './router.js';
import { formatSql, sqlBlock } from './sql-view.js';

/** A page for one model, seed, source or exposure. */
export async function renderNodePage(main: HTMLElement, index: SiteIndex, id: string, column: string | undefined): Promise<void> {
  const i = index.nodes.findIndex((n) => n.id === id);
  const node = index.nodes[i];
  if (!node) {
    main.replaceChildren(h('div', { class: 'page' }, h('h1', {}, 'Not found'), h('p', {}, `No node ${id} in this project.`)));
    return;
  }
  document.title = `${displayName(node)} · ${index.project.name} docs`;
  main.replaceChildren(h('div', { class: 'page' }, header(index, node), h('p', { class: 'loading' }, 'Loading…')));
  let detail: NodeDetail;
  try {
    detail = await loadNode(i);
  } catch (error) {
    main.replaceChildren(h('div', { class: 'page' }, header(index, node), h('p', { class: 'error' }, `This page's data could not be loaded: ${String(error)}`)));
    return;
  }
  const description = h('div', { class: 'description markdown' });
  if (detail.descriptionHtml) setSanitizedHtml(description, detail.descriptionHtml);
  else description.append(h('p', { class: 'muted' }, 'No description yet. Add one in the YAML next to the model.'));
  const sections: [string, string, HTMLElement | null][] = [
    ['overview', 'Overview', h('div', {}, description, facts(index, node, detail))],
    ['columns', `Columns (${detail.columns.length})`, node.kind === 'exposure' ? null : columnsSection(index, node, detail, i)],
    ['lineage', 'Lineage', lineageSection(index, node, detail, i)],
    ['loads', 'Load log', node.kind === 'source' ? loadsSection(index, detail) : null],
    ['sql', 'SQL', detail.compiledSql !== undefined || detail.rawSql !== undefined ? sqlSection(detail) : null],
    ['history', 'History', historySection(detail)],
  ];
  const present = sections.filter((s): s is [string, string, HTMLElement] => s[2] !== null);
  const nav = h('nav', { class: 'page-nav' }, present.map(([anchor, title]) => h('a', { href: `#${anchor}`, onclick: (e: Event) => { e.preventDefault(); document.getElementById(`section-${anchor}`)?.scrollIntoView({ behavior: 'smooth' }); } }, title)));
  main.replaceChildren(
    h(
      'div',
      { class: 'page' },
      header(index, node),
      nav,
      present.map(([anchor, title, body]) => h('section', { id: `section-${anchor}`, class: 'page-section' }, h('h2', {}, title), body)),
    ),
  );
  if (column) {
    const row = main.querySelector<HTMLElement>(`tr[data-column="${CSS.escape(column.toLowerCase())}"]`);
    if (row) {
      row.classList.add('target');
      row.scrollIntoView({ block: 'center' });
    }
  } else main.scrollTop = 0;
}

function header(index: SiteIndex, node: IndexNode): HTMLElement {
  const status = nodeStatus(node);
  return h(
    'header',
    { class: 'page-header' },
    h('div', { class: 'crumbs muted' }, index.folders[node.folder] ?? '', ' / '),
    h('h1', {}, h('span', { class: `kind-badge ${node.kind}` }, node.kind), ' ', displayName(node), status ? h('span', { class: `dot ${status}`, title: status }) : null),
    h(
      'div',
      { class: 'header-links' },
      h('a', { href: href(['graph'], { focus: node.id }), class: 'button' }, 'Show in graph'),
      node.relation ? h('code', { class: 'relation' }, node.relation) : null,
      node.tags.map((t) => h('a', { class: 'tag', href: href(['graph'], { tag: t }) }, t)),
    ),
  );
}

function facts(index: SiteIndex, node: IndexNode, d: NodeDetail): HTMLElement {
  const rows: [string, Node | string | null][] = [];
  if (node.materialized) rows.push(['Materialization', node.materialized]);
  if (node.relation) {
    const [schema, ...rest] = node.relation.split('.');
    rows.push(['Schema', schema ?? '']);
    rows.push(['Relation', h('code', {}, node.relation)]);
    void rest;
  }
  if (d.owner) rows.push(['Owner', d.owner]);
  if (d.exposure) {
    rows.push(['Type', d.exposure.type]);
    if (d.exposure.maturity) rows.push(['Maturity', d.exposure.maturity]);
    if (d.exposure.url) rows.push(['URL', /^https?:\/\//i.test(d.exposure.url) ? h('a', { href: d.exposure.url, target: '_blank', rel: 'noopener noreferrer' }, d.exposure.url) : d.exposure.url]);
  }
  rows.push(['File', h('code', {}, node.path)]);
  if (node.tags.length) rows.push(['Tags', node.tags.join(', ')]);
  if (d.run) {
    const r = d.run;
    rows.push(['Last run', h('span', {}, h('span', { class: `status-text ${r.status}` }, r.status), ` ${formatTime(r.startedAt)} · ${formatDuration(r.durationMs)}${r.action ? ` · ${r.action}` : ''}${r.rows !== undefined ? ` · ${formatCount(r.rows)} rows` : ''}`)]);
    if (r.status === 'success' && !d.freshness) rows.push(['Freshness', `built ${timeAgo(r.startedAt)} (${formatTime(r.startedAt)})`]);
    if (r.message) rows.push(['Run message', h('pre', { class: 'message' }, r.message)]);
  } else if (node.kind !== 'exposure' && node.kind !== 'source') {
    rows.push(['Last run', h('span', { class: 'muted' }, index.inputs.runResults.available ? 'not in the last run' : 'no data yet (no run results)')]);
  }
  if (d.catalog) {
    rows.push(['Built as', d.catalog.kind]);
    rows.push(['Rows', d.catalog.rowCount !== undefined ? formatCount(d.catalog.rowCount) : h('span', { class: 'muted' }, d.catalog.rowCountNote ?? '')]);
  } else if (d.catalogNote) rows.push(['Database', h('span', { class: 'muted' }, d.catalogNote)]);
  if (d.freshness) {
    const f = d.freshness;
    const thresholds = [f.warnAfter ? `warn after ${f.warnAfter}` : '', f.errorAfter ? `error after ${f.errorAfter}` : ''].filter(Boolean).join(', ');
    rows.push([
      'Freshness',
      f.latest
        ? h('span', {}, f.status ? h('span', { class: `status-text ${f.status}` }, f.status) : null, ` latest load ${timeAgo(f.latest)} (${f.latest}, from ${f.from})${thresholds ? ` · ${thresholds}` : ''}`)
        : h('span', { class: 'muted' }, `no data yet${thresholds ? ` · ${thresholds}` : ''}`),
    ]);
  }
  if (d.settings) {
    const s = d.settings as Record<string, unknown>;
    for (const key of ['landing', 'format', 'load', 'loaded_at_field']) if (s[key] !== undefined) rows.push([key.replace(/_/g, ' '), h('code', {}, String(s[key]))]);
  }
  if (d.tests.length) rows.push(['Tests', testList(d.tests)]);
  return h('dl', { class: 'facts' }, rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

function testList(tests: readonly TestInfo[]): HTMLElement {
  return h(
    'span',
    { class: 'tests' },
    tests.map((t) =>
      h(
        'span',
        { class: `test ${t.verdict}`, title: [t.verdict === 'none' ? 'no result yet' : `last result: ${t.verdict}`, t.failures !== undefined ? `${t.failures} failing rows` : '', t.severity ? `severity ${t.severity}` : '', t.tags.length ? `tags: ${t.tags.join(', ')}` : '', t.message ?? '', t.at ? formatTime(t.at) : ''].filter(Boolean).join('\n') },
        t.label,
        t.verdict !== 'none' ? h('span', { class: 'verdict' }, t.verdict) : null,
      ),
    ),
  );
}

function refLink(index: SiteIndex, ref: ColumnRef): HTMLElement {
  if (ref.node === undefined) return h('code', { title: 'a relation that is not part of the project' }, `${ref.relation}.${ref.column}`);
  const owner = index.nodes[ref.node]!;
  return h('a', { href: nodeHref(owner.id, ref.column), class: 'col-ref' }, `${displayName(owner)}.${ref.column}`);
}

function lineageCell(index: SiteIndex, c: DetailColumn, node: number): HTMLElement {
  const l = c.lineage;
  const cell = h('div', { class: 'lineage-cell' });
  if (!l) {
    // Seeds and sources: the data enters here, only what reads it is listed.
  } else if (l.sources.length) {
    cell.append(h('span', { class: `transform ${l.transform}` }, l.transform), ' ', ...l.sources.flatMap((s, k) => (k ? [', ', refLink(index, s)] : [refLink(index, s)])));
  } else if (!l.untraced) cell.append(h('span', { class: `transform ${l.transform}` }, l.transform === 'constant' ? 'constant' : l.transform), h('span', { class: 'muted' }, ' no upstream column'));
  if (l?.untraced) cell.append(h('div', { class: 'untraced' }, `⚠ not traced: ${l.untraced}`));
  if (!l && c.usedBy.length === 0) cell.append(h('span', { class: 'muted' }, 'not read by any model'));
  if (c.usedBy.length) {
    cell.append(
      h('details', { class: 'used-by' }, h('summary', {}, `used by ${c.usedBy.length} column${c.usedBy.length === 1 ? '' : 's'}`), h('div', {}, ...c.usedBy.flatMap((s, k) => (k ? [', ', refLink(index, s)] : [refLink(index, s)])))),
    );
  }
  cell.append(h('a', { class: 'col-graph', href: columnHref(index, node, c.name), title: 'Show this column in the graph' }, 'graph →'));
  return cell;
}

function columnsSection(index: SiteIndex, node: IndexNode, d: NodeDetail, i: number): HTMLElement {
  if (d.columns.length === 0) return h('p', { class: 'muted' }, 'No columns known: not documented, not in the database yet, and not traceable from the SQL.');
  const notes: (HTMLElement | null)[] = [
    d.columnLineageNote ? h('p', { class: 'warn-text' }, `Column lineage: ${d.columnLineageNote}`) : null,
    d.columns.some((c) => c.typeFrom === 'catalog') ? null : h('p', { class: 'muted' }, index.inputs.catalog.available ? 'Types from YAML (the relation is not in the database yet).' : `Types from YAML only: ${index.inputs.catalog.reason ?? 'the database was not read'}.`),
  ];
  const rows = d.columns.map((c) => {
    const desc = h('div', { class: 'markdown small' });
    if (c.descriptionHtml) setSanitizedHtml(desc, c.descriptionHtml);
    return h(
      'tr',
      { 'data-column': c.name.toLowerCase(), id: `column-${c.name}` },
      h('td', {}, h('code', { class: 'col-name' }, c.name), c.note ? h('div', { class: 'note' }, c.note) : null),
      h('td', {}, c.type ? h('code', { title: c.typeFrom === 'catalog' ? 'from the database' : 'from YAML' }, c.type) : h('span', { class: 'muted' }, '–')),
      h('td', {}, desc),
      h('td', {}, c.tests.length ? testList(c.tests) : h('span', { class: 'muted' }, '–')),
      h('td', {}, lineageCell(index, c, i)),
    );
  });
  return h(
    'div',
    {},
    notes,
    h('div', { class: 'table-wrap' }, h('table', { class: 'columns' }, h('thead', {}, h('tr', {}, h('th', {}, 'Column'), h('th', {}, 'Type'), h('th', {}, 'Description'), h('th', {}, 'Tests'), h('th', {}, node.kind === 'model' ? 'Computed from' : 'Used by'))), h('tbody', {}, rows))),
  );
}

function lineageSection(index: SiteIndex, node: IndexNode, d: NodeDetail, i: number): HTMLElement {
  const list = (ids: readonly number[], empty: string): HTMLElement =>
    ids.length
      ? h('ul', { class: 'node-list' }, ids.map((j) => { const n = index.nodes[j]!; return h('li', {}, h('span', { class: `kind-badge ${n.kind}` }, n.kind), ' ', h('a', { href: nodeHref(n.id) }, displayName(n)), n.materialized ? h('span', { class: 'muted' }, ` ${n.materialized}`) : null); }))
      : h('p', { class: 'muted' }, empty);
  return h(
    'div',
    { class: 'lineage-lists' },
    h('div', {}, h('h3', {}, `Upstream (${node.parents.length})`), list(node.parents, 'Nothing: this is where the data enters.')),
    h('div', {}, h('h3', {}, `Downstream (${node.children.length})`), list(node.children, 'Nothing reads it yet.')),
    d.allUpstream ? h('div', { class: 'wide' }, h('h3', {}, `Everything it depends on (${d.allUpstream.length})`), list(d.allUpstream, 'Nothing.')) : null,
    h('p', { class: 'wide' }, h('a', { href: href(['graph'], { focus: node.id, up: 'all', down: 'all' }) }, 'Full lineage in the graph'), h('span', { class: 'muted' }, ' · '), h('a', { href: href(['graph'], { focus: index.nodes[i]!.id }) }, 'Two steps each way')),
  );
}

function sqlSection(d: NodeDetail): HTMLElement {
  const body = h('div', {});
  const compiled = d.compiledSql !== undefined ? formatSql(d.compiledSql, d.sqlLanguage) : undefined;
  const tabs: [string, string | undefined][] = [['Compiled SQL', compiled], ['Template source', d.rawSql]];
  const buttons = tabs.map(([label, text], k) =>
    h('button', { type: 'button', class: k === 0 ? 'tab active' : 'tab', 'data-tab': label, disabled: text === undefined, onclick: () => show(k) }, label),
  );
  const show = (k: number): void => {
    buttons.forEach((b, j) => b.classList.toggle('active', j === k));
    body.replaceChildren(sqlBlock(tabs[k]![1] ?? ''));
  };
  show(0);
  return h('div', { class: 'sql-section' }, h('div', { class: 'tabs' }, buttons), body);
}

function historySection(d: NodeDetail): HTMLElement {
  if (!d.history) return h('p', { class: 'muted' }, `No change history: ${d.historyNote ?? 'not available'}.`);
  if (d.history.commits.length === 0 && d.history.uncommitted === undefined) return h('p', { class: 'muted' }, 'This file has no commits yet.');
  return historyView(d.history);
}

function loadsSection(index: SiteIndex, d: NodeDetail): HTMLElement {
  if (!d.loads) return h('p', { class: 'muted' }, `No data yet: ${index.inputs.loadLog.reason ?? 'no load log available'}.`);
  if (d.loads.length === 0) return h('p', { class: 'muted' }, 'No file has been loaded for this source yet.');
  const failed = d.loads.filter((l) => l.status === 'failed').length;
  const loaded = d.loads.filter((l) => l.status === 'loaded');
  const rows = loaded.reduce((sum, l) => sum + (l.rows ?? 0), 0);
  return h(
    'div',
    {},
    h('p', { class: 'muted' }, `${loaded.length} file${loaded.length === 1 ? '' : 's'} loaded (${formatCount(rows)} rows)${failed ? `, ${failed} failed` : ''}; newest first.`),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'loads' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Loaded at'), h('th', {}, 'File'), h('th', {}, 'Data date'), h('th', {}, 'Rows'), h('th', {}, 'Status'), h('th', {}, 'Load'))),
        h(
          'tbody',
          {},
          d.loads.map((l) =>
            h(
              'tr',
              { class: l.status === 'failed' ? 'failed' : '' },
              h('td', {}, formatTime(l.loadedAt) || l.loadedAt),
              h('td', {}, h('code', {}, l.file)),
              h('td', {}, l.loadDate ? l.loadDate.slice(0, 10) : ''),
              h('td', { class: 'num' }, l.rows !== undefined ? formatCount(l.rows) : '', l.rejectedRows ? h('div', { class: 'note' }, `${formatCount(l.rejectedRows)} rejected`) : null),
              h('td', {}, h('span', { class: `status-text ${l.status === 'failed' ? 'error' : l.status === 'loaded' ? 'success' : 'skipped'}` }, l.status.replace(/_/g, ' ')), l.message ? h('div', { class: 'note' }, l.message) : null),
              h('td', {}, h('code', {}, l.loadId ?? ''), l.durationMs !== undefined ? h('div', { class: 'muted' }, formatDuration(l.durationMs)) : null),
            ),
          ),
        ),
      ),
    ),
  );
}
