import { createHash, randomUUID } from 'node:crypto';
import jsYaml from 'js-yaml';
import type nunjucks from 'nunjucks';
import type { ColumnDescription, Dialect, QueryResult } from '../../adapters/contract.js';
import type { Relation } from '../../manifest/types.js';
import { StrataError } from '../../shared/errors.js';
import { pyJsonDumps } from '../jinja/jinja-filters.js';
import { TemplateRelation } from '../tokens.js';
import { AgateTable } from './agate-table.js';
import { crossDbMacros } from './cross-db-macros.js';
import { DBT_UTILS_MACROS, dbtUtilsMacros } from './dbt-utils.js';
import type { LiveContext } from './live-context.js';
import { bindArgs } from './macro-args.js';
import { PyDateTime, pythonModules } from './python-modules.js';

type Macro = (...args: unknown[]) => unknown;

/** What dbt's context functions need from the engine and the render in progress. */
export interface DbtContextHooks {
  readonly dialect: Dialect;
  /** dbt's `target.database`: the DuckDB file's name or the PostgreSQL database. */
  readonly database: string;
  variable(name: string, fallback: unknown): unknown;
  /** Marks the render in progress as depending on the database: the model is rendered again when it runs. */
  markLive(): void;
  /** Marks the render in progress as depending on the time or the invocation (never reused from the cache). */
  markUncacheable(): void;
  /** The database, when the render in progress executes (`execute` is true); undefined at compile time. */
  live(): LiveContext | undefined;
  /** A project macro by name (for adapter.dispatch). */
  macro(name: string): Macro | undefined;
  /** Per-render storage (named `statement` results). */
  scratch(): Map<string, unknown>;
  /** A message for the run's output (dbt's `exceptions.warn`). */
  warn(message: string): void;
}

/**
 * Names of the dbt context functions that a project macro of the same name replaces, as a
 * project macro overrides dbt's own macros in dbt.
 */
export const OVERRIDABLE_DBT_GLOBALS: ReadonlySet<string> = new Set(Object.keys(crossDbMacrosNames()));

function crossDbMacrosNames(): Record<string, true> {
  return Object.fromEntries(Object.keys(crossDbMacros({ name: 'duckdb' } as Dialect)).map((n) => [n, true]));
}

/** The namespaces and built-ins of dbt's Jinja context that are not about one model: see README "Running a dbt project". */
export const DBT_NAMESPACE_MEMBERS = {
  adapter: ['quote', 'dispatch', 'get_columns_in_relation', 'get_relation', 'type', 'quote_as_configured'],
  exceptions: ['raise_compiler_error', 'warn', 'raise_not_implemented'],
  modules: ['datetime', 're'],
  dbt_utils: [...DBT_UTILS_MACROS, 'surrogate_key'],
} as const;

/**
 * Installs dbt's Jinja context on an environment: `execute`, `run_query`, `statement` and
 * `load_result`, `adapter` (quote, dispatch, get_columns_in_relation, get_relation),
 * `exceptions`, `modules`, `log`, `print`, `tojson`/`fromjson`/`toyaml`/`fromyaml`, `local_md5`,
 * `set`, `run_started_at`, `invocation_id`, the cross-database macros (as `dbt.x` and `x`) and
 * the built-in `dbt_utils`. Anything that reads the database marks the render as live.
 */
