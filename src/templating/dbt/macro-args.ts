import { StrataError } from '../../shared/errors.js';

/**
 * Binds a call's positional and keyword arguments (Nunjucks passes keywords as a trailing object
 * marked `__keywords`) to a macro's parameter names, as Jinja does: an unknown keyword or a
 * missing required argument is an error naming the macro.
 */
export function bindArgs(macro: string, args: readonly unknown[], params: readonly string[], defaults: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  const last = args[args.length - 1];
  const hasKwargs = !!last && typeof last === 'object' && Object.prototype.hasOwnProperty.call(last, '__keywords');
  const positional = hasKwargs ? args.slice(0, -1) : args;
  const kwargs = hasKwargs ? (last as Record<string, unknown>) : {};
  if (positional.length > params.length) {
    throw new StrataError('template_error', `${macro}() takes at most ${params.length} arguments (${params.join(', ')}), got ${positional.length}`);
  }
  const out: Record<string, unknown> = { ...defaults };
  positional.forEach((value, i) => {
    out[params[i]!] = value;
  });
  for (const [key, value] of Object.entries(kwargs)) {
    if (key === '__keywords') continue;
    if (!params.includes(key)) throw new StrataError('template_error', `${macro}() got an unexpected argument '${key}' (it takes ${params.join(', ')})`);
    out[key] = value;
  }
  for (const name of params) {
    if (!(name in out)) throw new StrataError('template_error', `${macro}() needs '${name}'`);
  }
  return out;
}

/** A list argument (a single string counts as a one-item list). */
export function listArg(value: unknown): unknown[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value;
  return [value];
}
