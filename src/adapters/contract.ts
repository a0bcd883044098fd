import type { Readable } from 'node:stream';
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
  /** Longest identifier the engine keeps, in UTF-8 bytes; undefined when it has no limit. Longer names are refused, never truncated. */
  readonly maxIdentifierBytes: number | undefined;
  /**
   * Schema whose tables are private to the session and skip the write-ahead log (PostgreSQL's
   * `pg_temp`), where an incremental batch is staged; undefined stages it beside the model.
   */
  readonly sessionSchema: string | undefined;
  quoteIdentifier(name: string): string;
  quoteLiteral(value: string): string;
  /** `"schema"."identifier"`. */
  relation(relation: Relation): string;
  typeName(type: LogicalType): string;
  createSchema(schema: string): string;
  createTableAs(relation: Relation, selectSql: string): string;
  createView(relation: Relation, selectSql: string): string;
  /** Replaces a view's definition in place (with `viewsBindToRelations`, only new columns at the end are allowed). */
  createOrReplaceView(relation: Relation, selectSql: string): string;
  /** Sets the comment of a view, e.g. the release it serves. */
  commentOnView(relation: Relation, text: string): string;
  /**
   * Statements run first in a transaction that replaces `relations` while readers may use them:
   * they take every lock the swap needs at once or fail at once (`isLockBusy`; the caller retries),
   * so the swap never queues behind readers nor deadlocks with a reader that reads the relations
   * in another order. Empty where DDL never waits for readers.
   */
  lockForSwap(relations: readonly Relation[]): string[];
  /** Whether `error` says a lock of `lockForSwap` was busy. */
  isLockBusy(error: unknown): boolean;
  drop(relation: Relation, kind: RelationKind): string;
  /** Renames within the same schema. */
  rename(relation: Relation, newIdentifier: string, kind: RelationKind): string;
  /** Statements that replace the rows of `target` whose `uniqueKey` matches rows of `batch`, or insert them. */
  merge(target: Relation, batch: Relation, uniqueKey: readonly string[], columns: readonly string[]): string[];

  // Time and hashing, for the history, point-in-time and windowed-aggregate strategies. Nothing
  // they produce depends on the session's time zone or date style.

  /** What kind of time a column of this engine type name holds, if any. */
  temporalKind(type: string): TemporalKind | undefined;
  /** `expr` (of engine type `type`) as text that depends on no session setting: equal values give equal text. */
  stableText(expr: string, type: string): string;
  /** MD5 of a text expression, as 32 hex characters. */
  md5(expr: string): string;
  /** A 64-bit integer hash of a text expression (for fingerprints compared on the same engine). */
  hash64(expr: string): string;
  /** A `timestamp with time zone` literal for an instant given in ISO 8601 UTC (`...Z`). */
  timestampTzLiteral(isoUtc: string): string;
  /** A `timestamp` (without time zone) literal holding the UTC wall-clock time of an ISO 8601 UTC instant. */
  timestampLiteral(isoUtc: string): string;
  /** An interval literal, e.g. `interval '6 days'`. */
  interval(amount: number, unit: IntervalUnit): string;
  /** `expr` truncated to `grain` in UTC, as a timestamp without time zone (UTC wall-clock time). */
  utcBucket(expr: string, kind: TemporalKind, grain: string): string;
  /** A UTC timestamp without time zone as `timestamp with time zone`. */
  utcToTimestampTz(expr: string): string;
  /**
   * SELECT of `columns` (expressions with aliases) from `from` (a FROM clause body, WHERE allowed),
   * keeping one row per `partitionBy` group: the first in `orderBy` order.
   */
  firstRowPerGroup(columns: readonly { readonly sql: string; readonly alias: string }[], from: string, partitionBy: readonly string[], orderBy: readonly string[]): string;
  /** Aggregate: `expr` on the first row of the group in `orderBy` order (NULL values count). */
  firstInGroup(expr: string, orderBy: readonly string[]): string;
  /** Aggregate: `expr` on the last row of the group in `orderBy` order (NULL values count). */
  lastInGroup(expr: string, orderBy: readonly string[]): string;
}

/** Time types the strategies treat specially; every other type is compared as is. */
export type TemporalKind = 'timestamptz' | 'timestamp' | 'date';

/** Units of `Dialect.interval`. */
export type IntervalUnit = 'second' | 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';

