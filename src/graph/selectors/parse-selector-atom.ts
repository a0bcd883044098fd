import { badSelector, didYouMean } from './bad-selector.js';
import type { GraphOperators, MethodCriterion, SelectorAtom } from './selector-expression.js';
import type { SelectorMethodRegistry } from './selector-method-registry.js';

const PREFIX = /^(@)?(?:(\d*)\+)?/;
const SUFFIX = /\+(\d*)$/;
const METHOD = /^[A-Za-z_]\w*(?:\.[\w-]+)*$/;

/**
 * Parses one intersection part such as `@x`, `2+tag:nightly+1` or `config.materialized:table`
 * (no spaces or commas). Throws `bad_selector` for empty or doubled operators, `@` combined with a
 * `+` prefix, an unknown or malformed method, a missing value, or a value its method rejects.
 * `selector` is the whole selector text, quoted in messages for context.
 */
export function parseSelectorAtom(text: string, registry: SelectorMethodRegistry, selector: string = text): SelectorAtom {
  const fail = (reason: string): never => {
    throw badSelector(text, reason, registry, selector);
  };

  const prefix = PREFIX.exec(text)!;
  const childrensParents = prefix[1] !== undefined;
  const parents = prefix[2] === undefined ? undefined : depthOf(prefix[2]);
  let rest = text.slice(prefix[0].length);
  const suffix = SUFFIX.exec(rest);
  const children = suffix ? depthOf(suffix[1]!) : undefined;
  if (suffix) rest = rest.slice(0, suffix.index);

  if (childrensParents && parents) fail("'@' and a '+' prefix cannot be combined");
  if (rest === '') fail('nothing to select: a name or method:value is missing');
  if (/^[+@]/.test(rest) || SUFFIX.test(rest)) fail("'+' and '@' may appear only once on each side of a name");

  const criterion = criterionOf(rest, registry, fail);
  const operators: GraphOperators = { childrensParents, ...(parents && { parents }), ...(children && { children }) };
  return { kind: 'atom', text, criterion, operators };
}

function depthOf(digits: string): { depth?: number } {
  return digits === '' ? {} : { depth: Number(digits) };
}

function criterionOf(text: string, registry: SelectorMethodRegistry, fail: (reason: string) => never): MethodCriterion {
  const colon = text.indexOf(':');
  let criterion: MethodCriterion;
  if (colon < 0) {
    criterion = { method: defaultMethod(text), args: [], value: text };
  } else {
    const methodText = text.slice(0, colon);
    const value = text.slice(colon + 1);
    if (!METHOD.test(methodText)) fail(`'${methodText}' is not a method name`);
    const [method, ...args] = methodText.split('.') as [string, ...string[]];
    criterion = { method, args, value };
    if (value === '') fail(`a value is missing after '${methodText}:'`);
  }

  const method = registry.get(criterion.method);
  if (!method) return fail(`unknown method '${criterion.method}'${didYouMean(criterion.method, registry)}`);
  if (method.arguments === 'none' && criterion.args.length > 0) {
    fail(`method '${method.name}' takes no '.${criterion.args.join('.')}' argument (usage: ${method.usage})`);
  }
  if (method.arguments === 'required' && criterion.args.length === 0) {
    fail(`method '${method.name}' needs an argument (usage: ${method.usage})`);
  }
  const problem = method.validate?.(criterion);
  if (problem !== undefined) fail(problem);
  return criterion;
}

/** dbt's default method for a bare value: `path` when it looks like a path, `file` for a model/seed file name, else `fqn`. */
function defaultMethod(value: string): string {
  if (value.includes('/') || value.includes('\\')) return 'path';
  if (/\.(sql|py|csv)$/i.test(value)) return 'file';
  return 'fqn';
}
