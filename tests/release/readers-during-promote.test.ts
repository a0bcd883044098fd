import assert from 'node:assert/strict';
import pg from 'pg';
import { textPreservingTypes } from '../../src/adapters/postgres/type-parsers.js';
import { openProject } from '../../src/app/project-session.js';
import { environmentOf } from '../../src/release/environments.js';
import { ReleaseStore } from '../../src/release/release-store.js';
import { switchEnvironment } from '../../src/release/switch-environment.js';
import { eachEngine, PG_URL, type EngineProject } from '../helpers/engines.js';
import { UTC_SESSIONS } from '../helpers/utc-sessions.js';
import { ok, releaseOk, writeReleaseProject } from './release-fixture.js';

// Readers querying in a loop while an environment flips between two releases: no error, no
// missing relation, and every answer comes from one whole release.

const READERS = 3;

/** One statement reading three public views of prod (in an order unlike the promotion's). */
function readerSql(project: EngineProject): string {
  const d = project.engine.dialect;
  const view = (model: string): string => d.relation({ schema: `${project.schema}_prod`, identifier: model });
  return `select (select max(tag) from ${view('customer_totals')}) as totals_tag, (select min(tag) from ${view('stg_customers')}) as staging_tag,
    (select count(*) from ${view('customers')}) as customers`;
}

/** Runs `readers` loops until `work` finishes; returns what they saw and the errors they met. */
async function readWhile(readers: readonly ((sql: string) => Promise<Record<string, unknown>>)[], sql: string, work: () => Promise<void>): Promise<{ seen: string[]; errors: string[] }> {
  const seen: string[] = [];
  const errors: string[] = [];
  let reading = true;
  const loops = readers.map(async (read) => {
    while (reading) {
      try {
        const row = await read(sql);
        seen.push(`${String(row.totals_tag)}/${String(row.staging_tag)}/${String(row.customers)}`);
      } catch (error) {
        errors.push((error as Error).message);
      }
    }
  });
  try {
    await work();
  } finally {
    reading = false;
    await Promise.all(loops);
  }
  return { seen, errors };
}

eachEngine('readers querying in a loop during promotions see no error and only whole releases', async (project) => {
  writeReleaseProject(project);
  const a = await releaseOk(project, 'prod', '--vars', '{tag: A}');
  // B's staging view has its columns in another order, so on engines whose views bind to their
  // columns its public view is dropped and created again rather than replaced.
  project.write({ 'models/stg_customers.sql': "{{ config(materialized='view') }}\nselect '{{ var(\"tag\", \"A\") }}' as tag, upper(name) as name, id from {{ ref('customers') }}\n" });
  const b = await releaseOk(project, 'prod', '--vars', '{tag: B}');
  await ok(project, ['promote', a.releaseId, '--env', 'prod']);
  const flips = 12;

  let outcome: { seen: string[]; errors: string[] };
  if (project.engine.name === 'postgres') {
    // Separate sessions read while `strata promote` runs as its own process.
    const clients = await Promise.all(
      Array.from({ length: READERS }, async () => {
        const client = new pg.Client({ connectionString: PG_URL, types: textPreservingTypes, options: UTC_SESSIONS.PGOPTIONS });
        await client.connect();
        return client;
      }),
    );
    try {
      outcome = await readWhile(
        clients.map((c) => async (sql: string) => (await c.query(sql)).rows[0] as Record<string, unknown>),
        readerSql(project),
        async () => {
          for (let i = 0; i < flips / 2; i += 1) await ok(project, ['promote', i % 2 ? a.releaseId : b.releaseId, '--env', 'prod']);
        },
      );
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
  } else {
    // DuckDB lets one process open the file: readers are concurrent connections of the same
    // database, while the promotion runs on another connection of it.
    const session = openProject({ projectDir: project.dir, threads: READERS + 2 });
    const { config, target } = session.project.settings;
    const adapter = await session.connect();
    try {
      const store = new ReleaseStore(adapter, config.metadata_schema);
      const releases = await adapter.withConnection((c) => store.releases(c));
      const [recordA, recordB] = [a, b].map((r) => releases.find((x) => x.releaseId === r.releaseId)!);
      const environment = environmentOf(config, 'prod');
      const readers = Array.from({ length: READERS }, () => (sql: string) => adapter.withConnection(async (c) => (await c.query(sql)).rows[0] as Record<string, unknown>));
      outcome = await readWhile(readers, readerSql(project), async () => {
        for (let i = 0; i < flips; i += 1) {
          await switchEnvironment({ adapter, store, environment, defaultSchema: target.schema, release: i % 2 ? recordA! : recordB!, action: 'promote' });
        }
      });
    } finally {
      await adapter.close();
    }
  }

  assert.deepEqual(outcome.errors, []);
  assert.ok(outcome.seen.length >= 20, `the readers should have read during the promotions (read ${outcome.seen.length} times)`);
  const answers = new Set(outcome.seen);
  for (const answer of answers) assert.ok(answer === 'A/A/2' || answer === 'B/B/2', `a mix of releases: ${answer}`);
  assert.ok(answers.has('A/A/2') && answers.has('B/B/2'), `both releases should have been seen: ${[...answers].join(', ')}`);
});
