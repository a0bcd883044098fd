import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe } from 'node:test';
import { eachEngine } from '../helpers/engines.js';
import { rel, rowsOf, strata, strataOk, writeDbtProject } from './dbt-project.js';

/** The built-in dbt_utils macros and dbt's database-reading functions, run on both engines. */
const FILES: Record<string, string> = {
  'seeds/sales.csv': 'id,region,product,amount\n1,eu,apple,10\n2,eu,pear,5\n3,us,apple,7\n4,us,apple,3\n5,apac,pear,1\n',
  'seeds/sales_2023.csv': 'id,region,amount,note\n9,eu,100,old\n',
  'macros/count_rows.sql': [
    '{% macro count_rows(relation) %}',
    "  {% call statement('rows', fetch_result=True) %}select count(*) as n from {{ relation }}{% endcall %}",
    "  {% set result = load_result('rows') %}",
    "  {{ return(result['data'][0][0] if execute else 0) }}",
    '{% endmacro %}',
  ].join('\n'),
  'models/pivoted.sql': [
    "{% set products = dbt_utils.get_column_values(ref('sales'), 'product', order_by='product') %}",
    'select region,',
    "  {{ dbt_utils.pivot('product', products, agg='sum', then_value='amount', else_value=0) }}",
    "from {{ ref('sales') }}",
    'group by region',
  ].join('\n'),
  'models/starred.sql': "select {{ dbt_utils.star(from=ref('sales'), except=['amount'], relation_alias='s') }} from {{ ref('sales') }} as s",
  'models/prefixed.sql': "select {{ dbt_utils.star(ref('sales'), except=['id', 'product', 'amount'], prefix='sale_') }} from {{ ref('sales') }}",
  'models/unioned.sql': "{{ dbt_utils.union_relations(relations=[ref('sales'), ref('sales_2023')], exclude=['product']) }}",
  'models/spine.sql': "{{ dbt_utils.date_spine(datepart='day', start_date=\"cast('2024-02-27' as date)\", end_date=\"cast('2024-03-02' as date)\") }}",
  'models/keys.sql': [
    'select id,',
    "  {{ dbt_utils.generate_surrogate_key(['id', 'region', 'null']) }} as sk,",
    "  {{ dbt_utils.safe_divide('amount', 'id - 1') }} as ratio,",
    "  {{ dbt_utils.safe_add(['amount', 'null']) }} as total",
    "from {{ ref('sales') }}",
  ].join('\n'),
  'models/summary.sql': [
    "{% set n = count_rows(ref('sales')) %}",
    "{% set biggest = dbt_utils.get_single_value(\"select max(amount) from \" ~ ref('sales')) %}",
    "{% set there = adapter.get_relation(database=target.database, schema=target.schema, identifier='sales') %}",
    "{% set missing = adapter.get_relation(database=target.database, schema=target.schema, identifier='nope') %}",
    "{% set cols = adapter.get_columns_in_relation(ref('sales')) %}",
    "select {{ n }} as row_count, {{ biggest }} as biggest, {{ there is not none }} as found, {{ missing is none }} as not_found,",
    "  '{{ cols | map(attribute='name') | join(',') }}' as columns",
  ].join('\n'),
  'models/deduped.sql': "{{ dbt_utils.deduplicate(ref('sales'), partition_by='region', order_by='amount desc') }}",
};

describe('dbt_utils and database-reading functions', () => {
  eachEngine('render with the database when the model runs, and build the right rows', async (project) => {
    writeDbtProject(project, 'shop', FILES);
    await strataOk(project, ['build']);
    const s = project.schema;
    const num = (rows: Record<string, string | null>[]): Record<string, unknown>[] =>
      rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v !== null && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v])));

    assert.deepEqual(num(await rowsOf(project, rel(project, s, 'pivoted'))), [
      { region: 'apac', apple: 0, pear: 1 },
      { region: 'eu', apple: 10, pear: 5 },
      { region: 'us', apple: 10, pear: 0 },
    ]);
    assert.deepEqual(Object.keys(await project.columnTypes(s, 'starred')), ['id', 'region', 'product']);
    assert.deepEqual(Object.keys(await project.columnTypes(s, 'prefixed')), ['sale_region']);
    assert.deepEqual(
      num(await rowsOf(project, rel(project, s, 'unioned'), 'id')).map((r) => [r._dbt_source_relation, r.id, r.region, r.amount, r.note]),
      [
        ...[1, 2, 3, 4, 5].map((id) => [`"${databaseOf(project)}"."${s}"."sales"`, id, ['eu', 'eu', 'us', 'us', 'apac'][id - 1], [10, 5, 7, 3, 1][id - 1], null]),
        [`"${databaseOf(project)}"."${s}"."sales_2023"`, 9, 'eu', 100, 'old'],
      ],
    );
    assert.deepEqual(
      (await rowsOf(project, rel(project, s, 'spine'))).map((r) => r.date_day?.slice(0, 10)),
      ['2024-02-27', '2024-02-28', '2024-02-29', '2024-03-01'],
    );
    const keys = num(await rowsOf(project, rel(project, s, 'keys'), 'id'));
    assert.equal(keys[0]!.sk, md5('1-eu-_dbt_utils_surrogate_key_null_'));
    assert.equal(keys[0]!.ratio, null);
    assert.equal(keys[1]!.ratio, 5);
    assert.equal(keys[2]!.total, 7);
    assert.deepEqual(num(await rowsOf(project, rel(project, s, 'summary'))), [{ row_count: 5, biggest: 10, found: 'true', not_found: 'true', columns: 'id,region,product,amount' }]);
    assert.deepEqual(num(await rowsOf(project, rel(project, s, 'deduped'), 'region')).map((r) => [r.region, r.amount]), [['apac', 1], ['eu', 10], ['us', 7]]);

    // target/compiled keeps the compile-time rendering (execute = false): dbt_utils.star is `*` there.
    await strataOk(project, ['compile', '--no-format']);
    assert.match(readFileSync(path.join(project.dir, 'target/compiled/models/starred.sql'), 'utf8'), /select \* from/);
  });

  eachEngine('refuse a ref that only appears when execute is true, naming the fix', async (project) => {
    writeDbtProject(project, 'shop', {
      'seeds/sales.csv': 'id\n1\n',
      'models/late.sql': "select 1 as x {% if execute %}from {{ ref('sales') }}{% endif %}",
    });
    const result = await strata(project, ['build']);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /ref\('sales'\) is only reached when execute is true, so Strata cannot order the run by it: add '-- depends_on: \{\{ ref\('sales'\) \}\}' to the model/);
  });
});

function databaseOf(project: { engine: { name: string } }): string {
  return project.engine.name === 'duckdb' ? 'test' : new URL(process.env.STRATA_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test').pathname.slice(1);
}

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

