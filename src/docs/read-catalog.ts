import type { Adapter, ColumnDescription, Connection, RelationKind } from '../adapters/contract.js';
import type { GraphNode, Relation } from '../manifest/types.js';
import type { LoadLogEntry } from './site-data.js';

/** What the database says about one relation. */
export interface CatalogRelation {
  readonly kind: RelationKind;
  readonly columns: readonly ColumnDescription[];
  /** `count(*)`, as text to keep precision; only for tables. */
  readonly rowCount?: string;
  /** Largest value of the source's `loaded_at_field` (or `_loaded_at`), as text. */
  readonly latestLoad?: string;
}

/** The catalog: relations of the project's nodes by `schema.identifier` (lower case). */
export interface Catalog {
  readonly at: string;
  readonly relations: ReadonlyMap<string, CatalogRelation>;
  /** Queries that failed (a row count on a broken view, …), reported as warnings. */
  readonly problems: readonly string[];
  /**
   * The loader's log (`<metadata_schema>.load_log`), newest first, by raw relation
   * (`schema.table`, lower case) and by source name; undefined when the table does not exist.
   */
  readonly loadLog?: { readonly byRelation: ReadonlyMap<string, LoadLogEntry[]>; readonly bySource: ReadonlyMap<string, LoadLogEntry[]> };
}

/** Key of a relation in the catalog. */
export const relationKey = (relation: Relation): string => `${relation.schema}.${relation.identifier}`.toLowerCase();

export interface CatalogOptions {
  /** Count the rows of views too (runs their query). Tables are always counted. */
  readonly countViews?: boolean;
  /** Schema of Strata's own tables, where the loader keeps `load_log`. */
  readonly metadataSchema?: string;
  /** Load-log rows read at most (newest first). */
  readonly maxLoads?: number;
}

/**
 * Reads columns and types of every relation of the project's models, seeds and sources from the
 * database, row counts of tables, and for sources the latest load and a per-file load log when
 * the raw rows carry Strata's lineage columns. Only reads; never fails for one relation (its
 * problem is recorded and the rest is read).
 */
export async function readCatalog(adapter: Adapter, nodes: Iterable<GraphNode>, options: CatalogOptions = {}): Promise<Catalog> {
  const wanted = new Map<string, { relation: Relation; node: GraphNode }>();
  for (const node of nodes) {
    if (node.kind === 'model' && node.config.materialized === 'ephemeral') continue;
    if (node.kind === 'model' || node.kind === 'seed' || node.kind === 'source') wanted.set(relationKey(node.relation), { relation: node.relation, node });
  }
  const metadataSchema = options.metadataSchema ?? 'strata_meta';
  const schemas = [...new Set([...[...wanted.values()].map((w) => w.relation.schema), metadataSchema])];
  const relations = new Map<string, CatalogRelation>();
  const problems: string[] = [];
  const d = adapter.dialect;
  let loadLog: Catalog['loadLog'];
  await adapter.withConnection(async (connection) => {
    const existing = await adapter.listRelations(connection, schemas);
    const log = existing.find((r) => r.schema.toLowerCase() === metadataSchema.toLowerCase() && r.identifier.toLowerCase() === 'load_log');
    if (log) loadLog = await readLoadLog(connection, d.relation(log), options.maxLoads ?? 5000, problems);
    for (const found of existing) {
      const key = relationKey(found);
      const want = wanted.get(key);
      if (!want) continue;
      const columns = await adapter.listColumns(connection, found);
      let rowCount: string | undefined;
      if (found.kind === 'table' || options.countViews) {
        rowCount = await scalar(connection, `select count(*) as value from ${d.relation(found)}`, problems, `row count of ${key}`);
      }
      let latestLoad: string | undefined;
      if (want.node.kind === 'source') {
        const names = new Set(columns.map((c) => c.name.toLowerCase()));
        const field = want.node.settings.loaded_at_field ?? (names.has('_loaded_at') ? '_loaded_at' : undefined);
        if (field) {
          latestLoad = await scalar(connection, `select cast(max(${quoteField(d, field)}) as varchar) as value from ${d.relation(found)}`, problems, `latest load of ${key}`);
        }
      }
      relations.set(key, {
        kind: found.kind,
        columns,
        ...(rowCount !== undefined ? { rowCount } : {}),
        ...(latestLoad !== undefined ? { latestLoad } : {}),
      });
    }
  });
  return { at: new Date().toISOString(), relations, problems, ...(loadLog ? { loadLog } : {}) };
}

/** `loaded_at_field` may be an expression (`cast(x as timestamp)`); a bare name is quoted. */
function quoteField(d: Adapter['dialect'], field: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(field) ? d.quoteIdentifier(field) : field;
}

async function scalar(connection: Connection, sql: string, problems: string[], what: string): Promise<string | undefined> {
  try {
    const result = await connection.query(sql);
    const value = result.rows[0]?.value;
    return value === null || value === undefined ? undefined : String(value);
  } catch (error) {
    problems.push(`${what}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    return undefined;
  }
}

/** The loader's log, newest first, grouped by raw relation and by source (see src/load/load-log.ts for its columns). */
async function readLoadLog(connection: Connection, relation: string, limit: number, problems: string[]): Promise<Catalog['loadLog']> {
  try {
    const result = await connection.query(
      `select cast(load_id as varchar) as load_id, source, raw_relation, path, status, rows, rejected_rows,
              cast(load_date as varchar) as load_date, cast(loaded_at as varchar) as loaded_at, duration_ms, error
       from ${relation} order by load_id desc, path limit ${limit}`,
    );
    const byRelation = new Map<string, LoadLogEntry[]>();
    const bySource = new Map<string, LoadLogEntry[]>();
    const add = (map: Map<string, LoadLogEntry[]>, key: string, entry: LoadLogEntry): void => {
      const list = map.get(key);
      if (list) list.push(entry);
      else map.set(key, [entry]);
    };
    const num = (v: unknown): number | undefined => (v === null || v === undefined || v === '' ? undefined : Number(v));
    for (const r of result.rows) {
      const rejected = num(r.rejected_rows);
      const entry: LoadLogEntry = {
        file: String(r.path ?? ''),
        loadedAt: String(r.loaded_at ?? ''),
        status: String(r.status ?? ''),
        loadId: String(r.load_id ?? ''),
        ...(num(r.rows) !== undefined ? { rows: num(r.rows)! } : {}),
        ...(rejected ? { rejectedRows: rejected } : {}),
        ...(r.load_date ? { loadDate: String(r.load_date) } : {}),
        ...(num(r.duration_ms) !== undefined ? { durationMs: num(r.duration_ms)! } : {}),
        ...(r.error ? { message: String(r.error) } : {}),
      };
      if (r.raw_relation) add(byRelation, String(r.raw_relation).replace(/"/g, '').toLowerCase(), entry);
      if (r.source) add(bySource, String(r.source), entry);
    }
    return { byRelation, bySource };
  } catch (error) {
    problems.push(`load log: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    return undefined;
  }
}
