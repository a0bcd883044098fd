import type { GraphNode } from '../manifest/types.js';
import type { Catalog } from './read-catalog.js';
import { relationKey } from './read-catalog.js';
import { traceColumns, type QueryLineage, type RelationInfo } from './column-lineage.js';
import type { QueryIr } from './query-ir.js';

/** Name Strata gives the CTE of an inlined ephemeral model (see compile/compile-project.ts). */
export const EPHEMERAL_CTE_PREFIX = '__strata_ephemeral__';

/** Column lineage of every model, and the output columns of every node as far as they are known. */
export interface ProjectColumns {
  /** Model id → lineage of its query. */
  readonly lineage: ReadonlyMap<string, QueryLineage>;
  /** Node id → its columns in order (catalog first, else traced, else a seed's CSV header). */
  readonly columns: ReadonlyMap<string, readonly string[]>;
}

/**
 * Traces the columns of every model in dependency order, so that `select *` over an upstream
 * model expands to that model's columns. A relation's columns come from the catalog when the
 * database was read, else from the upstream model's own traced output, else (seeds) from the
 * CSV header; sources without a catalog have unknown columns, and what reads them with `*` is
 * reported as not traceable.
 */
export function traceProjectColumns(
  order: readonly GraphNode[],
  queries: ReadonlyMap<string, QueryIr>,
  catalog: Catalog | undefined,
  seedHeaders: ReadonlyMap<string, readonly string[]>,
): ProjectColumns {
  const columns = new Map<string, readonly string[]>();
  const lineage = new Map<string, QueryLineage>();
  const byRelation = new Map<string, string>();
  const byIdentifier = new Map<string, string[]>();
  for (const node of order) {
    if (node.kind === 'model' && node.config.materialized === 'ephemeral') continue;
    if (node.kind !== 'model' && node.kind !== 'seed' && node.kind !== 'source') continue;
    const key = relationKey(node.relation);
    byRelation.set(key, node.uniqueId);
    const ids = byIdentifier.get(node.relation.identifier.toLowerCase()) ?? [];
    ids.push(node.uniqueId);
    byIdentifier.set(node.relation.identifier.toLowerCase(), ids);
    const fromCatalog = catalog?.relations.get(key)?.columns.map((c) => c.name);
    const known = fromCatalog ?? (node.kind === 'seed' ? seedHeaders.get(node.uniqueId) : undefined);
    if (known) columns.set(node.uniqueId, known);
  }
  const names = new Map(order.map((n) => [n.uniqueId, n.name]));
  const info = (nodeId: string): RelationInfo => ({ nodeId, label: names.get(nodeId) ?? nodeId, columns: columns.get(nodeId) });
  const lookup = (schema: string | undefined, name: string): RelationInfo | undefined => {
    if (schema) {
      const id = byRelation.get(`${schema}.${name}`.toLowerCase());
      return id ? info(id) : undefined;
    }
    const ids = byIdentifier.get(name.toLowerCase());
    return ids?.length === 1 ? info(ids[0]!) : undefined;
  };
  const nodeCtes = new Map<string, RelationInfo>();
  for (const node of order) {
    if (node.kind !== 'model') continue;
    const query = queries.get(node.uniqueId);
    const traced: QueryLineage = query ? traceColumns(query, lookup, nodeCtes) : { problem: 'the compiled SQL was not parsed' };
    lineage.set(node.uniqueId, traced);
    if (!columns.has(node.uniqueId) && traced.columns) columns.set(node.uniqueId, traced.columns.map((c) => c.name));
    if (node.config.materialized === 'ephemeral') {
      nodeCtes.set(`${EPHEMERAL_CTE_PREFIX}${node.name}`.toLowerCase(), info(node.uniqueId));
    }
  }
  return { lineage, columns };
}
