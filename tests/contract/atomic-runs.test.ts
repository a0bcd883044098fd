import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { textPreservingTypes } from '../../src/adapters/postgres/type-parsers.js';
import { eachEngine, PG_URL, type EngineProject } from '../helpers/engines.js';
import { startCli } from '../helpers/spawn-cli.js';

// Atomic replacement: a killed run, two runs at once, and readers during a rebuild.

function tableModel(rowCount: number): string {
  return `{{ config(materialized='table') }}\nselect * from (values ${Array.from({ length: rowCount }, (_, i) => `(${i + 1})`).join(', ')}) as v(id)`;
}

function slowTableModel(project: EngineProject, seconds: number): string {
  return `{{ config(materialized='table') }}\nselect 99 as id from (${project.engine.slowSelect(seconds)}) as slow`;
}

async function ids(project: EngineProject, relation: string): Promise<number[]> {
  const d = project.engine.dialect;
  const rows = await project.query(`select id from ${d.relation({ schema: project.schema, identifier: relation })} order by id`);
  return rows.map((r) => Number(r.id));
}

/** Leftover relations of a killed run (`...__strata_new`) the next run must clean up. */
async function leftovers(project: EngineProject): Promise<string[]> {
  return Object.keys(await project.relations(project.schema)).filter((name) => name.includes('__strata_'));
}

eachEngine('a run killed half-way leaves the previous table intact, and the next run succeeds', async (project) => {
  project.write({ 'strata.yml': project.projectYaml(), 'models/t.sql': tableModel(3), 'models/v.sql': "select count(*) as n from {{ ref('t') }}" });
  assert.equal((await project.strata(['run'])).code, 0);

  project.write({ 'models/t.sql': slowTableModel(project, 30) });
  const run = startCli(['run', '-s', 't'], project.dir);
  await run.waitForOutput(/START model t\b/);
  await sleep(1500);
  run.child.kill('SIGKILL');
  await run.done;

  assert.deepEqual(await ids(project, 't'), [1, 2, 3]);
  assert.deepEqual(await project.query(`select n from ${project.engine.dialect.relation({ schema: project.schema, identifier: 'v' })}`), [{ n: '3' }]);

  project.write({ 'models/t.sql': tableModel(4) });
  // The server may need a moment to notice the killed client and end its query.
  let again = await project.strata(['run']);
  for (let attempt = 0; again.code !== 0 && attempt < 10; attempt += 1) {
    await sleep(1000);
    again = await project.strata(['run']);
  }
  assert.equal(again.code, 0, again.stdout + again.stderr);
  assert.deepEqual(await ids(project, 't'), [1, 2, 3, 4]);
  assert.deepEqual(await leftovers(project), []);
});

eachEngine('a second run against the same target stops at once with a lock error', async (project) => {
  project.write({ 'strata.yml': project.projectYaml(), 'models/t.sql': tableModel(2) });
  assert.equal((await project.strata(['run'])).code, 0);

  project.write({ 'models/t.sql': slowTableModel(project, 30) });
  const first = startCli(['run'], project.dir);
  try {
    await first.waitForOutput(/START model t\b/);
    const started = Date.now();
    const second = await project.strata(['run']);
    assert.equal(second.code, 2, second.stdout + second.stderr);
    assert.match(second.stderr, /locked by another run/);
    assert.ok(Date.now() - started < 10_000, 'the second run must not wait for the first');
  } finally {
    first.child.kill('SIGKILL');
    await first.done;
  }
  assert.deepEqual(await ids(project, 't'), [1, 2]);
});

eachEngine(
  'readers see the old or the new table during a rebuild, never an error or an empty table',
  async (project) => {
    project.write({
      'strata.yml': project.projectYaml(),
      'models/t.sql': tableModel(500),
      'models/v.sql': "select count(*) as n, sum(id) as total from {{ ref('t') }}",
    });
    assert.equal((await project.strata(['run'])).code, 0);

    const reader = new pg.Client({ connectionString: PG_URL, types: textPreservingTypes });
    await reader.connect();
    const d = project.engine.dialect;
    const t = d.relation({ schema: project.schema, identifier: 't' });
    const v = d.relation({ schema: project.schema, identifier: 'v' });
    const seen: string[] = [];
    const errors: string[] = [];
    let reading = true;
    const loop = (async () => {
      while (reading) {
        try {
          const direct = await reader.query(`select count(*) as n, sum(id) as total from ${t}`);
          const through = await reader.query(`select n, total from ${v}`);
          seen.push(JSON.stringify(direct.rows[0]), JSON.stringify(through.rows[0]));
        } catch (error) {
          errors.push((error as Error).message);
        }
      }
    })();
    try {
      for (let i = 0; i < 4; i += 1) {
        const rebuild = await project.strata(['run', '-s', i % 2 ? 't' : 't v']);
        assert.equal(rebuild.code, 0, rebuild.stdout + rebuild.stderr);
      }
    } finally {
      reading = false;
      await loop;
      await reader.end();
    }
    assert.deepEqual(errors, []);
    assert.ok(seen.length > 8, `the reader should have read during the rebuilds (read ${seen.length} times)`);
    assert.deepEqual([...new Set(seen)], [JSON.stringify({ n: '500', total: '125250' })]);
  },
  (engine) => (engine.concurrentReaders ? undefined : `${engine.name} lets one process at a time open the database, so no reader can run beside a run`),
);
