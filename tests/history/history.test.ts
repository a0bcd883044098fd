import assert from 'node:assert/strict';
import { eachEngine, type EngineProject } from '../helpers/engines.js';
import { assertHistoryInvariants, KOLKATA, ok, RawTable, rowsOf, sourcesYaml, versions, type RawLoad } from './history-fixture.js';

// `materialized: history` on both engines: versions over load dates from a raw table made the way
// the loader makes it, runs under two time zones, and the invariants checked after every run.

const TEXT_COLUMNS = [
  { name: 'id', type: 'integer' },
  { name: 'name', type: 'text' },
  { name: 'city', type: 'text' },
];

async function setup(project: EngineProject, load: 'snapshot' | 'delta', model: string, extra: Record<string, string> = {}): Promise<RawTable> {
  const rawSchema = project.customSchema('raw');
  project.write({
    'strata.yml': project.projectYaml(),
    'models/sources.yml': sourcesYaml(rawSchema, 'customers', load),
    'models/customers_history.sql': model,
    ...extra,
  });
  const raw = new RawTable(project, rawSchema, 'customers', TEXT_COLUMNS.map((c) => ({ ...c })));
  await raw.create();
  return raw;
}

const HISTORY = "{{ config(materialized='history', unique_key='id') }}\nselect * from {{ source('crm', 'customers') }}";

async function loadAndRun(project: EngineProject, raw: RawTable, load: RawLoad, env: Record<string, string> = {}): Promise<string> {
  await raw.append(load);
  const out = await ok(project, ['run'], env);
  await assertHistoryInvariants(project, 'customers_history', ['id']);
  return out;
}

eachEngine('history: a key that changes twice, changes to and from NULL, and a re-load of identical content', async (project) => {
  const raw = await setup(project, 'snapshot', HISTORY);
  await loadAndRun(project, raw, { id: 1, date: '2024-01-01', rows: [{ id: 1, name: 'a', city: null }, { id: 2, name: 'b', city: '' }, { id: 3, name: 'c', city: 'NULL' }] });
  await loadAndRun(project, raw, { id: 2, date: '2024-01-02', rows: [{ id: 1, name: 'a', city: '' }, { id: 2, name: 'b', city: null }, { id: 3, name: 'c', city: 'NULL' }] }, KOLKATA);
  const l3 = [{ id: 1, name: 'a2', city: '' }, { id: 2, name: 'b', city: null }, { id: 3, name: 'c', city: null }];
  await loadAndRun(project, raw, { id: 3, date: '2024-01-03', rows: l3 });
  const expected = [
    [1, 'a', null, '2024-01-01', '2024-01-02', false, false],
    [1, 'a', '', '2024-01-02', '2024-01-03', false, false],
    [1, 'a2', '', '2024-01-03', null, true, false],
    [2, 'b', '', '2024-01-01', '2024-01-02', false, false],
    [2, 'b', null, '2024-01-02', null, true, false],
    [3, 'c', 'NULL', '2024-01-01', '2024-01-03', false, false],
    [3, 'c', null, '2024-01-03', null, true, false],
  ];
  assert.deepEqual(await versions(project, 'customers_history', 'id', ['name', 'city']), expected);
  const before = await rowsOf(project, 'customers_history');

  // The same content again, as a new load: nothing changes but the record of applied loads.
  const again = await loadAndRun(project, raw, { id: 4, date: '2024-01-04', rows: l3 }, KOLKATA);
  assert.match(again, /1 new load\(s\), appended 2024-01-04/);
  assert.deepEqual(await rowsOf(project, 'customers_history'), before);
  // A run with no new load does nothing.
  assert.match(await ok(project, ['run']), /history up to date/);

  // Lineage: the raw row that introduced each version.
  const lineage = await rowsOf(project, 'customers_history', { columns: 'id, _load_id, _source_file, _source_row', orderBy: 'id, _valid_from' });
  assert.deepEqual(lineage[2], { id: 1, _load_id: '3', _source_file: 'landing/customers/2024-01-03.csv', _source_row: '1' });

  // A full refresh rebuilds exactly the same rows.
  await ok(project, ['run', '--full-refresh'], KOLKATA);
  await assertHistoryInvariants(project, 'customers_history', ['id']);
  assert.deepEqual(await rowsOf(project, 'customers_history'), before);
});

