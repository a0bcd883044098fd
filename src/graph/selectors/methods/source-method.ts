import { compileGlob } from '../compile-glob.js';
import { packageName } from '../package-name.js';
import type { SelectorMethod } from '../selector-method.js';

/** `source:crm` (every table of source crm), `source:crm.customers`, `source:shop.crm.customers`; globs allowed in each part. */
export const sourceMethod: SelectorMethod = {
  name: 'source',
  usage: 'source:<source>[.<table>]',
  arguments: 'none',
  validate: ({ value }) =>
    value.split('.').length > 3
      ? `sources are written source:<source>, source:<source>.<table> or source:<project>.<source>.<table>`
      : undefined,
  matcher: ({ value }) => {
    const parts = value.split('.');
    const [project, source, table] =
      parts.length === 1 ? ['*', parts[0]!, '*'] : parts.length === 2 ? ['*', parts[0]!, parts[1]!] : parts;
    const projectGlob = compileGlob(project ?? '*');
    const sourceGlob = compileGlob(source ?? '*');
    const tableGlob = compileGlob(table ?? '*');
    return (node) =>
      node.kind === 'source' &&
      projectGlob.test(packageName(node) ?? '') &&
      sourceGlob.test(node.sourceName) &&
      tableGlob.test(node.tableName);
  },
};
