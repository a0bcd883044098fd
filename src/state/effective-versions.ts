import type { GraphNode } from '../manifest/types.js';
import { sha256 } from '../shared/hash.js';
import { APPROXIMATE } from './node-state.js';

/**
 * The data version of every node as a reader sees it. A table (and a seed) changes only when it
 * is rebuilt, so its version is its own build version; a view or an ephemeral model reads its
 * inputs when queried, so its version also covers theirs. A source's version is given (the newest
 * load id of a landed source). Anything that rests on an approximate version is approximate.
 * Pure: `order` is a topological order of `nodes`; `own` holds the recorded build versions.
 */
export function effectiveVersions(
  nodes: ReadonlyMap<string, GraphNode>,
  order: readonly string[],
  own: ReadonlyMap<string, string>,
  sourceVersions: ReadonlyMap<string, string>,
): Map<string, string> {
  const out = new Map<string, string>();
  for (const id of order) {
    const node = nodes.get(id);
    if (!node) continue;
    if (node.kind === 'source') {
      out.set(id, sourceVersions.get(id) ?? `${APPROXIMATE}unknown`);
      continue;
    }
    if (node.kind !== 'model' && node.kind !== 'seed') continue;
    const mine = own.get(id);
    if (node.kind === 'model' && readsThrough(node)) {
      const parents = [...node.dependsOn].sort().map((p) => out.get(p) ?? `${APPROXIMATE}unknown`);
      const approximate = (mine === undefined && node.config.materialized !== 'ephemeral') || parents.some((p) => p.startsWith(APPROXIMATE));
      out.set(id, `${approximate ? APPROXIMATE : ''}${sha256(JSON.stringify([mine ?? null, parents])).slice(0, 24)}`);
    } else {
      out.set(id, mine ?? `${APPROXIMATE}none`);
    }
  }
  return out;
}

/** Whether a model's relation shows its inputs' current data without being rebuilt (views, ephemeral models). */
export function readsThrough(node: GraphNode): boolean {
  if (node.kind !== 'model') return false;
  const m = node.config.materialized;
  return m === 'view' || m === 'ephemeral' || (m === 'current' && node.config.current?.materializeAs !== 'table');
}
