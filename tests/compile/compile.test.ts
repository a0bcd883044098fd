import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildManifest } from '../../src/manifest/build-manifest.js';
import { compileInline, errorsOf, model } from '../helpers/compile-inline.js';

describe('the graph from ref() and source()', () => {
  it('reports a cycle with its nodes in order', () => {
    const [error] = errorsOf(() =>
      compileInline({
        'models/a.sql': "select * from {{ ref('c') }}",
        'models/b.sql': "select * from {{ ref('a') }}",
        'models/c.sql': "select * from {{ ref('b') }}",
        'models/d.sql': "select * from {{ ref('a') }}",
      }),
    );
    assert.equal(error!.code, 'cycle');
    assert.equal(error!.message, 'dependency cycle: model.test_project.a -> model.test_project.b -> model.test_project.c -> model.test_project.a');
  });

  it('names the closest model, the file and the line of an unknown ref', () => {
    const [error] = errorsOf(() =>
      compileInline({
        'models/orders.sql': 'select 1 as id',
        'models/report.sql': "select *\nfrom {{ ref('ordres') }}",
      }),
    );
    assert.equal(error!.describe(), "models/report.sql:2: ref('ordres') names no model or seed; did you mean 'orders'?");
  });

  it('gathers every unknown ref before failing', () => {
    const errors = errorsOf(() =>
      compileInline({ 'models/a.sql': "select * from {{ ref('x') }}", 'models/b.sql': "select * from {{ ref('y') }}" }),
    );
    assert.deepEqual(errors.map((e) => e.location.file).sort(), ['models/a.sql', 'models/b.sql']);
  });

  it('rejects an undeclared source with its line', () => {
    const [error] = errorsOf(() => compileInline({ 'models/a.sql': "\nselect * from {{ source('crm', 'customers') }}" }));
    assert.equal(error!.describe(), "models/a.sql:2: source('crm', 'customers') is not declared in any YAML file");
  });

  it('resolves refs to seeds, sources and models, and records dependencies', () => {
    const compiled = compileInline({
      'seeds/countries.csv': 'code,name\nFR,France\n',
      'models/sources.yml': 'sources:\n  - name: crm\n    schema: raw_crm\n    tables:\n      - name: customers\n',
      'models/stg.sql': "select c.*, k.name from {{ source('crm', 'customers') }} c join {{ ref('countries') }} k on k.code = c.country",
      'models/final.sql': "{{ config(materialized='table', schema='marts') }}select * from {{ ref('stg') }}",
      'models/exposures.yml': "exposures:\n  - name: dash\n    type: dashboard\n    priority: high\n    owner: {name: Ana}\n    depends_on: [\"ref('final')\"]\n",
    });
    assert.equal(
      model(compiled, 'stg').compiledSql,
      'select c.*, k.name from "raw_crm"."customers" c join "main"."countries" k on k.code = c.country',
    );
    assert.deepEqual([...model(compiled, 'stg').dependsOn].sort(), ['seed.test_project.countries', 'source.test_project.crm.customers']);
    assert.equal(model(compiled, 'final').compiledSql, 'select * from "main"."stg"');
    const exposure = compiled.nodes.get('exposure.test_project.dash');
    assert.equal(exposure?.kind === 'exposure' && exposure.priority, 3);
    assert.deepEqual(exposure?.dependsOn, ['model.test_project.final']);
  });

  it('quotes awkward relation names through the dialect', () => {
    const compiled = compileInline({
      'models/weird.sql': "{{ config(alias='Order \"Items\"; drop table x', schema='My Schema') }}select 1 as id",
      'models/user.sql': "select * from {{ ref('weird') }}",
    });
    assert.equal(model(compiled, 'user').compiledSql, 'select * from "My Schema"."Order ""Items""; drop table x"');
  });
});

describe('ephemeral models', () => {
  it('are inlined as CTEs, recursively and once each', () => {
    const compiled = compileInline({
      'models/base.sql': "{{ config(materialized='ephemeral') }}select 1 as id",
      'models/mid.sql': "{{ config(materialized='ephemeral') }}select * from {{ ref('base') }}",
      'models/top.sql': "select * from {{ ref('mid') }} join {{ ref('base') }} using (id)",
    });
    assert.equal(
      model(compiled, 'top').compiledSql,
      'with "__strata_ephemeral__base" as (\nselect 1 as id\n),\n"__strata_ephemeral__mid" as (\nselect * from "__strata_ephemeral__base"\n)\n' +
        'select * from "__strata_ephemeral__mid" join "__strata_ephemeral__base" using (id)',
    );
  });

  it('join an existing WITH list', () => {
    const compiled = compileInline({
      'models/e.sql': "{{ config(materialized='ephemeral') }}select 2 as v",
      'models/m.sql': "-- leading comment\nWITH a AS (select * from {{ ref('e') }})\nselect * from a",
    });
    assert.equal(
      model(compiled, 'm').compiledSql,
      '-- leading comment\nwith "__strata_ephemeral__e" as (\nselect 2 as v\n),\na AS (select * from "__strata_ephemeral__e")\nselect * from a',
    );
  });
});

describe('the manifest', () => {
  it('records every node with kind, path, config, tags, description, columns, dependencies and checksum', () => {
    const compiled = compileInline({
      'macros/m.sql': '{% macro plus_one(x) %}{{ x }} + 1{% endmacro %}',
      'models/a.sql': "{{ config(materialized='table', tags=['t1']) }}select {{ plus_one(1) }} as x",
      'models/schema.yml': 'models:\n  - name: a\n    description: The A model.\n    columns:\n      - name: x\n        description: X.\n        data_type: integer\n        tests: [not_null]\n',
    });
    const manifest = buildManifest(compiled);
    const a = manifest.nodes['model.test_project.a'];
    assert.ok(a && a.kind === 'model');
    assert.equal(a.path, 'models/a.sql');
    assert.equal(a.config.materialized, 'table');
    assert.deepEqual(a.tags, ['t1']);
    assert.equal(a.description, 'The A model.');
    assert.deepEqual(a.columns, [{ name: 'x', description: 'X.', dataType: 'integer', tags: [], meta: {}, tests: ['not_null'] }]);
    assert.match(a.checksum, /^[0-9a-f]{64}$/);
    assert.equal(a.compiledPath, 'target/compiled/models/a.sql');
    assert.equal(a.compiledSql, 'select 1 + 1 as x');
    assert.deepEqual(manifest.macros['macro.test_project.plus_one'], { name: 'plus_one', path: 'macros/m.sql', arguments: ['x'] });
    assert.equal(manifest.metadata.adapter, 'duckdb');
  });
});
