import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { queryDuckdb } from '../helpers/duckdb-query.js';
import { runCli } from '../helpers/run-cli.js';
import { duckdbProjectYaml, removeProject, tempProject } from '../helpers/temp-project.js';

const dirs: string[] = [];
const project = (files: Record<string, string>): string => {
  const dir = tempProject({ 'strata.yml': duckdbProjectYaml(), ...files });
  dirs.push(dir);
  return dir;
};
after(() => dirs.forEach(removeProject));

describe('exit codes and messages', () => {
  it('exits 0 for --help and --version', async () => {
    const dir = project({});
    assert.equal((await runCli(['--help'], dir)).code, 0);
    const version = await runCli(['--version'], dir);
    assert.equal(version.code, 0);
    assert.match(version.stdout, /^\d+\.\d+\.\d+/);
  });

  it('exits 2 for an unknown command or option', async () => {
    const dir = project({});
    const unknown = await runCli(['runn'], dir);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command 'runn'/);
    const option = await runCli(['run', '--no-such-flag'], dir);
    assert.equal(option.code, 2);
    assert.match(option.stderr, /unknown option '--no-such-flag'/);
    const threads = await runCli(['run', '--threads', 'zero'], dir);
    assert.equal(threads.code, 2);
    assert.match(threads.stderr, /--threads must be a whole number/);
  });

  it('exits 2 outside a project, saying how to make one', async () => {
    const result = await runCli(['run'], tmpdir());
    assert.equal(result.code, 2);
    assert.match(result.stderr, /no strata\.yml in .*strata init/);
  });

  it('exits 2 on a project error and prints every error with its location', async () => {
    const dir = project({
      'models/a.sql': "select * from {{ ref('nope') }}",
      'models/b.sql': "select * from {{ ref('b_typo') }}",
    });
    const result = await runCli(['run'], dir);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /error: models\/a\.sql:1: ref\('nope'\) names no model or seed/);
    assert.match(result.stderr, /error: models\/b\.sql:1: ref\('b_typo'\) names no model or seed/);
  });

  it('exits 1 when a model fails, skips its descendants, builds the rest and says where the SQL is', async () => {
    const dir = project({
      'models/good.sql': "{{ config(materialized='table') }}select 1 as id",
      'models/bad.sql': "{{ config(materialized='table') }}select * from no_such_table",
      'models/after_bad.sql': "select * from {{ ref('bad') }}",
      'models/after_good.sql': "select * from {{ ref('good') }}",
    });
    const result = await runCli(['run'], dir);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /OK created table model main\.good \.+ \[OK 1 rows in \d+\.\d\ds\]/);
    assert.match(result.stdout, /ERROR model main\.bad/);
    assert.match(result.stdout, /SKIP model main\.after_bad/);
    assert.match(result.stdout, /OK created view model main\.after_good/);
    assert.match(result.stdout, /model bad: Catalog Error: Table with name no_such_table does not exist/);
    assert.match(result.stdout, /compiled SQL at target\/compiled\/models\/bad\.sql/);
    assert.match(result.stdout, /Done\. PASS=2 WARN=0 ERROR=1 SKIP=1 TOTAL=4/);
    const runResults = JSON.parse(readFileSync(path.join(dir, 'target/run_results.json'), 'utf8')) as { results: { uniqueId: string; status: string }[] };
    const status = Object.fromEntries(runResults.results.map((r) => [r.uniqueId.split('.').pop(), r.status]));
    assert.deepEqual(status, { good: 'success', bad: 'error', after_bad: 'skipped', after_good: 'success' });
  });

  it('stops scheduling at the first failure with --fail-fast', async () => {
    const dir = project({
      'models/a_bad.sql': 'select * from no_such_table',
      'models/b.sql': "select * from {{ ref('a_bad') }}",
      'models/c.sql': 'select 1 as x',
      'models/d.sql': "select * from {{ ref('c') }}",
    });
    const result = await runCli(['run', '--fail-fast', '--threads', '1'], dir);
    assert.equal(result.code, 1);
    const runResults = JSON.parse(readFileSync(path.join(dir, 'target/run_results.json'), 'utf8')) as { results: { status: string }[] };
    assert.ok(runResults.results.filter((r) => r.status === 'skipped').length >= 2);
  });

  it('prints JSON lines with --json', async () => {
    const dir = project({ 'models/a.sql': 'select 1 as id' });
    const result = await runCli(['run', '--json'], dir);
    assert.equal(result.code, 0);
    const events = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; status?: string });
    assert.deepEqual(events.map((e) => e.event), ['node_started', 'node_finished', 'run_finished']);
    assert.equal(events[1]!.status, 'success');
  });
});

