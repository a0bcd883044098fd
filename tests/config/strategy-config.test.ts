import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileInline, errorsOf, model } from '../helpers/compile-inline.js';

// Config of the history, current, point_in_time and windowed_aggregate strategies: resolved
// settings, and errors that name the key and what is allowed.

const SOURCES = 'version: 2\nsources:\n  - name: crm\n    schema: raw\n    tables:\n      - name: customers\n        load: snapshot\n      - name: orders\n';

describe('strategy config', () => {
  it('resolves history settings, taking source_load from the source', () => {
    const compiled = compileInline({
      'models/sources.yml': SOURCES,
      'models/h.sql': "{{ config(materialized='history', unique_key=['region', 'id'], check_cols='name', deduplicate_by='updated_at desc') }}\nselect * from {{ source('crm', 'customers') }}",
      'models/o.sql': "{{ config(materialized='history', unique_key='id') }}\nselect * from {{ source('crm', 'orders') }}",
      'models/forced.sql': "{{ config(materialized='history', unique_key='id', source_load='delta') }}\nselect * from {{ source('crm', 'customers') }}",
    });
    const h = model(compiled, 'h');
    assert.deepEqual(h.config.uniqueKey, ['region', 'id']);
    assert.deepEqual(h.config.history, { checkCols: ['name'], sourceLoad: 'snapshot', deduplicateBy: ['updated_at desc'] });
    assert.equal(model(compiled, 'o').config.history?.sourceLoad, 'delta');
    assert.equal(model(compiled, 'forced').config.history?.sourceLoad, 'delta');
  });

  it('resolves point_in_time dates and windowed aggregate settings; `source` reads a model', () => {
    const compiled = compileInline({
      'models/h.sql': "{{ config(materialized='table') }}\nselect 1 as id",
      'models/p.sql': "{{ config(materialized='point_in_time', as_of_dates=['2024-03-31', '2024-01-31T12:00:00+02:00']) }}\nselect * from {{ ref('h') }}",
      'models/w.sql': "{{ config(materialized='windowed_aggregate', source='h', time_column='t', grain='hour', windows=['1 hour', '1 day'], aggregations={'x': ['sum', 'avg'], 'y': 'max'}, lookback='2 hours') }}",
    });
    assert.deepEqual(model(compiled, 'p').config.pointInTime, { asOf: { kind: 'list', instants: ['2024-01-31T10:00:00.000Z', '2024-03-31T00:00:00.000Z'] } });
    const w = model(compiled, 'w');
    assert.deepEqual(w.dependsOn, ['model.test_project.h']);
    assert.match(w.compiledSql, /select \* from "main"."h"/);
    assert.deepEqual(w.config.windowed?.aggregations, [{ column: 'x', fn: 'sum' }, { column: 'x', fn: 'avg' }, { column: 'y', fn: 'max' }]);
    assert.deepEqual(w.config.windowed?.windows.map((x) => x.text), ['1 hour', '1 day']);
    assert.equal(w.config.windowed?.lookback?.unit, 'hour');
  });

  it('rejects a key of another materialization, naming it and what is allowed', () => {
    const [error] = errorsOf(() => compileInline({ 'models/t.sql': "{{ config(materialized='table', windows=['7 days']) }}\nselect 1 as x" }));
    assert.equal(error?.location.key, 'windows');
    assert.match(error!.message, /'windows' is only allowed with materialized: windowed_aggregate/);
    const [history] = errorsOf(() => compileInline({ 'models/t.sql': "{{ config(materialized='history', unique_key='id', grain='day') }}\nselect 1 as x" }));
    assert.match(history!.message, /materialized 'history' takes check_cols, source_load, deduplicate_by/);
  });

  it('rejects missing required keys and bad values', () => {
    const missing = errorsOf(() => compileInline({ 'models/w.sql': "{{ config(materialized='windowed_aggregate', grain='day') }}\nselect 1 as x" }));
    assert.deepEqual(missing.map((e) => e.location.key).sort(), ['aggregations', 'time_column']);
    const [noKey] = errorsOf(() => compileInline({ 'models/h.sql': "{{ config(materialized='history') }}\nselect 1 as x" }));
    assert.equal(noKey?.location.key, 'unique_key');
    const [agg] = errorsOf(() => compileInline({ 'models/w.sql': "{{ config(materialized='windowed_aggregate', time_column='t', grain='day', aggregations={'x': 'median'}) }}\nselect 1 as x" }));
    assert.equal(agg?.location.key, 'aggregations.x');
    assert.match(agg!.message, /sum, avg, min, max, count, stddev, first, last/);
    const [window] = errorsOf(() => compileInline({ 'models/w.sql': "{{ config(materialized='windowed_aggregate', time_column='t', grain='day', windows=['36 hours'], aggregations={'x': 'sum'}) }}\nselect 1 as x" }));
    assert.match(window!.message, /window '36 hours' is not a whole number of 'day' buckets/);
    const [duration] = errorsOf(() => compileInline({ 'models/w.sql': "{{ config(materialized='windowed_aggregate', time_column='t', grain='day', windows=['7 m'], aggregations={'x': 'sum'}) }}\nselect 1 as x" }));
    assert.equal(duration?.location.key, 'windows.0');
    const [date] = errorsOf(() => compileInline({ 'models/p.sql': "{{ config(materialized='point_in_time', as_of_dates=['2024-02-30']) }}\nselect 1 as x" }));
    assert.equal(date?.location.key, 'as_of_dates');
    assert.match(date!.message, /'2024-02-30' is not a date/);
    const [rule] = errorsOf(() => compileInline({ 'models/p.sql': "{{ config(materialized='point_in_time', as_of_dates={'every': 'fortnight'}) }}\nselect 1 as x" }));
    assert.equal(rule?.location.key, 'as_of_dates');
    assert.match(rule!.message, /last_load_dates/);
  });

  it('as_of() renders a subquery of the versions alive at an instant (UTC)', () => {
    const compiled = compileInline({
      'models/h.sql': "{{ config(materialized='table') }}\nselect 1 as id",
      'models/q.sql': "select * from {{ as_of(ref('h'), '2024-03-31') }} join {{ as_of(ref('h'), '2024-03-31T12:00:00+05:30', alias='b') }} using (id)",
    });
    const sql = model(compiled, 'q').compiledSql;
    assert.match(sql, /\(select h\.\* from "main"\."h" as h where h\."_valid_from" <= cast\('2024-03-31 00:00:00\.000\+00' as timestamp with time zone\)/);
    assert.match(sql, /and not h\."_is_deleted"\) as "h"/);
    assert.match(sql, /'2024-03-31 06:30:00\.000\+00'.* as "b"/s);
    const [bad] = errorsOf(() => compileInline({ 'models/h.sql': "select 1 as id", 'models/q.sql': "select * from {{ as_of(ref('h'), 'yesterday') }}" }));
    assert.match(bad!.message, /'yesterday' is not a date or timestamp/);
  });
});
