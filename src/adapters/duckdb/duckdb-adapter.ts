import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { DuckdbTargetConfig } from '../../config/project-config.js';
import type { Relation } from '../../manifest/types.js';
import { StrataError } from '../../shared/errors.js';
import type { Adapter, ColumnDescription, Connection, CsvLoad, DependentView, ExistingRelation, OpenOptions, QueryResult, Row } from '../contract.js';
import { ConnectionPool } from '../shared/connection-pool.js';
import { DuckdbDialect } from './duckdb-dialect.js';
import { DuckdbRawAppender } from './duckdb-raw-appender.js';

/** Settings the DuckDB adapter needs beyond the target: where the project lives and how many sessions. */
export interface DuckdbAdapterOptions {
  readonly target: DuckdbTargetConfig;
  readonly projectRoot: string;
  readonly threads: number;
}

/** The embedded engine: one DuckDB instance per process, one connection per scheduler thread. */
export class DuckdbAdapter implements Adapter {
  readonly dialect = new DuckdbDialect();
  private instance: DuckDBInstance | undefined;
  private pool: ConnectionPool<DuckdbConnection> | undefined;
  readonly databasePath: string;

  constructor(private readonly options: DuckdbAdapterOptions) {
    const file = options.target.path;
    this.databasePath = file === ':memory:' ? file : path.resolve(options.projectRoot, file);
  }

  async open(options?: OpenOptions): Promise<void> {
    if (this.instance) return;
    const settings: Record<string, string> = {};
    if (options?.readOnly && this.databasePath !== ':memory:') {
      settings.access_mode = 'READ_ONLY';
      settings.enable_external_access = 'false';
    }
    if (this.options.target.memory_limit) settings.memory_limit = this.options.target.memory_limit;
    if (this.options.target.engine_threads) settings.threads = String(this.options.target.engine_threads);
    if (this.databasePath !== ':memory:') mkdirSync(path.dirname(this.databasePath), { recursive: true });
    try {
      this.instance = await DuckDBInstance.create(this.databasePath, settings);
    } catch (error) {
      throw openError(error, this.databasePath);
    }
    const instance = this.instance;
    this.pool = new ConnectionPool(this.options.threads, async () => new DuckdbConnection(await instance.connect()));
  }

  withConnection<T>(work: (connection: Connection) => Promise<T>): Promise<T> {
    if (!this.pool) throw new StrataError('not_open', 'the DuckDB adapter is not open', {}, 'runtime');
    return this.pool.use(work);
  }

  async listRelations(connection: Connection, schemas: readonly string[]): Promise<ExistingRelation[]> {
    if (schemas.length === 0) return [];
    const list = schemas.map((s) => this.dialect.quoteLiteral(s)).join(', ');
    const result = await connection.query(
      `select table_schema, table_name, table_type from information_schema.tables
       where table_catalog = current_database() and table_schema in (${list})`,
    );
    return result.rows.map((r) => ({
      schema: String(r.table_schema),
      identifier: String(r.table_name),
      kind: r.table_type === 'VIEW' ? 'view' : 'table',
    }));
  }

  async listColumns(connection: Connection, relation: Relation): Promise<ColumnDescription[]> {
    const result = await connection.query(
      `select column_name, data_type from information_schema.columns
       where table_catalog = current_database() and table_schema = ${this.dialect.quoteLiteral(relation.schema)}
         and table_name = ${this.dialect.quoteLiteral(relation.identifier)} order by ordinal_position`,
    );
    return result.rows.map((r) => ({ name: String(r.column_name), type: String(r.data_type) }));
  }

  /** DuckDB views resolve names when queried, so none bind to a relation. */
  async dependentViews(): Promise<DependentView[]> {
    return [];
  }

  /** DuckDB has no roles: `grants` config is accepted and has no effect. */
  async applyGrants(): Promise<void> {}

  readonly rawAppender = new DuckdbRawAppender(this.dialect);

  async loadCsv(connection: Connection, load: CsvLoad): Promise<number> {
    const d = this.dialect;
    const columns = load.columns.map((c) => `${d.quoteLiteral(c.name)}: ${d.quoteLiteral(c.type)}`).join(', ');
    const read = `select * from read_csv(${d.quoteLiteral(load.file)}, header = true, delim = ${d.quoteLiteral(load.delimiter)},
      columns = {${columns}}, allow_quoted_nulls = false, auto_detect = false)`;
    await connection.execute(d.createTableAs(load.relation, read));
    const count = await connection.query(`select count(*) as n from ${d.relation(load.relation)}`);
    return Number(count.rows[0]?.n ?? 0);
  }

  describe(): Record<string, string> {
    return { adapter: 'duckdb', path: this.databasePath, schema: this.options.target.schema };
  }

  async close(): Promise<void> {
    this.pool?.closeAll((c) => c.close());
    this.pool = undefined;
    this.instance?.closeSync();
    this.instance = undefined;
  }
}

/** One DuckDB session; `connection` is the driver's, for what the contract does not cover (interrupting a load). */
export class DuckdbConnection implements Connection {
  constructor(readonly connection: DuckDBConnection) {}

  async query(sql: string): Promise<QueryResult> {
    const reader = await this.connection.runAndReadAll(sql);
    const names = reader.columnNames();
    const types = reader.columnTypes();
    return {
      columns: names.map((name, i) => ({ name, type: types[i]?.toString() ?? 'UNKNOWN' })),
      rows: reader.getRowObjectsJson() as Row[],
    };
  }

  async execute(sql: string): Promise<number | undefined> {
    const reader = await this.connection.runAndReadAll(sql);
    if (reader.rowsChanged > 0) return reader.rowsChanged;
    // CREATE TABLE AS reports its row count as a one-row `Count` result instead.
    const names = reader.columnNames();
    if (names.length === 1 && names[0] === 'Count') return Number(reader.getRowObjectsJson()[0]?.Count ?? 0);
    return reader.rowsChanged;
  }

  async transaction<T>(work: () => Promise<T>): Promise<T> {
    await this.connection.run('begin transaction');
    try {
      const result = await work();
      await this.connection.run('commit');
      return result;
    } catch (error) {
      await this.connection.run('rollback').catch(() => undefined);
      throw error;
    }
  }

  close(): void {
    this.connection.closeSync();
  }
}

function openError(error: unknown, file: string): StrataError {
  const message = error instanceof Error ? error.message : String(error);
  const lock = /Conflicting lock is held in (.*?) \(PID (\d+)\)/.exec(message);
  if (message.includes('Could not set lock')) {
    const holder = lock ? ` (process ${lock[2]})` : '';
    return new StrataError('locked', `database ${file} is locked by another run${holder}; wait for it to finish`, { file }, 'runtime');
  }
  return new StrataError('connect_failed', `cannot open DuckDB database ${file}: ${message}`, { file }, 'runtime');
}
