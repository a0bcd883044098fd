import { Dag } from '../../src/graph/dag.js';
import { selectNodes } from '../../src/graph/selectors/index.js';
import type { GraphNode } from '../../src/manifest/types.js';
import type { SiteIndex } from '../../src/docs/site-data.js';

let cached: { index: SiteIndex; dag: Dag } | undefined;

/**
 * The project DAG rebuilt from the index, with each node carrying the fields selector methods
 * read (name, fqn, path, tags, config, source names): the same selector code as `strata ls`.
 */
function dagOf(index: SiteIndex): Dag {
  if (cached?.index === index) return cached.dag;
  const nodes = new Map<string, GraphNode>();
  for (const n of index.nodes) {
    const node = {
      uniqueId: n.id,
      kind: n.kind,
      name: n.name,
      path: n.path,
      fqn: n.fqn,
      tags: n.tags,
      meta: {},
      description: '',
      dependsOn: n.parents.map((p) => index.nodes[p]!.id),
      config: n.config ? { tags: [], meta: {}, ...n.config } : undefined,
      sourceName: n.sourceName,
      tableName: n.tableName,
      patchPath: n.patchPath,
    };
    nodes.set(n.id, node as unknown as GraphNode);
  }
  const dag = new Dag(nodes);
  cached = { index, dag };
  return dag;
}

/** Node indices a dbt selector string picks (`+orders`, `tag:daily,path:models/marts`, …); throws with dbt-style messages on a bad selector. */
export function selectIndices(index: SiteIndex, selector: string): Set<number> {
  const dag = dagOf(index);
  const ids = selectNodes(dag, { select: [selector] });
  const position = new Map(index.nodes.map((n, i) => [n.id, i]));
  return new Set([...ids].map((id) => position.get(id)!).filter((i) => i !== undefined));
}