eachEngine('history: a snapshot feed deletes a missing key, a key that comes back opens a new version; a delta feed never deletes', async (project) => {
  const raw = await setup(project, 'snapshot', HISTORY, {
    'models/customers_delta.sql': "{{ config(materialized='history', unique_key='id', source_load='delta') }}\nselect * from {{ source('crm', 'customers') }}",
    'models/customers_now.sql': "{{ config(materialized='current') }}\nselect * from {{ ref('customers_history') }}",
    'models/customers_now_table.sql': "{{ config(materialized='current', materialize_as='table') }}\nselect * from {{ ref('customers_history') }}",
  });
  const row = (id: number): Record<string, string | number> => ({ id, name: `n${id}`, city: 'x' });
  await loadAndRun(project, raw, { id: 1, date: '2024-01-01', rows: [row(1), row(2), row(3)] });
  await loadAndRun(project, raw, { id: 2, date: '2024-01-02', rows: [row(1), row(3)] }, KOLKATA);
  await loadAndRun(project, raw, { id: 3, date: '2024-01-03', rows: [row(1), row(2), row(3)] });
  await loadAndRun(project, raw, { id: 4, date: '2024-01-04', rows: [row(1)] });
  const expected = [
    [1, 'n1', '2024-01-01', null, true, false],
    [2, 'n2', '2024-01-01', '2024-01-02', false, false],
    [2, 'n2', '2024-01-02', '2024-01-03', false, true],
    [2, 'n2', '2024-01-03', '2024-01-04', false, false],
    [2, 'n2', '2024-01-04', null, true, true],
    [3, 'n3', '2024-01-01', '2024-01-04', false, false],
    [3, 'n3', '2024-01-04', null, true, true],
  ];
  assert.deepEqual(await versions(project, 'customers_history', 'id', ['name']), expected);
  // A deletion's lineage is the load that lacked the key.
  const deletion = await rowsOf(project, 'customers_history', { columns: '_load_id, _source_row', orderBy: '_valid_from desc, id' });
  assert.deepEqual(deletion[0], { _load_id: '4', _source_row: null });
  // The delta reading of the same loads: no deletions, no new versions.
  assert.deepEqual(await versions(project, 'customers_delta', 'id', ['name']), [
    [1, 'n1', '2024-01-01', null, true, false],
    [2, 'n2', '2024-01-01', null, true, false],
    [3, 'n3', '2024-01-01', null, true, false],
  ]);
  // Current: deleted keys excluded; only the entity, _valid_from, _hash and lineage columns.
  for (const relation of ['customers_now', 'customers_now_table']) {
    const current = await rowsOf(project, relation, { orderBy: 'id' });
    assert.deepEqual(current.map((r) => [r.id, r.name, r._valid_from]), [[1, 'n1', '2024-01-01 00:00:00']]);
    assert.deepEqual(Object.keys(current[0]!).sort(), ['_hash', '_load_id', '_source_file', '_source_row', '_valid_from', 'city', 'id', 'name']);
  }
  assert.deepEqual(await project.relations(project.schema), {
    customers_history: 'table',
    customers_history__loads: 'table',
    customers_delta: 'table',
    customers_delta__loads: 'table',
    customers_now: 'view',
    customers_now_table: 'table',
  });
});

eachEngine('history: several rows of one key in one load: the last row of the file wins, or the first in deduplicate_by order', async (project) => {
  const raw = await setup(project, 'delta', HISTORY, {
    'models/customers_by_city.sql': "{{ config(materialized='history', unique_key='id', deduplicate_by='city desc') }}\nselect * from {{ source('crm', 'customers') }}",
  });
  await loadAndRun(project, raw, {
    id: 1,
    date: '2024-01-01',
    rows: [{ id: 1, name: 'first', city: 'b' }, { id: 2, name: 'only', city: 'a' }, { id: 1, name: 'last', city: 'a' }],
  });
  await loadAndRun(project, raw, {
    id: 2,
    date: '2024-01-02',
    rows: [{ id: 1, name: 'last', city: 'a' }, { id: 1, name: 'first', city: 'b' }, { id: 1, name: 'last', city: 'a' }],
  }, KOLKATA);
  assert.deepEqual(await versions(project, 'customers_history', 'id', ['name']), [
    [1, 'last', '2024-01-01', null, true, false],
    [2, 'only', '2024-01-01', null, true, false],
  ]);
  const introduced = await rowsOf(project, 'customers_history', { columns: '_source_row', orderBy: 'id' });
  assert.deepEqual(introduced, [{ _source_row: '3' }, { _source_row: '2' }]);
  assert.deepEqual(await versions(project, 'customers_by_city', 'id', ['name']), [
    [1, 'first', '2024-01-01', null, true, false],
    [2, 'only', '2024-01-01', null, true, false],
  ]);
  await assertHistoryInvariants(project, 'customers_by_city', ['id']);
});

