import type { Adapter, Connection } from '../adapters/contract.js';
import type { GraphNode, Relation, SourceNode } from '../manifest/types.js';
import { effectiveVersions } from './effective-versions.js';
import { NodeStateStore } from './node-state-store.js';
import { readSourceVersions } from './read-source-versions.js';

/** Key of a relation in version maps: `schema.identifier`, lower-cased (both engines fold unquoted names). */
export function relationVersionKey(relation: Relation): string {
  return `${relation.schema}.${relation.identifier}`.toLowerCase();
}

/**
 * The current data version of every relation of the project (models that are built, seeds and
 * sources), by `relationVersionKey`: what the query cache compares. Reads the node states and the
 * load log; works in a read-only session.
 */
export async function readRelationVersions(adapter: Adapter, connection: Connection, nodes: ReadonlyMap<string, GraphNode>, order: readonly string[], metadataSchema: string): Promise<Map<string, string>> {
  const recorded = await new NodeStateStore(adapter, metadataSchema).read(connection);
  const sources = [...nodes.values()].filter((n): n is SourceNode => n.kind === 'source');
  const sourceVersions = await readSourceVersions(adapter, connection, sources, metadataSchema);
  const own = new Map([...recorded].map(([id, s]) => [id, s.version]));
  return versionsByRelation(nodes, effectiveVersions(nodes, order, own, sourceVersions));
}

/** Node versions re-keyed by relation (ephemeral models, tests and exposures have none). */
export function versionsByRelation(nodes: ReadonlyMap<string, GraphNode>, versions: ReadonlyMap<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [id, version] of versions) {
    const node = nodes.get(id);
    if (!node || (node.kind !== 'model' && node.kind !== 'seed' && node.kind !== 'source')) continue;
    if (node.kind === 'model' && node.config.materialized === 'ephemeral') continue;
    out.set(relationVersionKey(node.relation), version);
  }
  return out;
}
