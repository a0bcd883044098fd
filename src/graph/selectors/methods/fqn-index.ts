import type { Dag } from '../../dag.js';
import { packageName } from '../package-name.js';

const indexes = new WeakMap<Dag, ReadonlyMap<string, readonly string[]>>();

/**
 * Ids of non-source nodes by every key an fqn selector without globs can match on: the name,
 * the fqn leaf, the first fqn segment and the project. Built once per DAG (a DAG is treated
 * as immutable) and cached.
 */
export function fqnIndex(dag: Dag): ReadonlyMap<string, readonly string[]> {
  let index = indexes.get(dag);
  if (!index) {
    const built = new Map<string, string[]>();
    const add = (key: string | undefined, id: string): void => {
      if (key === undefined) return;
      const ids = built.get(key);
      if (!ids) built.set(key, [id]);
      else if (ids[ids.length - 1] !== id) ids.push(id);
    };
    for (const [id, node] of dag.nodes) {
      if (node.kind === 'source') continue;
      add(node.name, id);
      add(node.fqn[node.fqn.length - 1], id);
      add(node.fqn[0]?.split('.')[0], id);
      add(packageName(node), id);
    }
    index = built;
    indexes.set(dag, index);
  }
  return index;
}
