import type { Adapter, Connection } from '../adapters/contract.js';
import type { SourceNode } from '../manifest/types.js';
import { APPROXIMATE } from './node-state.js';

/**
 * The data version of each source: for a source fed from a landing zone, the newest load id the
 * load log records for it (`load:<id>`, `load:none` before any load), read in one query; for
 * another source, its row count (approximate: it misses updates in place), `missing` or `unreadable`.
 */
export async function readSourceVersions(adapter: Adapter, connection: Connection, sources: readonly SourceNode[], metadataSchema: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (sources.length === 0) return out;
  const d = adapter.dialect;
  const landed = sources.filter((s) => Boolean(s.settings.landing));
  const external = sources.filter((s) => !s.settings.landing);
  if (landed.length) {
    const log = { schema: metadataSchema, identifier: 'load_log' };
    const hasLog = (await adapter.listRelations(connection, [metadataSchema])).some((r) => r.identifier === log.identifier);
    const newest = new Map<string, string>();
    if (hasLog) {
      const result = await connection.query(
        `select source, cast(max(load_id) as ${d.typeName('text')}) as v from ${d.relation(log)} where status = 'loaded' group by source`,
      );
      for (const row of result.rows) newest.set(String(row.source), String(row.v));
    }
    for (const source of landed) out.set(source.uniqueId, `load:${newest.get(source.name) ?? 'none'}`);
  }
  if (external.length) {
    const present = new Set((await adapter.listRelations(connection, [...new Set(external.map((s) => s.relation.schema))])).map((r) => `${r.schema}\u0000${r.identifier}`));
    for (const source of external) {
      if (!present.has(`${source.relation.schema}\u0000${source.relation.identifier}`)) {
        out.set(source.uniqueId, `${APPROXIMATE}missing`);
        continue;
      }
      try {
        const result = await connection.query(`select count(*) as n from ${d.relation(source.relation)}`);
        out.set(source.uniqueId, `${APPROXIMATE}rows:${String(result.rows[0]?.n ?? 0)}`);
      } catch {
        // A source that cannot be read now (a broken view, no privilege) must not fail a load or a run
        // that may not even read it; the models that do read it fail with the engine's own error.
        out.set(source.uniqueId, `${APPROXIMATE}unreadable`);
      }
    }
  }
  return out;
}
