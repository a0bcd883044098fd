import type nunjucks from 'nunjucks';
import { StrataError } from '../../shared/errors.js';
import { MacroReturn } from './install-jinja-compat.js';

/**
 * Jinja's global functions that Nunjucks lacks: `return(value)` (ends a macro with a value, as in
 * dbt), `namespace(...)`, `dict(...)`, `zip(...)`, and the helper behind `{% set ns.attr = x %}`.
 */
export function addJinjaGlobals(env: nunjucks.Environment): void {
  env.addGlobal('return', (value: unknown) => {
    throw new MacroReturn(value);
  });
  env.addGlobal('namespace', (...args: unknown[]) => keywordObject(args));
  env.addGlobal('dict', (...args: unknown[]) => keywordObject(args));
  env.addGlobal('zip', (...lists: unknown[]) => {
    const arrays = lists.map((l) => (Array.isArray(l) ? l : [...((l as Iterable<unknown>) ?? [])]));
    const length = arrays.length ? Math.min(...arrays.map((a) => a.length)) : 0;
    return Array.from({ length }, (_, i) => arrays.map((a) => a[i]));
  });
  env.addGlobal('__strata_setattr', (target: unknown, name: string, value: unknown) => {
    if (!target || typeof target !== 'object') {
      throw new StrataError('template_error', `cannot set '${name}' on a value that is not a namespace() or dict`);
    }
    (target as Record<string, unknown>)[name] = value;
    return '';
  });
}

/** The keyword arguments of a call (and the entries of positional dicts) as a plain object. */
export function keywordObject(args: readonly unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const arg of args) {
    if (Array.isArray(arg)) {
      for (const pair of arg) if (Array.isArray(pair) && pair.length === 2) out[String(pair[0])] = pair[1];
    } else if (arg && typeof arg === 'object') {
      for (const [k, v] of Object.entries(arg)) if (k !== '__keywords') out[k] = v;
    }
  }
  return out;
}
