import { StrataError } from '../../shared/errors.js';

/**
 * The methods Jinja templates call on Python strings, lists and dicts (`name.upper()`,
 * `cols.append(c)`, `d.items()`), with Python's semantics where JavaScript's differ
 * (`'a-b-c'.replace('-', '_')` replaces every occurrence, `'a b'.split()` splits on whitespace).
 * Each method takes the receiver first.
 */
type Method = (self: never, ...args: unknown[]) => unknown;

/** Keyword arguments arrive as a trailing object marked `__keywords` (Nunjucks' calling convention). */
function splitKwargs(args: unknown[]): { positional: unknown[]; kwargs: Record<string, unknown> } {
  const last = args[args.length - 1];
  if (last && typeof last === 'object' && Object.prototype.hasOwnProperty.call(last, '__keywords')) {
    const { __keywords: _k, ...kwargs } = last as Record<string, unknown>;
    return { positional: args.slice(0, -1), kwargs };
  }
  return { positional: args, kwargs: {} };
}

function pyStr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  return String(value);
}

function stripChars(text: string, chars: unknown, left: boolean, right: boolean): string {
  if (chars === undefined || chars === null) {
    let out = text;
    if (left) out = out.replace(/^\s+/, '');
    if (right) out = out.replace(/\s+$/, '');
    return out;
  }
  const set = new Set(String(chars));
  let start = 0;
  let end = text.length;
  if (left) while (start < end && set.has(text[start]!)) start += 1;
  if (right) while (end > start && set.has(text[end - 1]!)) end -= 1;
  return text.slice(start, end);
}

function split(text: string, sep: unknown, maxsplit: unknown): string[] {
  const limit = typeof maxsplit === 'number' && maxsplit >= 0 ? maxsplit : Infinity;
  if (sep === undefined || sep === null) {
    const parts: string[] = [];
    let rest = text.replace(/^\s+/, '');
    while (rest.length) {
      if (parts.length >= limit) {
        parts.push(rest);
        break;
      }
      const m = /\s+/.exec(rest);
      if (!m) {
        parts.push(rest);
        break;
      }
      parts.push(rest.slice(0, m.index));
      rest = rest.slice(m.index + m[0].length);
    }
    return parts;
  }
  const separator = String(sep);
  if (separator === '') throw new StrataError('template_error', 'split(): empty separator');
  const pieces = text.split(separator);
  if (pieces.length - 1 <= limit) return pieces;
  return [...pieces.slice(0, limit), pieces.slice(limit).join(separator)];
}

/** Python's `str.format` for `{}`, `{0}` and `{name}` fields (no format specs). */
export function pyFormat(template: string, args: unknown[]): string {
  const { positional, kwargs } = splitKwargs(args);
  let auto = 0;
  return template.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (match, field: string | undefined) => {
    if (match === '{{') return '{';
    if (match === '}}') return '}';
    const name = field ?? '';
    if (name.includes(':') || name.includes('!')) {
      throw new StrataError('template_error', `str.format(): format specs like '{${name}}' are not supported; format the value with a filter instead`);
    }
    if (name === '') return pyStr(positional[auto++]);
    if (/^\d+$/.test(name)) return pyStr(positional[Number(name)]);
    if (!(name in kwargs)) throw new StrataError('template_error', `str.format(): no value for '{${name}}'`);
    return pyStr(kwargs[name]);
  });
}

