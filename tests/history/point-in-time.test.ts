import assert from 'node:assert/strict';
import { eachEngine } from '../helpers/engines.js';
import { assertHistoryInvariants, KOLKATA, ok, RawTable, rowsOf, sourcesYaml } from './history-fixture.js';

// point_in_time slices and the as_of() macro: before, at and between load dates; a late load
// rebuilds only the slices it changes; a new as-of date adds its slice.

const PIT = (dates: string): string => `{{ config(materialized='point_in_time', as_of_dates=${dates}) }}\nselect * from {{ ref('customers_history') }}`;

eachEngine('point_in_time: values as known at, between and before load dates; incremental slices; as_of() agrees', async (project) => {
  const rawSchema = project.customSchema('raw');
  project.write({
    'strata.yml': project.projectYaml(),
    'models/sources.yml': sourcesYaml(rawSchema, 'customers', 'snapshot'),
    'models/customers_history.sql': "{{ config(materialized='history', unique_key='id') }}\nselect * from {{ source('crm', 'customers') }}",
    'models/customers_pit.sql': PIT("['2024-01-05', '2024-01-10', '2024-01-15', '2024-01-20T00:00:00Z', '2024-01-25']"),
    'models/customers_last2.sql': `{{ config(materialized='point_in_time', as_of_dates={'last_load_dates': 2}) }}\nselect * from {{ ref('customers_history') }}`,
  });
  const raw = new RawTable(project, rawSchema, 'customers', [{ name: 'id', type: 'integer' }, { name: 'name', type: 'text' }]);
  await raw.create();
  await raw.append({ id: 1, date: '2024-01-10', rows: [{ id: 1, name: 'a' }, { id: 2, name: 'b' }] });
  await raw.append({ id: 2, date: '2024-01-20', rows: [{ id: 1, name: 'a2' }, { id: 3, name: 'c' }] });
  await ok(project, ['run']);
  const slices = async (relation = 'customers_pit'): Promise<unknown[]> =>
    (await rowsOf(project, relation, { columns: 'as_of, id, name', orderBy: 'as_of, id' })).map((r) => [String(r.as_of).slice(0, 10), r.id, r.name]);
  assert.deepEqual(await slices(), [
    // 01-05: before the first load, nothing is known.
    ['2024-01-10', 1, 'a'],
    ['2024-01-10', 2, 'b'],
    ['2024-01-15', 1, 'a'],
    ['2024-01-15', 2, 'b'],
    ['2024-01-20', 1, 'a2'],
    ['2024-01-20', 3, 'c'],
    ['2024-01-25', 1, 'a2'],
    ['2024-01-25', 3, 'c'],
  ]);
  assert.deepEqual(await slices('customers_last2'), [
    ['2024-01-10', 1, 'a'],
    ['2024-01-10', 2, 'b'],
    ['2024-01-20', 1, 'a2'],
    ['2024-01-20', 3, 'c'],
  ]);
  const columns = Object.keys((await rowsOf(project, 'customers_pit'))[0]!);
  assert.deepEqual(columns.sort(), ['_hash', '_load_id', '_source_file', '_source_row', '_valid_from', 'as_of', 'id', 'name']);

  // The same answers ad hoc, through as_of() in strata query (in another time zone).
  for (const [date, expected] of [['2024-01-05', []], ['2024-01-15', [[1, 'a'], [2, 'b']]], ['2024-01-20', [[1, 'a2'], [3, 'c']]]] as const) {
    const query = await project.strata(['query', `select id, name from {{ as_of(ref('customers_history'), '${date}') }} order by id`, '--json'], KOLKATA);
    assert.equal(query.code, 0, query.stderr);
    const rows = (JSON.parse(query.stdout) as { rows?: Record<string, unknown>[] } | Record<string, unknown>[]);
    const list = Array.isArray(rows) ? rows : rows.rows ?? [];
    assert.deepEqual(list.map((r) => [Number(r.id), r.name]), expected, `as_of ${date}`);
  }

  // A late load dated 01-12 changes the slice of 01-15 only; nothing else is rewritten.
  await raw.append({ id: 3, date: '2024-01-12', rows: [{ id: 1, name: 'a1' }, { id: 2, name: 'b' }] });
  const late = await ok(project, ['run', '-s', 'customers_history customers_pit'], KOLKATA);
  assert.match(late, /point-in-time slices: 1 rebuilt/);
  await assertHistoryInvariants(project, 'customers_history', ['id']);
  assert.deepEqual((await slices()).filter((r) => (r as string[])[0] === '2024-01-15'), [['2024-01-15', 1, 'a1'], ['2024-01-15', 2, 'b']]);

  // A new as-of date adds its slice; a date no longer configured loses its slice.
  project.write({ 'models/customers_pit.sql': PIT("['2024-01-12', '2024-01-15', '2024-01-20', '2024-01-25']") });
  const more = await ok(project, ['run', '-s', 'customers_pit']);
  assert.match(more, /point-in-time slices: 1 new, 1 removed/);
  const incremental = await rowsOf(project, 'customers_pit');
  assert.match(await ok(project, ['run', '-s', 'customers_pit']), /point-in-time slices up to date/);
  await ok(project, ['run', '--full-refresh', '-s', 'customers_pit']);
  assert.deepEqual(await rowsOf(project, 'customers_pit'), incremental);
});

eachEngine('point_in_time: month ends between two dates', async (project) => {
  const rawSchema = project.customSchema('raw');
  project.write({
    'strata.yml': project.projectYaml(),
    'models/sources.yml': sourcesYaml(rawSchema, 'customers', 'delta'),
    'models/customers_history.sql': "{{ config(materialized='history', unique_key='id') }}\nselect * from {{ source('crm', 'customers') }}",
    'models/month_ends.sql': PIT("{'every': 'month_end', 'from': '2024-01-01', 'to': '2024-04-15'}"),
  });
  const raw = new RawTable(project, rawSchema, 'customers', [{ name: 'id', type: 'integer' }, { name: 'name', type: 'text' }]);
  await raw.create();
  await raw.append({ id: 1, date: '2024-01-31', rows: [{ id: 1, name: 'jan' }] });
  await raw.append({ id: 2, date: '2024-03-15', rows: [{ id: 1, name: 'mar' }] });
  await ok(project, ['run'], KOLKATA);
  const rows = await rowsOf(project, 'month_ends', { columns: 'as_of, name', orderBy: 'as_of' });
  assert.deepEqual(rows.map((r) => [r.as_of, r.name]), [
    ['2024-01-31 00:00:00', 'jan'],
    ['2024-02-29 00:00:00', 'jan'],
    ['2024-03-31 00:00:00', 'mar'],
  ]);
});