eachEngine('history: loads applied out of order give the same table as in order and as a full refresh', async (project) => {
  const rawSchema = project.customSchema('raw');
  const model = (table: string, load: string): string => `{{ config(materialized='history', unique_key='id', source_load='${load}') }}\nselect * from {{ source('crm', '${table}') }}`;
  project.write({
    'strata.yml': project.projectYaml(),
    'models/sources.yml': `version: 2\nsources:\n  - name: crm\n    schema: ${JSON.stringify(rawSchema)}\n    tables:\n      - name: in_order\n      - name: shuffled\n`,
    'models/snap_in_order.sql': model('in_order', 'snapshot'),
    'models/snap_shuffled.sql': model('shuffled', 'snapshot'),
    'models/delta_in_order.sql': model('in_order', 'delta'),
    'models/delta_shuffled.sql': model('shuffled', 'delta'),
  });
  const inOrder = new RawTable(project, rawSchema, 'in_order', TEXT_COLUMNS.map((c) => ({ ...c })));
  const shuffled = new RawTable(project, rawSchema, 'shuffled', TEXT_COLUMNS.map((c) => ({ ...c })));
  await inOrder.create();
  await shuffled.create();
  const r = (id: number, name: string, city: string | null = 'x'): Record<string, string | number | null> => ({ id, name, city });
  const loads: RawLoad[] = [
    { id: 1, date: '2024-01-01', rows: [r(1, 'a'), r(2, 'b'), r(3, 'c')] },
    { id: 2, date: '2024-01-02', rows: [r(1, 'a'), r(2, 'B'), r(4, 'd', null)] },
    { id: 3, date: '2024-01-03', rows: [r(1, 'a1'), r(2, 'B'), r(3, 'c'), r(4, 'd', '')] },
    { id: 4, date: '2024-01-04', rows: [r(1, 'a1'), r(3, 'c3'), r(4, 'd', ''), r(1, 'a2')] },
    { id: 5, date: '2024-01-05', rows: [r(1, 'a'), r(2, 'B'), r(3, 'c3')] },
  ];
  const all = ['snap_in_order', 'snap_shuffled', 'delta_in_order', 'delta_shuffled'];
  const check = async (): Promise<void> => {
    for (const name of all) await assertHistoryInvariants(project, name, ['id']);
  };
  for (const load of loads) {
    await inOrder.append(load);
    await ok(project, ['run', '-s', 'snap_in_order delta_in_order']);
  }
  let late = '';
  for (const index of [2, 0, 4, 1, 3]) {
    await shuffled.append(loads[index]!);
    late += await ok(project, ['run', '-s', 'snap_shuffled delta_shuffled'], KOLKATA);
    await check();
  }
  assert.match(late, /recomputed from a late load dated 2024-01-01/);
  for (const kind of ['snap', 'delta']) {
    const a = await rowsOf(project, `${kind}_in_order`);
    assert.deepEqual(await rowsOf(project, `${kind}_shuffled`), a, `${kind}: shuffled loads differ from in-order loads`);
    await ok(project, ['run', '--full-refresh', '-s', `${kind}_shuffled`]);
    assert.deepEqual(await rowsOf(project, `${kind}_shuffled`), a, `${kind}: a full refresh differs from incremental runs`);
  }
  await check();
  assert.deepEqual(await versions(project, 'snap_in_order', 'id', ['name', 'city']), [
    [1, 'a', 'x', '2024-01-01', '2024-01-03', false, false],
    [1, 'a1', 'x', '2024-01-03', '2024-01-04', false, false],
    [1, 'a2', 'x', '2024-01-04', '2024-01-05', false, false],
    [1, 'a', 'x', '2024-01-05', null, true, false],
    [2, 'b', 'x', '2024-01-01', '2024-01-02', false, false],
    [2, 'B', 'x', '2024-01-02', '2024-01-04', false, false],
    [2, 'B', 'x', '2024-01-04', '2024-01-05', false, true],
    [2, 'B', 'x', '2024-01-05', null, true, false],
    [3, 'c', 'x', '2024-01-01', '2024-01-02', false, false],
    [3, 'c', 'x', '2024-01-02', '2024-01-03', false, true],
    [3, 'c', 'x', '2024-01-03', '2024-01-04', false, false],
    [3, 'c3', 'x', '2024-01-04', null, true, false],
    [4, 'd', null, '2024-01-02', '2024-01-03', false, false],
    [4, 'd', '', '2024-01-03', '2024-01-05', false, false],
    [4, 'd', '', '2024-01-05', null, true, true],
  ]);
});

