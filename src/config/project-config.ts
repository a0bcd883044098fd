import { z } from 'zod';
import { namedQuerySchema, serveConfigSchema } from './named-query.js';

const threads = z.coerce.number().int().min(1).max(64);

const duckdbTarget = z.strictObject({
  adapter: z.literal('duckdb'),
  /** Database file relative to the project, or `:memory:`. */
  path: z.string().min(1).default('target/strata.duckdb'),
  schema: z.string().min(1).default('main'),
  threads: threads.optional(),
  /** DuckDB's own buffer pool limit, e.g. `2GB` (DuckDB defaults to 80% of RAM). */
  memory_limit: z.string().optional(),
  /** Worker threads DuckDB itself uses for one query. */
  engine_threads: z.coerce.number().int().min(1).optional(),
});

const postgresTarget = z.strictObject({
  adapter: z.literal('postgres'),
  url: z.string().optional(),
  host: z.string().optional(),
  port: z.coerce.number().int().min(1).max(65535).optional(),
  user: z.string().optional(),
  password: z.string().optional(),
  database: z.string().optional(),
  schema: z.string().min(1).default('public'),
  threads: threads.optional(),
  sslmode: z.enum(['disable', 'require', 'verify-full']).optional(),
});

/** One connection target; `adapter` picks the engine. */
export const targetSchema = z.discriminatedUnion('adapter', [duckdbTarget, postgresTarget]);
export type TargetConfig = z.infer<typeof targetSchema>;
export type DuckdbTargetConfig = z.infer<typeof duckdbTarget>;
export type PostgresTargetConfig = z.infer<typeof postgresTarget>;

const notifyOn = z.enum(['failure', 'warning', 'always']).default('failure');

/** A webhook (JSON POST that Slack and Discord accept) or a shell command given the report path. */
const notifierSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('webhook'), url: z.string().url(), on: notifyOn, timeout_seconds: z.number().positive().default(10) }),
  z.strictObject({ type: z.literal('command'), command: z.string().min(1), on: notifyOn, timeout_seconds: z.number().positive().default(60) }),
]);
export type NotifierConfig = z.infer<typeof notifierSchema>;

/** What an environment may be called. */
export const ENVIRONMENT_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** An environment: where its public views live (a target) and how their schemas are named. */
const environmentSchema = z.strictObject({
  /** The target (from `targets`) whose database serves this environment. */
  target: z.string().min(1),
  /** Appended to every model's schema for the environment's public views, e.g. `_dev` (empty: the model's own schema). */
  schema_suffix: z.string().regex(/^[A-Za-z0-9_]*$/, 'letters, digits and underscores only').default(''),
});
export type EnvironmentConfig = z.infer<typeof environmentSchema>;

const pathList = z.union([z.string(), z.array(z.string())]).transform((v) => (typeof v === 'string' ? [v] : v));

/** `strata.yml`: the project file. Unknown keys are errors naming the key path. */
export const projectConfigSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a name of letters, digits and underscores'),
  version: z.union([z.string(), z.number()]).transform(String).default('0.1.0'),
  target: z.string().optional(),
  /** Validated one at a time: only the chosen target's values are rendered (env_var) and checked. */
  targets: z.record(z.string(), z.record(z.string(), z.unknown())),
  paths: z
    .strictObject({
      models: pathList.optional(),
      seeds: pathList.optional(),
      macros: pathList.optional(),
      tests: pathList.optional(),
      docs: pathList.optional(),
      /** Folders of `{% snapshot %}` blocks (dbt snapshots). */
      snapshots: pathList.optional(),
      target: z.string().optional(),
    })
    .default({}),
  vars: z.record(z.string(), z.unknown()).default({}),
  /** Per-folder model defaults, nested by sub-folder, like dbt's `models:` block. */
  models: z.record(z.string(), z.unknown()).default({}),
  /** Per-folder seed defaults. */
  seeds: z.record(z.string(), z.unknown()).default({}),
  /** Per-folder snapshot defaults (`+target_schema`, `+strategy`, …). */
  snapshots: z.record(z.string(), z.unknown()).default({}),
  /** Config every data test starts from (`severity`, `store_failures`, `tags`, …); a test's own config wins. */
  data_tests: z.record(z.string(), z.unknown()).default({}),
  /**
   * How a model's `schema` config names its schema: `exact` uses it as written; `target_prefix`
   * makes it `<target schema>_<schema>`, as dbt's default generate_schema_name does (the default
   * for projects read from dbt_project.yml). A `generate_schema_name` macro in the project wins over both.
   */
  schema_naming: z.enum(['exact', 'target_prefix']).default('exact'),
  /** Which failed tests stop what is downstream in `build`: only those tagged `critical`, or every error-severity test. */
  test_gate: z.enum(['critical', 'error']).default('critical'),
  /** Schema of the tables `store_failures` writes. */
  test_failures_schema: z.string().min(1).default('strata_test_failures'),
  /** Schema of Strata's own tables: load log, run history, metrics. */
  metadata_schema: z.string().min(1).default('strata_meta'),
  /** `strata load`: where raw tables go and the limits every landing file is held to (a source table may override the limits). */
  load: z
    .strictObject({
      /** Schema of the raw tables of sources that declare `landing` (unless the source sets `schema`). */
      raw_schema: z.string().min(1).default('raw'),
      /** Longest line a landing file may have, in bytes. */
      max_line_bytes: z.number().int().positive().default(8 * 1024 * 1024),
      /** A gzip file may inflate to at most this many times its size (once past 64 MiB). */
      max_inflate_ratio: z.number().positive().default(200),
      /** Most pixels (width × height × bands) a TIFF may declare. */
      max_pixels: z.number().int().positive().default(50_000_000),
      /** Rows read to infer the types of new columns before loading (the whole file is read when they do not fit). */
      sample_rows: z.number().int().positive().default(20_000),
    })
    .prefault({}),
  /** `strata release` / `promote` / `rollback`: named environments (e.g. poc, dev, stage, prod), each served by a target. */
  environments: z.record(z.string().regex(ENVIRONMENT_NAME, 'a name of letters, digits, underscores and dashes'), environmentSchema).default({}),
  /** Releases: how many to keep per environment and the schema of the versioned physical relations. */
  releases: z
    .strictObject({
      /** Releases kept per environment (the live one and the previous good one are always kept too). */
      keep: z.number().int().min(1).default(5),
      /** Schema holding one relation per model version, shared by every release on the database. */
      physical_schema: z.string().min(1).default('strata_physical'),
    })
    .prefault({}),
  /** Who is told about a finished `load`/`build`, and when. */
  notifications: z.array(notifierSchema).default([]),
  /** Queries `strata serve` answers by name (models YAML files may declare more). */
  queries: z.array(namedQuerySchema).default([]),
  /** `strata serve`: host, port and limits of the read-only HTTP endpoint. */
  serve: serveConfigSchema,
});
export type ProjectConfigInput = z.input<typeof projectConfigSchema>;
export type ProjectConfig = z.output<typeof projectConfigSchema>;
