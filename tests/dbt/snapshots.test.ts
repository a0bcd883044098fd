import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { eachEngine, type EngineProject } from '../helpers/engines.js';
import { rel, rowsOf, strata, strataOk, writeDbtProject } from './dbt-project.js';

/**
 * dbt snapshots (`{% snapshot %}` in snapshots/): the timestamp and check strategies, hard
 * deletes, new columns, with dbt's column names. Each build captures the current state of a seed.
 */
const PROJECT_YAML = 'snapshots:\n  shop:\n    +target_schema: "{{ target.schema }}_snap"\n    +unique_key: id\n';

const SNAPSHOTS: Record<string, string> = {
  'snapshots/by_time.sql': [
    '{% snapshot customers_by_time %}',
    "{{ config(strategy='timestamp', updated_at='updated_at', invalidate_hard_deletes=True) }}",
    "select id, name, tier, cast(updated_at as timestamp) as updated_at from {{ ref('customers') }}",
    '{% endsnapshot %}',
  ].join('\n'),
  'snapshots/by_check.sql': [
    '{% snapshot customers_by_check %}',
    "{{ config(strategy='check', check_cols=['tier']) }}",
    "select * from {{ ref('customers') }}",
    '{% endsnapshot %}',
    '',
    '{% snapshot customers_all_cols %}',
    "{{ config(strategy='check', check_cols='all', target_schema=none, schema='history') }}",
    "select id, name, tier from {{ ref('customers') }}",
    '{% endsnapshot %}',
  ].join('\n'),
};

async function load(project: EngineProject, csv: string): Promise<void> {
  project.write({ 'seeds/customers.csv': csv });
  await strataOk(project, ['build']);
}

type Version = [id: string, name: string | null, tier: string | null, validFrom: string | null, validTo: string | null];

async function versions(project: EngineProject, name: string, schema = `${project.schema}_snap`): Promise<Version[]> {
  const rows = await rowsOf(project, rel(project, schema, name), 'id, dbt_valid_from');
  return rows.map((r) => [r.id!, r.name ?? null, r.tier ?? null, r.dbt_valid_from?.slice(0, 16) ?? null, r.dbt_valid_to?.slice(0, 16) ?? null]);
}

