import assert from 'node:assert/strict';
import path from 'node:path';
import { after, test } from 'node:test';
import { queryDuckdb } from '../helpers/duckdb-query.js';
import { runCli } from '../helpers/run-cli.js';
import { removeProject, tempProject } from '../helpers/temp-project.js';
import { UTC_SESSIONS } from '../helpers/utc-sessions.js';
import { dbtProjectYaml } from './dbt-project.js';

// A dbt project gains releases without a strata.yml: its profile's outputs are its environments.

const dirs: string[] = [];
after(() => dirs.forEach(removeProject));

test("a dbt project's profile outputs are its environments: release on dev, promote to prod", { timeout: 120_000 }, async () => {
  const profile = (output: string): string => `    ${output}:\n      type: duckdb\n      path: target/${output}.duckdb\n      schema: analytics\n      threads: 2\n`;
  const dir = tempProject({
    'dbt_project.yml': dbtProjectYaml('shop'),
    'profiles.yml': `shop:\n  target: dev\n  outputs:\n${profile('dev')}${profile('prod')}`,
    'seeds/customers.csv': 'id,name\n1,ann\n2,bob\n',
    'models/stg_customers.sql': "select id, upper(name) as name from {{ ref('customers') }}\n",
  });
  dirs.push(dir);
  const strata = (args: string[]) => runCli(args, dir, { ...UTC_SESSIONS, DBT_PROFILES_DIR: dir });

  const built = await strata(['release', '--env', 'dev', '--json']);
  assert.equal(built.code, 0, built.stdout + built.stderr);
  const id = (JSON.parse(built.stdout.split('\n').find((l) => l.includes('release_finished'))!) as { releaseId: string }).releaseId;
  const promoted = await strata(['promote', id, '--env', 'prod']);
  assert.equal(promoted.code, 0, promoted.stdout + promoted.stderr);
  assert.deepEqual(await queryDuckdb(path.join(dir, 'target/prod.duckdb'), 'select id, name from analytics.stg_customers order by id'), [
    { id: 1, name: 'ANN' },
    { id: 2, name: 'BOB' },
  ]);
  const status = JSON.parse((await strata(['status', '--json'])).stdout) as { environment: string; live: { releaseId: string } | null }[];
  assert.deepEqual(status.map((s) => [s.environment, s.live?.releaseId ?? null]), [['dev', null], ['prod', id]]);

  const unknown = await strata(['release', '--env', 'prd']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown environment 'prd': the environments of a dbt project are its profile's outputs: dev, prod; did you mean 'prod'\?/);
});
