import type { Dag } from '../dag.js';
import { defaultSelectorMethods } from './default-selector-methods.js';
import { evaluateSelector, type SelectOptions } from './evaluate-selector.js';
import { parseSelector } from './parse-selector.js';
import type { SelectorExpression } from './selector-expression.js';
import type { SelectorMethodRegistry } from './selector-method-registry.js';

/** `--select`/`--exclude` values as given: each may hold several space-separated terms; all are united. */
export interface SelectionInput {
  readonly select?: readonly string[];
  readonly exclude?: readonly string[];
}

/**
 * The expression for a selection: the union of every `select` string (everything when there
 * is none) minus the union of every `exclude` string. Throws `bad_selector` on the first bad term.
 */
export function selectionExpression(
  input: SelectionInput,
  registry: SelectorMethodRegistry = defaultSelectorMethods,
): SelectorExpression {
  const unite = (texts: readonly string[]): SelectorExpression | undefined => {
    const items = texts.map((text) => parseSelector(text, registry));
    if (items.length === 0) return undefined;
    return items.length === 1 ? items[0]! : { kind: 'union', items };
  };
  const include = unite(input.select ?? []) ?? { kind: 'everything' };
  const exclude = unite(input.exclude ?? []);
  return exclude ? { kind: 'difference', include, exclude } : include;
}

/** Ids of the selected nodes, in the DAG's node order. With no `select`, every node; `exclude` is subtracted afterwards. */
export function selectNodes(dag: Dag, input: SelectionInput, options: SelectOptions = {}): Set<string> {
  const registry = options.registry ?? defaultSelectorMethods;
  const selected = evaluateSelector(dag, selectionExpression(input, registry), { registry });
  const ordered = new Set<string>();
  for (const id of dag.nodes.keys()) if (selected.has(id)) ordered.add(id);
  return ordered;
}
