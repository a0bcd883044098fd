import type { Dag } from '../dag.js';
import type { GraphOperators } from './selector-expression.js';
import { walkFrom } from './walk-from.js';

/**
 * `seeds` grown by an atom's operators, as dbt does: `N+` adds ancestors within N steps (all
 * without N), `+N` descendants likewise, and `@` adds all descendants plus every ancestor of
 * the seeds and those descendants. Returns a new set; `seeds` is not changed.
 */
export function applyGraphOperators(dag: Dag, seeds: ReadonlySet<string>, operators: GraphOperators): Set<string> {
  const out = new Set(seeds);
  if (seeds.size === 0) return out;
  if (operators.childrensParents) {
    const down = new Set(seeds);
    for (const id of walkFrom(dag, seeds, 'children')) down.add(id);
    for (const id of down) out.add(id);
    for (const id of walkFrom(dag, down, 'parents')) out.add(id);
  }
  if (operators.parents) {
    for (const id of walkFrom(dag, seeds, 'parents', operators.parents.depth)) out.add(id);
  }
  if (operators.children) {
    for (const id of walkFrom(dag, seeds, 'children', operators.children.depth)) out.add(id);
  }
  return out;
}