export function installDbtContext(env: nunjucks.Environment, hooks: DbtContextHooks): void {
  const globals = (env as unknown as { globals: Record<string, unknown> }).globals;
  const d = hooks.dialect;
  Object.defineProperty(globals, 'execute', {
    enumerable: true,
    configurable: true,
    get: () => {
      const live = hooks.live();
      if (!live) hooks.markLive();
      return live !== undefined;
    },
  });

  const relationOf = (value: unknown, macro: string): Relation => {
    const live = hooks.live();
    if (!(value instanceof TemplateRelation)) {
      throw new StrataError('template_error', `${macro}() needs a relation (ref(...), source(...) or this), got ${JSON.stringify(String(value))}`);
    }
    if (value.known) return value.known;
    if (!live) throw new StrataError('internal', `${macro}(): relations are only resolved when the model runs`);
    return live.relationOf(value);
  };
  const query = (sql: string): AgateTable | undefined => {
    const live = hooks.live();
    if (!live) {
      hooks.markLive();
      return undefined;
    }
    return new AgateTable(live.answer({ kind: 'query', sql: live.resolveSql(sql) }) as QueryResult);
  };
  const columnsOf = (relation: unknown, macro: string): readonly ColumnDescription[] | undefined => {
    const live = hooks.live();
    if (!live) {
      hooks.markLive();
      return undefined;
    }
    return live.answer({ kind: 'columns', relation: relationOf(relation, macro) }) as ColumnDescription[];
  };
  const relationExists = (relation: unknown, macro: string): boolean | undefined => {
    const live = hooks.live();
    if (!live) {
      hooks.markLive();
      return undefined;
    }
    const r = relationOf(relation, macro);
    return live.answer({ kind: 'relation', schema: r.schema, identifier: r.identifier }) as boolean;
  };
  const relationName = (relation: unknown): string => {
    const r = relation instanceof TemplateRelation ? relationOf(relation, 'relation') : undefined;
    if (!r) return String(relation);
    return `${d.quoteIdentifier(hooks.database)}.${d.relation(r)}`;
  };
  const knownRelation = (relation: Relation): TemplateRelation =>
    new TemplateRelation(d.relation(relation), relation.identifier, { ...relation, database: hooks.database });

  env.addGlobal('run_query', (sql: unknown) => query(String(sql)) ?? AgateTable.empty());
  env.addGlobal('statement', (...args: unknown[]) => {
    const a = bindArgs('statement', args, ['name', 'fetch_result', 'auto_begin', 'language', 'caller'], { name: null, fetch_result: false, auto_begin: true, language: 'sql', caller: null });
    if (typeof a.caller !== 'function') throw new StrataError('template_error', "statement() is used as a call block: {% call statement('name', fetch_result=True) %}select ...{% endcall %}");
    const sql = String((a.caller as () => unknown)());
    const table = query(sql);
    if (a.name !== null) hooks.scratch().set(`statement:${String(a.name)}`, table ?? AgateTable.empty());
    return '';
  });
  env.addGlobal('load_result', (name: unknown) => {
    const table = hooks.scratch().get(`statement:${String(name)}`) as AgateTable | undefined;
    if (!table) return null;
    return { table, data: table.rows.map((r) => r.values()), response: { code: 'SELECT', rows_affected: table.rows.length } };
  });

  const crossDb = crossDbMacros(d);
  const dbtUtils = dbtUtilsMacros({ dialect: d, crossDb, variable: hooks.variable, columnsOf, relationExists, query, relationName });
  env.addGlobal('dbt', strictNamespace('dbt', crossDb));
  env.addGlobal('dbt_utils', strictNamespace('dbt_utils', dbtUtils));
  for (const [name, macro] of Object.entries(crossDb)) env.addGlobal(name, macro);

  const adapter = {
    quote: (identifier: unknown) => d.quoteIdentifier(String(identifier)),
    quote_as_configured: (identifier: unknown) => d.quoteIdentifier(String(identifier)),
    type: () => d.name,
    dispatch: (...args: unknown[]) => {
      const a = bindArgs('adapter.dispatch', args, ['macro_name', 'macro_namespace'], { macro_namespace: null });
      const name = String(a.macro_name);
      const found = hooks.macro(`${d.name}__${name}`) ?? hooks.macro(`default__${name}`);
      if (found) return found;
      if (a.macro_namespace === 'dbt_utils' && dbtUtils[name]) return dbtUtils[name];
      if ((a.macro_namespace === null || a.macro_namespace === 'dbt') && crossDb[name]) return crossDb[name];
      throw new StrataError('template_error', `adapter.dispatch('${name}'): no macro named ${d.name}__${name} or default__${name} in the project${a.macro_namespace ? ` (namespace '${String(a.macro_namespace)}' is not installed)` : ''}`);
    },
    get_columns_in_relation: (relation: unknown) => {
      const columns = columnsOf(relation, 'adapter.get_columns_in_relation');
      return (columns ?? []).map((c) => columnObject(c, d));
    },
    get_relation: (...args: unknown[]) => {
      const a = bindArgs('adapter.get_relation', args, ['database', 'schema', 'identifier']);
      const live = hooks.live();
      if (!live) {
        hooks.markLive();
        return null;
      }
      const relation = { schema: String(a.schema), identifier: String(a.identifier) };
      return live.answer({ kind: 'relation', ...relation }) ? knownRelation(relation) : null;
    },
  };
  env.addGlobal('adapter', strictNamespace('adapter', adapter));
  env.addGlobal(
    'exceptions',
    strictNamespace('exceptions', {
      raise_compiler_error: (message: unknown) => {
        throw new StrataError('compiler_error', `Compilation Error: ${String(message)}`);
      },
      raise_not_implemented: (message: unknown) => {
        throw new StrataError('compiler_error', `Not implemented: ${String(message)}`);
      },
      warn: (message: unknown) => {
        hooks.warn(String(message));
        return '';
      },
    }),
  );
  const modules = strictNamespace('modules', pythonModules());
  const startedAt = new PyDateTime(Date.now());
  const invocationId = randomUUID();
  // The time and the invocation change from run to run: renders reading them are not reused.
  for (const [name, value] of [['modules', modules], ['run_started_at', startedAt], ['invocation_id', invocationId]] as const) {
    Object.defineProperty(globals, name, {
      enumerable: true,
      configurable: true,
      get: () => {
        hooks.markUncacheable();
        return value;
      },
    });
  }
  env.addGlobal('log', () => '');
  env.addGlobal('print', () => '');
  env.addGlobal('tojson', (value: unknown, sortKeys?: unknown) => pyJsonDumps(value, { sortKeys: sortKeys === true }));
  env.addGlobal('fromjson', (text: unknown, fallback: unknown = null) => {
    try {
      return JSON.parse(String(text)) as unknown;
    } catch {
      return fallback;
    }
  });
  env.addGlobal('toyaml', (value: unknown) => jsYaml.dump(value));
  env.addGlobal('fromyaml', (text: unknown, fallback: unknown = null) => {
    try {
      return jsYaml.load(String(text), { schema: jsYaml.CORE_SCHEMA }) ?? fallback;
    } catch {
      return fallback;
    }
  });
  env.addGlobal('local_md5', (text: unknown) => createHash('md5').update(String(text)).digest('hex'));
  env.addGlobal('set', (items: unknown) => [...new Set(Array.isArray(items) ? items : [...((items as Iterable<unknown>) ?? [])])]);
  env.addGlobal('set_strict', (items: unknown) => [...new Set(items as Iterable<unknown>)]);
}

