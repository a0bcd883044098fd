import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createSqlSerializer } from '../../src/adapters/duckdb/duckdb-sql-serializer.js';
import { inspectQuery, type QueryInspection } from '../../src/query-cache/inspect-query.js';
import { normalizeSql } from '../../src/query-cache/normalize-sql.js';
import { resolveReadRelations } from '../../src/query-cache/resolve-read-relations.js';

describe('cache keys: normalized SQL', () => {
  it('ignores case, whitespace, comments and trailing semicolons outside quotes', () => {
    const a = normalizeSql('SELECT  id,\n  Name -- the name\nFROM "Main"."T" /* block */ WHERE x = \'A b\';;');
    const b = normalizeSql("select id, name from \"Main\".\"T\" where x = 'A b'");
    assert.equal(a, b);
  });

  it('keeps quoted text exactly', () => {
    assert.notEqual(normalizeSql("select 'A'"), normalizeSql("select 'a'"));
    assert.notEqual(normalizeSql('select "A"'), normalizeSql('select "a"'));
    assert.equal(normalizeSql("select 'it''s  here'"), "select 'it''s  here'");
    assert.equal(normalizeSql('select $x$ Keep  This $x$'), 'select $x$ Keep  This $x$');
  });
});

describe('what a query reads and whether it is deterministic (DuckDB parser)', async () => {
  const parser = await createSqlSerializer(1);
  after(() => parser.close());
  const inspect = async (sql: string): Promise<QueryInspection> => inspectQuery((await parser.serialize([sql]))[0]);

  it('lists base tables, leaving out CTE names by scope', async () => {
    const q = await inspect('with recent as (select * from main.orders) select * from recent join raw.customers c using (id) where id in (select id from staging.x)');
    assert.ok(q.ok);
    assert.deepEqual(q.relations.map((r) => `${r.schema}.${r.name}`).sort(), ['main.orders', 'raw.customers', 'staging.x']);
    assert.deepEqual(q.volatile, []);
    // A CTE name in one scope does not hide a table of the same name elsewhere.
    const scoped = await inspect('select * from (with t as (select 1 as a) select * from t) x, t');
    assert.ok(scoped.ok);
    assert.deepEqual(scoped.relations, [{ schema: undefined, name: 't' }]);
  });

  it('finds volatile functions and keywords', async () => {
    for (const [sql, found] of [
      ['select now()', 'now()'],
      ['select current_timestamp', 'current_timestamp'],
      ['select current_date', 'current_date'],
      ['select random() from t', 'random()'],
      ['select gen_random_uuid()', 'gen_random_uuid()'],
      ['select uuid()', 'uuid()'],
      ['select * from t using sample 10', 'sampling'],
    ] as const) {
      const q = await inspect(sql);
      assert.ok(q.ok, sql);
      assert.ok(q.volatile.includes(found), `${sql}: ${q.volatile.join(', ')}`);
    }
  });

  it('flags table functions, outside access and other statements', async () => {
    const csv = await inspect("select * from read_csv('/etc/passwd')");
    assert.ok(csv.ok && csv.tableFunctions.includes('read_csv'));
    const series = await inspect('select * from range(10)');
    assert.ok(series.ok && series.tableFunctions.length === 0);
    const env = await inspect("select getenv('HOME')");
    assert.ok(env.ok && env.external.includes('getenv()'));
    for (const sql of ['drop table t', 'insert into t values (1)', 'select 1; select 2', 'copy t to \'x.csv\'', 'not sql at all']) {
      assert.equal((await inspect(sql)).ok, false, sql);
    }
  });

  it('ties read relations to the project, refusing unknown or ambiguous ones', () => {
    const project = new Set(['main.orders', 'raw.orders', 'main.customers']);
    assert.deepEqual(resolveReadRelations([{ schema: 'MAIN', name: 'Orders' }], project, 'main'), { ok: true, keys: ['main.orders'] });
    assert.deepEqual(resolveReadRelations([{ name: 'customers' }], project, 'main'), { ok: true, keys: ['main.customers'] });
    assert.equal(resolveReadRelations([{ name: 'orders' }], project, 'main').ok, false);
    assert.equal(resolveReadRelations([{ schema: 'strata_meta', name: 'node_state' }], project, 'main').ok, false);
  });
});
