import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe } from 'node:test';
import { eachEngine, type EngineProject } from '../helpers/engines.js';
import { rel, rowsOf, strata, strataOk, testVerdicts, writeDbtProject } from './dbt-project.js';

/**
 * A small dbt project as teams write them: folder configs keyed by project name, seeds read with
 * ref() (also the two-argument form), staging views in a custom schema, Jinja loops with
 * whitespace control, macros (one dispatched per adapter, one using run_query), vars, docs
 * blocks, every built-in generic test plus a custom generic and a singular test, a source with
 * freshness, an exposure, an incremental model and a snapshot.
 */
const PROJECT_YAML = [
  'model-paths: ["models"]',
  'vars:',
  '  statuses: [placed, shipped, completed, returned]',
  '  jaffle:',
  '    min_amount: 0',
  'models:',
  '  jaffle:',
  '    +materialized: view',
  '    staging:',
  '      +schema: staging',
  '      +tags: [staging]',
  '    marts:',
  '      materialized: table',
  '      +persist_docs: {relation: true}',
  'seeds:',
  '  jaffle:',
  '    +column_types:',
  '      amount: integer',
  'tests:',
  '  +store_failures: false',
  '',
].join('\n');

const FILES: Record<string, string> = {
  'seeds/raw_customers.csv': 'id,first_name,last_name\n1,Michael,P.\n2,Shawn,M.\n3,Kathleen,P.\n',
  'seeds/raw_orders.csv': 'id,user_id,order_date,status\n1,1,2018-01-01,returned\n2,3,2018-01-02,completed\n3,3,2018-01-04,completed\n4,2,2018-01-05,placed\n',
  'seeds/raw_payments.csv': 'id,order_id,payment_method,amount\n1,1,credit_card,1000\n2,2,credit_card,2000\n3,3,coupon,100\n4,4,coupon,2500\n5,4,bank_transfer,1700\n',
  'macros/cents_to_dollars.sql': [
    '{% macro cents_to_dollars(column_name, scale=2) -%}',
    "  {{ return(adapter.dispatch('cents_to_dollars')(column_name, scale)) }}",
    '{%- endmacro %}',
    '{% macro default__cents_to_dollars(column_name, scale) -%}',
    '  round(cast({{ column_name }} as numeric) / 100, {{ scale }})',
    '{%- endmacro %}',
    '{% macro postgres__cents_to_dollars(column_name, scale) -%}',
    '  round({{ column_name }}::numeric / 100, {{ scale }})',
    '{%- endmacro %}',
  ].join('\n'),
  'macros/payment_methods.sql': [
    '{% macro payment_methods() %}',
    '  {% set query %}select distinct payment_method from {{ ref(\'stg_payments\') }} order by 1{% endset %}',
    '  {% set results = run_query(query) %}',
    '  {% if execute %}',
    '    {% set methods = results.columns[0].values() %}',
    '  {% else %}',
    '    {% set methods = [] %}',
    '  {% endif %}',
    '  {{ return(methods) }}',
    '{% endmacro %}',
  ].join('\n'),
  'models/staging/stg_customers.sql': 'select id as customer_id, first_name, last_name from {{ ref(\'raw_customers\') }}',
  'models/staging/stg_orders.sql': [
    '{# statuses are normalized upstream #}',
    'select id as order_id, user_id as customer_id, cast(order_date as date) as order_date, status',
    "from {{ ref('jaffle', 'raw_orders') }}",
  ].join('\n'),
  'models/staging/stg_payments.sql': [
    'select id as payment_id, order_id, payment_method,',
    "  {{ cents_to_dollars('amount') }} as amount",
    "from {{ ref('raw_payments') }}",
    "where amount >= {{ var('min_amount') }}",
  ].join('\n'),
  'models/marts/orders.sql': [
    "{%- set methods = payment_methods() -%}",
    'with order_payments as (',
    '  select order_id,',
    '    {%- for method in methods %}',
    "    sum(case when payment_method = '{{ method }}' then amount else 0 end) as {{ method }}_amount,",
    '    {%- endfor %}',
    '    sum(amount) as total_amount',
    "  from {{ ref('stg_payments') }}",
    '  group by order_id',
    ')',
    'select o.order_id, o.customer_id, o.order_date, o.status,',
    '  {%- for method in methods %}',
    '  coalesce(p.{{ method }}_amount, 0) as {{ method }}_amount,',
    '  {%- endfor %}',
    '  coalesce(p.total_amount, 0) as amount,',
    "  {{ dbt_utils.generate_surrogate_key(['o.order_id', 'o.customer_id']) }} as order_key",
    "from {{ ref('stg_orders') }} as o",
    'left join order_payments as p on p.order_id = o.order_id',
  ].join('\n'),
  'models/marts/customers.sql': [
    "{{ config(materialized='table') }}",
    '{% set ns = namespace(statuses=[]) %}',
    "{% for s in var('statuses') if s != 'returned' %}{% do ns.statuses.append(s) %}{% endfor %}",
    'select c.customer_id, c.first_name || \' \' || c.last_name as name,',
    '  count(o.order_id) as orders,',
    '  {%- for s in ns.statuses %}',
    "  sum(case when o.status = '{{ s }}' then 1 else 0 end) as {{ s }}_orders{{ ',' if not loop.last }}",
    '  {%- endfor %}',
    "from {{ ref('stg_customers') }} as c",
    "left join {{ ref('orders') }} as o on o.customer_id = c.customer_id",
    'group by 1, 2',
  ].join('\n'),
  'models/marts/order_log.sql': [
    "{{ config(materialized='incremental', unique_key='order_id') }}",
    "select order_id, status, '{{ target.name }}' as loaded_by from {{ ref('stg_orders') }}",
    '{% if is_incremental() %}',
    'where order_id > (select max(order_id) from {{ this }})',
    '{% endif %}',
  ].join('\n'),
  'models/staging/stg_events.sql': "select id as event_id, kind from {{ source('jaffle_raw', 'events') }}",
  'models/docs.md': '{% docs orders_description %}One row per order, with its payments by method.{% enddocs %}',
  'models/sources.yml': [
    'version: 2',
    'sources:',
    '  - name: jaffle_raw',
    '    schema: "{{ target.schema }}"',
    '    loader: seeds',
    '    tables:',
    '      - name: events',
    '        identifier: app_events',
    '        loaded_at_field: loaded_at',
    '        freshness:',
    '          warn_after: {count: 1, period: day}',
    '        columns:',
    '          - name: kind',
    '            tests: [not_null]',
    '',
  ].join('\n'),
  'models/schema.yml': [
    'version: 2',
    'models:',
    '  - name: orders',
    '    description: "{{ doc(\'orders_description\') }}"',
    '    columns:',
    '      - name: order_id',
    '        tests: [unique, not_null]',
    '      - name: status',
    '        tests:',
    '          - accepted_values:',
    '              values: [placed, shipped, completed, returned]',
    '      - name: customer_id',
    '        data_tests:',
    '          - relationships:',
    "              to: ref('stg_customers')",
    '              field: customer_id',
    '      - name: amount',
    '        tests: [is_positive]',
    '  - name: customers',
    '    tests:',
    '      - dbt_utils.unique_combination_of_columns:',
    '          combination_of_columns: [customer_id, name]',
    '    columns:',
    '      - name: name',
    '        tests:',
    '          - not_null',
    '          - accepted_values:',
    '              values: [Michael P.]',
    '              config: {severity: warn}',
    'exposures:',
    '  - name: revenue_dashboard',
    '    type: dashboard',
    '    owner: {name: Finance, email: finance@example.com}',
    "    depends_on: [ref('orders'), ref('customers')]",
    '',
  ].join('\n'),
  'tests/generic/is_positive.sql': '{% test is_positive(model, column_name) %}\nselect * from {{ model }} where {{ column_name }} < 0\n{% endtest %}',
  'tests/assert_amounts_match.sql': [
    "-- every dollar paid shows up in orders",
    "select 1 from (select sum(amount) as a from {{ ref('orders') }}) o",
    "cross join (select sum(amount) as b from {{ ref('stg_payments') }}) p",
    'where o.a <> p.b',
  ].join('\n'),
  'snapshots/orders_snapshot.sql': [
    '{% snapshot orders_snapshot %}',
    "{{ config(target_schema=target.schema ~ '_snapshots', unique_key='order_id', strategy='check', check_cols=['status']) }}",
    "select order_id, status from {{ ref('stg_orders') }}",
    '{% endsnapshot %}',
  ].join('\n'),
};

