import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe } from 'node:test';
import { eachEngine, type EngineProject } from '../helpers/engines.js';

const SEEDS = {
  'seeds/customers.csv': 'id,name,tier\n1,Ana,gold\n2,Bo,silver\n3,Cy,gold\n',
  'seeds/orders.csv': 'id,customer_id,amount,status,placed_at\n10,1,5.00,paid,2024-01-01 10:00:00\n11,2,7.50,paid,2024-01-02 10:00:00\n12,3,1.25,open,2024-01-03 10:00:00\n',
};

/** strata.yml for the engine, with this test's own metadata and failures schemas. */
function projectYaml(project: EngineProject): string {
  return project.projectYaml(`metadata_schema: ${project.customSchema('meta')}\ntest_failures_schema: ${project.customSchema('failures')}\n`);
}

/** Writes a project whose YAML declares tests on the seeds, seeds it, runs `strata test`; returns per-test verdicts. */
async function verdicts(project: EngineProject, schemaYaml: string, extra: Record<string, string> = {}): Promise<{ code: number; stdout: string; byName: Record<string, string> }> {
  project.write({ 'strata.yml': projectYaml(project), ...SEEDS, 'seeds/schema.yml': schemaYaml, ...extra });
  const seeded = await project.strata(['seed']);
  assert.equal(seeded.code, 0, seeded.stdout + seeded.stderr);
  const result = await project.strata(['test']);
  const runResults = JSON.parse(readFileSync(path.join(project.dir, 'target/run_results.json'), 'utf8')) as {
    results: { name: string; status: string; test?: { verdict: string; failures: number } }[];
  };
  const byName = Object.fromEntries(runResults.results.map((r) => [r.name, r.test ? `${r.test.verdict}:${r.test.failures}` : r.status]));
  return { code: result.code, stdout: result.stdout + result.stderr, byName };
}

describe('generic tests', () => {
  eachEngine('pass on good data', async (project) => {
    const { code, byName } = await verdicts(project, `
seeds:
  - name: customers
    columns:
      - name: id
        tests: [unique, not_null]
      - name: tier
        tests:
          - accepted_values: {values: [gold, silver]}
  - name: orders
    tests:
      - unique_combination: {columns: [id, customer_id]}
      - row_count: {min: 1, max: 3}
      - expression_is_true: {expression: "amount > 0"}
    columns:
      - name: customer_id
        data_tests:
          - relationships: {to: "ref('customers')", field: id}
      - name: amount
        tests:
          - expression_is_true: {expression: ">= 1"}
`);
    assert.equal(code, 0);
    assert.deepEqual(byName, {
      unique_customers_id: 'pass:0',
      not_null_customers_id: 'pass:0',
      accepted_values_customers_tier: 'pass:0',
      unique_combination_orders: 'pass:0',
      row_count_orders: 'pass:0',
      expression_is_true_orders: 'pass:0',
      relationships_orders_customer_id: 'pass:0',
      expression_is_true_orders_amount: 'pass:0',
    });
  });

  eachEngine('fail on bad data with the failing-row count, and exit 1', async (project) => {
    const { code, byName, stdout } = await verdicts(project, `
seeds:
  - name: customers
    columns:
      - name: tier
        tests:
          - not_null
          - unique
          - accepted_values:
              arguments: {values: [gold]}
  - name: orders
    tests:
      - row_count: {max: 2}
      - expression_is_true: {expression: "amount > 2"}
      - unique_combination: {columns: [status]}
    columns:
      - name: id
        tests:
          - relationships: {to: "ref('customers')", field: id}
`);
    assert.equal(code, 1);
    assert.deepEqual(byName, {
      not_null_customers_tier: 'pass:0',
      unique_customers_tier: 'fail:1',
      accepted_values_customers_tier: 'fail:1',
      row_count_orders: 'fail:1',
      expression_is_true_orders: 'fail:1',
      unique_combination_orders: 'fail:1',
      relationships_orders_id: 'fail:3',
    });
    assert.match(stdout, /FAIL 1 unique_customers_tier/);
    assert.match(stdout, /test unique_customers_tier: 1 failing row\n    \{"unique_field":"gold","n_records":"2"\}/);
    assert.match(stdout, /Done\. PASS=1 WARN=0 ERROR=6 SKIP=0 TOTAL=7/);
  });

  eachEngine('honour severity, warn_if/error_if thresholds and where', async (project) => {
    const { code, byName, stdout } = await verdicts(project, `
seeds:
  - name: orders
    columns:
      - name: status
        tests:
          - accepted_values:
              values: [paid]
              config: {severity: warn}
          - accepted_values:
              name: status_allowing_two_bad
              values: [nope]
              config: {error_if: ">= 4", warn_if: ">= 1"}
          - accepted_values:
              name: status_paid_where_cheap
              values: [paid]
              config: {where: "amount > 2"}
          - not_null:
              severity: warn
`);
    assert.equal(code, 0, 'warnings do not fail the run');
    assert.deepEqual(byName, {
      accepted_values_orders_status: 'warn:1',
      status_allowing_two_bad: 'warn:2',
      status_paid_where_cheap: 'pass:0',
      not_null_orders_status: 'pass:0',
    });
    assert.match(stdout, /WARN 1 accepted_values_orders_status/);
    assert.match(stdout, /Done\. PASS=2 WARN=2 ERROR=0 SKIP=0 TOTAL=4/);
  });

  eachEngine('store failing rows in a table when store_failures is set', async (project) => {
    const { byName } = await verdicts(project, `
seeds:
  - name: orders
    columns:
      - name: amount
        tests:
          - expression_is_true:
              expression: "> 2"
              config: {store_failures: true}
`);
    assert.equal(byName.expression_is_true_orders_amount, 'fail:1');
    const failures = project.engine.dialect.relation({ schema: project.customSchema('failures'), identifier: 'expression_is_true_orders_amount' });
    const rows = await project.query(`select cast(id as text) as id, cast(amount as text) as amount from ${failures}`);
    assert.deepEqual(rows, [{ id: '12', amount: '1.25' }]);
  });

  eachEngine('run custom generic tests from macros and tests/generic, and singular tests', async (project) => {
    const { byName, code } = await verdicts(
      project,
      `
seeds:
  - name: orders
    columns:
      - name: id
        tests: [is_even]
      - name: amount
        tests:
          - at_most: {limit_value: 6}
`,
      {
        'macros/is_even.sql': '{% test is_even(model, column_name) %}\nselect * from {{ model }} where {{ column_name }} % 2 = 1\n{% endtest %}',
        'tests/generic/at_most.sql': '{% test at_most(model, column_name, limit_value) %}select * from {{ model }} where {{ column_name }} > {{ limit_value }}{% endtest %}',
        'tests/no_big_orders.sql': "{{ config(severity='warn', tags=['finance']) }}select * from {{ ref('orders') }} where amount > 7",
      },
    );
    assert.equal(code, 1);
    assert.deepEqual(byName, { is_even_orders_id: 'fail:1', at_most_orders_amount: 'fail:1', no_big_orders: 'warn:1' });
  });

  eachEngine('name an unknown test and where it is declared (exit 2)', async (project) => {
    project.write({ 'strata.yml': projectYaml(project), ...SEEDS, 'seeds/schema.yml': 'seeds:\n  - name: orders\n    columns:\n      - name: id\n        tests: [uniqe]\n' });
    const result = await project.strata(['test']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /error: seeds\/schema\.yml, node orders, key 'columns\.id\.tests': unknown test 'uniqe'/);
  });
});

