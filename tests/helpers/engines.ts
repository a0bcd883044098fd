import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import pg from 'pg';
import type { Dialect } from '../../src/adapters/contract.js';
import { DuckdbDialect } from '../../src/adapters/duckdb/duckdb-dialect.js';
import { maskUrl } from '../../src/adapters/postgres/connection-settings.js';
import { PostgresDialect } from '../../src/adapters/postgres/postgres-dialect.js';
import { textPreservingTypes } from '../../src/adapters/postgres/type-parsers.js';
import { queryDuckdb } from './duckdb-query.js';
import { runCli, type CliResult } from './run-cli.js';
import { removeProject, tempProject, writeFiles } from './temp-project.js';
import { UTC_SESSIONS } from './utc-sessions.js';

/** The PostgreSQL server the tests use (CI exports it; a local default otherwise). */
export const PG_URL = process.env.STRATA_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export type Row = Record<string, unknown>;

/** An engine the contract suite runs against, with what a test needs to know about it. */
export interface TestEngine {
  readonly name: 'duckdb' | 'postgres';
  /** Why this engine's tests are skipped here (unreachable server), or undefined. */
  readonly skip: string | undefined;
  readonly dialect: Dialect;
  /** Whether another process can read the database while a run writes to it. */
  readonly concurrentReaders: boolean;
  /** A SELECT returning one row `(x = 1)` after about `seconds` seconds. */
  slowSelect(seconds: number): string;
}

/** A fresh project on one engine: its own folder and its own schema(s), removed afterwards. */
export interface EngineProject {
  readonly engine: TestEngine;
  readonly dir: string;
  /** The target schema, unique to this test; custom schemas should come from `customSchema`. */
  readonly schema: string;
  customSchema(suffix: string): string;
  /** strata.yml text with the target `dev` on this engine, plus `extra` top-level YAML. */
  projectYaml(extra?: string, targetExtra?: string): string;
  write(files: Record<string, string>): void;
  strata(args: readonly string[], env?: Record<string, string>): Promise<CliResult>;
  /** Rows of `sql` run directly against the database, values as JSON-safe text where precision matters. */
  query(sql: string): Promise<Row[]>;
  /** Column name → type name normalised across engines (`integer`, `bigint`, `decimal(18,4)`, `text`, `timestamptz`, ...). */
  columnTypes(schema: string, table: string): Promise<Record<string, string>>;
  /** The relations (name → `table`/`view`) in a schema. */
  relations(schema: string): Promise<Record<string, string>>;
}

const duckdb: TestEngine = {
  name: 'duckdb',
  skip: undefined,
  dialect: new DuckdbDialect(),
  concurrentReaders: false,
  slowSelect: (seconds) =>
    `select count(*) * 0 + 1 as x from range(${Math.round(seconds * 40_000)}) a, range(100000) b where a.range * b.range = -1`,
};

const postgres: TestEngine = {
  name: 'postgres',
  skip: await probePostgres(),
  dialect: new PostgresDialect(),
  concurrentReaders: true,
  slowSelect: (seconds) => `select 1 as x from pg_sleep(${seconds})`,
};

/** Both engines; PostgreSQL carries a skip reason when its server cannot be reached. */
export const ENGINES: readonly TestEngine[] = [duckdb, postgres];

/**
 * Registers `name` once per engine (`name [duckdb]`, `name [postgres]`). `body` gets a fresh
 * project and schema, both removed afterwards. `skipIf` may give a further reason to skip.
 */
export function eachEngine(name: string, body: (project: EngineProject, t: TestContext) => Promise<void>, skipIf?: (engine: TestEngine) => string | undefined): void {
  for (const engine of ENGINES) {
    const skip = engine.skip ?? skipIf?.(engine);
    test(`${name} [${engine.name}]`, { skip: skip ?? false, timeout: 120_000 }, async (t) => {
      const project = engine.name === 'duckdb' ? duckdbProject() : await postgresProject();
      try {
        await body(project.project, t);
      } finally {
        await project.cleanup();
      }
    });
  }
}

/** Runs `body` with a client of the test server (only when it is reachable). */
export async function withPgClient<T>(body: (client: pg.Client) => Promise<T>, url = PG_URL): Promise<T> {
  const client = new pg.Client({ connectionString: url, types: textPreservingTypes, connectionTimeoutMillis: 5000, options: UTC_SESSIONS.PGOPTIONS });
  await client.connect();
  try {
    return await body(client);
  } finally {
    await client.end();
  }
}

/** A random name for a schema or database, `strata_t_<hex>`. */
export function uniqueName(): string {
  return `strata_t_${randomBytes(5).toString('hex')}`;
}

async function probePostgres(): Promise<string | undefined> {
  try {
    await withPgClient((c) => c.query('select 1'));
    return undefined;
  } catch (error) {
    return `PostgreSQL not reachable at ${maskUrl(PG_URL)}: ${error instanceof Error ? error.message || String((error as { code?: string }).code) : String(error)}`;
  }
}

