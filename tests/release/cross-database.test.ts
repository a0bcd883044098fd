import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ENGINES, PG_URL, uniqueName, withPgClient } from '../helpers/engines.js';
import { queryDuckdb } from '../helpers/duckdb-query.js';
import { runCli } from '../helpers/run-cli.js';
import { removeProject, tempProject, writeFiles } from '../helpers/temp-project.js';
import { UTC_SESSIONS } from '../helpers/utc-sessions.js';

// Promoting to an environment on another database rebuilds the release there from the same
// project, and promotes it only when its row counts match the original's.

const postgres = ENGINES.find((e) => e.name === 'postgres')!;

test('a release of the DuckDB dev environment is rebuilt on PostgreSQL for prod, checked and promoted', { skip: postgres.skip ?? false, timeout: 180_000 }, async () => {
  const schema = uniqueName();
  const dir = tempProject({
    'strata.yml': [
      'name: cross',
      'version: 3.0.0',
      'target: dev',
      'targets:',
      '  dev: {adapter: duckdb, path: target/dev.duckdb, schema: analytics, threads: 2}',
      `  prod: {adapter: postgres, url: ${JSON.stringify(PG_URL)}, schema: ${schema}, threads: 2}`,
      'environments:',
      '  dev: {target: dev, schema_suffix: _dev}',
      '  prod: {target: prod}',
      `metadata_schema: ${schema}_meta`,
      'releases:',
      `  physical_schema: ${schema}_phys`,
      '',
    ].join('\n'),
    'seeds/customers.csv': 'id,name\n1,ann\n2,bob\n',
    'models/sources.yml': `version: 2\nsources:\n  - name: crm\n    schema: ${schema}_src\n    tables:\n      - name: accounts\n`,
    'models/stg_customers.sql': "select id, upper(name) as name from {{ ref('customers') }}\n",
    'models/accounts.sql': "{{ config(materialized='table') }}\nselect * from {{ source('crm', 'accounts') }}\n",
  });
  const strata = (args: string[]) => runCli(args, dir, { ...UTC_SESSIONS });
  const src = `"${schema}_src"."accounts"`;
  try {
    mkdirSync(path.join(dir, 'target'), { recursive: true });
    await queryDuckdb(path.join(dir, 'target/dev.duckdb'), `create schema "${schema}_src"; create table ${src} as select * from (values (1, 'acme'), (2, 'globex')) as v(id, name)`);
    await withPgClient(async (c) => c.query(`create schema "${schema}_src"; create table ${src} as select * from (values (1, 'acme'), (2, 'globex')) as v(id, name)`));

    const built = await strata(['release', '--env', 'dev', '--json']);
    assert.equal(built.code, 0, built.stdout + built.stderr);
    const id = (JSON.parse(built.stdout.split('\n').find((l) => l.includes('release_finished'))!) as { releaseId: string }).releaseId;

    const promoted = await strata(['promote', id, '--env', 'prod']);
    assert.equal(promoted.code, 0, promoted.stdout + promoted.stderr);
    assert.match(promoted.stdout, /START model accounts/, 'the release is rebuilt on PostgreSQL');
    assert.match(promoted.stdout, new RegExp(`Rebuilt release on target prod: ${id.replaceAll('.', '\\.')} \\(prod\\): PASSED`));
    assert.match(promoted.stdout, /Promoted prod to release .* \(3 views; nothing was live before\)/);
    const rows = await withPgClient(async (c) => (await c.query(`select id, name from "${schema}"."stg_customers" order by id`)).rows);
    assert.deepEqual(rows, [{ id: 1, name: 'ANN' }, { id: 2, name: 'BOB' }]);
    const status = JSON.parse((await strata(['status', '--json'])).stdout) as { environment: string; live: { releaseId: string; version: string } | null }[];
    assert.deepEqual(status.map((s) => [s.environment, s.live?.releaseId ?? null]), [['dev', null], ['prod', id]]);

    // PostgreSQL's raw data differs: the rebuilt release's row counts do not match, so prod stays.
    await withPgClient(async (c) => c.query(`delete from ${src} where id = 2`));
    project(dir, { 'models/stg_customers.sql': "select id, lower(name) as name from {{ ref('customers') }}\n" });
    const second = await strata(['release', '--env', 'dev', '--json']);
    assert.equal(second.code, 0, second.stdout + second.stderr);
    const id2 = (JSON.parse(second.stdout.split('\n').find((l) => l.includes('release_finished'))!) as { releaseId: string }).releaseId;
    const mismatch = await strata(['promote', id2, '--env', 'prod']);
    assert.equal(mismatch.code, 1, mismatch.stdout + mismatch.stderr);
    assert.match(mismatch.stdout, /row counts differ: accounts: 2 rows in dev, 1 here/);
    assert.match(mismatch.stdout, /FAILED .*environment prod is unchanged/);
    const still = await withPgClient(async (c) => (await c.query(`select name from "${schema}"."stg_customers" order by id`)).rows);
    assert.deepEqual(still, [{ name: 'ANN' }, { name: 'BOB' }]);

    // A working tree that differs from the release's is refused before anything is built.
    project(dir, { 'models/stg_customers.sql': "select id from {{ ref('customers') }}\n" });
    const refused = await strata(['promote', id2, '--env', 'prod']);
    assert.equal(refused.code, 2, refused.stdout + refused.stderr);
    assert.match(refused.stderr, /must be rebuilt on 'prod' from the same project, but this working tree \(or --vars\) differs/);

    // Back on the release's files, with PostgreSQL's data fixed, the promotion can be retried.
    project(dir, { 'models/stg_customers.sql': "select id, lower(name) as name from {{ ref('customers') }}\n" });
    await withPgClient(async (c) => c.query(`insert into ${src} values (2, 'globex')`));
    const retried = await strata(['promote', id2, '--env', 'prod']);
    assert.equal(retried.code, 0, retried.stdout + retried.stderr);
    const fixed = await withPgClient(async (c) => (await c.query(`select name from "${schema}"."stg_customers" order by id`)).rows);
    assert.deepEqual(fixed, [{ name: 'ann' }, { name: 'bob' }]);
  } finally {
    await withPgClient(async (c) => {
      const schemas = await c.query(`select nspname from pg_namespace where left(nspname, ${schema.length}) = '${schema}'`);
      for (const row of schemas.rows as { nspname: string }[]) await c.query(`drop schema if exists "${row.nspname}" cascade`);
    });
    removeProject(dir);
  }
});

function project(dir: string, files: Record<string, string>): void {
  writeFiles(dir, files);
}
