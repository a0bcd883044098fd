import { StrataError, StrataErrors } from '../../shared/errors.js';
import { MATERIALIZATIONS } from '../model-config.js';

/** Which kind of node a dbt config block configures. */
export type DbtResource = 'model' | 'seed' | 'snapshot' | 'test' | 'source';

/** What becomes of one config key of a dbt project. */
export type KeyVerdict =
  | { readonly kind: 'keep'; readonly key: string; readonly value: unknown }
  /** No effect on what Strata builds or checks (warehouse tuning, docs-only settings): dropped, listed once as ignored. */
  | { readonly kind: 'ignore'; readonly why: string }
  /** Would change what is built or checked, and Strata cannot do it: reported up front. */
  | { readonly kind: 'unsupported'; readonly why: string };

/**
 * Settings that change nothing Strata builds or checks on DuckDB and PostgreSQL: other
 * warehouses' tuning, physical layout, documentation-only and governance settings.
 */
const IGNORED: Readonly<Record<string, string>> = {
  persist_docs: 'descriptions are published on the docs site, not written as database comments',
  access: 'model access groups are governance metadata',
  group: 'groups are governance metadata',
  deprecation_date: 'governance metadata',
  labels: 'a BigQuery setting',
  indexes: 'indexes change speed, not results',
  unlogged: 'a PostgreSQL storage setting that changes durability, not results',
  sort: 'a Redshift setting',
  dist: 'a Redshift setting',
  sort_type: 'a Redshift setting',
  bind: 'a Redshift setting',
  backup: 'a Redshift setting',
  cluster_by: 'a warehouse tuning setting',
  partition_by: 'a warehouse tuning setting',
  partitions: 'a BigQuery setting',
  transient: 'a Snowflake setting',
  copy_grants: 'a Snowflake setting',
  secure: 'a Snowflake setting',
  query_tag: 'a Snowflake setting',
  snowflake_warehouse: 'a Snowflake setting',
  automatic_clustering: 'a Snowflake setting',
  file_format: 'a Spark/Databricks setting',
  location_root: 'a Spark/Databricks setting',
  hours_to_expiration: 'a BigQuery setting',
  kms_key_name: 'a BigQuery setting',
  require_partition_filter: 'a BigQuery setting',
  partition_expiration_days: 'a BigQuery setting',
  tmp_relation_type: 'how dbt stages relations; Strata always swaps in atomically',
  on_configuration_change: 'a materialized-view setting',
  store_failures_as: 'failing rows are stored as tables',
  tests_require_partition_filter: 'a BigQuery setting',
};

/** Keys that would change results and that Strata does not do: the reason names what to do instead. */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  pre_hook: 'hooks (pre-hook/post-hook) are not run by Strata: move the statement into a model, or remove it',
  post_hook: 'hooks (pre-hook/post-hook) are not run by Strata: move the statement into a model, or remove it',
  sql_header: 'sql_header is not supported',
  incremental_predicates: 'incremental_predicates are not supported',
  merge_update_columns: 'merge_update_columns is not supported (merges update every column)',
  merge_exclude_columns: 'merge_exclude_columns is not supported (merges update every column)',
  batch_size: 'the microbatch incremental strategy is not supported',
  begin: 'the microbatch incremental strategy is not supported',
  event_time: 'event_time (microbatch and sample mode) is not supported',
  snapshot_meta_column_names: "renaming a snapshot's dbt_* columns is not supported",
  dbt_valid_to_current: 'dbt_valid_to_current is not supported (current rows have dbt_valid_to NULL)',
  target_database: 'Strata writes to the target database only',
  database: 'Strata writes to the target database only',
  fail_calc: 'fail_calc is not supported (tests count failing rows)',
};

