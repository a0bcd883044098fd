import type { IncrementalStrategy, Materialization } from '../config/model-config.js';
import type { SourceTableProperties } from '../project/properties-schema.js';
import type { CurrentSettings, HistorySettings, PointInTimeSettings, SnapshotSettings, WindowedAggregateSettings } from './strategy-settings.js';

/** A relation in the database: schema and name, quoted only when rendered by a dialect. */
export interface Relation {
  readonly schema: string;
  readonly identifier: string;
}

/** A documented column: from YAML, later completed from the database catalog. */
export interface ColumnInfo {
  readonly name: string;
  readonly description: string;
  readonly dataType?: string;
  readonly tags: readonly string[];
  readonly meta: Readonly<Record<string, unknown>>;
  /** Raw test declarations, as written in YAML (interpreted by the tests stage). */
  readonly tests: readonly unknown[];
}

/** Model configuration after folder defaults, YAML `config:` and in-file `config()` are merged. */
export interface ModelConfig {
  readonly materialized: Materialization;
  readonly schema?: string;
  readonly alias?: string;
  readonly tags: readonly string[];
  readonly enabled: boolean;
  readonly uniqueKey: readonly string[];
  readonly incrementalStrategy: IncrementalStrategy;
  readonly onSchemaChange: 'ignore' | 'append_new_columns' | 'fail';
  readonly fullRefresh?: boolean;
  readonly grants: Readonly<Record<string, readonly string[]>>;
  readonly meta: Readonly<Record<string, unknown>>;
  /** Set when `materialized` is `history` (and only then); likewise the three below. */
  readonly history?: HistorySettings;
  readonly current?: CurrentSettings;
  readonly pointInTime?: PointInTimeSettings;
  readonly windowed?: WindowedAggregateSettings;
  /** Set when `materialized` is `snapshot` (a dbt `{% snapshot %}` block). */
  readonly snapshot?: SnapshotSettings;
}

export interface SeedConfig {
  readonly schema?: string;
  readonly alias?: string;
  readonly tags: readonly string[];
  readonly enabled: boolean;
  readonly columnTypes: Readonly<Record<string, string>>;
  readonly delimiter: string;
  readonly grants: Readonly<Record<string, readonly string[]>>;
  readonly meta: Readonly<Record<string, unknown>>;
}

interface NodeBase {
  /** `model.project.name`, `seed.project.name`, `source.project.src.table`, `exposure.project.name`. */
  readonly uniqueId: string;
  readonly name: string;
  /** File the node is defined in, relative to the project root. */
  readonly path: string;
  /** Folder segments below the node's root plus its name (selectors use it). */
  readonly fqn: readonly string[];
  readonly tags: readonly string[];
  readonly description: string;
  readonly meta: Readonly<Record<string, unknown>>;
  /** Unique ids of the nodes this one reads. */
  readonly dependsOn: readonly string[];
}

export interface ModelNode extends NodeBase {
  readonly kind: 'model';
  readonly config: ModelConfig;
  readonly relation: Relation;
  readonly rawSql: string;
  /** The runnable SQL: refs resolved to relations, ephemeral models inlined as CTEs. */
  readonly compiledSql: string;
  readonly compiledPath: string;
  readonly checksum: string;
  readonly columns: readonly ColumnInfo[];
  readonly tests: readonly unknown[];
  /** Test declarations whose severity etc. are read by the tests stage. */
  readonly patchPath?: string;
  /** Set for a model written in TypeScript/JavaScript (a `.ts`/`.js` file exporting a transformer). */
  readonly transformer?: TransformerSpec;
}

/** A column a transformer declares: its name and type (`integer`, `decimal(18,4)`, `text`, `timestamptz`, …). */
export interface TransformerColumn {
  readonly name: string;
  readonly type: string;
}

/**
 * How a transformer model runs: its bundled code runs in a worker that may read only `inputs` and
 * write only its own `dt_` tables; Strata then builds the model's relation from `output`
 * (`compiledSql` selects its declared columns), so tests, docs and lineage treat it like any model.
 */
