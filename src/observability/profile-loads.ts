import type { Adapter } from '../adapters/contract.js';
import type { Relation } from '../manifest/types.js';
import type { MetadataStore } from './metadata-store.js';
import { isNumericType, profileRelation, type MetricRequest } from './profile-relation.js';

/** A load to profile: the raw table it went into, its load id and its rows' `_loaded_at`. */
export interface LoadToProfile {
  readonly uniqueId: string;
  readonly relation: Relation;
  readonly loadId: number;
  /** ISO 8601; the metrics points are ordered by it, as anomaly tests read them. */
  readonly loadedAt: string;
}

const LINEAGE = new Set(['_load_id', '_load_date', '_loaded_at', '_source_file', '_source_row']);

/**
 * Keeps the metrics history per load: for the rows of each new load, the row count, and per
 * column the null rate and distinct count, and for numeric columns min, max, mean and stddev.
 * One query per load, one scan of its rows.
 */
export async function profileLoads(adapter: Adapter, store: MetadataStore, runId: string, loads: readonly LoadToProfile[]): Promise<void> {
  if (loads.length === 0) return;
  const d = adapter.dialect;
  await adapter.withConnection(async (connection) => {
    const columnsByTable = new Map<string, Awaited<ReturnType<Adapter['listColumns']>>>();
    for (const load of loads) {
      const key = d.relation(load.relation);
      if (!columnsByTable.has(key)) columnsByTable.set(key, await adapter.listColumns(connection, load.relation));
      const requests: MetricRequest[] = [{ metric: 'row_count' }];
      for (const column of columnsByTable.get(key)!) {
        if (LINEAGE.has(column.name)) continue;
        requests.push({ metric: 'null_rate', column: column.name }, { metric: 'distinct_count', column: column.name });
        if (isNumericType(column.type)) {
          for (const metric of ['min', 'max', 'mean', 'stddev'] as const) requests.push({ metric, column: column.name });
        }
      }
      // A typed comparison lets the engine skip other loads' row groups (DuckDB's zone maps).
      const rows = `(select * from ${key} where _load_id = ${Math.trunc(load.loadId)}) as strata_load`;
      const values = await profileRelation(connection, d, rows, requests);
      await store.recordMetrics(connection, runId, load.uniqueId, values, load.loadedAt, `load:${load.loadId}`);
    }
  });
}
