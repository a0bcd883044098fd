import { compileGlob } from '../compile-glob.js';
import type { SelectorMethod } from '../selector-method.js';

/** `file:orders.sql` or `file:orders` (globs allowed): nodes whose file name, with or without its extension, matches. */
export const fileMethod: SelectorMethod = {
  name: 'file',
  usage: 'file:<file-name>',
  arguments: 'none',
  validate: ({ value }) => (value.includes('/') ? `file: takes a file name without folders; use path:${value}` : undefined),
  matcher: ({ value }) => {
    const glob = compileGlob(value);
    return (node) => {
      const name = node.path.slice(node.path.replace(/\\/g, '/').lastIndexOf('/') + 1);
      const dot = name.lastIndexOf('.');
      const stem = dot > 0 ? name.slice(0, dot) : name;
      return glob.test(name) || glob.test(stem);
    };
  },
};