/** One database session. Statements on it run in order. */
export interface Connection {
  query(sql: string): Promise<QueryResult>;
  /** Runs one statement; returns the rows it changed or, for CREATE TABLE AS, the rows it created (when the engine says). */
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

/** Privilege (`select`, `insert`, ...) → the roles that hold it, as in a model's `grants` config. */
export type Grants = Readonly<Record<string, readonly string[]>>;

/** A view that reads a relation (directly or through other views), as needed to recreate it after a swap. */
export interface DependentView {
  readonly relation: Relation;
  /** Its SELECT, as the engine stores it. */
  readonly selectSql: string;
  /** Privilege → roles granted on it, to grant again once it is recreated. */
  readonly grants: Grants;
}

/** How `open` connects: a run takes the run lock; `query` and `debug` only read and do not. */
export interface OpenOptions {
  readonly runLock: boolean;
  /**
   * Sessions that can only read (`strata serve`, cached `strata query`): an embedded file is
   * opened read-only with external file access off, server sessions default to read-only transactions.
   */
  readonly readOnly?: boolean;
}

/** Where the CSV text of a raw append comes from. */
export type CsvInput =
  /** A file on the local disk, gzip-compressed or not (engines that read files themselves use it as it is). */
  | { readonly kind: 'file'; readonly path: string; readonly gzip: boolean }
  /** Uncompressed CSV bytes, opened once per attempt; an error of the stream aborts the append with that error. */
  | { readonly kind: 'stream'; readonly open: () => Readable };

/**
 * CSV rows to append to an existing raw table, converting each field to its column's type.
 * The CSV has a header row, `"` quotes and doubled quotes inside them. An unquoted empty field is
 * NULL; a quoted empty field is the empty string in a text column and NULL in any other.
 */
export interface CsvAppend {
  readonly target: Relation;
  readonly input: CsvInput;
  readonly delimiter: string;
  /** The CSV's columns in header order, with the type of each in `target`. */
  readonly columns: readonly { readonly name: string; readonly type: LogicalType }[];
  /** Columns every appended row gets the same value in (typed literals, e.g. lineage). */
  readonly constants: readonly { readonly name: string; readonly type: LogicalType; readonly value: string }[];
  /** Column receiving each record's 1-based position among the data records, if any. */
  readonly rowNumberColumn?: string;
  /** Longest line the engine must accept, in bytes. */
  readonly maxLineBytes: number;
  /**
   * `target` was created in the current transaction, so nobody else can see it before commit:
   * PostgreSQL then writes the rows frozen (`COPY ... FREEZE`), sparing later reads the hint-bit writes.
   */
  readonly createdInTransaction?: boolean;
  /** Aborting it stops the append (it then rejects). */
  readonly signal?: AbortSignal;
}

/** Why an append failed, located as precisely as the engine says: `record` is the 1-based data record (header excluded). */
export class CsvAppendError extends Error {
  constructor(
    message: string,
    readonly detail: {
      /** `shape`: the CSV's structure (field count, quoting, line size); `conversion`: a value does not fit its column's type. */
      readonly kind: 'shape' | 'conversion' | 'other';
      readonly record?: number;
      readonly column?: string;
      readonly value?: string;
    },
  ) {
    super(message);
    this.name = 'CsvAppendError';
  }
}

/** Bulk appends into raw tables for the landing-zone loader (src/load/). */
export interface RawAppender {
  /**
   * Whether the engine reads a `file` input from the local disk itself; when false the loader
   * hands it a stream (and a file input would be streamed by the adapter).
   */
  readonly readsLocalFiles: boolean;
  /** Appends the CSV's rows to `append.target` within the connection's current transaction; returns the row count. */
  appendCsv(connection: Connection, append: CsvAppend): Promise<number>;
  /**
   * After a `conversion` failure that the engine could not locate (no `record`), finds the first
   * record and column whose value does not fit. Runs outside any transaction; undefined if none is found.
   */
  locateBadValue(connection: Connection, append: CsvAppend): Promise<{ record: number; column: string; value: string } | undefined>;
}

/**
 * Everything engine-specific. Materializations, seeds and the loader call only this interface;
 * each engine lives in its own folder under src/adapters/.
 */
export interface Adapter {
  readonly dialect: Dialect;
  /**
   * Connects and (unless `runLock` is false) takes the run lock, held until `close`: a second run
   * against the same target fails here with a `locked` error.
   */
  open(options?: OpenOptions): Promise<void>;
  /** Borrows a connection for `work` (one per scheduler thread). */
  withConnection<T>(work: (connection: Connection) => Promise<T>): Promise<T>;
  listRelations(connection: Connection, schemas: readonly string[]): Promise<ExistingRelation[]>;
  listColumns(connection: Connection, relation: Relation): Promise<ColumnDescription[]>;
  /**
   * Views that bind to `relation` and must be dropped before it and recreated after it, in
   * creation order (dependencies first). Empty on engines without `capabilities.viewsBindToRelations`.
   */
  dependentViews(connection: Connection, relation: Relation): Promise<DependentView[]>;
  /**
   * Makes the privileges on `relation` exactly `grants` (privilege → roles): grants what is
   * missing and revokes what is no longer listed (the owner's own privileges are left alone).
   * A no-op on engines without `capabilities.grants`.
   */
  applyGrants(connection: Connection, relation: Relation, kind: RelationKind, grants: Grants): Promise<void>;
  /** Creates `load.relation` (replacing nothing: the caller swaps it in) and fills it from the CSV. Returns the row count. */
  loadCsv(connection: Connection, load: CsvLoad): Promise<number>;
  /** Appends landing files' rows to raw tables. */
  readonly rawAppender: RawAppender;
  /** The connection settings with secrets masked, for `strata debug` and logs. */
  describe(): Record<string, string>;
  close(): Promise<void>;
}