interface Catalog {
  query: EngineProject['query'];
  typesOf(schema: string, table: string): Promise<[string, string][]>;
  relationsOf(schema: string): Promise<[string, string][]>;
}

function baseProject(engine: TestEngine, dir: string, schema: string, targetYaml: string, { query, typesOf, relationsOf }: Catalog): EngineProject {
  return {
    engine,
    dir,
    schema,
    customSchema: (suffix) => `${schema}_${suffix}`,
    projectYaml: (extra = '', targetExtra = '') => `name: contract\ntarget: dev\ntargets:\n  dev:\n${targetYaml}${targetExtra}\n${extra}`,
    write: (files) => writeFiles(dir, files),
    strata: (args, env = {}) => runCli(args, dir, { ...UTC_SESSIONS, ...env }),
    query,
    columnTypes: async (s, table) => Object.fromEntries((await typesOf(s, table)).map(([n, t]) => [n, normaliseType(t)])),
    relations: async (s) => Object.fromEntries(await relationsOf(s)),
  };
}

function duckdbProject(): { project: EngineProject; cleanup: () => Promise<void> } {
  const schema = uniqueName();
  const dir = tempProject({});
  const query = (sql: string): Promise<Row[]> => queryDuckdb(path.join(dir, 'target', 'test.duckdb'), `set TimeZone = 'UTC'; ${sql}`);
  const lit = (s: string): string => duckdb.dialect.quoteLiteral(s);
  const project = baseProject(duckdb, dir, schema, `    adapter: duckdb\n    path: target/test.duckdb\n    schema: ${JSON.stringify(schema)}\n    threads: 4\n`, {
    query,
    typesOf: async (s, t) =>
      (await query(`select column_name, data_type from information_schema.columns where table_schema = ${lit(s)} and table_name = ${lit(t)} order by ordinal_position`)).map((r) => [String(r.column_name), String(r.data_type)]),
    relationsOf: async (s) =>
      (await query(`select table_name, table_type from information_schema.tables where table_schema = ${lit(s)}`)).map((r) => [String(r.table_name), r.table_type === 'VIEW' ? 'view' : 'table']),
  });
  return { project, cleanup: async () => removeProject(dir) };
}

async function postgresProject(): Promise<{ project: EngineProject; cleanup: () => Promise<void> }> {
  const schema = uniqueName();
  const client = new pg.Client({ connectionString: PG_URL, types: textPreservingTypes, options: UTC_SESSIONS.PGOPTIONS });
  await client.connect();
  const query = async (sql: string): Promise<Row[]> => (await client.query(sql)).rows as Row[];
  const lit = (s: string): string => postgres.dialect.quoteLiteral(s);
  const dir = tempProject({});
  const project = baseProject(postgres, dir, schema, `    adapter: postgres\n    url: ${JSON.stringify(PG_URL)}\n    schema: ${JSON.stringify(schema)}\n    threads: 4\n`, {
    query,
    typesOf: async (s, t) =>
      (
        await query(`select a.attname as name, format_type(a.atttypid, a.atttypmod) as type from pg_attribute a
          where a.attrelid = to_regclass(${lit(postgres.dialect.relation({ schema: s, identifier: t }))}) and a.attnum > 0 and not a.attisdropped order by a.attnum`)
      ).map((r) => [String(r.name), String(r.type)]),
    relationsOf: async (s) =>
      (await query(`select c.relname, c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = ${lit(s)} and c.relkind in ('r', 'v')`)).map((r) => [
        String(r.relname),
        r.relkind === 'v' ? 'view' : 'table',
      ]),
  });
  return {
    project,
    cleanup: async () => {
      try {
        const schemas = await query(`select nspname from pg_namespace where left(nspname, ${schema.length}) = ${lit(schema)}`);
        for (const row of schemas) await client.query(`drop schema if exists ${postgres.dialect.quoteIdentifier(String(row.nspname))} cascade`);
      } finally {
        await client.end();
        removeProject(dir);
      }
    },
  };
}

/** One spelling per type across engines: `decimal(p,s)`, `text`, `timestamptz`, `double`, `json`, ... */
function normaliseType(type: string): string {
  const t = type.toLowerCase().replace(/\s+/g, ' ').replace(/, /g, ',');
  const decimal = /^(?:numeric|decimal)\((\d+),(\d+)\)$/.exec(t);
  if (decimal) return `decimal(${decimal[1]},${decimal[2]})`;
  const aliases: Record<string, string> = {
    'timestamp with time zone': 'timestamptz',
    'timestamp without time zone': 'timestamp',
    'character varying': 'text',
    varchar: 'text',
    'double precision': 'double',
    jsonb: 'json',
    int4: 'integer',
    int8: 'bigint',
  };
  return aliases[t] ?? t.replace(/^(character varying|varchar)\((\d+)\)$/, 'varchar($2)');
}
