/**
 * Rewrites the Jinja statements Nunjucks parses differently into equivalent Nunjucks, keeping
 * every line where it was (so errors still name the right line):
 *
 * - `{% set ns.attr = value %}` (assigning into a `namespace()`) → `{% do __strata_setattr(ns, 'attr', value) %}`;
 * - `{% set a, b = pair %}` (Nunjucks would give both names the whole value) → one `set` per name;
 * - `{% for x in items if cond %}` (Nunjucks ignores the filter) → a loop over the items kept by
 *   the filter, so `loop.index`, `loop.last` and `{% else %}` count only those, as in Jinja.
 *
 * `{% raw %}` blocks are left alone. Text without these statements is returned unchanged.
 */
export function preprocessJinja(text: string): string {
  if (!QUICK.test(text)) return text;
  let counter = 0;
  return mapOutsideRaw(text, (chunk) =>
    chunk.replace(TAG, (whole, open: string, keyword: string, body: string, close: string) => {
      if (keyword === 'set') {
        const eq = topLevelIndex(body, '=');
        if (eq < 0) return whole;
        const target = body.slice(0, eq).trim();
        const value = body.slice(eq + 1);
        const attr = /^([A-Za-z_]\w*)\.([A-Za-z_]\w*)$/.exec(target);
        if (attr) return `{%${open} do __strata_setattr(${attr[1]}, '${attr[2]}', ${value}) ${close}%}`;
        const names = target.split(',').map((n) => n.trim());
        if (names.length > 1 && names.every((n) => /^[A-Za-z_]\w*$/.test(n))) {
          const tmp = `__strata_unpack_${counter++}`;
          const sets = names.map((n, i) => `{% set ${n} = ${tmp}[${i}] %}`).join('');
          return `{%${open} set ${tmp} = ${value} %}${sets.slice(0, -2)}${close}%}`;
        }
        return whole;
      }
      // for
      const inAt = topLevelKeyword(body, 'in');
      if (inAt < 0) return whole;
      const targets = body.slice(0, inAt).trim();
      const rest = body.slice(inAt + 2);
      const ifAt = topLevelKeyword(rest, 'if');
      if (ifAt < 0 || topLevelKeyword(rest.slice(ifAt + 2), 'else') >= 0) return whole;
      const iterable = rest.slice(0, ifAt);
      const condition = rest.slice(ifAt + 2);
      if (/\brecursive\s*$/.test(condition)) return whole;
      const names = targets.split(',').map((n) => n.trim());
      const item = names.length > 1 ? `[${names.join(', ')}]` : targets;
      const list = `__strata_loop_${counter++}`;
      return (
        `{%${open} set ${list} = [] %}{% for ${targets} in ${iterable} %}{% if ${condition} %}{% do ${list}.append(${item}) %}{% endif %}{% endfor %}` +
        `{% for ${targets} in ${list} ${close}%}`
      );
    }),
  );
}

const QUICK = /\{%-?\s*(set\s+[A-Za-z_]\w*\s*[.,]|for\b[^%]*\bif\b)/;
const TAG = /\{%(-?)\s*(set|for)\s+([\s\S]*?)\s*(-?)%\}/g;
const RAW = /\{%-?\s*raw\s*-?%\}[\s\S]*?\{%-?\s*endraw\s*-?%\}/g;

function mapOutsideRaw(text: string, fn: (chunk: string) => string): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(RAW)) {
    out += fn(text.slice(last, match.index)) + match[0];
    last = match.index + match[0].length;
  }
  return out + fn(text.slice(last));
}

/** Index of `char` outside strings and brackets (and not part of `==`, `!=`, `<=`, `>=`), or -1. */
function topLevelIndex(text: string, char: string): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\') i += 1;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if ('([{'.includes(c)) depth += 1;
    else if (')]}'.includes(c)) depth -= 1;
    else if (depth === 0 && c === char && !'=!<>'.includes(text[i - 1] ?? '') && text[i + 1] !== '=') return i;
  }
  return -1;
}

/** Index of a whole-word keyword outside strings and brackets, or -1. */
function topLevelKeyword(text: string, word: string): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\') i += 1;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if ('([{'.includes(c)) depth += 1;
    else if (')]}'.includes(c)) depth -= 1;
    else if (depth === 0 && text.startsWith(word, i) && !/\w/.test(text[i - 1] ?? ' ') && !/\w/.test(text[i + word.length] ?? ' ')) return i;
  }
  return -1;
}
