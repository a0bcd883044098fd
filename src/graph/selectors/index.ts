/** dbt node selection: `--select`/`--exclude` strings parsed into expressions and evaluated on the DAG. */
export { selectNodes, selectionExpression, type SelectionInput } from './select-nodes.js';
export { parseSelector } from './parse-selector.js';
export { evaluateSelector, type SelectOptions } from './evaluate-selector.js';
export type {
  GraphOperators,
  MethodCriterion,
  SelectorAtom,
  SelectorDifference,
  SelectorEverything,
  SelectorExpression,
  SelectorIntersection,
  SelectorUnion,
} from './selector-expression.js';
export type { NodePredicate, SelectorMethod } from './selector-method.js';
export { SelectorMethodRegistry } from './selector-method-registry.js';
export { defaultSelectorMethods, registerSelectorMethod } from './default-selector-methods.js';
export { builtinSelectorMethods } from './methods/builtin-selector-methods.js';
export { compileGlob, hasGlobChars, type GlobMode } from './compile-glob.js';
export { stateSelectorMethod, usesSelectorMethod, type StateLookup } from './methods/state-method.js';
