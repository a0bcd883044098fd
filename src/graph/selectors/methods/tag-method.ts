import { compileGlob } from '../compile-glob.js';
import type { GraphNode } from '../../../manifest/types.js';
import type { SelectorMethod } from '../selector-method.js';

/** `tag:nightly` (globs allowed): any node with a matching tag, its own or from its config. */
export const tagMethod: SelectorMethod = {
  name: 'tag',
  usage: 'tag:<tag>',
  arguments: 'none',
  matcher: ({ value }) => {
    const glob = compileGlob(value);
    return (node) => tagsOf(node).some((tag) => glob.test(tag));
  },
};

function tagsOf(node: GraphNode): readonly string[] {
  if (node.kind === 'model' || node.kind === 'seed') return [...node.tags, ...node.config.tags];
  return node.tags;
}
