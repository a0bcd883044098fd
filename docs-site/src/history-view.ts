import { diffLines } from 'diff';
import type { FileHistory } from '../../src/docs/site-data.js';
import { formatTime, h } from './dom.js';

interface Version {
  readonly label: string;
  readonly version: number;
}

/** Unchanged lines kept around each change; longer unchanged stretches are folded. */
const CONTEXT = 3;

/**
 * A file's change history: the commits that touched it, and the diff between any two versions
 * (chosen with the From / To buttons of each row), computed in the browser.
 */
export function historyView(history: FileHistory): HTMLElement {
  const versions: Version[] = [];
  if (history.uncommitted !== undefined) versions.push({ label: 'working tree (uncommitted)', version: history.uncommitted });
  for (const c of history.commits) if (c.version !== undefined) versions.push({ label: `${c.hash.slice(0, 8)} ${c.subject}`, version: c.version });
  let from = versions[1]?.version;
  let to = versions[0]?.version;
  const diffBox = h('div', { class: 'diff-box' });
  const table = h('table', { class: 'history' });
  const renderTable = (): void => {
    const rows: HTMLElement[] = [];
    const row = (cells: (HTMLElement | string)[], version: number | undefined): void => {
      const pick = (which: 'from' | 'to'): HTMLElement =>
        version === undefined
          ? h('span', { class: 'muted', title: 'content not kept' }, '–')
          : h('input', {
              type: 'radio',
              name: `diff-${which}`,
              'aria-label': `compare ${which}`,
              checked: (which === 'from' ? from : to) === version,
              onchange: () => {
                if (which === 'from') from = version;
                else to = version;
                renderDiff();
              },
            });
      rows.push(h('tr', {}, h('td', { class: 'pick' }, pick('from')), h('td', { class: 'pick' }, pick('to')), ...cells.map((c) => h('td', {}, c))));
    };
    if (history.uncommitted !== undefined) row([h('em', {}, 'uncommitted changes'), '', '', ''], history.uncommitted);
    for (const c of history.commits) row([h('code', { title: c.hash }, c.hash.slice(0, 8)), formatTime(c.date), c.author, c.path !== history.path ? `${c.subject} (as ${c.path})` : c.subject], c.version);
    table.replaceChildren(h('thead', {}, h('tr', {}, h('th', {}, 'From'), h('th', {}, 'To'), h('th', {}, 'Commit'), h('th', {}, 'Date'), h('th', {}, 'Author'), h('th', {}, 'Message'))), h('tbody', {}, rows));
  };
  const renderDiff = (): void => {
    if (from === undefined || to === undefined) {
      diffBox.replaceChildren(h('p', { class: 'muted' }, versions.length < 2 ? 'Only one version is known: nothing to compare yet.' : 'Pick two versions to compare.'));
      return;
    }
    const label = (v: number): string => versions.find((x) => x.version === v)?.label ?? '';
    const { pre, changed } = diffView(history.versions[from] ?? '', history.versions[to] ?? '');
    diffBox.replaceChildren(
      h('p', { class: 'diff-title' }, h('span', { class: 'del-text' }, label(from)), ' → ', h('span', { class: 'add-text' }, label(to)), h('span', { class: 'muted' }, ` · ${changed} changed line${changed === 1 ? '' : 's'}`)),
      from === to ? h('p', { class: 'muted' }, 'The same version on both sides.') : pre,
    );
  };
  renderTable();
  renderDiff();
  return h('div', { class: 'history-view' }, history.note ? h('p', { class: 'muted' }, history.note) : null, h('div', { class: 'table-wrap' }, table), diffBox);
}

/** A line diff with old and new line numbers; unchanged stretches keep CONTEXT lines next to each change. */
function diffView(a: string, b: string): { pre: HTMLElement; changed: number } {
  const pre = h('pre', { class: 'diff' });
  let oldLine = 1;
  let newLine = 1;
  let changed = 0;
  const parts = diffLines(a, b);
  parts.forEach((part, k) => {
    const lines = part.value.replace(/\n$/, '').split('\n');
    const kind = part.added ? 'add' : part.removed ? 'del' : 'same';
    const hideFrom = kind === 'same' ? (k === 0 ? 0 : CONTEXT) : Infinity;
    const hideTo = kind === 'same' ? (k === parts.length - 1 ? lines.length : lines.length - CONTEXT) : -Infinity;
    lines.forEach((text, j) => {
      if (j >= hideFrom && j < hideTo) {
        if (j === hideFrom) {
          const skipped = hideTo - hideFrom;
          pre.append(h('span', { class: 'line skip' }, `⋯ ${skipped} unchanged line${skipped === 1 ? '' : 's'}`, '\n'));
        }
        oldLine += 1;
        newLine += 1;
        return;
      }
      const numbers =
        kind === 'add'
          ? `${''.padStart(4)} ${String(newLine++).padStart(4)}`
          : kind === 'del'
            ? `${String(oldLine++).padStart(4)} ${''.padStart(4)}`
            : `${String(oldLine++).padStart(4)} ${String(newLine++).padStart(4)}`;
      if (kind !== 'same') changed += 1;
      pre.append(h('span', { class: `line ${kind}` }, h('span', { class: 'ln' }, numbers), h('span', { class: 'sign' }, kind === 'add' ? '+' : kind === 'del' ? '-' : ' '), text, '\n'));
    });
  });
  return { pre, changed };
}
