import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadProjectConfig } from '../../src/config/load-project-config.js';
import { errorsOf, model } from '../helpers/compile-inline.js';
import { compileDbt, dbtProjectDir } from './dbt-project.js';

/** Runs `work` with environment variables set, restoring them afterwards. */
function withEnv<T>(vars: Record<string, string | undefined>, work: () => T): T {
  const before = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    return work();
  } finally {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

const PG_PROFILE = [
  'shop:',
  '  target: dev',
  '  outputs:',
  '    dev:',
  '      type: duckdb',
  '      path: local.duckdb',
  '      schema: dev_schema',
  '      threads: 3',
  '      settings: {memory_limit: 1GB}',
  '    prod:',
  '      type: postgres',
  '      host: db.example.com',
  "      port: \"{{ env_var('STRATA_TEST_PGPORT', '6543') | int }}\"",
  '      user: loader',
  "      password: \"{{ env_var('STRATA_TEST_PGPASS') }}\"",
  '      dbname: warehouse',
  '      schema: analytics',
  '      threads: 8',
  '      sslmode: require',
  '      keepalives_idle: 0',
  '',
].join('\n');

describe('a folder with dbt_project.yml is a project', () => {
  it('reads name, version, paths, vars and the target from profiles.yml', () => {
    const dir = dbtProjectDir(
      { 'profiles.yml': PG_PROFILE },
      {
        projectExtra: [
          'model-paths: ["transform"]',
          'seed-paths: ["data"]',
          'test-paths: ["checks"]',
          'macro-paths: ["jinja"]',
          'snapshot-paths: ["snaps"]',
          'target-path: "build"',
          'vars:',
          '  start: "2024-01-01"',
          '  shop:',
          '    scoped: 1',
          '',
        ].join('\n'),
      },
    );
    const settings = withEnv({ DBT_PROFILES_DIR: dir }, () => loadProjectConfig(dir));
    assert.equal(settings.flavor, 'dbt');
    assert.equal(settings.config.name, 'shop');
    assert.equal(settings.config.version, '1.0.0');
    assert.deepEqual(settings.config.paths, { models: ['transform'], seeds: ['data'], tests: ['checks'], macros: ['jinja'], snapshots: ['snaps'], docs: ['transform', 'data', 'checks', 'jinja', 'snaps'], target: 'build' });
    assert.deepEqual(settings.config.vars, { start: '2024-01-01', scoped: 1 });
    assert.equal(settings.targetName, 'dev');
    assert.deepEqual(settings.target, { adapter: 'duckdb', path: 'local.duckdb', schema: 'dev_schema', threads: 3, memory_limit: '1GB' });
    assert.equal(settings.config.schema_naming, 'target_prefix');
    assert.equal(settings.config.test_failures_schema, 'dev_schema_dbt_test__audit');
  });

  it('chooses --target, renders env_var() in it, and maps postgres settings', () => {
    const dir = dbtProjectDir({ 'profiles.yml': PG_PROFILE });
    const settings = withEnv({ DBT_PROFILES_DIR: dir, STRATA_TEST_PGPASS: 's3cret', STRATA_TEST_PGPORT: undefined }, () => loadProjectConfig(dir, 'prod'));
    assert.equal(settings.targetName, 'prod');
    assert.deepEqual(settings.target, { adapter: 'postgres', host: 'db.example.com', port: 6543, user: 'loader', password: 's3cret', database: 'warehouse', schema: 'analytics', threads: 8, sslmode: 'require' });
    assert.equal(settings.dbt?.database, 'warehouse');
  });

  it('reports an unknown target with the targets the profile has', () => {
    const dir = dbtProjectDir({ 'profiles.yml': PG_PROFILE });
    const [error] = errorsOf(() => withEnv({ DBT_PROFILES_DIR: dir }, () => loadProjectConfig(dir, 'staging')));
    assert.equal(error!.message, "unknown target 'staging'; profile 'shop' defines: dev, prod");
    assert.equal(error!.location.file, 'profiles.yml');
  });

  it('finds profiles.yml in DBT_PROFILES_DIR first, then the project folder, then ~/.dbt', () => {
    const dir = dbtProjectDir({});
    const elsewhere = path.join(tmpdir(), `strata-profiles-${process.pid}-${Date.now()}`);
    mkdirSync(elsewhere, { recursive: true });
    writeFileSync(path.join(elsewhere, 'profiles.yml'), 'shop:\n  target: other\n  outputs:\n    other: {type: duckdb, path: other.duckdb}\n');
    assert.equal(withEnv({ DBT_PROFILES_DIR: elsewhere }, () => loadProjectConfig(dir)).targetName, 'other');
    assert.equal(withEnv({ DBT_PROFILES_DIR: undefined }, () => loadProjectConfig(dir)).targetName, 'dev');
    const home = path.join(tmpdir(), `strata-home-${process.pid}-${Date.now()}`);
    mkdirSync(path.join(home, '.dbt'), { recursive: true });
    writeFileSync(path.join(home, '.dbt', 'profiles.yml'), 'shop:\n  target: fromhome\n  outputs:\n    fromhome: {type: duckdb, path: home.duckdb}\n');
    const noLocal = dbtProjectDir({ 'profiles.yml': '' });
    const [error] = errorsOf(() => withEnv({ DBT_PROFILES_DIR: undefined, HOME: home }, () => loadProjectConfig(path.join(noLocal))));
    assert.match(error!.message, /profile 'shop' \(named in dbt_project.yml\) is not in profiles.yml/);
    const bare = dbtProjectDir({});
    writeFileSync(path.join(bare, 'profiles.yml'), 'other_profile: {}\n');
    assert.match(errorsOf(() => withEnv({ DBT_PROFILES_DIR: undefined, HOME: home }, () => loadProjectConfig(bare)))[0]!.message, /is not in profiles.yml/);
  });

  it('flattens the models: block keyed by project name, with and without the + prefix', () => {
    const compiled = compileDbt(
      {
        'models/staging/stg_a.sql': 'select 1 as x',
        'models/marts/core/fct_b.sql': "{{ config(tags=['own']) }}select * from {{ ref('stg_a') }}",
        'models/marts/other.sql': 'select 2 as y',
      },
      {
        projectExtra: [
          'models:',
          '  +tags: [everything]',
          '  shop:',
          '    materialized: view',
          '    staging:',
          '      +schema: stg',
          '      +materialized: ephemeral',
          '    marts:',
          '      materialized: table',
          '      tags: [mart]',
          '      core:',
          '        +materialized: incremental',
          '        +unique_key: x',
          '        +on_schema_change: append_new_columns',
          '  dbt_utils:',
          '    +enabled: false',
          '',
        ].join('\n'),
      },
    );
    const fct = model(compiled, 'fct_b');
    assert.equal(fct.config.materialized, 'incremental');
    assert.deepEqual([...fct.config.uniqueKey], ['x']);
    assert.equal(fct.config.onSchemaChange, 'append_new_columns');
    assert.deepEqual([...fct.tags].sort(), ['everything', 'mart', 'own']);
    assert.deepEqual(fct.relation, { schema: 'analytics', identifier: 'fct_b' });
    assert.equal(model(compiled, 'other').config.materialized, 'table');
    assert.equal(model(compiled, 'stg_a').config.materialized, 'ephemeral');
    assert.match(fct.compiledSql, /__strata_ephemeral__stg_a/);
  });

  it("names custom schemas as dbt's default generate_schema_name does, or as the project's own macro says", () => {
    const files = {
      'models/a.sql': "{{ config(schema='finance') }}select 1 as x",
      'models/b.sql': 'select 2 as x',
      'seeds/s.csv': 'x\n1\n',
    };
    const dflt = compileDbt(files, { projectExtra: 'seeds:\n  shop:\n    +schema: raw\n' });
    assert.deepEqual(model(dflt, 'a').relation, { schema: 'analytics_finance', identifier: 'a' });
    assert.deepEqual(model(dflt, 'b').relation, { schema: 'analytics', identifier: 'b' });
    assert.deepEqual(dflt.nodes.get('seed.shop.s') && 'relation' in dflt.nodes.get('seed.shop.s')! ? (dflt.nodes.get('seed.shop.s') as { relation: unknown }).relation : undefined, { schema: 'analytics_raw', identifier: 's' });
    const custom = compileDbt({
      ...files,
      'macros/naming.sql': [
        '{% macro generate_schema_name(custom_schema_name, node) -%}',
        '  {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}',
        '{%- endmacro %}',
        "{% macro generate_alias_name(custom_alias_name=none, node=none) -%}{{ node.name ~ '_v' }}{%- endmacro %}",
      ].join('\n'),
    });
    assert.deepEqual(model(custom, 'a').relation, { schema: 'finance', identifier: 'a_v' });
    assert.deepEqual(model(custom, 'b').relation, { schema: 'analytics', identifier: 'b_v' });
    assert.match(model(custom, 'a').compiledSql, /select 1 as x/);
  });

  it('reads schema.yml: tests, data_tests, relationships to ref(), docs blocks, exposures and source freshness', () => {
    const compiled = compileDbt({
      'models/orders.sql': "select 1 as id, 1 as customer_id, 'placed' as status from {{ source('shop_raw', 'orders') }}",
      'models/customers.sql': 'select 1 as id',
      'models/docs.md': '{% docs orders_doc %}Orders, **one row each**.{% enddocs %}',
      'models/schema.yml': [
        'version: 2',
        'models:',
        '  - name: orders',
        '    description: "{{ doc(\'orders_doc\') }}"',
        '    access: public',
        '    config: {persist_docs: {relation: true}, materialized: table}',
        '    columns:',
        '      - name: id',
        '        tests: [unique, not_null]',
        '        constraints: [{type: not_null}]',
        '      - name: customer_id',
        '        data_tests:',
        '          - relationships: {to: ref(\'customers\'), field: id}',
        '      - name: status',
        '        tests:',
        '          - accepted_values:',
        '              values: [placed, shipped]',
        '              config: {severity: warn, store_failures_as: view, schema: audit}',
        'sources:',
        '  - name: shop_raw',
        '    schema: raw_data',
        '    loader: fivetran',
        '    loaded_at_field: _loaded',
        '    freshness: {warn_after: {count: 12, period: hour}}',
        '    tables:',
        '      - name: orders',
        'exposures:',
        '  - name: weekly_report',
        '    type: dashboard',
        '    owner: {name: Ana, email: ana@example.com}',
        "    depends_on: [ref('orders')]",
        '',
      ].join('\n'),
    });
    const orders = model(compiled, 'orders');
    assert.equal(orders.description, 'Orders, **one row each**.');
    assert.equal(orders.config.materialized, 'table');
    const tests = [...compiled.nodes.values()].filter((n) => n.kind === 'test').map((n) => n.name).sort();
    assert.deepEqual(tests, ['accepted_values_orders_status', 'freshness_shop_raw_orders', 'not_null_orders_id', 'relationships_orders_customer_id', 'unique_orders_id']);
    const accepted = [...compiled.nodes.values()].find((n) => n.name === 'accepted_values_orders_status');
    assert.ok(accepted && accepted.kind === 'test');
    assert.equal(accepted.config.severity, 'warn');
    const source = compiled.nodes.get('source.shop.shop_raw.orders');
    assert.ok(source && source.kind === 'source');
    assert.deepEqual(source.relation, { schema: 'raw_data', identifier: 'orders' });
    assert.equal(compiled.nodes.get('exposure.shop.weekly_report')?.dependsOn[0], 'model.shop.orders');
  });
});
