import type { Relation } from '../manifest/types.js';

/** A value read from the database, JSON-safe: big integers and decimals arrive as strings to keep precision. */
export type SqlValue = string | number | boolean | null | SqlValue[] | { [key: string]: SqlValue };
export type Row = Record<string, SqlValue>;

export interface QueryResult {
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  readonly rows: readonly Row[];
}

export type RelationKind = 'table' | 'view';

export interface ExistingRelation extends Relation {
  readonly kind: RelationKind;
}

export interface ColumnDescription {
  readonly name: string;
  /** The engine's own type name, e.g. `DECIMAL(18,4)` or `numeric(18,4)`. */
  readonly type: string;
}

/** Column types Strata infers for seeds and raw files; each dialect spells them. */
export type LogicalType =
  | 'boolean'
  | 'integer'
  | 'bigint'
  | 'double'
  | { readonly decimal: readonly [precision: number, scale: number] }
  | 'text'
  | 'date'
  | 'timestamp'
  | 'timestamptz'
  | 'json';

/** What an engine can do, as data: strategies branch on these, never on the engine's name. */
export interface Capabilities {
  /** DDL takes part in transactions, so a swap is one atomic commit. */
  readonly transactionalDdl: boolean;
  /** `MERGE INTO ... USING ... WHEN MATCHED` is available. */
  readonly merge: boolean;
  /** Dropping a relation that views depend on needs CASCADE (and the views must be recreated). */
  readonly viewsBindToRelations: boolean;
  /** Grants and roles exist. */
  readonly grants: boolean;
}

/**
 * How an engine spells SQL. Pure: no connection, so compile and planning can use it without a
 * database. Every identifier and literal Strata generates goes through these methods.
 */
export interface Dialect {
  readonly name: string;
  /** sql-formatter language for compiled SQL. */
  readonly formatterLanguage: 'duckdb' | 'postgresql';
  readonly capabilities: Capabilities;
  quoteIdentifier(name: string): string;
  quoteLiteral(value: string): string;
  /** `"schema"."identifier"`. */
  relation(relation: Relation): string;
  typeName(type: LogicalType): string;
  createSchema(schema: string): string;
  createTableAs(relation: Relation, selectSql: string): string;
  createView(relation: Relation, selectSql: string): string;
  drop(relation: Relation, kind: RelationKind): string;
  /** Renames within the same schema. */
  rename(relation: Relation, newIdentifier: string, kind: RelationKind): string;
  /** Statements that replace the rows of `target` whose `uniqueKey` matches rows of `batch`, or insert them. */
  merge(target: Relation, batch: Relation, uniqueKey: readonly string[], columns: readonly string[]): string[];
}

/** One database session. Statements on it run in order. */
export interface Connection {
  query(sql: string): Promise<QueryResult>;
  /** Runs statements, returning the number of rows the last one changed (when the engine says). */
  execute(sql: string): Promise<number | undefined>;
  /** Runs `work` inside BEGIN/COMMIT, rolling back on error. */
  transaction<T>(work: () => Promise<T>): Promise<T>;
}

/** A CSV file to bulk-load into a new table, with the column types already decided. */
export interface CsvLoad {
  readonly file: string;
  readonly relation: Relation;
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  readonly delimiter: string;
}

/**
 * Everything engine-specific. Materializations, seeds and the loader call only this interface;
 * each engine lives in its own folder under src/adapters/.
 */
export interface Adapter {
  readonly dialect: Dialect;
  /** Connects and takes the run lock; a second run against the same database fails here. */
  open(): Promise<void>;
  /** Borrows a connection for `work` (one per scheduler thread). */
  withConnection<T>(work: (connection: Connection) => Promise<T>): Promise<T>;
  listRelations(connection: Connection, schemas: readonly string[]): Promise<ExistingRelation[]>;
  listColumns(connection: Connection, relation: Relation): Promise<ColumnDescription[]>;
  /** Creates `load.relation` (replacing nothing: the caller swaps it in) and fills it from the CSV. Returns the row count. */
  loadCsv(connection: Connection, load: CsvLoad): Promise<number>;
  /** The connection settings with secrets masked, for `strata debug` and logs. */
  describe(): Record<string, string>;
  close(): Promise<void>;
}
