import { builtinSelectorMethods } from './methods/builtin-selector-methods.js';
import type { SelectorMethod } from './selector-method.js';
import { SelectorMethodRegistry } from './selector-method-registry.js';

/** The registry `parseSelector` and `selectNodes` use unless given another: the built-in methods plus any registered later. */
export const defaultSelectorMethods = new SelectorMethodRegistry(builtinSelectorMethods);

/** Adds a method (or replaces one of the same name) in the default registry, e.g. `state` once comparison state exists. */
export function registerSelectorMethod(method: SelectorMethod): void {
  defaultSelectorMethods.register(method);
}
