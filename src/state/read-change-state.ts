import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Adapter, Connection } from '../adapters/contract.js';
import type { GraphNode, SourceNode } from '../manifest/types.js';
import { sha256 } from '../shared/hash.js';
import { modelChecksum, seedChecksum } from './node-checksum.js';
import type { NodeState } from './node-state.js';
import { NodeStateStore } from './node-state-store.js';
import { readSourceVersions } from './read-source-versions.js';

/** Everything change detection reads outside the compiled project. */
export interface ChangeState {
  readonly checksums: ReadonlyMap<string, string>;
  readonly recorded: ReadonlyMap<string, NodeState>;
  readonly sourceVersions: ReadonlyMap<string, string>;
}

/**
 * Reads the recorded node states and the sources' data versions, and computes every model's and
 * seed's checksum (seeds' CSV files are read here). `nodes` should be compiled for a full build.
 */
export async function readChangeState(
  adapter: Adapter,
  connection: Connection,
  nodes: ReadonlyMap<string, GraphNode>,
  projectRoot: string,
  metadataSchema: string,
): Promise<ChangeState> {
  const recorded = await new NodeStateStore(adapter, metadataSchema).read(connection);
  const sources = [...nodes.values()].filter((n): n is SourceNode => n.kind === 'source');
  const sourceVersions = await readSourceVersions(adapter, connection, sources, metadataSchema);
  return { checksums: nodeChecksums(nodes, projectRoot), recorded, sourceVersions };
}

/** Checksums of every model and seed (a seed whose file cannot be read gets a checksum that never matches). */
export function nodeChecksums(nodes: ReadonlyMap<string, GraphNode>, projectRoot: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const node of nodes.values()) {
    if (node.kind === 'model') out.set(node.uniqueId, modelChecksum(node));
    else if (node.kind === 'seed') {
      let fileHash: string;
      try {
        fileHash = sha256(readFileSync(path.resolve(projectRoot, node.path)));
      } catch {
        fileHash = `unreadable:${Date.now()}`;
      }
      out.set(node.uniqueId, seedChecksum(node, fileHash));
    }
  }
  return out;
}
