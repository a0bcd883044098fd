import { selectNodes } from '../graph/selectors/index.js';
import type { GraphNode } from '../manifest/types.js';
import { openProject, type CommonOptions } from './project-session.js';

/** `strata ls`: the nodes a selector picks, in dependency order. */
export function listNodes(options: CommonOptions & { readonly select?: readonly string[]; readonly exclude?: readonly string[] }): GraphNode[] {
  const compiled = openProject(options).compile();
  const selected = selectNodes(compiled.dag, { select: options.select, exclude: options.exclude });
  return compiled.dag.topologicalOrder().filter((id) => selected.has(id)).map((id) => compiled.dag.node(id));
}