/** A column as `adapter.get_columns_in_relation` returns it (dbt's Column). */
function columnObject(column: ColumnDescription, dialect: Dialect): Record<string, unknown> {
  const type = column.type.toLowerCase();
  const isString = /char|text|string/.test(type);
  const isInteger = /int/.test(type);
  const isFloat = /float|double|real/.test(type);
  const isNumeric = /numeric|decimal/.test(type);
  return {
    name: column.name,
    column: column.name,
    data_type: column.type,
    dtype: column.type,
    quoted: dialect.quoteIdentifier(column.name),
    is_string: () => isString,
    is_integer: () => isInteger,
    is_float: () => isFloat,
    is_numeric: () => isNumeric,
    is_number: () => isInteger || isFloat || isNumeric,
  };
}

/** A namespace object whose unknown members are a clear error instead of an undefined value. */
function strictNamespace<T extends Record<string, unknown>>(name: string, members: T): T {
  return new Proxy(members, {
    get(target, key, receiver) {
      if (typeof key !== 'string' || key in target || PASSTHROUGH.has(key)) return Reflect.get(target, key, receiver) as unknown;
      throw new StrataError('dbt_unsupported', `${name}.${key} is not supported by Strata (available: ${Object.keys(target).sort().join(', ')})`);
    },
  });
}

const PASSTHROUGH = new Set(['toString', 'valueOf', 'constructor', 'then', 'toJSON', '__keywords', 'length', 'inspect']);