export interface TransformerSpec {
  /** The bundled ES module, relative to the project root (under target/transformers/). */
  readonly bundlePath: string;
  /** SHA-256 of the bundled code (the file and what it imports from the project). */
  readonly codeHash: string;
  /** The inputs it may read: by the name it uses (`stg_trades`, `market.trades`). */
  readonly inputs: readonly { readonly name: string; readonly uniqueId: string; readonly relation: Relation }[];
  /** Its main output table (`dt_<model>` in the model's schema) and declared columns. */
  readonly output: Relation;
  readonly columns: readonly TransformerColumn[];
  /** Further tables of its own (`dt_<model>__<name>`), e.g. state kept between runs. */
  readonly tables: readonly { readonly name: string; readonly relation: Relation; readonly columns: readonly TransformerColumn[] }[];
  /** The worker is stopped after this long, and may use at most this much heap. */
  readonly timeoutMs: number;
  readonly memoryMb: number;
  /** Environment variables (credentials) passed to the worker; it sees no others. */
  readonly env: readonly string[];
}

export interface SeedNode extends NodeBase {
  readonly kind: 'seed';
  /** The YAML file documenting the seed, if any. */
  readonly patchPath?: string;
  readonly config: SeedConfig;
  readonly relation: Relation;
  readonly checksum: string;
  readonly columns: readonly ColumnInfo[];
  readonly tests: readonly unknown[];
}

export interface SourceNode extends NodeBase {
  readonly kind: 'source';
  readonly sourceName: string;
  readonly tableName: string;
  readonly relation: Relation;
  readonly columns: readonly ColumnInfo[];
  readonly tests: readonly unknown[];
  /** Landing, format, load and freshness settings as declared (read by the loader and tests). */
  readonly settings: Readonly<Omit<SourceTableProperties, 'name' | 'columns' | 'tests' | 'data_tests' | 'description' | 'tags' | 'meta' | 'identifier'>>;
}

export interface ExposureNode extends NodeBase {
  readonly kind: 'exposure';
  readonly type: string;
  readonly url?: string;
  readonly maturity?: string;
  readonly owner: { readonly name?: string; readonly email?: string };
  /** Numeric priority: higher runs first when the scheduler must choose. */
  readonly priority: number;
}

/** How a data test's failing-row count is judged. */
export interface TestConfig {
  readonly severity: 'error' | 'warn';
  readonly tags: readonly string[];
  /** A filter applied to the tested relation before testing. */
  readonly where?: string;
  /** Conditions on the failing-row count, as in dbt: `!= 0`, `> 10`, `>= 5`. */
  readonly warnIf: string;
  readonly errorIf: string;
  readonly storeFailures: boolean;
  /** How many failing rows to keep for display. */
  readonly limit?: number;
  readonly enabled: boolean;
  readonly meta: Readonly<Record<string, unknown>>;
}

/** A data test: SQL that selects the failing rows (generic from YAML, or a singular SQL file). */
export interface TestNode extends NodeBase {
  readonly kind: 'test';
  /** `unit` tests run the model's SQL on given rows in an in-memory DuckDB and compare with expected rows. */
  readonly testType: 'generic' | 'singular' | 'unit' | 'anomaly' | 'freshness';
  /** `not_null`, `unique`, a custom generic test's name, or the singular test's file name. */
  readonly testName: string;
  /** The model, seed or source the test is declared on. */
  readonly attachedNode?: string;
  readonly column?: string;
  readonly args: Readonly<Record<string, unknown>>;
  readonly config: TestConfig;
  /** SQL returning the failing rows. */
  readonly compiledSql: string;
  readonly checksum: string;
}

/** Every node of the project graph, discriminated by `kind`. */
export type GraphNode = ModelNode | SeedNode | SourceNode | ExposureNode | TestNode;
export type NodeKind = GraphNode['kind'];
/** Nodes that become relations when run. */
export type RunnableNode = ModelNode | SeedNode;

export interface MacroInfo {
  readonly name: string;
  readonly path: string;
  readonly arguments: readonly string[];
}

/** `target/manifest.json`: the hand-off from compile to everything that touches the database. */
export interface Manifest {
  readonly metadata: {
    readonly schemaVersion: 1;
    readonly strataVersion: string;
    readonly generatedAt: string;
    readonly projectName: string;
    readonly projectVersion: string;
    readonly target: string;
    readonly adapter: string;
  };
  readonly nodes: Readonly<Record<string, GraphNode>>;
  readonly macros: Readonly<Record<string, MacroInfo>>;
  readonly docs: Readonly<Record<string, { readonly path: string; readonly text: string }>>;
  readonly parentMap: Readonly<Record<string, readonly string[]>>;
  readonly childMap: Readonly<Record<string, readonly string[]>>;
}
