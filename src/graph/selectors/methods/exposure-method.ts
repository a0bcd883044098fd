import { compileGlob } from '../compile-glob.js';
import { packageName } from '../package-name.js';
import type { SelectorMethod } from '../selector-method.js';

/** `exposure:weekly_kpis` or `exposure:<project>.<name>` (globs allowed): that exposure. */
export const exposureMethod: SelectorMethod = {
  name: 'exposure',
  usage: 'exposure:<name>',
  arguments: 'none',
  validate: ({ value }) =>
    value.split('.').length > 2 ? 'exposures are written exposure:<name> or exposure:<project>.<name>' : undefined,
  matcher: ({ value }) => {
    const parts = value.split('.');
    const projectGlob = compileGlob(parts.length === 2 ? parts[0]! : '*');
    const nameGlob = compileGlob(parts[parts.length - 1]!);
    return (node) => node.kind === 'exposure' && projectGlob.test(packageName(node) ?? '') && nameGlob.test(node.name);
  },
};
