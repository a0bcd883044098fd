import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileInline, errorsOf, model } from '../helpers/compile-inline.js';

describe('model templates', () => {
  it('never HTML-escapes SQL', () => {
    const compiled = compileInline({ 'models/a.sql': "{% set who = \"O'Brien & <co>\" %}select '{{ who | replace(\"'\", \"''\") }}' as name" });
    assert.equal(model(compiled, 'a').compiledSql, "select 'O''Brien & <co>' as name");
  });

  it('supports set, for and if with whitespace control, and comments', () => {
    const compiled = compileInline({
      'models/a.sql': [
        '{# a comment that disappears #}',
        "{%- set cols = ['a', 'b', 'c'] -%}",
        'select',
        '{%- for c in cols %}',
        '  {{ c }}_x{% if not loop.last %},{% endif %}',
        '{%- endfor %}',
      ].join('\n'),
    });
    assert.equal(model(compiled, 'a').compiledSql, 'select\n  a_x,\n  b_x,\n  c_x');
  });

  it('makes project macros available in every model without imports', () => {
    const compiled = compileInline({
      'macros/money.sql': '{% macro cents_to_dollars(col, scale=2) %}round({{ col }} / 100.0, {{ scale }}){% endmacro %}',
      'macros/other.sql': "{% macro twice(col) %}{{ cents_to_dollars(col) }} * 2{% endmacro %}",
      'models/a.sql': 'select {{ cents_to_dollars("amount") }} as d, {{ twice("x") }} as t',
    });
    assert.equal(model(compiled, 'a').compiledSql, 'select round(amount / 100.0, 2) as d, round(x / 100.0, 2) * 2 as t');
  });

  it('resolves var() from strata.yml, --vars and defaults', () => {
    const compiled = compileInline(
      {
        'strata.yml': 'name: p\ntargets:\n  dev: {adapter: duckdb}\nvars:\n  a: 1\n  b: from_project\n',
        'models/m.sql': "select {{ var('a') }} as a, '{{ var('b') }}' as b, {{ var('c', 42) }} as c",
      },
      { b: 'from_cli' },
    );
    assert.equal(model(compiled, 'm').compiledSql, "select 1 as a, 'from_cli' as b, 42 as c");
  });

  it('exposes target, this and env_var', () => {
    process.env.STRATA_TEST_REGION = 'eu';
    const compiled = compileInline({
      'models/m.sql': "select '{{ target.name }}/{{ target.type }}/{{ target.schema }}' as t, '{{ env_var('STRATA_TEST_REGION') }}' as r, '{{ this }}' as me",
    });
    assert.equal(model(compiled, 'm').compiledSql, `select 'dev/duckdb/main' as t, 'eu' as r, '"main"."m"' as me`);
  });

  it('reports an undefined variable with the file and line', () => {
    const [error] = errorsOf(() => compileInline({ 'models/bad.sql': 'select 1\n\nfrom {{ missing_table }}' }));
    assert.equal(error!.location.file, 'models/bad.sql');
    assert.equal(error!.location.line, 3);
    assert.match(error!.message, /undefined variable in `from \{\{ missing_table \}\}`/);
  });

  it('reports an undefined macro with the file and line', () => {
    const [error] = errorsOf(() => compileInline({ 'models/bad.sql': 'select\n  1,\n  {{ no_such_macro(1) }}' }));
    assert.equal(error!.describe(), "models/bad.sql:3: 'no_such_macro' is not defined (no such macro or function)");
  });

  it('reports a missing var without default', () => {
    const [error] = errorsOf(() => compileInline({ 'models/bad.sql': "select {{ var('nope') }}" }));
    assert.match(error!.describe(), /^models\/bad\.sql:1: var 'nope' is not defined/);
  });

  it('uses {% docs %} blocks through doc() in descriptions', () => {
    const compiled = compileInline({
      'models/docs.md': '{% docs orders_doc %}\nOne row per **order**.\n{% enddocs %}',
      'models/orders.sql': 'select 1 as id',
      'models/schema.yml': "models:\n  - name: orders\n    description: \"{{ doc('orders_doc') }}\"\n    columns:\n      - name: id\n        description: The key.\n",
    });
    const orders = model(compiled, 'orders');
    assert.equal(orders.description, 'One row per **order**.');
    assert.deepEqual(orders.columns.map((c) => [c.name, c.description]), [['id', 'The key.']]);
  });

  it('applies config(): in-file over YAML over folder defaults, tags adding up', () => {
    const compiled = compileInline({
      'strata.yml': 'name: p\ntargets:\n  dev: {adapter: duckdb}\nmodels:\n  +tags: [all]\n  marts:\n    +materialized: table\n    +schema: marts\n    +tags: [mart]\n',
      'models/marts/a.sql': "{{ config(materialized='incremental', unique_key='id', tags=['hourly']) }}select 1 as id",
      'models/marts/b.sql': 'select 1 as id',
      'models/marts/schema.yml': 'models:\n  - name: b\n    config:\n      materialized: view\n',
    });
    const a = model(compiled, 'a');
    assert.equal(a.config.materialized, 'incremental');
    assert.deepEqual(a.config.uniqueKey, ['id']);
    assert.deepEqual([...a.tags].sort(), ['all', 'hourly', 'mart']);
    assert.deepEqual(a.relation, { schema: 'marts', identifier: 'a' });
    assert.equal(model(compiled, 'b').config.materialized, 'view');
  });

  it('rejects a bad config value, naming the key and what is allowed', () => {
    const [error] = errorsOf(() => compileInline({ 'models/a.sql': "\n{{ config(materialized='tabel') }}select 1" }));
    assert.equal(error!.location.file, 'models/a.sql');
    assert.equal(error!.location.line, 2);
    assert.equal(error!.location.key, 'materialized');
    assert.match(error!.message, /must be one of "view", "table", "incremental", "ephemeral"/);
  });

  it('rejects a bad folder default in strata.yml with its line', () => {
    const [error] = errorsOf(() =>
      compileInline({ 'strata.yml': 'name: p\ntargets:\n  dev: {adapter: duckdb}\nmodels:\n  marts:\n    +materialized: tabel\n', 'models/marts/a.sql': 'select 1' }),
    );
    assert.equal(error!.location.file, 'strata.yml');
    assert.equal(error!.location.line, 6);
    assert.match(error!.message, /must be one of/);
  });
});
