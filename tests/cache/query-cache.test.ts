import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { eachEngine, type EngineProject } from '../helpers/engines.js';
import { startCli } from '../helpers/spawn-cli.js';

// `strata query` answers a deterministic query from the cache until a relation it reads changes;
// `strata serve` serves the same cache over HTTP, read-only. Every engine.

function trades(project: EngineProject, file: string, rows: [number, number][]): void {
  const dir = path.join(project.dir, 'landing');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, file), gzipSync(`id,amount\n${rows.map((r) => r.join(',')).join('\n')}\n`));
}

function write(project: EngineProject): void {
  project.write({
    'strata.yml': project.projectYaml(`metadata_schema: ${project.customSchema('meta')}
load: {raw_schema: ${project.customSchema('raw')}}
queries:
  - name: big_trades
    description: Trades above a threshold.
    sql: "select id, amount from {{ ref('stg_trades') }} where amount >= {{ var('min_amount') }} order by id"
    params:
      min_amount: {type: integer, default: 0}
`),
    'models/sources.yml': `version: 2
sources:
  - name: shop
    tables:
      - name: trades
        landing: landing/trades_*.csv.gz
        columns:
          - {name: id, data_type: integer}
          - {name: amount, data_type: integer}
`,
    'models/stg_trades.sql': "{{ config(materialized='view') }}\nselect id, amount from {{ source('shop', 'trades') }}",
    'models/totals.sql': "{{ config(materialized='table') }}\nselect count(*) as n, sum(amount) as total from {{ ref('stg_trades') }}",
  });
}

async function query(project: EngineProject, sql: string, ...flags: string[]): Promise<{ rows: unknown[]; cache: string }> {
  const result = await project.strata(['query', '--json', sql, ...flags]);
  assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
  const cache = /cache: (\w+)/.exec(result.stderr)?.[1] ?? 'none';
  return { rows: JSON.parse(result.stdout) as unknown[], cache };
}