describe('commands', () => {
  it('seed, run, query --json keep precision, ls selects, compile writes formatted SQL, clean removes it', async () => {
    const dir = project({
      'seeds/prices.csv': 'id,big,amount,day,flag,code\n1,9007199254740993,12345678901234.5678,2024-01-02,true,007\n',
      'models/marts/priced.sql': "{{ config(materialized='table', tags=['daily']) }}select id, big, amount from {{ ref('prices') }}",
      'models/other.sql': 'select 1 as x',
    });
    assert.equal((await runCli(['build'], dir)).code, 0);
    const rows = await runCli(['query', "select big, amount, code, day, flag from {{ ref('prices') }}", '--json'], dir);
    assert.equal(rows.code, 0, rows.stderr);
    assert.deepEqual(JSON.parse(rows.stdout), [{ big: '9007199254740993', amount: '12345678901234.5678', code: '007', day: '2024-01-02', flag: true }]);
    const table = await runCli(['query', "select count(*) as n from {{ ref('priced') }}"], dir);
    assert.match(table.stdout, /\| n +\|\n\|-+\|\n\| 1 +\|\n\(1 row\)/);

    const ls = await runCli(['ls', '-s', '+tag:daily'], dir);
    assert.deepEqual(ls.stdout.trim().split('\n'), ['prices', 'priced']);
    const lsJson = await runCli(['ls', '-s', 'path:models/marts', '--json'], dir);
    assert.equal((JSON.parse(lsJson.stdout.trim()) as { materialized: string }).materialized, 'table');

    const compiled = await runCli(['compile'], dir);
    assert.equal(compiled.code, 0);
    const sql = readFileSync(path.join(dir, 'target/compiled/models/marts/priced.sql'), 'utf8');
    assert.equal(sql, 'select\n  id,\n  big,\n  amount\nfrom\n  "main"."prices"\n');
    const manifest = JSON.parse(readFileSync(path.join(dir, 'target/manifest.json'), 'utf8')) as { nodes: Record<string, unknown> };
    assert.deepEqual(Object.keys(manifest.nodes).sort(), ['model.test_project.other', 'model.test_project.priced', 'seed.test_project.prices']);

    const cleaned = await runCli(['clean'], dir);
    assert.equal(cleaned.code, 0);
    assert.equal(existsSync(path.join(dir, 'target/compiled')), false);
    assert.equal(existsSync(path.join(dir, 'target/test.duckdb')), true, 'clean never removes the database');
  });

  it('debug shows the target and checks the connection', async () => {
    const dir = project({});
    const result = await runCli(['debug'], dir);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /target: dev\n  adapter: duckdb\n  path: .*test\.duckdb/);
    assert.match(result.stdout, /connection: OK/);
  });

  it('seeds infer integer, big integer, decimal, boolean, date, timestamp and text types, and honour column_types', async () => {
    const dir = project({
      'seeds/typed.csv': 'i,b,d,flag,day,ts,tstz,txt,forced\n1,9007199254740993,1.25,false,2024-01-01,2024-01-01 10:00:00,2024-01-01 10:00:00+02,x,5\n2,,-3.5,TRUE,2024-02-29,2024-01-01T11:30:00,2024-01-01 10:00:00Z,,6\n',
      'seeds/schema.yml': 'seeds:\n  - name: typed\n    config:\n      column_types: {forced: varchar}\n',
    });
    const result = await runCli(['seed'], dir);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const types = await queryDuckdb(
      path.join(dir, 'target/test.duckdb'),
      "select column_name, data_type from information_schema.columns where table_name = 'typed' order by ordinal_position",
    );
    assert.deepEqual(
      types.map((t) => `${t.column_name}:${t.data_type}`),
      ['i:INTEGER', 'b:BIGINT', 'd:DECIMAL(18,2)', 'flag:BOOLEAN', 'day:DATE', 'ts:TIMESTAMP', 'tstz:TIMESTAMP WITH TIME ZONE', 'txt:VARCHAR', 'forced:VARCHAR'],
    );
    const rows = await queryDuckdb(path.join(dir, 'target/test.duckdb'), 'select b, txt from main.typed order by i');
    assert.deepEqual(rows, [{ b: '9007199254740993', txt: 'x' }, { b: null, txt: null }]);
  });
});

describe('init', () => {
  it('creates a project that builds with no edits, outside the repository', async () => {
    const parent = tempProject({});
    dirs.push(parent);
    const created = await runCli(['init', 'my_project'], parent);
    assert.equal(created.code, 0, created.stderr);
    const dir = path.join(parent, 'my_project');
    assert.ok(existsSync(path.join(dir, '.gitignore')));
    const build = await runCli(['build'], dir);
    assert.equal(build.code, 0, build.stdout + build.stderr);
    assert.match(build.stdout, /Done\. PASS=\d+ WARN=0 ERROR=0 SKIP=0/);
    const again = await runCli(['init', 'my_project'], parent);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /is not empty/);
  });
});
