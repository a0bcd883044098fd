import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Adapter, Connection } from '../adapters/contract.js';
import type { GraphNode, SeedNode, SourceNode } from '../manifest/types.js';
import { sha256 } from '../shared/hash.js';
import type { FingerprintState } from './fingerprints.js';
import type { PhysicalRecord } from './release-store.js';

/**
 * What fingerprints need from outside the compiled project: each source's data version (the
 * newest `_load_id` and the row count of a loaded raw table, else its row count; `missing` when
 * it does not exist) and each seed file's content hash.
 */
export async function readFingerprintState(adapter: Adapter, connection: Connection, nodes: ReadonlyMap<string, GraphNode>, projectRoot: string): Promise<FingerprintState> {
  const sources = [...nodes.values()].filter((n): n is SourceNode => n.kind === 'source');
  const seeds = [...nodes.values()].filter((n): n is SeedNode => n.kind === 'seed');
  const d = adapter.dialect;
  const present = new Set(
    (await adapter.listRelations(connection, [...new Set(sources.map((s) => s.relation.schema))])).map((r) => `${r.schema}\u0000${r.identifier}`),
  );
  const sourceVersions = new Map<string, string>();
  for (const source of sources) {
    if (!present.has(`${source.relation.schema}\u0000${source.relation.identifier}`)) {
      sourceVersions.set(source.uniqueId, 'missing');
      continue;
    }
    const columns = (await adapter.listColumns(connection, source.relation)).map((c) => c.name);
    const loadId = columns.includes('_load_id');
    const result = await connection.query(
      `select count(*) as n${loadId ? `, cast(max(${d.quoteIdentifier('_load_id')}) as text) as v` : ''} from ${d.relation(source.relation)}`,
    );
    const row = result.rows[0] ?? {};
    sourceVersions.set(source.uniqueId, loadId ? `load:${String(row.v)}:rows:${String(row.n)}` : `rows:${String(row.n)}`);
  }
  const seedHashes = new Map(seeds.map((seed) => [seed.uniqueId, sha256(readFileSync(path.resolve(projectRoot, seed.path)))]));
  return { sourceVersions, seedHashes };
}

/** The recorded physical relations that still exist on the database, by fingerprint. */
export async function existingPhysical(adapter: Adapter, connection: Connection, records: readonly PhysicalRecord[]): Promise<Map<string, PhysicalRecord>> {
  const schemas = [...new Set(records.map((r) => r.relation.schema))];
  const present = new Set((await adapter.listRelations(connection, schemas)).map((r) => `${r.schema}\u0000${r.identifier}`));
  return new Map(records.filter((r) => present.has(`${r.relation.schema}\u0000${r.relation.identifier}`)).map((r) => [r.fingerprint, r]));
}