/** Python's `%` string formatting (`'%s and %d' % (a, b)`) for %s, %d, %i, %f, %r and %%. */
export function percentFormat(template: string, values: unknown): string {
  const list = Array.isArray(values) ? values : [values];
  let index = 0;
  const out = template.replace(/%(%|[-+ 0#]*\d*(?:\.\d+)?[sdifr])/g, (_m, spec: string) => {
    if (spec === '%') return '%';
    const kind = spec[spec.length - 1]!;
    const value = list[index++];
    switch (kind) {
      case 's':
        return pyStr(value);
      case 'r':
        return typeof value === 'string' ? `'${value}'` : pyStr(value);
      case 'd':
      case 'i':
        return String(Math.trunc(Number(value)));
      default: {
        const precision = /\.(\d+)/.exec(spec)?.[1];
        return Number(value).toFixed(precision === undefined ? 6 : Number(precision));
      }
    }
  });
  if (index < list.length) throw new StrataError('template_error', 'not all arguments converted during string formatting');
  return out;
}

export const STRING_METHODS: Readonly<Record<string, Method>> = {
  upper: (s: string) => s.toUpperCase(),
  lower: (s: string) => s.toLowerCase(),
  strip: (s: string, chars?: unknown) => stripChars(s, chars, true, true),
  lstrip: (s: string, chars?: unknown) => stripChars(s, chars, true, false),
  rstrip: (s: string, chars?: unknown) => stripChars(s, chars, false, true),
  split: (s: string, ...args: unknown[]) => {
    const { positional, kwargs } = splitKwargs(args);
    return split(s, positional[0] ?? kwargs.sep, positional[1] ?? kwargs.maxsplit);
  },
  splitlines: (s: string) => s.split(/\r\n|\r|\n/).filter((line, i, all) => i < all.length - 1 || line !== ''),
  replace: (s: string, old: unknown, replacement: unknown, count?: unknown) => {
    const from = String(old);
    const to = String(replacement);
    if (typeof count === 'number' && count >= 0) {
      let out = s;
      let done = 0;
      let at = 0;
      while (done < count) {
        const i = out.indexOf(from, at);
        if (i < 0) break;
        out = out.slice(0, i) + to + out.slice(i + from.length);
        at = i + to.length + (from === '' ? 1 : 0);
        done += 1;
      }
      return out;
    }
    return s.split(from).join(to);
  },
  startswith: (s: string, prefix: unknown) => (Array.isArray(prefix) ? prefix.some((p) => s.startsWith(String(p))) : s.startsWith(String(prefix))),
  endswith: (s: string, suffix: unknown) => (Array.isArray(suffix) ? suffix.some((p) => s.endsWith(String(p))) : s.endsWith(String(suffix))),
  title: (s: string) => s.toLowerCase().replace(/(^|[^A-Za-z0-9])([a-z])/g, (_m, pre: string, c: string) => pre + c.toUpperCase()),
  capitalize: (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1).toLowerCase() : s),
  format: (s: string, ...args: unknown[]) => pyFormat(s, args),
  join: (s: string, items: unknown) => [...((items as Iterable<unknown>) ?? [])].map(pyStr).join(s),
  find: (s: string, sub: unknown) => s.indexOf(String(sub)),
  rfind: (s: string, sub: unknown) => s.lastIndexOf(String(sub)),
  index: (s: string, sub: unknown) => {
    const i = s.indexOf(String(sub));
    if (i < 0) throw new StrataError('template_error', `substring '${String(sub)}' not found`);
    return i;
  },
  count: (s: string, sub: unknown) => (String(sub) === '' ? s.length + 1 : s.split(String(sub)).length - 1),
  isdigit: (s: string) => /^\d+$/.test(s),
  isnumeric: (s: string) => /^\d+$/.test(s),
  isalpha: (s: string) => /^[A-Za-z]+$/.test(s),
  isalnum: (s: string) => /^[A-Za-z0-9]+$/.test(s),
  isupper: (s: string) => /[A-Z]/.test(s) && s === s.toUpperCase(),
  islower: (s: string) => /[a-z]/.test(s) && s === s.toLowerCase(),
  isspace: (s: string) => /^\s+$/.test(s),
  zfill: (s: string, width: unknown) => {
    const sign = /^[-+]/.test(s) ? s[0]! : '';
    return sign + s.slice(sign.length).padStart(Number(width) - sign.length, '0');
  },
  ljust: (s: string, width: unknown, fill?: unknown) => s.padEnd(Number(width), fill === undefined ? ' ' : String(fill)),
  rjust: (s: string, width: unknown, fill?: unknown) => s.padStart(Number(width), fill === undefined ? ' ' : String(fill)),
  center: (s: string, width: unknown) => {
    const total = Math.max(0, Number(width) - s.length);
    const left = Math.floor(total / 2);
    return ' '.repeat(left) + s + ' '.repeat(total - left);
  },
  partition: (s: string, sep: unknown) => {
    const i = s.indexOf(String(sep));
    return i < 0 ? [s, '', ''] : [s.slice(0, i), String(sep), s.slice(i + String(sep).length)];
  },
};

