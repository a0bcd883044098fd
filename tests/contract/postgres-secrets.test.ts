import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ENGINES, PG_URL, uniqueName, withPgClient } from '../helpers/engines.js';
import { runCli } from '../helpers/run-cli.js';
import { removeProject, tempProject } from '../helpers/temp-project.js';

// Passwords and credentialed URLs of a postgres target never appear in output, errors or artifacts.

const SECRET = 'Sup3r@Secret!';
const postgres = ENGINES.find((e) => e.name === 'postgres')!;

function withPassword(url: string, password: string): string {
  const parsed = new URL(url);
  parsed.password = password;
  return parsed.toString();
}

function projectYaml(target: string): string {
  return `name: secrets\ntarget: pg\ntargets:\n  pg:\n    adapter: postgres\n${target}\n`;
}

function filesBelow(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? filesBelow(file) : [file];
  });
}

function assertNoSecret(text: string, where: string): void {
  for (const form of [SECRET, encodeURIComponent(SECRET)]) assert.ok(!text.includes(form), `${where} reveals the password:\n${text}`);
}

test('a postgres URL with a password is masked in debug, run output and every artifact', { skip: postgres.skip ?? false }, async () => {
  // This server trusts local connections, so any password is accepted: what matters is where it shows.
  const schema = uniqueName();
  const dir = tempProject({
    'strata.yml': projectYaml(`    url: "{{ env_var('STRATA_TEST_SECRET_URL') }}"\n    schema: ${schema}`),
    'models/m.sql': "{{ config(materialized='table') }}\nselect '{{ target.name }}' as target_name, 1 as id",
  });
  const env = { STRATA_TEST_SECRET_URL: withPassword(PG_URL, SECRET) };
  try {
    const debug = await runCli(['debug'], dir, env);
    assert.equal(debug.code, 0, debug.stdout + debug.stderr);
    assert.match(debug.stdout, /url: postgres:\/\/[^:]+:\*\*\*\*@/);
    assertNoSecret(debug.stdout + debug.stderr, 'strata debug');
    const json = await runCli(['debug', '--json'], dir, env);
    assertNoSecret(json.stdout + json.stderr, 'strata debug --json');

    for (const args of [['run'], ['run', '--json'], ['query', '--json', "select * from {{ ref('m') }}"]]) {
      const result = await runCli(args, dir, env);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assertNoSecret(result.stdout + result.stderr, `strata ${args.join(' ')}`);
    }
    for (const file of filesBelow(path.join(dir, 'target'))) assertNoSecret(readFileSync(file, 'utf8'), file);
  } finally {
    await withPgClient((c) => c.query(`drop schema if exists ${schema} cascade`));
    removeProject(dir);
  }
});

test('connection errors name the server with the password masked', { skip: postgres.skip ?? false }, async () => {
  const unreachable = new URL(withPassword(PG_URL, SECRET));
  unreachable.port = '1';
  const noDatabase = new URL(withPassword(PG_URL, SECRET));
  noDatabase.pathname = '/strata_no_such_database';
  const noRole = new URL(withPassword(PG_URL, SECRET));
  noRole.username = 'strata_no_such_role';
  const cases = [
    { url: unreachable.toString(), error: /ECONNREFUSED/ },
    { url: noDatabase.toString(), error: /database "strata_no_such_database" does not exist/ },
    { url: noRole.toString(), error: /role "strata_no_such_role" does not exist/ },
  ];
  const dir = tempProject({
    'strata.yml': projectYaml(`    url: "{{ env_var('STRATA_TEST_SECRET_URL') }}"\n    schema: ${uniqueName()}`),
    'models/m.sql': 'select 1 as id',
  });
  try {
    for (const { url, error } of cases) {
      for (const args of [['run'], ['debug'], ['query', 'select 1']]) {
        const result = await runCli(args, dir, { STRATA_TEST_SECRET_URL: url });
        assert.equal(result.code, 2, `strata ${args.join(' ')} against ${url}: ${result.stdout}${result.stderr}`);
        assert.match(result.stdout + result.stderr, /cannot connect to PostgreSQL at postgres:\/\/[^@]*:\*\*\*\*@/);
        assert.match(result.stdout + result.stderr, error);
        assertNoSecret(result.stdout + result.stderr, `strata ${args.join(' ')}`);
      }
    }
  } finally {
    removeProject(dir);
  }
});

test('host, port, user, password and database from env_var, with the password masked', { skip: postgres.skip ?? false }, async () => {
  const url = new URL(PG_URL);
  const dir = tempProject({
    'strata.yml': projectYaml(
      [
        `    host: ${url.hostname}`,
        `    port: ${url.port || 5432}`,
        `    user: ${decodeURIComponent(url.username) || 'postgres'}`,
        `    password: "{{ env_var('STRATA_TEST_PASSWORD') }}"`,
        `    database: ${url.pathname.slice(1) || 'postgres'}`,
        `    schema: ${uniqueName()}`,
      ].join('\n'),
    ),
  });
  try {
    const debug = await runCli(['debug'], dir, { STRATA_TEST_PASSWORD: SECRET });
    assert.equal(debug.code, 0, debug.stdout + debug.stderr);
    assert.match(debug.stdout, /password: \*\*\*\*/);
    assertNoSecret(debug.stdout + debug.stderr, 'strata debug');
  } finally {
    removeProject(dir);
  }
});
