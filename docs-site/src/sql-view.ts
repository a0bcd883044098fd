import { format } from 'sql-formatter';
import { h } from './dom.js';

const KEYWORDS = new Set(
  (
    'select from where group by order having limit offset with as on join left right inner outer full cross using union all ' +
    'intersect except distinct case when then else end and or not in is null like ilike between exists cast over partition ' +
    'rows range preceding following current row unbounded asc desc nulls first last window qualify filter within insert into ' +
    'values update set delete create table view replace materialized if true false interval at time zone lateral natural ' +
    'recursive returning merge matched try_cast any some array struct map date timestamp'
  ).split(' '),
);

const TOKEN = /(--[^\n]*|\/\*[\s\S]*?\*\/|\{#[\s\S]*?#\})|(\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\})|('(?:[^']|'')*')|("(?:[^"]|"")*")|(\b\d+(?:\.\d+)?\b)|(\b[A-Za-z_][A-Za-z0-9_]*\b)|([\s\S])/g;

/**
 * SQL as highlighted DOM: comments, template tags (`{{ }}`, `{% %}`, `{# #}`), strings, quoted
 * identifiers, numbers and keywords wrapped in spans. Built from text nodes only, so nothing in the SQL can become markup.
 */
export function highlightSql(sql: string): HTMLElement {
  const code = h('code', { class: 'sql' });
  let plain = '';
  const flush = (): void => {
    if (plain) code.append(plain);
    plain = '';
  };
  for (const m of sql.matchAll(TOKEN)) {
    const [text, comment, template, str, ident, num, word] = m;
    const cls = comment ? 'c' : template ? 'j' : str ? 's' : ident ? 'i' : num ? 'n' : word && KEYWORDS.has(word.toLowerCase()) ? 'k' : undefined;
    if (!cls) {
      plain += text;
      continue;
    }
    flush();
    code.append(h('span', { class: `t-${cls}` }, text));
  }
  flush();
  return code;
}

/** Compiled SQL formatted with sql-formatter; the text as it is when the formatter does not know the syntax. */
export function formatSql(sql: string, language: 'duckdb' | 'postgresql'): string {
  try {
    return format(sql, { language, keywordCase: 'lower', tabWidth: 2, linesBetweenQueries: 1 });
  } catch {
    return sql.trim();
  }
}

/** A code block with a copy button. */
export function sqlBlock(sql: string): HTMLElement {
  const copy = h('button', { class: 'copy', type: 'button', title: 'Copy to the clipboard' }, 'Copy');
  copy.addEventListener('click', () => {
    void navigator.clipboard?.writeText(sql).then(
      () => (copy.textContent = 'Copied'),
      () => (copy.textContent = 'Copy failed'),
    );
  });
  return h('div', { class: 'code-block' }, copy, h('pre', {}, highlightSql(sql)));
}