const MODEL_KEYS = new Set([
  'materialized',
  'schema',
  'alias',
  'tags',
  'enabled',
  'unique_key',
  'incremental_strategy',
  'on_schema_change',
  'full_refresh',
  'grants',
  'meta',
  'docs',
  // Strata's own strategies may be used in a dbt project too.
  'check_cols',
  'source_load',
  'deduplicate_by',
  'materialize_as',
  'as_of_dates',
  'source',
  'time_column',
  'grain',
  'windows',
  'aggregations',
  'order_by',
  'lookback',
]);
const SEED_KEYS = new Set(['schema', 'alias', 'tags', 'enabled', 'column_types', 'delimiter', 'quote_columns', 'grants', 'meta']);
const SNAPSHOT_KEYS = new Set(['materialized', 'strategy', 'unique_key', 'updated_at', 'check_cols', 'target_schema', 'schema', 'alias', 'invalidate_hard_deletes', 'hard_deletes', 'tags', 'enabled', 'meta', 'grants']);
const TEST_KEYS = new Set(['severity', 'tags', 'where', 'warn_if', 'error_if', 'store_failures', 'limit', 'enabled', 'meta', 'alias']);
const SOURCE_KEYS = new Set(['tags', 'meta']);

const KEYS: Readonly<Record<DbtResource, ReadonlySet<string>>> = { model: MODEL_KEYS, seed: SEED_KEYS, snapshot: SNAPSHOT_KEYS, test: TEST_KEYS, source: SOURCE_KEYS };

/** Every config key name a dbt project may write, for telling config keys from folder names. */
export const DBT_CONFIG_KEY_NAMES: ReadonlySet<string> = new Set([...Object.keys(IGNORED), ...Object.keys(UNSUPPORTED), ...MODEL_KEYS, ...SEED_KEYS, ...SNAPSHOT_KEYS, ...TEST_KEYS, 'docs', 'quoting', 'contract', 'full_refresh', 'persist_docs', 'column_types', 'post_hook', 'pre_hook']);

/** dbt spells hooks with a dash; everything else with underscores. */
export function canonicalKey(key: string): string {
  return key.replace(/^\+/, '').replaceAll('-', '_');
}

/** The verdict on one dbt config key of a resource. */
export function judgeConfigKey(resource: DbtResource, rawKey: string, value: unknown): KeyVerdict {
  const key = canonicalKey(rawKey);
  if ((key === 'pre_hook' || key === 'post_hook') && isEmpty(value)) return { kind: 'ignore', why: 'an empty hook' };
  if ((key === 'database' || key === 'target_database') && (value === null || value === undefined)) return { kind: 'ignore', why: 'no database named' };
  if (resource === 'test' && (key === 'schema' || key === 'database')) return { kind: 'ignore', why: 'failing rows are stored in the test_failures_schema' };
  if (UNSUPPORTED[key]) return { kind: 'unsupported', why: UNSUPPORTED[key] };
  if (key === 'contract') {
    const enforced = value && typeof value === 'object' && (value as { enforced?: unknown }).enforced === true;
    return enforced ? { kind: 'unsupported', why: 'enforced model contracts are not supported: set contract.enforced to false, or test the columns with data tests' } : { kind: 'ignore', why: 'an unenforced contract has no effect' };
  }
  if (key === 'quoting') {
    const all = value && typeof value === 'object' && Object.values(value).every((v) => v === true);
    return all ? { kind: 'ignore', why: 'Strata always quotes identifiers' } : { kind: 'unsupported', why: 'Strata always quotes identifiers; unquoted (case-folded) names are not supported' };
  }
  if (key === 'full_refresh' && resource === 'seed') return { kind: 'ignore', why: 'a seed is always reloaded in full' };
  if (key === 'docs') {
    const show = value && typeof value === 'object' ? (value as { show?: unknown }).show : undefined;
    if (resource === 'model' && typeof show === 'boolean') return { kind: 'keep', key: rawKey, value: { show } };
    return { kind: 'ignore', why: 'docs display settings' };
  }
  if (key === 'lookback' && typeof value === 'number') return { kind: 'unsupported', why: UNSUPPORTED.batch_size! };
  if (key === 'materialized') {
    const verdict = judgeMaterialized(resource, value);
    if (verdict) return verdict;
  }
  if (key === 'incremental_strategy' && (value === 'microbatch' || value === 'insert_overwrite')) {
    return { kind: 'unsupported', why: `incremental_strategy '${String(value)}' is not supported (use append, merge or delete+insert)` };
  }
  if (key === 'on_schema_change' && value === 'sync_all_columns') {
    return { kind: 'unsupported', why: "on_schema_change 'sync_all_columns' is not supported (use ignore, append_new_columns or fail)" };
  }
  if (key === 'hard_deletes' && value === 'new_record') {
    return { kind: 'unsupported', why: "hard_deletes 'new_record' is not supported (use ignore or invalidate)" };
  }
  if (resource === 'source' && key === 'enabled') {
    return value === false ? { kind: 'unsupported', why: 'disabling a source is not supported: remove it from the YAML instead' } : { kind: 'ignore', why: 'sources are enabled' };
  }
  if (resource === 'source' && (key === 'freshness' || key === 'loaded_at_field')) {
    return { kind: 'unsupported', why: `set '${key}' on the source or table in its YAML file` };
  }
  if (IGNORED[key]) return { kind: 'ignore', why: IGNORED[key] };
  if (KEYS[resource].has(key)) return { kind: 'keep', key: rawKey, value };
  return { kind: 'unsupported', why: `'${key}' is not a ${resource} config Strata knows` };
}

