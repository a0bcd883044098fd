import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { eachEngine, type EngineProject } from '../helpers/engines.js';
import { assertHistoryInvariants, KOLKATA, ok, rowsOf, versions } from './history-fixture.js';

// End to end through the loader: snapshot files land in any order, `strata load` brings each
// into raw once (load ids in arrival order), and the history is the same whatever the order, and
// the same as a full refresh.

const SNAPSHOTS: Record<string, string> = {
  '2024-01-01': 'id,name,city\n1,Ann,Paris\n2,Bob,\n3,Cy,Oslo\n',
  '2024-01-02': 'id,name,city\n1,Ann,Lyon\n2,Bob,\n3,Cy,Oslo\n3,Cyrus,Oslo\n',
  '2024-01-03': 'id,name,city\n1,Ann,Lyon\n3,Cyrus,Oslo\n4,Dee,Rome\n',
  '2024-01-04': 'id,name,city\n1,Ann,Lyon\n2,Bob,Bern\n4,Dee,Rome\n',
};

function table(name: string): string {
  return `      - name: ${name}
        landing: landing/${name}/customers_*.csv
        format: csv
        load: snapshot
        load_date: 'customers_(\\d{4}-\\d{2}-\\d{2})'
        columns:
          - name: id
            data_type: integer
          - name: name
          - name: city
`;
}

function land(project: EngineProject, folder: string, date: string): void {
  const dir = path.join(project.dir, 'landing', folder);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `customers_${date}.csv`), SNAPSHOTS[date]!);
}

eachEngine('history through strata load: files landing in any order give the history of a full refresh', async (project) => {
  const model = (source: string): string => `{{ config(materialized='history', unique_key='id') }}\nselect * from {{ source('crm', '${source}') }}`;
  project.write({
    'strata.yml': project.projectYaml(`load:\n  raw_schema: ${project.customSchema('raw')}\nmetadata_schema: ${project.customSchema('meta')}\n`),
    'models/sources.yml': `version: 2\nsources:\n  - name: crm\n    tables:\n${table('in_order')}${table('shuffled')}`,
    'models/in_order_history.sql': model('in_order'),
    'models/shuffled_history.sql': model('shuffled'),
  });
  const dates = Object.keys(SNAPSHOTS);
  for (const date of dates) {
    land(project, 'in_order', date);
    await ok(project, ['load']);
    await ok(project, ['run', '-s', 'in_order_history']);
  }
  for (const date of ['2024-01-03', '2024-01-01', '2024-01-04', '2024-01-02']) {
    land(project, 'shuffled', date);
    await ok(project, ['load'], KOLKATA);
    await ok(project, ['run', '-s', 'shuffled_history'], KOLKATA);
    await assertHistoryInvariants(project, 'shuffled_history', ['id']);
  }
  await assertHistoryInvariants(project, 'in_order_history', ['id']);
  const expected = [
    [1, 'Ann', 'Paris', '2024-01-01', '2024-01-02', false, false],
    [1, 'Ann', 'Lyon', '2024-01-02', null, true, false],
    [2, 'Bob', null, '2024-01-01', '2024-01-03', false, false],
    [2, 'Bob', null, '2024-01-03', '2024-01-04', false, true],
    [2, 'Bob', 'Bern', '2024-01-04', null, true, false],
    [3, 'Cy', 'Oslo', '2024-01-01', '2024-01-02', false, false],
    [3, 'Cyrus', 'Oslo', '2024-01-02', '2024-01-04', false, false],
    [3, 'Cyrus', 'Oslo', '2024-01-04', null, true, true],
    [4, 'Dee', 'Rome', '2024-01-03', null, true, false],
  ];
  assert.deepEqual(await versions(project, 'in_order_history', 'id', ['name', 'city']), expected);
  assert.deepEqual(await versions(project, 'shuffled_history', 'id', ['name', 'city']), expected);

  // Same rows but for the load ids (given in arrival order) and the folder of the files.
  const comparable = async (relation: string): Promise<unknown[]> =>
    (await rowsOf(project, relation)).map(({ _load_id: _id, _source_file: file, ...rest }) => ({ ...rest, file: String(file ?? '').replace(/^.*\//, '') }));
  assert.deepEqual(await comparable('shuffled_history'), await comparable('in_order_history'));

  const incremental = await rowsOf(project, 'shuffled_history');
  await ok(project, ['run', '--full-refresh', '-s', 'shuffled_history']);
  assert.deepEqual(await rowsOf(project, 'shuffled_history'), incremental);
});
