import type { SearchData, SiteIndex } from '../../src/docs/site-data.js';
import { searchIndex, type SearchResult } from './search-index.js';
import { loadSearch } from './data.js';
import { h } from './dom.js';
import { displayName } from './node-style.js';
import { navigate, nodeHref } from './router.js';

/** The search box of the header, with a result list driven by the keyboard (↑ ↓ Enter Esc, `/` to focus). */
export function searchBox(index: SiteIndex): HTMLElement {
  let data: SearchData | undefined;
  let results: SearchResult[] = [];
  let active = 0;
  const input = h('input', {
    type: 'search',
    id: 'search',
    placeholder: 'Search models, sources, columns, descriptions  ( / )',
    autocomplete: 'off',
    spellcheck: 'false',
    role: 'combobox',
    'aria-expanded': 'false',
    'aria-controls': 'search-results',
    'aria-label': 'Search',
  });
  const list = h('ul', { id: 'search-results', class: 'search-results', role: 'listbox', hidden: true });
  const ensureData = (): void => {
    if (data) return;
    void loadSearch().then((loaded) => {
      data = loaded;
      if (input.value.trim()) update();
    });
  };
  const open = (r: SearchResult | undefined): void => {
    if (!r) return;
    close();
    input.blur();
    navigate(nodeHref(index.nodes[r.node]!.id, r.column));
  };
  const close = (): void => {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
  };
  const render = (): void => {
    list.replaceChildren(
      ...results.map((r, i) => {
        const n = index.nodes[r.node]!;
        const item = h(
          'li',
          { role: 'option', id: `search-result-${i}`, class: i === active ? 'active' : '', 'aria-selected': i === active ? 'true' : 'false' },
          h('span', { class: `kind-badge ${r.column ? 'column' : n.kind}` }, r.column ? 'column' : n.kind),
          h('span', { class: 'result-name' }, r.column ?? displayName(n)),
          h('span', { class: 'result-context' }, r.context),
        );
        item.addEventListener('mousedown', (event) => {
          event.preventDefault();
          open(r);
        });
        return item;
      }),
    );
    if (results.length === 0 && input.value.trim()) list.append(h('li', { class: 'empty' }, data ? 'No match.' : 'No match in names yet; loading columns and descriptions…'));
    list.hidden = !input.value.trim();
    input.setAttribute('aria-expanded', String(!list.hidden));
    if (results[active]) input.setAttribute('aria-activedescendant', `search-result-${active}`);
    list.querySelector('li.active')?.scrollIntoView({ block: 'nearest' });
  };
  const update = (): void => {
    results = searchIndex(index, data, input.value);
    active = 0;
    render();
  };
  input.addEventListener('focus', ensureData);
  input.addEventListener('input', update);
  input.addEventListener('blur', () => setTimeout(close, 100));
  input.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (results.length === 0) return;
      active = (active + (event.key === 'ArrowDown' ? 1 : results.length - 1)) % results.length;
      render();
    } else if (event.key === 'Enter') {
      event.preventDefault();
      open(results[active]);
    } else if (event.key === 'Escape') {
      input.value = '';
      close();
      input.blur();
    }
  });
  document.addEventListener('keydown', (event) => {
    const target = event.target as HTMLElement | null;
    const typing = target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT' || target.isContentEditable);
    if (event.key === '/' && !typing) {
      event.preventDefault();
      input.focus();
    }
  });
  // Load the search data once the first page has rendered.
  const idle = (window as unknown as { requestIdleCallback?: (cb: () => void) => void }).requestIdleCallback;
  if (idle) idle(ensureData);
  else setTimeout(ensureData, 500);
  return h('div', { class: 'search' }, input, list);
}
