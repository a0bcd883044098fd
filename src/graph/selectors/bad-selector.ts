import { distance } from 'fastest-levenshtein';
import { StrataError } from '../../shared/errors.js';
import type { SelectorMethodRegistry } from './selector-method-registry.js';

/**
 * The `bad_selector` error (category `project`, exit 2) for `term`: names the term, the whole
 * selector when it is longer, why it is wrong, and the methods and operators that are allowed.
 */
export function badSelector(
  term: string,
  reason: string,
  registry: SelectorMethodRegistry,
  selector: string = term,
): StrataError {
  const where = selector.trim() === term ? `'${term}'` : `'${term}' in '${selector.trim()}'`;
  return new StrataError(
    'bad_selector',
    `invalid selector ${where}: ${reason}. Allowed methods: ${registry.usages().join(', ')}; ` +
      `a bare name means fqn (or path when it contains '/'); graph operators: +x, x+, N+x, x+N, @x; ` +
      `',' intersects, a space unites`,
    {},
    'project',
  );
}

/** ` (did you mean 'tag'?)` when a registered method is within two edits of `name`, else ''. */
export function didYouMean(name: string, registry: SelectorMethodRegistry): string {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of registry.names()) {
    const d = distance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best === undefined ? '' : ` (did you mean '${best}'?)`;
}
