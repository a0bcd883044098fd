import { compileGlob, hasGlobChars } from '../compile-glob.js';
import { packageName } from '../package-name.js';
import { fqnIndex } from './fqn-index.js';
import type { SelectorMethod } from '../selector-method.js';

/**
 * Whether a dotted selector matches an fqn, exactly as dbt's `is_selected_node`: the leaf equals
 * the selector, or the selector's dot-separated parts are a prefix of the fqn (dots inside fqn
 * segments also separate), where from the first part holding a glob character the rest is
 * fnmatch-ed against the rest of the fqn. With `project`, the fqn is read as `[project, ...fqn]`.
 * Copies nothing per node unless the selector has a glob or an fqn segment holds a dot.
 */
export function fqnMatcher(selector: string): (fqn: readonly string[], project?: string) => boolean {
  const parts = selector.split('.');
  const slurpFrom = parts.findIndex(hasGlobChars);
  const literalCount = slurpFrom < 0 ? parts.length : slurpFrom;
  const tail = slurpFrom < 0 ? undefined : compileGlob(parts.slice(slurpFrom).join('.'));
  return (fqn, project) => {
    if (fqn.length > 0 && fqn[fqn.length - 1] === selector) return true;
    const flat = fqn.some((segment) => segment.includes('.')) ? fqn.flatMap((segment) => segment.split('.')) : fqn;
    const offset = project === undefined ? 0 : 1;
    if (flat.length + offset < parts.length) return false;
    for (let i = 0; i < literalCount; i += 1) {
      if ((i < offset ? project : flat[i - offset]) !== parts[i]) return false;
    }
    if (!tail) return true;
    const rest = literalCount < offset ? [project!, ...flat] : flat.slice(literalCount - offset);
    return tail.test(rest.join('.'));
  };
}

/**
 * `fqn:marts.core`, and the default method of bare names. Matches models, seeds and exposures
 * (never sources, as in dbt) whose fqn matches with or without the project name in front
 * (`marts` and `shop.marts` both select everything under `models/marts`). Strata extension: a
 * glob also matches the node's own name, so `stg_*` finds `stg_orders` in any folder.
 */
export const fqnMethod: SelectorMethod = {
  name: 'fqn',
  usage: 'fqn:<dotted.path>',
  arguments: 'none',
  matcher: ({ value }) => {
    const matches = fqnMatcher(value);
    const nameGlob = hasGlobChars(value) ? compileGlob(value) : undefined;
    return (node) => {
      if (node.kind === 'source') return false;
      if (node.name === value || (nameGlob?.test(node.name) ?? false)) return true;
      if (matches(node.fqn)) return true;
      const project = packageName(node);
      return project !== undefined && matches(node.fqn, project);
    };
  },
  candidates: ({ value }, dag) => {
    if (hasGlobChars(value)) return undefined;
    const index = fqnIndex(dag);
    const first = value.split('.')[0]!;
    return new Set([...(index.get(value) ?? []), ...(index.get(first) ?? [])]);
  },
};