describe('critical gates in build', () => {
  eachEngine('skip everything downstream of a failed critical test, build independent branches, exit 1', async (project) => {
    project.write({
      'strata.yml': projectYaml(project),
      ...SEEDS,
      'models/stg_orders.sql': "select * from {{ ref('orders') }}",
      'models/order_totals.sql': "{{ config(materialized='table') }}select sum(amount) as total from {{ ref('stg_orders') }}",
      'models/report.sql': "select * from {{ ref('order_totals') }}",
      'models/customers_view.sql': "select * from {{ ref('customers') }}",
      'models/schema.yml': `
models:
  - name: stg_orders
    columns:
      - name: status
        tests:
          - accepted_values:
              values: [paid]
              config: {tags: [critical]}
  - name: customers_view
    columns:
      - name: tier
        tests:
          - accepted_values: {values: [gold]}
`,
    });
    const result = await project.strata(['build']);
    assert.equal(result.code, 1);
    const runResults = JSON.parse(readFileSync(path.join(project.dir, 'target/run_results.json'), 'utf8')) as { results: { name: string; status: string }[] };
    const status = Object.fromEntries(runResults.results.map((r) => [r.name, r.status]));
    assert.deepEqual(status, {
      customers: 'success',
      orders: 'success',
      stg_orders: 'success',
      customers_view: 'success',
      accepted_values_stg_orders_status: 'error',
      accepted_values_customers_view_tier: 'error',
      order_totals: 'skipped',
      report: 'skipped',
    });
    assert.match(result.stdout, /accepted_values_stg_orders_status: 1 failing row \(critical: nodes downstream were not built\)/);
    assert.deepEqual(Object.keys(await project.relations(project.schema)).sort(), ['customers', 'customers_view', 'orders', 'stg_orders']);

    const onlyCritical = await project.strata(['build', '--select', 'tag:critical']);
    assert.equal(onlyCritical.code, 1);
    assert.match(onlyCritical.stdout, /Done\. PASS=0 WARN=0 ERROR=1 SKIP=0 TOTAL=1/);
  });

  eachEngine('select tests through the models they test, and exclude them by name', async (project) => {
    project.write({
      'strata.yml': projectYaml(project),
      ...SEEDS,
      'seeds/schema.yml': 'seeds:\n  - name: orders\n    columns:\n      - name: id\n        tests: [unique, not_null]\n  - name: customers\n    columns:\n      - name: id\n        tests: [unique]\n',
    });
    await project.strata(['seed']);
    const result = await project.strata(['test', '-s', 'orders', '--exclude', 'not_null_orders_id']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /PASS unique_orders_id/);
    assert.doesNotMatch(result.stdout, /not_null_orders_id|unique_customers_id/);
    const ls = await project.strata(['ls', '-s', 'resource_type:test']);
    assert.deepEqual(ls.stdout.trim().split('\n').sort(), ['not_null_orders_id', 'unique_customers_id', 'unique_orders_id']);
  });
});
