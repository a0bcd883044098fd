import assert from 'node:assert/strict';
import { eachEngine, type EngineProject } from '../helpers/engines.js';

// Every materialization on every engine: view, table, ephemeral, incremental with each strategy,
// full refresh, and replacing a table that a view reads.

async function ok(project: EngineProject, args: string[]): Promise<string> {
  const result = await project.strata(args);
  assert.equal(result.code, 0, `strata ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** The rows of a relation in the test's schema, sorted by their JSON text (the same order on every engine and collation). */
async function rows(project: EngineProject, relation: string): Promise<unknown[]> {
  const d = project.engine.dialect;
  const all = await project.query(`select * from ${d.relation({ schema: project.schema, identifier: relation })}`);
  return all.map((r) => JSON.stringify(r)).sort().map((r) => JSON.parse(r) as unknown);
}

eachEngine('view, table and ephemeral models build, and rebuild in place', async (project) => {
  project.write({
    'strata.yml': project.projectYaml(),
    'models/base.sql': "{{ config(materialized='table') }}\nselect * from (values (1, 'a'), (2, 'b'), (3, 'c')) as v(id, name)",
    'models/recent.sql': "{{ config(materialized='ephemeral') }}\nselect id, name from {{ ref('base') }} where id > 1",
    'models/recent_view.sql': "{{ config(materialized='view') }}\nselect * from {{ ref('recent') }}",
    'models/recent_table.sql': "{{ config(materialized='table') }}\nselect id, upper(name) as name from {{ ref('recent') }}",
  });
  await ok(project, ['run']);
  assert.deepEqual(await project.relations(project.schema), { base: 'table', recent_view: 'view', recent_table: 'table' });
  assert.deepEqual(await rows(project, 'recent_view'), [{ id: 2, name: 'b' }, { id: 3, name: 'c' }]);
  assert.deepEqual(await rows(project, 'recent_table'), [{ id: 2, name: 'B' }, { id: 3, name: 'C' }]);

  // Rebuilding only the table the view reads: the view keeps working and sees the new rows.
  project.write({ 'models/base.sql': "{{ config(materialized='table') }}\nselect * from (values (1, 'a'), (4, 'd')) as v(id, name)" });
  await ok(project, ['run', '-s', 'base']);
  assert.deepEqual(await rows(project, 'recent_view'), [{ id: 4, name: 'd' }]);

  // A view becoming a table and a table becoming a view.
  project.write({
    'models/recent_view.sql': "{{ config(materialized='table') }}\nselect * from {{ ref('recent') }}",
    'models/recent_table.sql': "{{ config(materialized='view') }}\nselect id, upper(name) as name from {{ ref('recent') }}",
  });
  await ok(project, ['run']);
  assert.deepEqual(await project.relations(project.schema), { base: 'table', recent_view: 'table', recent_table: 'view' });
  assert.deepEqual(await rows(project, 'recent_table'), [{ id: 4, name: 'D' }]);
});

eachEngine('a chain of views survives rebuilding the table under it', async (project) => {
  project.write({
    'strata.yml': project.projectYaml(),
    'models/t.sql': "{{ config(materialized='table') }}\nselect * from (values (1, 10), (2, 20)) as v(id, amount)",
    'models/v1.sql': "select id, amount * 2 as doubled from {{ ref('t') }}",
    'models/v2.sql': "select sum(doubled) as total from {{ ref('v1') }}",
  });
  await ok(project, ['run']);
  project.write({ 'models/t.sql': "{{ config(materialized='table') }}\nselect * from (values (1, 10), (2, 20), (3, 30)) as v(id, amount)" });
  await ok(project, ['run', '-s', 't']);
  assert.deepEqual(await rows(project, 'v2'), [{ total: '120' }]);
  await ok(project, ['run', '-s', 'v1']);
  assert.deepEqual(await rows(project, 'v2'), [{ total: '120' }]);
});

const STRATEGIES = [
  { strategy: 'append', after: [[1, 'a'], [2, 'B'], [2, 'b'], [3, 'c']] },
  { strategy: 'merge', after: [[1, 'a'], [2, 'B'], [3, 'c']] },
  { strategy: 'delete+insert', after: [[1, 'a'], [2, 'B'], [3, 'c']] },
] as const;

for (const { strategy, after } of STRATEGIES) {
  eachEngine(`incremental with strategy ${strategy}, then --full-refresh`, async (project) => {
    const key = strategy === 'append' ? '' : ", unique_key='id'";
    project.write({
      'strata.yml': project.projectYaml(),
      'seeds/src.csv': 'id,val\n1,a\n2,b\n',
      'models/inc.sql': `{{ config(materialized='incremental', incremental_strategy='${strategy}'${key}) }}\nselect id, val from {{ ref('src') }}`,
    });
    const first = await ok(project, ['build']);
    assert.match(first, /created table model .*inc/);
    assert.deepEqual(await rows(project, 'inc'), [{ id: 1, val: 'a' }, { id: 2, val: 'b' }]);

    project.write({ 'seeds/src.csv': 'id,val\n2,B\n3,c\n' });
    const second = await ok(project, ['build']);
    // The batch of two rows is what the line reports.
    assert.match(second, strategy === 'append' ? /appended to table .*inc.* \[OK 2 rows/ : /merged into table .*inc.* \[OK 2 rows/);
    assert.deepEqual(await rows(project, 'inc'), after.map(([id, val]) => ({ id, val })));

    await ok(project, ['build', '--full-refresh']);
    assert.deepEqual(await rows(project, 'inc'), [{ id: 2, val: 'B' }, { id: 3, val: 'c' }]);
  });
}

eachEngine('a failing model leaves the previous table and its readers intact', async (project) => {
  project.write({
    'strata.yml': project.projectYaml(),
    'models/t.sql': "{{ config(materialized='table') }}\nselect * from (values (1), (2)) as v(id)",
    'models/v.sql': "select count(*) as n from {{ ref('t') }}",
  });
  await ok(project, ['run']);
  project.write({ 'models/t.sql': "{{ config(materialized='table') }}\nselect * from no_such_table_anywhere" });
  const failed = await project.strata(['run', '-s', 't']);
  assert.equal(failed.code, 1, failed.stdout + failed.stderr);
  assert.match(failed.stdout, /no_such_table_anywhere/);
  assert.deepEqual(await rows(project, 't'), [{ id: 1 }, { id: 2 }]);
  assert.deepEqual(await rows(project, 'v'), [{ n: '2' }]);
});
