import { badSelector } from './bad-selector.js';
import { defaultSelectorMethods } from './default-selector-methods.js';
import { parseSelectorAtom } from './parse-selector-atom.js';
import type { SelectorExpression } from './selector-expression.js';
import type { SelectorMethodRegistry } from './selector-method-registry.js';

/**
 * Parses one selector string: whitespace-separated terms are a union, comma-separated parts of
 * a term an intersection, each part an atom with optional graph operators. One-item unions and
 * intersections collapse to their item, so `parseSelector('x')` is an atom. Throws StrataError
 * `bad_selector` (category `project`) naming the bad part and listing the allowed methods.
 */
export function parseSelector(
  text: string,
  registry: SelectorMethodRegistry = defaultSelectorMethods,
): SelectorExpression {
  const terms = text.split(/\s+/).filter((term) => term !== '');
  if (terms.length === 0) throw badSelector(text, 'the selector is empty', registry);
  const items = terms.map((term): SelectorExpression => {
    const parts = term.split(',');
    if (parts.some((part) => part === '')) {
      throw badSelector(term, "',' must join two selector parts with nothing else between them", registry, text);
    }
    const atoms = parts.map((part) => parseSelectorAtom(part, registry, text));
    return atoms.length === 1 ? atoms[0]! : { kind: 'intersection', items: atoms };
  });
  return items.length === 1 ? items[0]! : { kind: 'union', items };
}
