import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorsOf, model } from '../helpers/compile-inline.js';
import { compileInline } from '../helpers/compile-inline.js';
import { compileDbt } from './dbt-project.js';

/** The compiled SQL of model `m` in a dbt project made of `files`, whitespace collapsed. */
function sqlOf(template: string, files: Record<string, string> = {}, options: Parameters<typeof compileDbt>[1] = {}): string {
  const compiled = compileDbt({ 'models/m.sql': template, ...files }, options);
  return model(compiled, 'm').compiledSql.replace(/\s+/g, ' ').trim();
}

describe('Jinja as dbt projects write it', () => {
  it('runs {% do %}, list methods, dict.items() and loops with loop.index / loop.last', () => {
    const sql = sqlOf(
      [
        "{%- set cols = [] -%}",
        "{%- for k, v in {'a': 1, 'b': 2}.items() -%}{% do cols.append(k ~ '_' ~ v) %}{%- endfor -%}",
        'select {% for c in cols %}{{ loop.index }} as {{ c }}{% if not loop.last %}, {% endif %}{% endfor %}',
      ].join('\n'),
    );
    assert.equal(sql, 'select 1 as a_1, 2 as b_2');
  });

  it('filters loops with `if` like Jinja (loop.last counts the kept items)', () => {
    assert.equal(sqlOf("select {% for x in [1, 2, 3, 4] if x is even %}{{ x }}{% if not loop.last %}, {% endif %}{% endfor %}"), 'select 2, 4');
  });

  it('supports {% set %} blocks, namespace(), tuple unpacking and `~`', () => {
    const sql = sqlOf(
      [
        '{% set body %}select {{ 1 + 1 }} as two{% endset %}',
        '{% set ns = namespace(found=false) %}{% for i in [1, 2] %}{% if i == 2 %}{% set ns.found = true %}{% endif %}{% endfor %}',
        "{% set first, second = ['x', 'y'] %}",
        "{{ body }}, {{ ns.found }} as found, '{{ first ~ second }}' as xy",
      ].join('\n'),
    );
    assert.equal(sql, "select 2 as two, True as found, 'xy' as xy");
  });

  it('returns values from macros with return(), so macros can build lists', () => {
    const sql = sqlOf("{% set cols = upper_all(['a', 'b']) %}select {{ cols | join(', ') }}, '{{ 'empty' if not nothing() else 'full' }}' as e", {
      'macros/lists.sql':
        '{% macro upper_all(xs) %}{% set out = [] %}{% for x in xs %}{% do out.append(x.upper()) %}{% endfor %}{{ return(out) }}{% endmacro %}\n{% macro nothing() %}{% endmacro %}',
    });
    assert.equal(sql, "select A, B, 'empty' as e");
  });

  it('keeps the caller’s variables when a macro returns early', () => {
    const sql = sqlOf("{% set x = 'outer' %}{% set y = early() %}select '{{ x }}' as x, {{ y }} as y", {
      'macros/early.sql': "{% macro early() %}{% set x = 'inner' %}{% if true %}{{ return(42) }}{% endif %}{{ exceptions.raise_compiler_error('not reached') }}{% endmacro %}",
    });
    assert.equal(sql, "select 'outer' as x, 42 as y");
  });

  it('has Python string methods with Python semantics, and Jinja filters', () => {
    const sql = sqlOf(
      [
        "{% set s = '  Order-Items-Table ' %}",
        "select '{{ s.strip().lower().replace('-', '_') }}' as a,",
        "'{{ ' a  b '.split() | length }}' as b,",
        "'{{ 'x,y'.split(',') | join('|') }}' as c,",
        "'{{ '{}-{}'.format(1, 2) }}' as d,",
        "'{{ '%s=%d' % ('n', 3) }}' as e,",
        "'{{ s | trim | upper | replace('-', '') }}' as f,",
        "'{{ ['b', 'a', 'b'] | unique | sort | join }}' as g,",
        "'{{ [{'n': 1}, {'n': 2}] | map(attribute='n') | join('+') }}' as h,",
        "'{{ 'abc'.startswith('ab') }}' as i",
      ].join('\n'),
    );
    assert.equal(sql, "select 'order_items_table' as a, '2' as b, 'x|y' as c, '1-2' as d, 'n=3' as e, 'ORDERITEMSTABLE' as f, 'ab' as g, '1+2' as h, 'True' as i");
  });

  it('tests `is none`, `is defined`, `in`, and formats JSON with tojson like Jinja', () => {
    const sql = sqlOf(
      "{% set d = {'b': [1, 2], 'a': none} %}select {{ d.a is none }} as n, {{ missing is defined }} as dfd, {{ 'b' in d }} as i, '{{ d | tojson }}' as j, '{{ tojson({'z': 1}) }}' as k",
    );
    assert.equal(sql, `select True as n, False as dfd, True as i, '{"a": null, "b": [1, 2]}' as j, '{"z": 1}' as k`);
  });

  it('drops {# comments #} and honours whitespace control', () => {
    assert.equal(compileDbt({ 'models/m.sql': '{# note #}select\n  {%- if true %} 1{% endif -%}\n  as one' }).nodes.get('model.shop.m')!.kind, 'model');
    const compiled = compileDbt({ 'models/m.sql': '{# note #}select\n  {%- if true %} 1{% endif -%}\n  as one' });
    assert.equal(model(compiled, 'm').compiledSql, 'select 1as one');
  });

  it('offers modules.datetime, modules.re, log(), print(), local_md5 and dict/zip', () => {
    const sql = sqlOf(
      [
        "{% do log('hello', info=True) %}{{ print('ignored') }}",
        "{% set d = modules.datetime.datetime(2024, 3, 31, 12) %}",
        "select '{{ d.strftime('%Y%m%d') }}' as day,",
        "'{{ (d + modules.datetime.timedelta(days=1)).isoformat() }}' as next,",
        "'{{ modules.re.sub('[^a-z]', '', 'a-b c') }}' as re,",
        "'{{ local_md5('x') }}' as md5,",
        "{{ dict(a=1)['a'] + zip([1], [2])[0][1] }} as three",
      ].join('\n'),
    );
    assert.equal(sql, "select '20240331' as day, '2024-04-01T12:00:00' as next, 'abc' as re, '9dd4e461268c8034f5c8564e155c67a6' as md5, 3 as three");
  });

  it('dispatches to the adapter’s implementation, then default__, and quotes identifiers', () => {
    const files = {
      'macros/dispatch.sql': [
        "{% macro greet(x) %}{{ return(adapter.dispatch('greet')(x)) }}{% endmacro %}",
        "{% macro duckdb__greet(x) %}'duck {{ x }}'{% endmacro %}",
        "{% macro default__greet(x) %}'default {{ x }}'{% endmacro %}",
        "{% macro other(x) %}{{ return(adapter.dispatch('other', 'my_project')(x)) }}{% endmacro %}",
        "{% macro default__other(x) %}'other {{ x }}'{% endmacro %}",
      ].join('\n'),
    };
    assert.equal(sqlOf("select {{ greet('a') }} as g, {{ other('b') }} as o, {{ adapter.quote('Mixed Case') }}", files), `select 'duck a' as g, 'other b' as o, "Mixed Case"`);
  });

  it('gives target, this (and its parts), var (project-scoped), env_var, config.get and is_incremental()', () => {
    process.env.STRATA_DBT_TEST_REGION = 'eu';
    const sql = sqlOf(
      [
        "{{ config(materialized='incremental', unique_key='id') }}",
        "select '{{ target.name }}/{{ target.schema }}/{{ target.type }}/{{ target.database }}' as t,",
        "'{{ this }}' as me, '{{ this.schema }}.{{ this.identifier }}' as parts,",
        "'{{ var('region') }}/{{ var('scoped') }}/{{ env_var('STRATA_DBT_TEST_REGION') }}' as v,",
        "'{{ config.get('materialized') }}/{{ config.get('tags') | join }}/{{ config.get('nope', 'dflt') }}' as c,",
        '{{ is_incremental() }} as inc',
      ].join('\n'),
      {},
      { projectExtra: "vars:\n  region: global\n  shop:\n    scoped: mine\nmodels:\n  shop:\n    +tags: [nightly]\n" },
    );
    assert.equal(sql, `select 'dev/analytics/duckdb/dev' as t, '"analytics"."m"' as me, 'analytics.m' as parts, 'global/mine/eu' as v, 'incremental/nightly/dflt' as c, False as inc`);
  });

  it('renders execute as false at compile time, where run_query returns an empty table', () => {
    const compiled = compileDbt({
      'models/m.sql':
        "{% set r = run_query('select 1 as x') %}select {% if execute %}{{ r.columns[0].values() | join(', ') }}{% else %}0{% endif %} as x, {{ r.rows | length }} as n, {{ dbt_utils.star(ref('n')) }} from {{ ref('n') }}",
      'models/n.sql': 'select 1 as x',
    });
    assert.equal(model(compiled, 'm').compiledSql, 'select 0 as x, 0 as n, * from "analytics"."n"');
    assert.deepEqual([...compiled.liveModels], ['model.shop.m']);
  });

  it('spells dbt’s cross-database macros for the engine, with and without the dbt. prefix', () => {
    const sql = sqlOf(
      "select {{ dbt.dateadd('day', 1, 'd') }} as a, {{ datediff('a', 'b', 'month') }} as b, {{ dbt.type_string() }} as c, {{ dbt.hash('x') }} as h, {{ dbt.safe_cast('x', 'int') }} as s, {{ dbt.concat(['a', 'b']) }} as cc",
    );
    assert.equal(sql, "select date_add(d, interval (1) day) as a, date_diff('month', a::timestamp, b::timestamp) as b, TEXT as c, md5(cast(x as TEXT)) as h, try_cast(x as int) as s, a || b as cc");
  });

  it('prints None, True and False as Python does, as dbt renders them', () => {
    assert.equal(sqlOf("select '{{ none }}/{{ true }}/{{ 1 == 2 }}/{{ 'a' ~ none }}' as x"), "select 'None/True/False/aNone' as x");
  });

  it('compares with == and != as Python does', () => {
    assert.equal(sqlOf("select '{{ '1' == 1 }}/{{ [1, 2] == [1, 2] }}/{{ {'a': 1} != {'a': 1} }}/{{ 1 == 1.0 }}/{{ none == none }}/{{ 2 > 1 }}' as x"), "select 'False/True/False/True/True/True' as x");
  });

  it('keeps the Jinja compatibility in Strata projects too', () => {
    const compiled = compileInline({ 'models/a.sql': "{% set l = [] %}{% do l.append('a-b'.replace('-', '_')) %}select '{{ l | join }}' as x" });
    assert.equal(model(compiled, 'a').compiledSql, "select 'a_b' as x");
  });

  it('reports raise_compiler_error with the file and the message', () => {
    const [error] = errorsOf(() => compileDbt({ 'models/m.sql': "select 1\n{{ exceptions.raise_compiler_error('bad input ' ~ 42) }}" }));
    assert.equal(error!.location.file, 'models/m.sql');
    assert.match(error!.message, /Compilation Error: bad input 42/);
  });
});