eachEngine('strata query answers repeats from the cache until the data it read changes', async (project) => {
  write(project);
  trades(project, 'trades_1.csv.gz', [[1, 10], [2, 20]]);
  const build = await project.strata(['build']);
  assert.equal(build.code, 0, build.stdout + build.stderr);

  const totals = "select n, total from {{ ref('totals') }}";
  assert.deepEqual(await query(project, totals), { rows: [{ n: '2', total: '30' }], cache: 'miss' });
  assert.deepEqual(await query(project, totals), { rows: [{ n: '2', total: '30' }], cache: 'hit' });
  // The same query written differently is the same entry.
  assert.equal((await query(project, "SELECT n,   total\nFROM {{ ref('totals') }} -- again")).cache, 'hit');
  assert.equal((await query(project, totals, '--no-cache')).cache, 'bypass');

  // New data in the source: the view over it changes at once, the table once rebuilt.
  const view = "select count(*) as n from {{ ref('stg_trades') }}";
  assert.deepEqual(await query(project, view), { rows: [{ n: '2' }], cache: 'miss' });
  assert.equal((await query(project, view)).cache, 'hit');
  trades(project, 'trades_2.csv.gz', [[3, 30]]);
  assert.equal((await project.strata(['load'])).code, 0);
  assert.deepEqual(await query(project, view), { rows: [{ n: '3' }], cache: 'miss' });
  assert.equal((await query(project, totals)).cache, 'hit', 'the table was not rebuilt yet: its answer is still current');
  assert.equal((await project.strata(['run', '--changed'])).code, 0);
  assert.deepEqual(await query(project, totals), { rows: [{ n: '3', total: '60' }], cache: 'miss' });
  assert.equal((await query(project, totals)).cache, 'hit');

  // Volatile and outside queries are never cached.
  const now = await project.strata(['query', 'select now() as t, n from {{ ref(\'totals\') }}']);
  assert.match(now.stderr, /cache: uncacheable \(it uses now\(\)/);
  assert.match((await project.strata(['query', 'select random() as r'])).stderr, /cache: uncacheable \(it uses random\(\)/);
  assert.match((await project.strata(['query', 'select now() as t'])).stderr, /cache: uncacheable/);
  const meta = await project.strata(['query', `select count(*) as n from ${project.customSchema('meta')}.load_log`]);
  assert.match(meta.stderr, /cache: uncacheable \(it reads .*load_log, which is not a model, seed or source/);
});

eachEngine('strata serve answers read-only queries over HTTP from the same cache', async (project) => {
  write(project);
  trades(project, 'trades_1.csv.gz', [[1, 10], [2, 20]]);
  assert.equal((await project.strata(['build'])).code, 0);
  const server = startCli(['serve', '--port', '0'], project.dir);
  let printed = '';
  server.child.stdout!.on('data', (d: Buffer) => (printed += d.toString()));
  try {
    await server.waitForOutput(/Serving http:\/\/127\.0\.0\.1:\d+/);
    const url = /Serving (http:\/\/127\.0\.0\.1:\d+)/.exec(printed)![1]!;
    const get = async (pathAndQuery: string, init?: RequestInit): Promise<{ status: number; body: Record<string, unknown>; etag: string | null }> => {
      const response = await fetch(`${url}${pathAndQuery}`, init);
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown>, etag: response.headers.get('etag') };
    };
    const sql = (text: string): string => `/query?sql=${encodeURIComponent(text)}`;

    let answer = await get(sql("select n, total from {{ ref('totals') }}"));
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.deepEqual(answer.body.rows, [{ n: '2', total: '30' }]);
    assert.equal(answer.body.cache, 'miss');
    answer = await get(sql("select n, total from {{ ref('totals') }}"));
    assert.equal(answer.body.cache, 'hit');
    // A client holding the answer revalidates it: 304 without a body while the data is unchanged.
    const etag = answer.etag!;
    assert.match(etag, /^W\/"[\w-]+"$/);
    const revalidated = await get(sql("select n, total from {{ ref('totals') }}"), { headers: { 'if-none-match': etag } });
    assert.deepEqual({ status: revalidated.status, body: revalidated.body, etag: revalidated.etag }, { status: 304, body: {}, etag });

    // Named queries with typed parameters.
    const listed = await get('/queries');
    assert.deepEqual((listed.body.queries as { name: string }[]).map((q) => q.name), ['big_trades']);
    answer = await get('/queries/big_trades?min_amount=15');
    assert.deepEqual(answer.body.rows, [{ id: 2, amount: 20 }]);
    assert.equal((await get("/queries/big_trades?min_amount=1;drop table x")).status, 400);
    assert.equal((await get('/queries/nope')).status, 400);

    // Read-only: other methods, other statements, files and relations outside the project are refused.
    assert.equal((await get(sql('select 1'), { method: 'POST' })).status, 405);
    assert.equal((await get(sql("drop table {{ ref('totals') }}"))).status, 403);
    assert.equal((await get(sql("select * from {{ ref('totals') }}; select 1"))).status, 403);
    assert.equal((await get(sql("select * from read_csv('/etc/passwd')"))).status, 403);
    assert.equal((await get(sql(`select * from ${project.customSchema('meta')}.node_state`))).status, 403);
    assert.equal((await get(`/query?sql=${'x'.repeat(10_000)}`)).status, 414);

    // A run while it serves: the server does not hold the database, and its next answer is fresh.
    trades(project, 'trades_2.csv.gz', [[3, 30]]);
    const build = await project.strata(['build']);
    assert.equal(build.code, 0, build.stdout + build.stderr);
    answer = await get(sql("select n, total from {{ ref('totals') }}"), { headers: { 'if-none-match': etag } });
    assert.equal(answer.status, 200, 'the old ETag no longer matches');
    assert.deepEqual(answer.body.rows, [{ n: '3', total: '60' }]);
    assert.equal(answer.body.cache, 'miss');
    assert.notEqual(answer.etag, etag);
    answer = await get(sql("select n, total from {{ ref('totals') }}"), { headers: { 'if-none-match': etag } });
    assert.deepEqual({ status: answer.status, cache: answer.body.cache, rows: answer.body.rows }, { status: 200, cache: 'hit', rows: [{ n: '3', total: '60' }] });
  } finally {
    server.child.kill('SIGINT');
    await server.done;
  }
});

eachEngine('a cached query reads the data versions of what it reads only, not of every source', async (project) => {
  write(project);
  const external = project.customSchema('ext');
  project.write({ 'models/elsewhere.yml': `version: 2\nsources:\n  - name: elsewhere\n    schema: ${external}\n    tables:\n      - name: unreadable\n` });
  trades(project, 'trades_1.csv.gz', [[1, 10], [2, 20]]);
  const build = await project.strata(['build']);
  assert.equal(build.code, 0, build.stdout + build.stderr);
  // A source outside the project's landing zone gets its version from count(*): this one fails when read.
  const fails = project.engine.name === 'duckdb' ? "where error('unreadable') is null" : 'where 1 / (random() * 0)::int = 1';
  await project.query(`create schema ${external}; create view ${external}.unreadable as select 1 as x ${fails}`);

  const totals = "select n, total from {{ ref('totals') }}";
  assert.deepEqual(await query(project, totals), { rows: [{ n: '2', total: '30' }], cache: 'miss' });
  assert.deepEqual(await query(project, totals), { rows: [{ n: '2', total: '30' }], cache: 'hit' });
  const view = "select count(*) as n from {{ ref('stg_trades') }}";
  assert.deepEqual(await query(project, view), { rows: [{ n: '2' }], cache: 'miss' });
  assert.deepEqual(await query(project, view), { rows: [{ n: '2' }], cache: 'hit' });
  // Reading it is another matter.
  const direct = await project.strata(['query', "select count(*) as n from {{ source('elsewhere', 'unreadable') }}"]);
  assert.notEqual(direct.code, 0);
  assert.match(direct.stderr, /unreadable|division by zero/);
});
