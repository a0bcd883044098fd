import type { Dag } from '../graph/dag.js';
import type { GraphNode } from '../manifest/types.js';

/** The part of the project whose data versions decide the versions of some relations. */
export interface VersionScope {
  readonly nodes: ReadonlyMap<string, GraphNode>;
  /** `nodes` in dependency order. */
  readonly order: readonly string[];
}

/**
 * The nodes of the given relations and everything upstream of them, in `order` (a topological
 * order of the whole project). A relation's data version depends only on its node and its
 * ancestors, so reading just these gives the same versions as reading the whole project, without
 * the work for sources the query never reads (an external source's version is its `count(*)`).
 * Relations that are not the project's are left out: an entry naming one never matches.
 */
export function versionScope(relationKeys: readonly string[], nodeIdByRelation: ReadonlyMap<string, string>, dag: Dag, order: readonly string[]): VersionScope {
  const wanted = new Set<string>();
  for (const key of relationKeys) {
    const id = nodeIdByRelation.get(key);
    if (id === undefined || wanted.has(id)) continue;
    wanted.add(id);
    for (const ancestor of dag.walk(id, 'parents')) wanted.add(ancestor);
  }
  const scoped = order.filter((id) => wanted.has(id));
  return { nodes: new Map(scoped.map((id) => [id, dag.node(id)])), order: scoped };
}
