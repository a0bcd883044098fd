import { compileGlob } from '../compile-glob.js';
import type { GraphNode } from '../../../manifest/types.js';
import type { SelectorMethod } from '../selector-method.js';

/**
 * `path:models/marts` (relative to the project root; trailing `/` and leading `./` optional;
 * `*`, `**`, `?`, `[…]` globs): nodes whose file, or a folder containing it, matches. A model
 * is also matched by the YAML file that documents it, as in dbt. `path:.` matches everything.
 */
export const pathMethod: SelectorMethod = {
  name: 'path',
  usage: 'path:<folder-or-file>',
  arguments: 'none',
  matcher: ({ value }) => {
    const pattern = normalizePath(value);
    if (pattern === '') return () => true;
    const glob = compileGlob(pattern, 'path');
    return (node) => filesOf(node).some((file) => fileOrFolderMatches(glob, normalizePath(file)));
  },
};

/** Forward slashes, no leading `./`, no trailing `/`; `.` becomes the empty string. */
function normalizePath(path: string): string {
  let out = path.replace(/\\/g, '/').replace(/\/{2,}/g, '/');
  while (out.startsWith('./')) out = out.slice(2);
  out = out.replace(/\/+$/, '');
  return out === '.' ? '' : out;
}

function filesOf(node: GraphNode): string[] {
  const files = [node.path];
  if (node.kind === 'model' && node.patchPath) files.push(node.patchPath.replace(/^[a-z]+:\/\//, ''));
  return files;
}

function fileOrFolderMatches(glob: RegExp, file: string): boolean {
  if (glob.test(file)) return true;
  for (let slash = file.indexOf('/'); slash > 0; slash = file.indexOf('/', slash + 1)) {
    if (glob.test(file.slice(0, slash))) return true;
  }
  return false;
}
