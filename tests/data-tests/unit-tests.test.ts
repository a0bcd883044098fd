import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { runCli } from '../helpers/run-cli.js';
import { duckdbProjectYaml, removeProject, tempProject } from '../helpers/temp-project.js';

const dirs: string[] = [];
after(() => dirs.forEach(removeProject));

const MODEL = `
{{ config(materialized='incremental', unique_key='customer_id') }}
select o.customer_id, c.name, sum(o.amount) as total, count(*) as orders, max(o.placed_on) as last_order
from {{ ref('stg_orders') }} o join {{ ref('customers') }} c on c.id = o.customer_id
where o.amount >= {{ var('min_amount', 0) }}
{% if is_incremental() %} and o.placed_on > (select max(last_order) from {{ this }}) {% endif %}
group by 1, 2
`;

function project(unitTests: string): string {
  const dir = tempProject({
    'strata.yml': duckdbProjectYaml(),
    'seeds/customers.csv': 'id,name\n1,Ana\n',
    'models/stg_orders.sql': 'select 1 as customer_id, 2.5 as amount, current_date as placed_on',
    'models/customer_totals.sql': MODEL,
    'models/unit.yml': unitTests,
  });
  dirs.push(dir);
  return dir;
}

describe('unit tests', () => {
  it('pass when the model turns the given rows into the expected rows, ignoring order and unlisted columns', async () => {
    const dir = project(`
unit_tests:
  - name: totals_per_customer
    model: customer_totals
    given:
      - input: ref('stg_orders')
        rows:
          - {customer_id: 1, amount: 10.50, placed_on: 2024-01-01}
          - {customer_id: 1, amount: 2, placed_on: 2024-01-03}
          - {customer_id: 2, amount: 5, placed_on: 2024-01-02}
      - input: ref('customers')
        format: csv
        rows: |
          id,name
          1,Ana
          2,Bo
    expect:
      rows:
        - {customer_id: 2, name: Bo, total: 5}
        - {customer_id: 1, name: Ana, total: 12.5, last_order: 2024-01-03}
  - name: min_amount_and_incremental_overrides
    model: customer_totals
    overrides:
      vars: {min_amount: 3}
      macros: {is_incremental: true}
    given:
      - input: ref('stg_orders')
        rows:
          - {customer_id: 1, amount: 10, placed_on: 2024-02-01}
          - {customer_id: 1, amount: 1, placed_on: 2024-02-02}
          - {customer_id: 1, amount: 9, placed_on: 2023-12-01}
      - input: ref('customers')
        rows: [{id: 1, name: Ana}]
      - input: this
        rows: [{customer_id: 1, last_order: 2024-01-01}]
    expect:
      rows: [{customer_id: 1, total: 10, orders: 1}]
`);
    const result = await runCli(['test'], dir);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /PASS totals_per_customer/);
    assert.match(result.stdout, /PASS min_amount_and_incremental_overrides/);
  });

  it('fail with a readable diff', async () => {
    const dir = project(`
unit_tests:
  - name: wrong_expectation
    model: customer_totals
    given:
      - input: ref('stg_orders')
        rows: [{customer_id: 1, amount: 4, placed_on: 2024-01-01}]
      - input: ref('customers')
        rows: [{id: 1, name: Ana}]
    expect:
      rows: [{customer_id: 1, total: 5}]
`);
    const result = await runCli(['test'], dir);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /FAIL 2 wrong_expectation/);
    assert.match(result.stdout, /columns compared: customer_id, total\n- expected \{customer_id: 1, total: 5\}\n\+ actual   \{customer_id: 1, total: 4\}/);
  });

  it('say which input has no given rows', async () => {
    const dir = project(`
unit_tests:
  - name: missing_input
    model: customer_totals
    given:
      - input: ref('stg_orders')
        rows: [{customer_id: 1}]
    expect:
      rows: []
`);
    const result = await runCli(['test'], dir);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /models\/unit\.yml, node missing_input: unit test 'missing_input': model 'customer_totals' reads ref\('customers'\), which has no 'given' rows/);
  });
});