async function buildOnce(project: EngineProject): Promise<void> {
  writeDbtProject(project, 'jaffle', FILES, PROJECT_YAML);
  // A source is loaded by something else before the build, as in dbt.
  mkdirSync(path.join(project.dir, 'target'), { recursive: true });
  await project.query(`create schema if not exists ${project.engine.dialect.quoteIdentifier(project.schema)}`);
  await project.query(`create table ${rel(project, project.schema, 'app_events')} as select 1 as id, 'click' as kind, current_timestamp as loaded_at`);
  await strataOk(project, ['build']);
}

describe('a dbt project, built by strata', () => {
  eachEngine('builds the same tables dbt would, and tests them', async (project) => {
    await buildOnce(project);
    const s = project.schema;
    const staging = `${s}_staging`;
    assert.deepEqual(await project.relations(staging), { stg_customers: 'view', stg_events: 'view', stg_orders: 'view', stg_payments: 'view' });
    // Amounts compare as numbers: each engine prints its numeric type its own way, as it does under dbt.
    const amountsAsNumbers = (rows: Record<string, string | null>[]): Record<string, unknown>[] =>
      rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, k.endsWith('amount') && v !== null ? Number(v) : v])));
    assert.deepEqual(
      amountsAsNumbers(await rowsOf(project, rel(project, s, 'orders'))),
      [
        { order_id: '1', customer_id: '1', order_date: '2018-01-01', status: 'returned', bank_transfer_amount: '0.00', coupon_amount: '0.00', credit_card_amount: '10.00', amount: '10.00', order_key: 'ea66c06c1e1c05fa9f1aa39d98dc5bc1' },
        { order_id: '2', customer_id: '3', order_date: '2018-01-02', status: 'completed', bank_transfer_amount: '0.00', coupon_amount: '0.00', credit_card_amount: '20.00', amount: '20.00', order_key: '6bdb7c14a4b27a8bbed1b0a1d5e0e8d1' },
        { order_id: '3', customer_id: '3', order_date: '2018-01-04', status: 'completed', bank_transfer_amount: '0.00', coupon_amount: '1.00', credit_card_amount: '0.00', amount: '1.00', order_key: '2ca70b6a6b4c7a56e3d6b1f80e6f7b2f' },
        { order_id: '4', customer_id: '2', order_date: '2018-01-05', status: 'placed', bank_transfer_amount: '17.00', coupon_amount: '25.00', credit_card_amount: '0.00', amount: '42.00', order_key: '3b6e3fbe8b1d4f2e1f4b7e5a0b0b6c2a' },
      ].map((r) => amountsAsNumbers([{ ...r, order_key: md5Key(r.order_id, r.customer_id) }])[0]),
    );
    assert.deepEqual(await rowsOf(project, rel(project, s, 'customers')), [
      { customer_id: '1', name: 'Michael P.', orders: '1', placed_orders: '0', shipped_orders: '0', completed_orders: '0' },
      { customer_id: '2', name: 'Shawn M.', orders: '1', placed_orders: '1', shipped_orders: '0', completed_orders: '0' },
      { customer_id: '3', name: 'Kathleen P.', orders: '2', placed_orders: '0', shipped_orders: '0', completed_orders: '2' },
    ]);
    assert.deepEqual(await rowsOf(project, rel(project, s, 'order_log')), [
      { order_id: '1', status: 'returned', loaded_by: 'dev' },
      { order_id: '2', status: 'completed', loaded_by: 'dev' },
      { order_id: '3', status: 'completed', loaded_by: 'dev' },
      { order_id: '4', status: 'placed', loaded_by: 'dev' },
    ]);
    assert.deepEqual(testVerdicts(project), {
      unique_orders_order_id: 'pass:0',
      not_null_orders_order_id: 'pass:0',
      accepted_values_orders_status: 'pass:0',
      relationships_orders_customer_id: 'pass:0',
      is_positive_orders_amount: 'pass:0',
      unique_combination_customers: 'pass:0',
      not_null_customers_name: 'pass:0',
      accepted_values_customers_name: 'warn:2',
      assert_amounts_match: 'pass:0',
      freshness_jaffle_raw_events: 'pass:0',
      not_null_jaffle_raw_events_kind: 'pass:0',
    });
    assert.deepEqual(
      (await rowsOf(project, rel(project, `${s}_snapshots`, 'orders_snapshot'))).map((r) => [r.order_id, r.status, r.dbt_valid_to]),
      [['1', 'returned', null], ['2', 'completed', null], ['3', 'completed', null], ['4', 'placed', null]],
    );
  });

  eachEngine('runs again: incremental models append, snapshots record changes, failing tests fail', async (project) => {
    await buildOnce(project);
    const s = project.schema;
    project.write({
      'seeds/raw_orders.csv': 'id,user_id,order_date,status\n1,1,2018-01-01,returned\n2,3,2018-01-02,completed\n3,3,2018-01-04,completed\n4,2,2018-01-05,shipped\n5,9,2018-01-06,lost\n',
    });
    const second = await strata(project, ['build']);
    assert.equal(second.code, 1, second.stdout + second.stderr);
    const verdicts = testVerdicts(project);
    assert.equal(verdicts.accepted_values_orders_status, 'fail:1');
    assert.equal(verdicts.relationships_orders_customer_id, 'fail:1');
    assert.deepEqual(
      (await rowsOf(project, rel(project, s, 'order_log'))).map((r) => [r.order_id, r.status]),
      [['1', 'returned'], ['2', 'completed'], ['3', 'completed'], ['4', 'placed'], ['5', 'lost']],
    );
    const snapshot = await rowsOf(project, rel(project, `${s}_snapshots`, 'orders_snapshot'), 'order_id, dbt_valid_from');
    assert.deepEqual(
      snapshot.map((r) => [r.order_id, r.status, r.dbt_valid_to === null ? 'current' : 'closed']),
      [['1', 'returned', 'current'], ['2', 'completed', 'current'], ['3', 'completed', 'current'], ['4', 'placed', 'closed'], ['4', 'shipped', 'current'], ['5', 'lost', 'current']],
    );
    const four = snapshot.filter((r) => r.order_id === '4');
    assert.equal(four[0]!.dbt_valid_to, four[1]!.dbt_valid_from);
  });
});

/** dbt_utils.generate_surrogate_key of two non-null values, as SQL computes it. */
function md5Key(a: string, b: string): string {
  return createHash('md5').update(`${a}-${b}`).digest('hex');
}

