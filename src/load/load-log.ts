import type { Connection, Dialect, LogicalType } from '../adapters/contract.js';
import type { Relation } from '../manifest/types.js';
import type { LogEntry } from './plan-loads.js';

/** Every file attempt: one row each, never updated. */
export const LOAD_LOG_COLUMNS = [
  { name: 'load_id', type: 'bigint' },
  { name: 'source', type: 'text' },
  { name: 'raw_relation', type: 'text' },
  { name: 'path', type: 'text' },
  { name: 'size_bytes', type: 'bigint' },
  { name: 'sha256', type: 'text' },
  { name: 'status', type: 'text' },
  { name: 'rows', type: 'bigint' },
  { name: 'rejected_rows', type: 'bigint' },
  { name: 'load_date', type: 'timestamptz' },
  { name: 'loaded_at', type: 'timestamptz' },
  { name: 'duration_ms', type: 'bigint' },
  { name: 'error', type: 'text' },
  { name: 'schema_changes', type: 'text' },
  { name: 'duplicate_of', type: 'bigint' },
  { name: 'strata_version', type: 'text' },
  { name: 'git_commit', type: 'text' },
] as const satisfies readonly { name: string; type: LogicalType }[];

/** Rows of files loaded with `on_error: continue` that were left out, and why. */
export const REJECTS_COLUMNS = [
  { name: 'load_id', type: 'bigint' },
  { name: 'source', type: 'text' },
  { name: 'path', type: 'text' },
  { name: 'line', type: 'bigint' },
  { name: 'source_row', type: 'bigint' },
  { name: 'column_name', type: 'text' },
  { name: 'reason', type: 'text' },
  { name: 'raw_text', type: 'text' },
] as const satisfies readonly { name: string; type: LogicalType }[];

export type LoadStatus = 'loaded' | 'skipped_duplicate' | 'failed';

/** One load-log row as the loader writes it. */
export interface LoadLogRow {
  readonly loadId: number;
  readonly source: string;
  readonly rawRelation: string;
  readonly path: string;
  readonly sizeBytes: number | undefined;
  readonly sha256: string | undefined;
  readonly status: LoadStatus;
  readonly rows: number;
  readonly rejectedRows: number;
  readonly loadDate: Date | undefined;
  readonly loadedAt: Date;
  readonly durationMs: number;
  readonly error: string | undefined;
  readonly schemaChanges: string | undefined;
  readonly duplicateOf: number | undefined;
  readonly strataVersion: string;
  readonly gitCommit: string | undefined;
}

/** The metadata tables of the loader, in the project's metadata schema. */
export class LoadLog {
  readonly log: Relation;
  readonly rejects: Relation;

  constructor(
    private readonly dialect: Dialect,
    schema: string,
  ) {
    this.log = { schema, identifier: 'load_log' };
    this.rejects = { schema, identifier: 'load_rejects' };
  }

  /** Creates the schema and tables when missing. */
  async ensure(connection: Connection): Promise<void> {
    const d = this.dialect;
    const table = (relation: Relation, columns: readonly { name: string; type: LogicalType }[]): string =>
      `create table if not exists ${d.relation(relation)} (${columns.map((c) => `${d.quoteIdentifier(c.name)} ${d.typeName(c.type)}`).join(', ')})`;
    await connection.execute(d.createSchema(this.log.schema));
    await connection.execute(table(this.log, LOAD_LOG_COLUMNS));
    await connection.execute(table(this.rejects, REJECTS_COLUMNS));
  }

  /** What the log says about the given sources' files (failed attempts included). */
  async history(connection: Connection, sources: readonly string[]): Promise<Map<string, LogEntry[]>> {
    const out = new Map<string, LogEntry[]>(sources.map((s) => [s, []]));
    if (sources.length === 0) return out;
    const d = this.dialect;
    const result = await connection.query(
      `select source, path, sha256, status, load_id from ${d.relation(this.log)}
       where source in (${sources.map((s) => d.quoteLiteral(s)).join(', ')}) and sha256 is not null order by load_id`,
    );
    for (const row of result.rows) {
      out.get(String(row.source))?.push({ path: String(row.path), sha256: String(row.sha256), status: row.status as LogEntry['status'], loadId: Number(row.load_id) });
    }
    return out;
  }

  /** The next load id: one more than any in the log (the run lock keeps loaders apart). */
  async nextLoadId(connection: Connection): Promise<number> {
    const result = await connection.query(`select coalesce(max(load_id), 0) + 1 as next from ${this.dialect.relation(this.log)}`);
    return Number(result.rows[0]?.next ?? 1);
  }

  async insert(connection: Connection, row: LoadLogRow): Promise<void> {
    const d = this.dialect;
    const text = (v: string | undefined): string => (v === undefined ? 'null' : d.quoteLiteral(v));
    const num = (v: number | undefined): string => (v === undefined ? 'null' : String(Math.round(v)));
    const time = (v: Date | undefined): string => (v === undefined ? 'null' : `cast(${d.quoteLiteral(v.toISOString())} as ${d.typeName('timestamptz')})`);
    const values = [
      num(row.loadId), text(row.source), text(row.rawRelation), text(row.path), num(row.sizeBytes), text(row.sha256), text(row.status),
      num(row.rows), num(row.rejectedRows), time(row.loadDate), time(row.loadedAt), num(row.durationMs), text(row.error),
      text(row.schemaChanges), num(row.duplicateOf), text(row.strataVersion), text(row.gitCommit),
    ];
    await connection.execute(
      `insert into ${d.relation(this.log)} (${LOAD_LOG_COLUMNS.map((c) => d.quoteIdentifier(c.name)).join(', ')}) values (${values.join(', ')})`,
    );
  }
}
