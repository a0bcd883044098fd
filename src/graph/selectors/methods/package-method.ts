import { compileGlob } from '../compile-glob.js';
import { packageName } from '../package-name.js';
import type { SelectorMethod } from '../selector-method.js';

/** `package:shop` (globs allowed): every node of that project, by the second segment of its unique id. */
export const packageMethod: SelectorMethod = {
  name: 'package',
  usage: 'package:<project>',
  arguments: 'none',
  matcher: ({ value }) => {
    const glob = compileGlob(value);
    return (node) => glob.test(packageName(node) ?? '');
  },
};
