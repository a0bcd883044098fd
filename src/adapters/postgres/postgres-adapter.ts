import pg from './pg-driver.js';
import type { PostgresTargetConfig } from '../../config/project-config.js';
import type { Relation } from '../../manifest/types.js';
import { StrataError } from '../../shared/errors.js';
import type { Adapter, ColumnDescription, Connection, CsvLoad, DependentView, ExistingRelation, Grants, OpenOptions } from '../contract.js';
import { ConnectionPool } from '../shared/connection-pool.js';
import { connectionSettings, type ConnectionSettings } from './connection-settings.js';
import { copyCsv } from './copy-csv.js';
import { listDependentViews } from './dependent-views.js';
import { reconcileGrants } from './grants.js';
import { PostgresConnection } from './postgres-connection.js';
import { PostgresDialect } from './postgres-dialect.js';
import { PostgresRawAppender } from './postgres-raw-appender.js';
import { acquireRunLock } from './run-lock.js';
import { textPreservingTypes } from './type-parsers.js';

/** What the PostgreSQL adapter needs: the target and how many sessions the scheduler uses. */
export interface PostgresAdapterOptions {
  readonly target: PostgresTargetConfig;
  readonly threads: number;
}

const MIN_SERVER_VERSION = 150000;

/**
 * PostgreSQL: a pool of one session per scheduler thread, plus one session that holds the run's
 * advisory lock from `open` to `close`. Secrets never appear in what it describes or throws.
 */
export class PostgresAdapter implements Adapter {
  readonly dialect = new PostgresDialect();
  private readonly settings: ConnectionSettings;
  private pool: ConnectionPool<PostgresConnection> | undefined;
  private lockSession: PostgresConnection | undefined;

  constructor(private readonly options: PostgresAdapterOptions) {
    this.settings = connectionSettings(options.target);
  }

  async open(options: OpenOptions = { runLock: true }): Promise<void> {
    if (this.pool) return;
    const readOnly = options.readOnly ?? false;
    const pool = new ConnectionPool(this.options.threads, () => this.connect(readOnly));
    // The version check and the run lock each need a session of their own: open both at once.
    const [version, lock] = await Promise.allSettled([
      pool.use((c) => c.query('show server_version_num')),
      options.runLock ? this.lockedSession() : Promise.resolve(undefined),
    ]);
    const release = async (): Promise<void> => {
      await pool.closeAll((c) => c.close());
      if (lock.status === 'fulfilled') await lock.value?.close();
    };
    if (version.status === 'rejected') {
      await release();
      throw version.reason;
    }
    const number = Number(version.value.rows[0]?.server_version_num ?? 0);
    if (number < MIN_SERVER_VERSION) {
      await release();
      throw new StrataError('server_too_old', `PostgreSQL 15 or later is required (for MERGE); the server at ${this.settings.where} is version ${number}`, {}, 'runtime');
    }
    if (lock.status === 'rejected') {
      await release();
      throw lock.reason;
    }
    this.lockSession = lock.value;
    this.pool = pool;
  }

  /** A new session holding the target's run lock. */
  private async lockedSession(): Promise<PostgresConnection> {
    const session = await this.connect();
    try {
      await acquireRunLock(session, this.options.target.schema, this.settings.where);
      return session;
    } catch (error) {
      await session.close();
      throw error;
    }
  }

  withConnection<T>(work: (connection: Connection) => Promise<T>): Promise<T> {
    if (!this.pool) throw new StrataError('not_open', 'the PostgreSQL adapter is not open', {}, 'runtime');
    return this.pool.use(work);
  }

  async listRelations(connection: Connection, schemas: readonly string[]): Promise<ExistingRelation[]> {
    if (schemas.length === 0) return [];
    const list = schemas.map((s) => this.dialect.quoteLiteral(s)).join(', ');
    const result = await connection.query(
      `select n.nspname as schema, c.relname as identifier, c.relkind as kind
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname in (${list}) and c.relkind in ('r', 'p', 'v', 'm', 'f')`,
    );
    return result.rows.map((r) => ({ schema: String(r.schema), identifier: String(r.identifier), kind: r.kind === 'v' ? 'view' : 'table' }));
  }

  async listColumns(connection: Connection, relation: Relation): Promise<ColumnDescription[]> {
    const result = await connection.query(
      `select a.attname as name, format_type(a.atttypid, a.atttypmod) as type from pg_attribute a
       where a.attrelid = to_regclass(${this.dialect.quoteLiteral(this.dialect.relation(relation))}) and a.attnum > 0 and not a.attisdropped
       order by a.attnum`,
    );
    return result.rows.map((r) => ({ name: String(r.name), type: String(r.type) }));
  }

  dependentViews(connection: Connection, relation: Relation): Promise<DependentView[]> {
    return listDependentViews(connection, this.dialect, relation);
  }

  applyGrants(connection: Connection, relation: Relation, _kind: 'table' | 'view', grants: Grants): Promise<void> {
    return reconcileGrants(connection, this.dialect, relation, grants);
  }

  readonly rawAppender = new PostgresRawAppender(this.dialect);

  loadCsv(connection: Connection, load: CsvLoad): Promise<number> {
    if (!(connection instanceof PostgresConnection)) throw new StrataError('internal', 'loadCsv needs a connection of the PostgreSQL adapter', {}, 'runtime');
    return copyCsv(connection, this.dialect, load);
  }

  describe(): Record<string, string> {
    return { ...this.settings.described };
  }

  /** Ends every session at once: the work is done, so the run lock may go with the others. */
  async close(): Promise<void> {
    const { pool, lockSession } = this;
    this.pool = undefined;
    this.lockSession = undefined;
    await Promise.all([pool?.closeAll((c) => c.close()), lockSession?.close()]);
  }

  private async connect(readOnly = false): Promise<PostgresConnection> {
    const client = new pg.Client({ connectionTimeoutMillis: 15_000, application_name: 'strata', ...this.settings.clientConfig, types: textPreservingTypes });
    // A session that drops while idle is reported by its next query, not as an unhandled event.
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (error) {
      const message = this.settings.mask(error instanceof Error ? error.message || String((error as { code?: string }).code) : String(error));
      throw new StrataError('connect_failed', `cannot connect to PostgreSQL at ${this.settings.where}: ${message}`, {}, 'runtime');
    }
    // If this process is killed mid-query, the server stops the query within a second instead of
    // finishing it (best effort: the setting exists on Linux, macOS and BSD servers only).
    // Not awaited: the client sends its queries in order, so this goes before the session's first one.
    void client.query("set client_connection_check_interval = '1s'").catch(() => undefined);
    if (readOnly) await client.query('set default_transaction_read_only = on');
    return new PostgresConnection(client, this.settings.mask);
  }
}
