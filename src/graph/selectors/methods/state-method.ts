import { StrataError } from '../../../shared/errors.js';
import type { SelectorExpression } from '../selector-expression.js';
import type { SelectorMethod } from '../selector-method.js';

/** What `state:` selectors ask: the direct reasons of each changed node (`new`, `modified`, `new_data`, `missing`). */
export interface StateLookup {
  readonly reasons: ReadonlyMap<string, readonly string[]>;
}

/** `state:<value>` → the direct reasons it matches. */
const VALUES: Readonly<Record<string, readonly string[]>> = {
  modified: ['new', 'modified'],
  new: ['new'],
  'new-data': ['new_data'],
  missing: ['missing'],
  changed: ['new', 'modified', 'new_data', 'missing'],
};

/**
 * `state:modified` (code or config changed since the last build, or never built), `state:new`,
 * `state:new-data` (an input received data since), `state:missing` (relation gone) and
 * `state:changed` (any of those). Only the changed nodes themselves: add `+` for what depends on
 * them. Without a lookup (no database at hand) matching throws, saying where state is available.
 */
export function stateSelectorMethod(lookup?: StateLookup): SelectorMethod {
  return {
    name: 'state',
    usage: 'state:modified|new|new-data|missing|changed',
    arguments: 'none',
    validate: ({ value }) => (VALUES[value] ? undefined : `state:${value} is not known: use one of ${Object.keys(VALUES).join(', ')}`),
    matcher: ({ value }) => {
      if (!lookup) {
        throw new StrataError('state_unavailable', `state:${value} compares the project with what the database recorded: use it with run, build, seed or ls`);
      }
      const wanted = VALUES[value] ?? [];
      return (node) => lookup.reasons.get(node.uniqueId)?.some((r) => wanted.includes(r)) ?? false;
    },
    candidates: ({ value }) => {
      if (!lookup) return undefined;
      const wanted = VALUES[value] ?? [];
      return [...lookup.reasons].filter(([, reasons]) => reasons.some((r) => wanted.includes(r))).map(([id]) => id);
    },
  };
}

/** Whether a selection uses a method (e.g. `state`), so the caller knows to read what it needs first. */
export function usesSelectorMethod(expression: SelectorExpression, method: string): boolean {
  switch (expression.kind) {
    case 'atom':
      return expression.criterion.method === method;
    case 'union':
    case 'intersection':
      return expression.items.some((item) => usesSelectorMethod(item, method));
    case 'difference':
      return usesSelectorMethod(expression.include, method) || usesSelectorMethod(expression.exclude, method);
    case 'everything':
      return false;
  }
}
