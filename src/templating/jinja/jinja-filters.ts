import type nunjucks from 'nunjucks';
import { StrataError } from '../../shared/errors.js';
import { percentFormat } from './python-methods.js';

/**
 * Jinja filters and tests that Nunjucks lacks or spells differently, as dbt projects use them:
 * `map`, `unique`, `min`, `max`, `tojson`, `format`, `attr`, `items`, dbt's `as_text`/`as_bool`/
 * `as_number`/`as_native`, `selectattr`/`rejectattr` with a test, `sort`/`sum`/`groupby` with
 * keyword arguments; tests `none`, `sequence`, `boolean`, `true`, `false`, `integer`, `float`, `in`.
 */
export function addJinjaFilters(env: nunjucks.Environment): void {
  const filter = (name: string, fn: (...args: never[]) => unknown): void => {
    env.addFilter(name, fn as (...args: unknown[]) => unknown);
  };
  const test = (name: string, fn: (value: unknown, ...args: never[]) => boolean): void => {
    (env as unknown as { addTest(n: string, f: (...args: unknown[]) => boolean): void }).addTest(name, fn as (...args: unknown[]) => boolean);
  };
  const callFilter = (name: string, value: unknown, args: unknown[]): unknown => {
    const fn = (env as unknown as { getFilter(n: string): ((...a: unknown[]) => unknown) | undefined }).getFilter(name);
    if (!fn) throw new StrataError('template_error', `filter not found: ${name}`);
    return fn.call(undefined, value, ...args);
  };
  const callTest = (name: string, value: unknown, args: unknown[]): boolean => {
    const fn = (env as unknown as { getTest(n: string): ((...a: unknown[]) => boolean) | undefined }).getTest(name);
    if (!fn) throw new StrataError('template_error', `test not found: ${name}`);
    return Boolean(fn.call(undefined, value, ...args));
  };

  filter('map', (items: unknown, ...args: unknown[]) => {
    const { positional, kwargs } = kwargsOf(args);
    const list = toList(items);
    if (typeof kwargs.attribute === 'string') {
      return list.map((item) => {
        const value = attribute(item, kwargs.attribute as string);
        return value === undefined && 'default' in kwargs ? kwargs.default : value;
      });
    }
    const [name, ...rest] = positional;
    if (typeof name !== 'string') throw new StrataError('template_error', "map() takes a filter name or attribute='name'");
    return list.map((item) => callFilter(name, item, rest));
  });
  filter('unique', (items: unknown, ...args: unknown[]) => {
    const { kwargs } = kwargsOf(args);
    const seen = new Set<unknown>();
    const out: unknown[] = [];
    for (const item of toList(items)) {
      let key = typeof kwargs.attribute === 'string' ? attribute(item, kwargs.attribute) : item;
      if (kwargs.case_sensitive !== true && typeof key === 'string') key = key.toLowerCase();
      if (!seen.has(key)) {
        seen.add(key);
        out.push(item);
      }
    }
    return out;
  });
  const extreme = (sign: 1 | -1) => (items: unknown, ...args: unknown[]) => {
    const { kwargs } = kwargsOf(args);
    const list = toList(items);
    if (list.length === 0) return undefined;
    const keyOf = (item: unknown): unknown => {
      const value = typeof kwargs.attribute === 'string' ? attribute(item, kwargs.attribute) : item;
      return kwargs.case_sensitive !== true && typeof value === 'string' ? value.toLowerCase() : value;
    };
    return list.reduce((best, item) => (compare(keyOf(item), keyOf(best)) * sign > 0 ? item : best));
  };
  filter('max', extreme(1));
  filter('min', extreme(-1));
  filter('tojson', (value: unknown, ...args: unknown[]) => {
    const { kwargs } = kwargsOf(args);
    return pyJsonDumps(value, { sortKeys: true, indent: typeof kwargs.indent === 'number' ? kwargs.indent : undefined })
      .replaceAll('<', '\\u003c')
      .replaceAll('>', '\\u003e')
      .replaceAll('&', '\\u0026')
      .replaceAll("'", '\\u0027');
  });
  filter('format', (template: unknown, ...args: unknown[]) => percentFormat(String(template), args.length === 1 ? args[0] : args));
  filter('attr', (obj: unknown, name: unknown) => attribute(obj, String(name)));
  filter('items', (obj: unknown) => (obj && typeof obj === 'object' ? Object.entries(obj).filter(([k]) => k !== '__keywords') : []));
  filter('count', (value: unknown) => toList(value).length);
  filter('as_text', (value: unknown) => (value === null || value === undefined ? '' : String(value)));
  filter('as_bool', (value: unknown) => (typeof value === 'string' ? /^(true|1|yes)$/i.test(value.trim()) : Boolean(value)));
  filter('as_number', (value: unknown) => {
    const n = Number(value);
    if (Number.isNaN(n)) throw new StrataError('template_error', `as_number: '${String(value)}' is not a number`);
    return n;
  });
  filter('as_native', (value: unknown) => {
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  });
  const attrFilter = (keep: boolean) => (items: unknown, name: unknown, testName?: unknown, ...testArgs: unknown[]) =>
    toList(items).filter((item) => {
      const value = attribute(item, String(name));
      const passes = testName === undefined ? Boolean(value) : callTest(String(testName), value, testArgs);
      return passes === keep;
    });
  filter('selectattr', attrFilter(true));
  filter('rejectattr', attrFilter(false));
  filter('sort', (items: unknown, ...args: unknown[]) => {
    const { positional, kwargs } = kwargsOf(args);
    const reverse = Boolean(kwargs.reverse ?? positional[0] ?? false);
    const caseSensitive = Boolean(kwargs.case_sensitive ?? positional[1] ?? false);
    const attr = (kwargs.attribute ?? positional[2]) as string | undefined;
    const keyOf = (item: unknown): unknown => {
      const value = attr === undefined ? item : attribute(item, attr);
      return !caseSensitive && typeof value === 'string' ? value.toLowerCase() : value;
    };
    const sorted = toList(items).slice().sort((a, b) => compare(keyOf(a), keyOf(b)));
    return reverse ? sorted.reverse() : sorted;
  });
  filter('sum', (items: unknown, ...args: unknown[]) => {
    const { positional, kwargs } = kwargsOf(args);
    const attr = (kwargs.attribute ?? positional[0]) as string | undefined;
    const start = Number(kwargs.start ?? positional[1] ?? 0);
    return toList(items).reduce<number>((total, item) => total + Number(attr === undefined ? item : attribute(item, attr)), start);
  });
  filter('groupby', (items: unknown, ...args: unknown[]) => {
    const { positional, kwargs } = kwargsOf(args);
    const attr = String(kwargs.attribute ?? positional[0]);
    const groups = new Map<unknown, unknown[]>();
    for (const item of toList(items)) {
      const key = attribute(item, attr);
      const group = groups.get(key) ?? [];
      group.push(item);
      groups.set(key, group);
    }
    return [...groups.entries()]
      .sort(([a], [b]) => compare(a, b))
      .map(([grouper, list]) => Object.assign([grouper, list], { grouper, list }));
  });

  test('none', (value: unknown) => value === null || value === undefined);
  test('sequence', (value: unknown) => Array.isArray(value) || typeof value === 'string');
  test('boolean', (value: unknown) => typeof value === 'boolean');
  test('true', (value: unknown) => value === true);
  test('false', (value: unknown) => value === false);
  test('integer', (value: unknown) => typeof value === 'number' && Number.isInteger(value));
  test('float', (value: unknown) => typeof value === 'number' && !Number.isInteger(value));
  test('in', (value: unknown, container: unknown) => {
    if (typeof container === 'string') return container.includes(String(value));
    if (Array.isArray(container)) return container.includes(value);
    return !!container && typeof container === 'object' && Object.prototype.hasOwnProperty.call(container, String(value));
  });
}