function judgeMaterialized(resource: DbtResource, value: unknown): KeyVerdict | undefined {
  if (resource === 'snapshot') return value === 'snapshot' ? { kind: 'ignore', why: 'snapshots are snapshots' } : { kind: 'unsupported', why: `a snapshot cannot be materialized '${String(value)}'` };
  if (resource !== 'model') return undefined;
  if ((MATERIALIZATIONS as readonly unknown[]).includes(value)) return undefined;
  if (value === 'materialized_view') return { kind: 'unsupported', why: "materialized 'materialized_view' is not supported: use table (or view)" };
  if (value === 'snapshot') return { kind: 'unsupported', why: "models cannot be materialized 'snapshot': write a {% snapshot %} block in the snapshots folder" };
  return { kind: 'unsupported', why: `materialized '${String(value)}' is not one Strata builds (custom materializations are not supported): use ${MATERIALIZATIONS.join(', ')}` };
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || value === '' || (Array.isArray(value) && value.every(isEmpty));
}

/** The result of normalizing one config object. */
export interface NormalizedConfig {
  readonly config: Record<string, unknown>;
  readonly unsupported: readonly { readonly key: string; readonly why: string }[];
  readonly ignored: readonly string[];
}

/** Splits a config object (a YAML `config:` block or a `config()` call) into what Strata keeps, ignores and cannot do. */
export function normalizeDbtConfig(resource: DbtResource, raw: Readonly<Record<string, unknown>>): NormalizedConfig {
  const config: Record<string, unknown> = {};
  const unsupported: { key: string; why: string }[] = [];
  const ignored: string[] = [];
  for (const [key, value] of Object.entries(raw)) {
    const verdict = judgeConfigKey(resource, key, value);
    if (verdict.kind === 'keep') config[canonicalKey(verdict.key)] = verdict.value;
    else if (verdict.kind === 'ignore') ignored.push(canonicalKey(key));
    else unsupported.push({ key, why: verdict.why });
  }
  return { config, unsupported, ignored };
}

/**
 * A `config()` call's keyword arguments in a dbt template, normalized: keys without effect are
 * dropped, keys Strata cannot honour are errors at the call's file and line.
 */
export function dbtInlineConfig(resource: DbtResource, raw: Readonly<Record<string, unknown>>, where: { file: string; line?: number; node: string }): Record<string, unknown> {
  const normalized = normalizeDbtConfig(resource, raw);
  const errors = normalized.unsupported.map((u) => new StrataError('dbt_unsupported', `config(${u.key}=...): ${u.why}`, { ...where, key: u.key }));
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) throw new StrataErrors(errors);
  return normalized.config;
}