eachEngine('history: a key of several columns', async (project) => {
  const rawSchema = project.customSchema('raw');
  project.write({
    'strata.yml': project.projectYaml(),
    'models/sources.yml': sourcesYaml(rawSchema, 'accounts', 'delta'),
    'models/accounts_history.sql': "{{ config(materialized='history', unique_key=['region', 'id']) }}\nselect * from {{ source('crm', 'accounts') }}",
  });
  const raw = new RawTable(project, rawSchema, 'accounts', [{ name: 'region', type: 'text' }, { name: 'id', type: 'integer' }, { name: 'balance', type: 'decimal(18,2)' }]);
  await raw.create();
  const run = async (load: RawLoad, env: Record<string, string> = {}): Promise<void> => {
    await raw.append(load);
    await ok(project, ['run'], env);
    await assertHistoryInvariants(project, 'accounts_history', ['region', 'id']);
  };
  await run({ id: 1, date: '2024-02-01', rows: [{ region: 'eu', id: 1, balance: '10.00' }, { region: 'us', id: 1, balance: '10.00' }] });
  await run({ id: 2, date: '2024-02-02', rows: [{ region: 'eu', id: 1, balance: '10.50' }, { region: 'us', id: 1, balance: '10.00' }] }, KOLKATA);
  await run({ id: 3, date: '2024-02-03', rows: [{ region: 'us', id: 2, balance: '1.00' }, { region: 'eu', id: 1, balance: '10.5' }] });
  const rows = await rowsOf(project, 'accounts_history', { columns: 'region, id, balance, _valid_from, _is_current', orderBy: 'region, id, _valid_from' });
  assert.deepEqual(
    rows.map((r) => [r.region, r.id, String(r.balance), r._valid_from, r._is_current]),
    [
      ['eu', 1, '10.00', '2024-02-01 00:00:00', false],
      ['eu', 1, '10.50', '2024-02-02 00:00:00', true],
      ['us', 1, '10.00', '2024-02-01 00:00:00', true],
      ['us', 2, '1.00', '2024-02-03 00:00:00', true],
    ],
  );
});

eachEngine('history: a column added to the source opens versions only where it holds a value', async (project) => {
  const raw = await setup(project, 'snapshot', HISTORY);
  await loadAndRun(project, raw, { id: 1, date: '2024-01-01', rows: [{ id: 1, name: 'a', city: 'x' }, { id: 2, name: 'b', city: 'y' }] });
  await raw.addColumn('tier', 'text');
  await loadAndRun(project, raw, { id: 2, date: '2024-01-02', rows: [{ id: 1, name: 'a', city: 'x', tier: null }, { id: 2, name: 'b', city: 'y', tier: 'gold' }] }, KOLKATA);
  assert.deepEqual(await versions(project, 'customers_history', 'id', ['name', 'tier']), [
    [1, 'a', null, '2024-01-01', null, true, false],
    [2, 'b', null, '2024-01-01', '2024-01-02', false, false],
    [2, 'b', 'gold', '2024-01-02', null, true, false],
  ]);
  const incremental = await rowsOf(project, 'customers_history');
  await ok(project, ['run', '--full-refresh']);
  assert.deepEqual(await rowsOf(project, 'customers_history'), incremental);
});

