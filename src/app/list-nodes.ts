import { effectivePriorities } from '../graph/effective-priority.js';
import { defaultSelectorMethods, selectionExpression, selectNodes, stateSelectorMethod, usesSelectorMethod, type SelectorMethodRegistry } from '../graph/selectors/index.js';
import type { GraphNode } from '../manifest/types.js';
import { detectChanges } from './change-detection.js';
import { connectForReading } from './connect-for-reading.js';
import { openProject, type CommonOptions } from './project-session.js';
import { relationKey } from '../execute/run-nodes.js';
import type { ExistingRelation } from '../adapters/contract.js';
import type { CompiledProject } from '../compile/compile-project.js';

/**
 * `strata ls`: the nodes a selector picks, in dependency order, with their effective priority.
 * A `state:` selector reads what the database recorded (read-only); anything else needs no database.
 */
export async function listNodes(options: CommonOptions & { readonly select?: readonly string[]; readonly exclude?: readonly string[] }): Promise<{ node: GraphNode; priority: number }[]> {
  const session = openProject(options);
  const compiled = session.compile();
  const input = { select: options.select, exclude: options.exclude };
  let registry: SelectorMethodRegistry | undefined;
  if (usesSelectorMethod(selectionExpression(input), 'state')) {
    const adapter = await connectForReading(session);
    const metadataSchema = session.project.settings.config.metadata_schema;
    if (adapter) {
      try {
        registry = (await detectChanges(adapter, compiled, session.root, metadataSchema, await existingRelations(compiled, adapter))).registry;
      } finally {
        await adapter.close();
      }
    } else {
      // No database yet: nothing was ever built, every model and seed is new.
      const reasons = new Map([...compiled.nodes.values()].filter((n) => n.kind === 'model' || n.kind === 'seed').map((n) => [n.uniqueId, ['new']] as const));
      registry = defaultSelectorMethods.clone().register(stateSelectorMethod({ reasons }));
    }
  }
  const selected = selectNodes(compiled.dag, input, { registry });
  const priorities = effectivePriorities(compiled.dag);
  return compiled.dag
    .topologicalOrder()
    .filter((id) => selected.has(id))
    .map((id) => ({ node: compiled.dag.node(id), priority: priorities.get(id) ?? 0 }));
}

async function existingRelations(compiled: CompiledProject, adapter: NonNullable<Awaited<ReturnType<typeof connectForReading>>>): Promise<Map<string, ExistingRelation>> {
  const schemas = new Set<string>();
  for (const node of compiled.nodes.values()) if (node.kind === 'model' || node.kind === 'seed') schemas.add(node.relation.schema);
  const relations = await adapter.withConnection((c) => adapter.listRelations(c, [...schemas]));
  return new Map(relations.map((r) => [relationKey(r.schema, r.identifier), r]));
}
