import type { Availability, SiteIndex } from '../../src/docs/site-data.js';
import { formatTime, h, setSanitizedHtml } from './dom.js';
import { displayName, nodeStatus } from './node-style.js';
import { href, nodeHref } from './router.js';

const INPUTS: [keyof SiteIndex['inputs'], string][] = [
  ['catalog', 'Columns, types and row counts from the database'],
  ['runResults', 'Last run results'],
  ['testResults', 'Data test results'],
  ['loadLog', 'Source load log'],
  ['gitHistory', 'Change history from git'],
  ['columnLineage', 'Column-level lineage'],
];

/** The project page: what the site was built from, counts, problems, exposures and reports. */
export function renderProjectPage(main: HTMLElement, index: SiteIndex): void {
  document.title = `${index.project.name} · Strata docs`;
  const p = index.project;
  const counts = new Map<string, number>();
  for (const n of index.nodes) counts.set(n.kind, (counts.get(n.kind) ?? 0) + 1);
  const failing = index.nodes.filter((n) => nodeStatus(n) === 'fail');
  const exposures = index.nodes.filter((n) => n.kind === 'exposure');
  const overview = h('div', { class: 'markdown' });
  if (index.overviewHtml) setSanitizedHtml(overview, index.overviewHtml);
  const input = (name: string, a: Availability): HTMLElement =>
    h('li', { class: a.available ? 'ok' : 'missing' }, h('span', { class: `dot ${a.available ? 'ok' : 'none'}` }), name, a.available ? h('span', { class: 'muted' }, a.at ? ` · ${formatTime(a.at)}` : '') : h('span', { class: 'muted' }, ` · ${a.reason ?? 'no data yet'}`));
  main.replaceChildren(
    h(
      'div',
      { class: 'page' },
      h('header', { class: 'page-header' }, h('h1', {}, p.name, h('span', { class: 'muted version' }, ` ${p.version}`)), h('p', { class: 'muted' }, `Target ${p.target} (${p.adapter}) · compiled ${formatTime(p.compiledAt)} · docs generated ${formatTime(p.generatedAt)} by Strata ${p.strataVersion}`)),
      index.overviewHtml ? h('section', { class: 'page-section' }, overview) : null,
      h('section', { class: 'page-section' }, h('h2', {}, 'In this project'), h('div', { class: 'stat-row' }, ['model', 'source', 'seed', 'exposure'].map((k) => h('a', { class: 'stat', href: href(['graph'], { mat: undefined, select: `resource_type:${k}` }) }, h('strong', {}, String(counts.get(k) ?? 0)), ` ${k}s`)))),
      failing.length ? h('section', { class: 'page-section' }, h('h2', {}, `Failing (${failing.length})`), h('ul', { class: 'node-list' }, failing.slice(0, 50).map((n) => h('li', {}, h('span', { class: 'dot fail' }), h('a', { href: nodeHref(n.id) }, displayName(n)))))) : null,
      exposures.length ? h('section', { class: 'page-section' }, h('h2', {}, 'Exposures'), h('ul', { class: 'node-list' }, exposures.map((n) => h('li', {}, h('span', { class: 'kind-badge exposure' }, 'exposure'), ' ', h('a', { href: nodeHref(n.id) }, displayName(n)), h('span', { class: 'muted' }, ` ${n.summary}`))))) : null,
      h('section', { class: 'page-section' }, h('h2', {}, 'What this site was built from'), h('ul', { class: 'inputs' }, INPUTS.map(([key, label]) => input(label, index.inputs[key])))),
      h('section', { class: 'page-section' }, h('h2', {}, 'Observability reports'), index.reports.length ? h('ul', {}, index.reports.map((r) => h('li', {}, h('a', { href: r.href, target: '_blank', rel: 'noopener' }, r.title)))) : h('p', { class: 'muted' }, 'No reports yet (target/reports is empty).')),
      index.warnings.length ? h('section', { class: 'page-section' }, h('h2', {}, 'Warnings'), h('ul', { class: 'warnings' }, index.warnings.map((w) => h('li', {}, w)))) : null,
    ),
  );
}