eachEngine('history: a run killed half-way leaves the history as it was; the next run applies the load', async (project) => {
  const slow = `{{ config(materialized='history', unique_key='id') }}\nselect c.* from {{ source('crm', 'customers') }} as c\n{% if var('slow', false) %}where (select x from (${project.engine.slowSelect(30)}) as s) = 1{% endif %}`;
  const raw = await setup(project, 'snapshot', slow);
  await loadAndRun(project, raw, { id: 1, date: '2024-01-01', rows: [{ id: 1, name: 'a', city: 'x' }, { id: 2, name: 'b', city: 'y' }] });
  const before = await rowsOf(project, 'customers_history');
  await raw.append({ id: 2, date: '2024-01-02', rows: [{ id: 1, name: 'A', city: 'x' }] });
  const { startCli } = await import('../helpers/spawn-cli.js');
  const run = startCli(['run', '--vars', '{slow: true}'], project.dir);
  await run.waitForOutput(/START model customers_history/);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  run.child.kill('SIGKILL');
  await run.done;
  assert.deepEqual(await rowsOf(project, 'customers_history'), before);
  let again = await project.strata(['run']);
  for (let attempt = 0; again.code !== 0 && attempt < 10; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    again = await project.strata(['run']);
  }
  assert.equal(again.code, 0, again.stdout + again.stderr);
  await assertHistoryInvariants(project, 'customers_history', ['id']);
  assert.deepEqual(await versions(project, 'customers_history', 'id', ['name']), [
    [1, 'a', '2024-01-01', '2024-01-02', false, false],
    [1, 'A', '2024-01-02', null, true, false],
    [2, 'b', '2024-01-01', '2024-01-02', false, false],
    [2, 'b', '2024-01-02', null, true, true],
  ]);
  const leftovers = Object.keys(await project.relations(project.schema)).filter((n) => n.includes('__strata_'));
  assert.deepEqual(leftovers, []);
});

eachEngine('history: check_cols limits what opens a version; configuration errors name the key', async (project) => {
  const raw = await setup(project, 'delta', "{{ config(materialized='history', unique_key='id', check_cols='name') }}\nselect * from {{ source('crm', 'customers') }}");
  await loadAndRun(project, raw, { id: 1, date: '2024-01-01', rows: [{ id: 1, name: 'a', city: 'x' }] });
  await loadAndRun(project, raw, { id: 2, date: '2024-01-02', rows: [{ id: 1, name: 'a', city: 'moved' }] });
  await loadAndRun(project, raw, { id: 3, date: '2024-01-03', rows: [{ id: 1, name: 'b', city: 'moved' }] }, KOLKATA);
  assert.deepEqual(await versions(project, 'customers_history', 'id', ['name', 'city']), [
    [1, 'a', 'x', '2024-01-01', '2024-01-03', false, false],
    [1, 'b', 'moved', '2024-01-03', null, true, false],
  ]);

  project.write({ 'models/customers_history.sql': "{{ config(materialized='history', unique_key='customer_id') }}\nselect * from {{ source('crm', 'customers') }}" });
  const badKey = await project.strata(['run']);
  assert.equal(badKey.code, 1);
  assert.match(badKey.stdout + badKey.stderr, /'customer_id' is not a column of the model's query \(columns: id, name, city\)/);
  project.write({ 'models/customers_history.sql': "{{ config(materialized='history', unique_key='id') }}\nselect id, name from {{ source('crm', 'customers') }}" });
  const noLineage = await project.strata(['run']);
  assert.equal(noLineage.code, 1);
  assert.match(noLineage.stdout + noLineage.stderr, /needs its lineage column\(s\) _load_id, _load_date, _source_file, _source_row/);
  await raw.append({ id: 4, date: '2024-01-04', rows: [{ id: null, name: 'nobody', city: null }] });
  project.write({ 'models/customers_history.sql': "{{ config(materialized='history', unique_key='id') }}\nselect * from {{ source('crm', 'customers') }}" });
  const nullKey = await project.strata(['run']);
  assert.equal(nullKey.code, 1);
  assert.match(nullKey.stdout + nullKey.stderr, /a raw row has a NULL in unique_key \(id\): landing\/customers\/2024-01-04.csv row 1/);
});
