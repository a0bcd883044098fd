import type { GraphNode } from '../../manifest/types.js';

/** The project (package) a node belongs to: the second segment of its unique id, e.g. `shop` in `model.shop.orders`. */
export function packageName(node: GraphNode): string | undefined {
  const id = node.uniqueId;
  const first = id.indexOf('.');
  const second = first < 0 ? -1 : id.indexOf('.', first + 1);
  return second < 0 ? undefined : id.slice(first + 1, second);
}