export const LIST_METHODS: Readonly<Record<string, Method>> = {
  append: (list: unknown[], item: unknown) => {
    list.push(item);
    return null;
  },
  extend: (list: unknown[], items: unknown) => {
    list.push(...[...((items as Iterable<unknown>) ?? [])]);
    return null;
  },
  insert: (list: unknown[], index: unknown, item: unknown) => {
    list.splice(Number(index), 0, item);
    return null;
  },
  pop: (list: unknown[], index?: unknown) => {
    if (list.length === 0) throw new StrataError('template_error', 'pop from empty list');
    if (index === undefined) return list.pop();
    const i = Number(index) < 0 ? list.length + Number(index) : Number(index);
    if (i < 0 || i >= list.length) throw new StrataError('template_error', 'pop index out of range');
    return list.splice(i, 1)[0];
  },
  remove: (list: unknown[], item: unknown) => {
    const i = list.indexOf(item);
    if (i < 0) throw new StrataError('template_error', `list.remove(x): ${pyStr(item)} not in list`);
    list.splice(i, 1);
    return null;
  },
  index: (list: unknown[], item: unknown) => {
    const i = list.indexOf(item);
    if (i < 0) throw new StrataError('template_error', `${pyStr(item)} is not in list`);
    return i;
  },
  count: (list: unknown[], item: unknown) => list.filter((x) => x === item).length,
  copy: (list: unknown[]) => [...list],
  reverse: (list: unknown[]) => {
    list.reverse();
    return null;
  },
};

export const DICT_METHODS: Readonly<Record<string, Method>> = {
  items: (d: Record<string, unknown>) => Object.entries(d).filter(([k]) => k !== '__keywords'),
  keys: (d: Record<string, unknown>) => Object.keys(d).filter((k) => k !== '__keywords'),
  values: (d: Record<string, unknown>) => Object.entries(d).filter(([k]) => k !== '__keywords').map(([, v]) => v),
  get: (d: Record<string, unknown>, key: unknown, fallback: unknown = null) => {
    const k = String(key);
    return Object.prototype.hasOwnProperty.call(d, k) && d[k] !== undefined ? d[k] : fallback;
  },
  has_key: (d: Record<string, unknown>, key: unknown) => Object.prototype.hasOwnProperty.call(d, String(key)),
  pop: (d: Record<string, unknown>, key: unknown, ...rest: unknown[]) => {
    const k = String(key);
    if (Object.prototype.hasOwnProperty.call(d, k)) {
      const value = d[k];
      delete d[k];
      return value;
    }
    if (rest.length) return rest[0];
    throw new StrataError('template_error', `KeyError: '${k}'`);
  },
  setdefault: (d: Record<string, unknown>, key: unknown, value: unknown = null) => {
    const k = String(key);
    if (!Object.prototype.hasOwnProperty.call(d, k)) d[k] = value;
    return d[k];
  },
  update: (d: Record<string, unknown>, ...args: unknown[]) => {
    for (const arg of args) {
      if (arg && typeof arg === 'object') for (const [k, v] of Object.entries(arg)) if (k !== '__keywords') d[k] = v;
    }
    return null;
  },
  copy: (d: Record<string, unknown>) => ({ ...d }),
};