/** Python's `json.dumps` spelling: `{"a": 1, "b": [1, 2]}` (spaces after separators), keys sorted on request. */
export function pyJsonDumps(value: unknown, options: { sortKeys?: boolean; indent?: number } = {}): string {
  const replacer = (_key: string, v: unknown): unknown => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const entries = Object.entries(v as Record<string, unknown>).filter(([k]) => k !== '__keywords');
      if (options.sortKeys) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return Object.fromEntries(entries);
    }
    return v === undefined ? null : v;
  };
  if (options.indent !== undefined) return JSON.stringify(value, replacer, options.indent) ?? 'null';
  const compact = JSON.stringify(value, replacer) ?? 'null';
  // Re-space outside strings: ", " between items and ": " after keys.
  let out = '';
  let inString = false;
  for (let i = 0; i < compact.length; i += 1) {
    const c = compact[i]!;
    out += c;
    if (inString) {
      if (c === '\\') out += compact[++i] ?? '';
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === ',' || c === ':') out += ' ';
  }
  return out;
}

function kwargsOf(args: unknown[]): { positional: unknown[]; kwargs: Record<string, unknown> } {
  const last = args[args.length - 1];
  if (last && typeof last === 'object' && Object.prototype.hasOwnProperty.call(last, '__keywords')) {
    const { __keywords: _k, ...kwargs } = last as Record<string, unknown>;
    return { positional: args.slice(0, -1), kwargs };
  }
  return { positional: args, kwargs: {} };
}

function toList(value: unknown): unknown[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [...value];
  if (typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function') return [...(value as Iterable<unknown>)];
  if (typeof value === 'object') return Object.keys(value);
  return [value];
}

/** `a.b.c` on dicts, lists (numeric segments) and objects. */
function attribute(item: unknown, path: string): unknown {
  let value = item;
  for (const part of path.split('.')) {
    if (value === null || value === undefined) return undefined;
    value = (value as Record<string, unknown>)[/^\d+$/.test(part) && Array.isArray(value) ? Number(part) : part];
  }
  return value;
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}
