import { effectivePriorities } from '../graph/effective-priority.js';
import { selectNodes } from '../graph/selectors/index.js';
import type { GraphNode } from '../manifest/types.js';
import { openProject, type CommonOptions } from './project-session.js';

/** `strata ls`: the nodes a selector picks, in dependency order, with their effective priority. */
export function listNodes(options: CommonOptions & { readonly select?: readonly string[]; readonly exclude?: readonly string[] }): { node: GraphNode; priority: number }[] {
  const compiled = openProject(options).compile();
  const selected = selectNodes(compiled.dag, { select: options.select, exclude: options.exclude });
  const priorities = effectivePriorities(compiled.dag);
  return compiled.dag
    .topologicalOrder()
    .filter((id) => selected.has(id))
    .map((id) => ({ node: compiled.dag.node(id), priority: priorities.get(id) ?? 0 }));
}
