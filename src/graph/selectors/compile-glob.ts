/** Characters that make a selector value a glob rather than a literal (as in dbt). */
const GLOB_CHARS = /[*?[\]]/;

/** True when `text` contains a glob character: `*`, `?`, `[` or `]`. */
export function hasGlobChars(text: string): boolean {
  return GLOB_CHARS.test(text);
}

/**
 * How `*` behaves: `name` is Python's fnmatch (`*` and `?` match any character, dots and
 * slashes included); `path` is pathlib's glob (`*` and `?` stay within one `/` segment, `**`
 * spans segments). Both support `[abc]` and `[!abc]`; an unclosed `[` is literal.
 */
export type GlobMode = 'name' | 'path';

const cache = new Map<string, RegExp>();

/** An anchored, case-sensitive RegExp for `pattern`; compiled once per pattern and mode. */
export function compileGlob(pattern: string, mode: GlobMode = 'name'): RegExp {
  const key = `${mode}\u0000${pattern}`;
  let regex = cache.get(key);
  if (!regex) {
    regex = new RegExp(`^${globSource(pattern, mode)}$`, 's');
    cache.set(key, regex);
  }
  return regex;
}

function globSource(pattern: string, mode: GlobMode): string {
  const any = mode === 'name' ? '.' : '[^/]';
  let out = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern[i]!;
    if (char === '*') {
      if (mode === 'path' && pattern[i + 1] === '*') {
        while (pattern[i + 1] === '*') i += 1;
        // `**/` also matches zero folders, so `models/**/x.sql` finds `models/x.sql`.
        if (pattern[i + 1] === '/') {
          i += 1;
          out += '(?:.*/)?';
        } else {
          out += '.*';
        }
      } else {
        out += `${any}*`;
      }
    } else if (char === '?') {
      out += any;
    } else if (char === '[') {
      const close = classEnd(pattern, i);
      if (close < 0) {
        out += '\\[';
      } else {
        out += classSource(pattern.slice(i + 1, close));
        i = close;
      }
    } else {
      out += escapeRegExp(char);
    }
  }
  return out;
}

/** Index of the `]` closing the class opened at `open`, or -1 (a leading `!` or `]` is part of it). */
function classEnd(pattern: string, open: number): number {
  let j = open + 1;
  if (pattern[j] === '!') j += 1;
  if (pattern[j] === ']') j += 1;
  return pattern.indexOf(']', j);
}

function classSource(body: string): string {
  const negated = body.startsWith('!');
  const members = (negated ? body.slice(1) : body).replace(/[\\\]^]/g, (c) => `\\${c}`);
  return `[${negated ? '^' : ''}${members}]`;
}

function escapeRegExp(char: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(char) ? `\\${char}` : char;
}
