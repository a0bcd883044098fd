import type { Dag } from '../dag.js';
import { applyGraphOperators } from './apply-graph-operators.js';
import { badSelector } from './bad-selector.js';
import { defaultSelectorMethods } from './default-selector-methods.js';
import type { SelectorAtom, SelectorExpression } from './selector-expression.js';
import type { SelectorMethodRegistry } from './selector-method-registry.js';

/** Options shared by `evaluateSelector` and `selectNodes`. */
export interface SelectOptions {
  /** Methods to use; the default registry (built-ins plus `registerSelectorMethod`) otherwise. */
  readonly registry?: SelectorMethodRegistry;
}

/**
 * Ids of `dag` selected by `expression`. Each atom tests its method's candidates (or every
 * node) once with the method's predicate and then walks the graph once for its operators, so
 * cost is at most linear in the graph per atom. Throws `bad_selector` for a method the registry does not know.
 */
export function evaluateSelector(dag: Dag, expression: SelectorExpression, options: SelectOptions = {}): Set<string> {
  const registry = options.registry ?? defaultSelectorMethods;
  const evaluate = (expr: SelectorExpression): Set<string> => {
    switch (expr.kind) {
      case 'everything':
        return new Set(dag.nodes.keys());
      case 'atom':
        return evaluateAtom(dag, expr, registry);
      case 'union': {
        const out = new Set<string>();
        for (const item of expr.items) for (const id of evaluate(item)) out.add(id);
        return out;
      }
      case 'intersection': {
        let out: Set<string> | undefined;
        for (const item of expr.items) {
          const ids = evaluate(item);
          out = out === undefined ? ids : new Set([...out].filter((id) => ids.has(id)));
          if (out.size === 0) break;
        }
        return out ?? new Set();
      }
      case 'difference': {
        const out = evaluate(expr.include);
        if (out.size === 0) return out;
        for (const id of evaluate(expr.exclude)) out.delete(id);
        return out;
      }
    }
  };
  return evaluate(expression);
}

function evaluateAtom(dag: Dag, atom: SelectorAtom, registry: SelectorMethodRegistry): Set<string> {
  const method = registry.get(atom.criterion.method);
  if (!method) throw badSelector(atom.text, `unknown method '${atom.criterion.method}'`, registry);
  const matches = method.matcher(atom.criterion, dag);
  const candidates = method.candidates?.(atom.criterion, dag);
  const seeds = new Set<string>();
  if (candidates) {
    for (const id of candidates) {
      const node = dag.nodes.get(id);
      if (node && matches(node)) seeds.add(id);
    }
  } else {
    for (const [id, node] of dag.nodes) if (matches(node)) seeds.add(id);
  }
  return applyGraphOperators(dag, seeds, atom.operators);
}
