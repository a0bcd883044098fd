/** A relation a query reads, as written (schema undefined when unqualified). */
export interface ReadRelation {
  readonly schema?: string;
  readonly name: string;
}

/** What the cache and `strata serve` need to know about a query, from DuckDB's syntax tree. */
export type QueryInspection =
  | { readonly ok: false; readonly reason: string }
  | {
      readonly ok: true;
      /** Base tables and views read (CTE names excluded), each once. */
      readonly relations: readonly ReadRelation[];
      /** Functions and keywords whose value changes between calls (`now()`, `random()`, `current_date`, …), and sampling. */
      readonly volatile: readonly string[];
      /** Table functions (`read_csv(…)`, …) other than pure generators (`range`, `generate_series`, `unnest`). */
      readonly tableFunctions: readonly string[];
      /** Functions that reach outside the database (files, settings, the environment). */
      readonly external: readonly string[];
      /** Relations named with a catalog (`other_db.schema.table`): never cached or served. */
      readonly catalogs: readonly string[];
    };

const VOLATILE_FUNCTIONS = new Set([
  'now', 'current_timestamp', 'get_current_timestamp', 'transaction_timestamp', 'statement_timestamp', 'clock_timestamp', 'timeofday',
  'current_date', 'today', 'current_time', 'get_current_time', 'localtime', 'localtimestamp', 'current_localtimestamp', 'current_localtime',
  'random', 'rand', 'setseed', 'gen_random_uuid', 'uuid', 'uuidv4', 'uuidv7', 'random_uuid', 'nextval', 'currval', 'lastval',
  'txid_current', 'current_query', 'current_user', 'session_user', 'user', 'current_role', 'pg_backend_pid', 'getvariable', 'current_schema', 'current_schemas',
]);
/** Keywords DuckDB's parser reads as column references. */
const VOLATILE_KEYWORDS = new Set(['current_timestamp', 'current_date', 'current_time', 'localtime', 'localtimestamp', 'current_user', 'session_user', 'user', 'current_role', 'current_schema']);
const EXTERNAL_FUNCTIONS = new Set([
  'getenv', 'current_setting', 'set_config', 'pg_read_file', 'pg_read_binary_file', 'pg_ls_dir', 'pg_stat_file', 'lo_import', 'lo_export',
  'dblink', 'dblink_exec', 'pg_sleep', 'read_text', 'read_blob', 'glob', 'sniff_csv', 'query', 'query_table',
]);
const PURE_TABLE_FUNCTIONS = new Set(['range', 'generate_series', 'unnest']);

/**
 * Reads a `json_serialize_sql` result (src/adapters/duckdb/duckdb-sql-serializer.ts). Not ok when it
 * does not parse or is not exactly one SELECT (DuckDB serializes nothing else). CTE names are
 * resolved by scope, so `with t as (…) select * from t` reads only what the CTE reads.
 */
export function inspectQuery(tree: unknown): QueryInspection {
  const root = tree as { error?: boolean; error_message?: string; statements?: unknown[] };
  if (!root || typeof root !== 'object') return { ok: false, reason: 'the query could not be parsed' };
  if (root.error) return { ok: false, reason: `not a single SELECT (${root.error_message ?? 'parse error'})` };
  const statements = root.statements ?? [];
  if (statements.length !== 1) return { ok: false, reason: `${statements.length} statements: only one SELECT is allowed` };
  const relations = new Map<string, ReadRelation>();
  const volatile = new Set<string>();
  const tableFunctions = new Set<string>();
  const external = new Set<string>();
  const catalogs = new Set<string>();

  const walk = (value: unknown, ctes: ReadonlySet<string>): void => {
    if (Array.isArray(value)) {
      for (const item of value) walk(item, ctes);
      return;
    }
    if (!value || typeof value !== 'object') return;
    const node = value as Record<string, unknown>;
    let scope = ctes;
    const cteMap = (node.cte_map as { map?: { key?: string; value?: unknown }[] } | undefined)?.map;
    if (cteMap?.length) {
      scope = new Set([...ctes, ...cteMap.map((entry) => String(entry.key ?? '').toLowerCase())]);
    }
    if (node.type === 'BASE_TABLE' && typeof node.table_name === 'string') {
      const name = node.table_name;
      const schema = typeof node.schema_name === 'string' && node.schema_name !== '' ? node.schema_name : undefined;
      if (typeof node.catalog_name === 'string' && node.catalog_name !== '') catalogs.add(`${node.catalog_name}.${schema ?? ''}.${name}`);
      else if (!(schema === undefined && scope.has(name.toLowerCase()))) relations.set(`${schema ?? ''}.${name}`.toLowerCase(), { schema, name });
    }
    if (node.type === 'TABLE_FUNCTION') {
      const fn = (node.function as { function_name?: string } | undefined)?.function_name?.toLowerCase();
      if (fn && !PURE_TABLE_FUNCTIONS.has(fn)) tableFunctions.add(fn);
    }
    if (node.class === 'FUNCTION' && typeof node.function_name === 'string') {
      const fn = node.function_name.toLowerCase();
      if (VOLATILE_FUNCTIONS.has(fn)) volatile.add(`${fn}()`);
      if (EXTERNAL_FUNCTIONS.has(fn)) external.add(`${fn}()`);
    }
    if (node.class === 'COLUMN_REF' && Array.isArray(node.column_names) && node.column_names.length === 1) {
      const name = String(node.column_names[0]).toLowerCase();
      if (VOLATILE_KEYWORDS.has(name)) volatile.add(name);
    }
    if (node.sample && typeof node.sample === 'object') volatile.add('sampling');
    for (const [key, child] of Object.entries(node)) {
      if (key === 'cte_map') {
        // A CTE sees the CTEs of its own WITH (recursive ones see themselves).
        walk(child, scope);
      } else if (child && typeof child === 'object') walk(child, scope);
    }
  };
  walk(statements[0], new Set());
  return { ok: true, relations: [...relations.values()], volatile: [...volatile], tableFunctions: [...tableFunctions], external: [...external], catalogs: [...catalogs] };
}