describe('dbt snapshots', () => {
  eachEngine('capture versions with the timestamp and check strategies, in dbt’s columns', async (project) => {
    writeDbtProject(project, 'shop', SNAPSHOTS, PROJECT_YAML);
    await load(project, 'id,name,tier,updated_at\n1,Ana,gold,2024-01-01 00:00:00\n2,Bo,silver,2024-01-01 00:00:00\n3,Cy,gold,2024-01-01 00:00:00\n');
    const columns = await project.columnTypes(`${project.schema}_snap`, 'customers_by_time');
    assert.deepEqual(Object.keys(columns), ['id', 'name', 'tier', 'updated_at', 'dbt_scd_id', 'dbt_updated_at', 'dbt_valid_from', 'dbt_valid_to']);
    assert.equal(columns.dbt_valid_from, 'timestamp');

    // Bo moves to gold (and is updated), Cy is deleted, Di arrives; Ana's name changes without a newer updated_at.
    await load(project, 'id,name,tier,updated_at\n1,Ann,gold,2024-01-01 00:00:00\n2,Bo,gold,2024-02-01 00:00:00\n4,Di,bronze,2024-02-01 00:00:00\n');
    const byTime = await versions(project, 'customers_by_time');
    const closedCy = byTime.find((v) => v[0] === '3')![4];
    assert.ok(closedCy !== null, 'the deleted key is closed');
    assert.deepEqual(byTime, [
      ['1', 'Ana', 'gold', '2024-01-01 00:00', null],
      ['2', 'Bo', 'silver', '2024-01-01 00:00', '2024-02-01 00:00'],
      ['2', 'Bo', 'gold', '2024-02-01 00:00', null],
      ['3', 'Cy', 'gold', '2024-01-01 00:00', closedCy],
      ['4', 'Di', 'bronze', '2024-02-01 00:00', null],
    ]);

    // The check strategy: a new version when tier changes; deleted keys stay current (no hard deletes).
    const byCheck = await versions(project, 'customers_by_check');
    assert.deepEqual(
      byCheck.map((v) => [v[0], v[1], v[2], v[4] === null ? 'current' : 'closed']),
      [['1', 'Ana', 'gold', 'current'], ['2', 'Bo', 'silver', 'closed'], ['2', 'Bo', 'gold', 'current'], ['3', 'Cy', 'gold', 'current'], ['4', 'Di', 'bronze', 'current']],
    );
    const bo = byCheck.filter((v) => v[0] === '2');
    assert.equal(bo[0]![4], bo[1]![3], "the old version ends when the new one starts (the run's time)");

    // check_cols: all compares every column; `schema` goes through dbt's schema naming.
    const all = await versions(project, 'customers_all_cols', `${project.schema}_history`);
    assert.deepEqual(
      all.map((v) => [v[0], v[1], v[4] === null ? 'current' : 'closed']),
      [['1', 'Ana', 'closed'], ['1', 'Ann', 'current'], ['2', 'Bo', 'closed'], ['2', 'Bo', 'current'], ['3', 'Cy', 'current'], ['4', 'Di', 'current']],
    );

    // dbt_scd_id is md5 of the key and the version's start, as dbt computes it.
    const scd = await project.query(
      `select count(*) as n from ${rel(project, `${project.schema}_snap`, 'customers_by_time')} where dbt_scd_id <> md5(coalesce(cast(id as text), '') || '|' || coalesce(cast(updated_at as text), ''))`,
    );
    assert.equal(String(scd[0]!.n), '0');

    // Snapshots are their own resource type for selectors, as in dbt.
    const listed = await strataOk(project, ['ls', '-s', 'resource_type:snapshot']);
    assert.deepEqual(listed.stdout.trim().split('\n').sort(), ['customers_all_cols', 'customers_by_check', 'customers_by_time']);

    // A run without changes adds nothing; --full-refresh does not rebuild snapshots.
    const again = await strataOk(project, ['build', '--full-refresh', '-s', 'customers_by_time']);
    assert.match(again.stdout, /snapshot: 0 new version\(s\), 0 closed/);
    assert.equal((await versions(project, 'customers_by_time')).length, 5);
  });

  eachEngine('add columns the query gained, and refuse a query that returns dbt’s columns', async (project) => {
    writeDbtProject(project, 'shop', { 'snapshots/s.sql': "{% snapshot s %}{{ config(strategy='check', check_cols='all') }}select * from {{ ref('customers') }}{% endsnapshot %}" }, PROJECT_YAML);
    await load(project, 'id,tier\n1,gold\n');
    await load(project, 'id,tier,region\n1,gold,eu\n2,silver,us\n');
    const rows = await rowsOf(project, rel(project, `${project.schema}_snap`, 's'), 'id');
    assert.deepEqual(rows.map((r) => [r.id, r.tier, r.region]), [['1', 'gold', null], ['2', 'silver', 'us']]);

    project.write({ 'snapshots/s.sql': "{% snapshot s %}{{ config(strategy='check', check_cols='all') }}select *, 1 as dbt_valid_to from {{ ref('customers') }}{% endsnapshot %}" });
    const bad = await strata(project, ['build']);
    assert.equal(bad.code, 1);
    assert.match(bad.stdout + bad.stderr, /the query returns dbt_valid_to, which the snapshot adds itself; rename them/);
  });

  eachEngine('name what a snapshot lacks', async (project) => {
    writeDbtProject(project, 'shop', { 'seeds/customers.csv': 'id\n1\n', 'snapshots/s.sql': "{% snapshot s %}\n{{ config(strategy='timestamp') }}\nselect 1 as id\n{% endsnapshot %}" }, PROJECT_YAML);
    const result = await strata(project, ['compile']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /snapshots\/s\.sql:2, node s, key 'updated_at': snapshot 's' needs 'updated_at'/);
  });
});
