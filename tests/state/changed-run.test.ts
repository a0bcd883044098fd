import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { eachEngine, type EngineProject } from '../helpers/engines.js';

// `run --changed` and `state:` selectors against a real database: nothing changed, a model edited,
// new data loaded upstream, a failed model, on every engine.

interface Event {
  readonly event: string;
  readonly node?: string;
  readonly nodes?: string[];
  readonly status?: string;
}

async function strata(project: EngineProject, args: string[], expectCode = 0): Promise<Event[]> {
  const result = await project.strata(args);
  assert.equal(result.code, expectCode, `strata ${args.join(' ')} exited ${result.code}:\n${result.stdout}\n${result.stderr}`);
  return args.includes('--json')
    ? result.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Event)
    : [{ event: 'text', node: result.stdout }];
}

const ran = (events: readonly Event[]): string[] =>
  events.filter((e) => e.event === 'node_started').map((e) => e.node!.split('.').pop()!).sort();
const upToDate = (events: readonly Event[]): string[] => (events.find((e) => e.event === 'up_to_date')?.nodes ?? []).map((n) => n.split('.').pop()!).sort();

function trades(project: EngineProject, file: string, rows: [number, number][]): void {
  const dir = path.join(project.dir, 'landing');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, file), gzipSync(`id,amount\n${rows.map((r) => r.join(',')).join('\n')}\n`));
}

function write(project: EngineProject): void {
  const raw = project.customSchema('raw');
  project.write({
    'strata.yml': project.projectYaml(`metadata_schema: ${project.customSchema('meta')}\nload: {raw_schema: ${raw}}\n`),
    'models/sources.yml': `version: 2
sources:
  - name: shop
    tables:
      - name: trades
        landing: landing/trades_*.csv.gz
        columns:
          - {name: id, data_type: integer}
          - {name: amount, data_type: integer}
`,
    'seeds/rates.csv': 'code,rate\nA,2\n',
    'models/stg_trades.sql': "{{ config(materialized='view') }}\nselect id, amount from {{ source('shop', 'trades') }}",
    'models/totals.sql': "{{ config(materialized='table') }}\nselect count(*) as n, sum(amount) as total from {{ ref('stg_trades') }}",
    'models/report.sql': "{{ config(materialized='table') }}\nselect t.n, t.total * r.rate as weighted from {{ ref('totals') }} t cross join {{ ref('rates') }} r",
    'models/other.sql': "{{ config(materialized='table') }}\nselect 1 as x",
  });
}

eachEngine('run --changed builds only what changed since its last build', async (project) => {
  write(project);
  trades(project, 'trades_1.csv.gz', [[1, 10], [2, 20]]);
  await strata(project, ['build']);
  const report = async (): Promise<unknown> => (await project.query(`select n, weighted from ${project.engine.dialect.relation({ schema: project.schema, identifier: 'report' })}`))[0];
  assert.deepEqual(await report(), { n: '2', weighted: '60' });

  // Nothing changed: everything is up to date and nothing runs.
  let events = await strata(project, ['run', '--changed', '--json']);
  assert.deepEqual(ran(events), []);
  // (`run` builds models: the seed is neither run nor listed.)
  assert.deepEqual(upToDate(events), ['other', 'report', 'stg_trades', 'totals']);
  const text = await project.strata(['run', '--changed']);
  assert.match(text.stdout, /UP TO DATE model totals/);
  assert.match(text.stdout, /Nothing to do: 4 selected nodes are up to date/);

  // A model's code changed: it and what depends on it, nothing else.
  project.write({ 'models/totals.sql': "{{ config(materialized='table') }}\nselect count(*) as n, sum(amount) + 1 as total from {{ ref('stg_trades') }}" });
  const listed = await project.strata(['ls', '-s', 'state:modified']);
  assert.equal(listed.stdout.trim(), 'totals');
  const downstream = await project.strata(['ls', '-s', 'state:modified+']);
  assert.deepEqual(downstream.stdout.trim().split('\n').sort(), ['report', 'totals']);
  events = await strata(project, ['run', '--changed', '--json']);
  assert.deepEqual(ran(events), ['report', 'totals']);
  assert.deepEqual(await report(), { n: '2', weighted: '62' });
  assert.deepEqual(ran(await strata(project, ['run', '--changed', '--json'])), []);

  // New data upstream: a load, then what reads the source (through the view) is rebuilt.
  trades(project, 'trades_2.csv.gz', [[3, 30]]);
  await strata(project, ['load']);
  assert.equal((await project.strata(['ls', '-s', 'state:new-data'])).stdout.trim().split('\n').sort().join(' '), 'stg_trades totals');
  events = await strata(project, ['run', '--changed', '--json']);
  assert.deepEqual(ran(events), ['report', 'stg_trades', 'totals']);
  assert.deepEqual(await report(), { n: '3', weighted: '122' });

  // A seed's file changed: the seed and its consumer (with build --changed, their tests too).
  project.write({ 'seeds/rates.csv': 'code,rate\nA,3\n' });
  events = await strata(project, ['build', '--changed', '--json']);
  assert.deepEqual(ran(events), ['rates', 'report']);
  assert.deepEqual(await report(), { n: '3', weighted: '183' });

  // A failed build is not recorded: the model stays changed until it succeeds.
  project.write({ 'models/other.sql': "{{ config(materialized='table') }}\nselect no_such_column from {{ ref('totals') }}" });
  await strata(project, ['run', '--changed', '--json'], 1);
  assert.equal((await project.strata(['ls', '-s', 'state:modified'])).stdout.trim(), 'other');
  project.write({ 'models/other.sql': "{{ config(materialized='table') }}\nselect 2 as x" });
  assert.deepEqual(ran(await strata(project, ['run', '--changed', '--json'])), ['other']);
  assert.deepEqual(ran(await strata(project, ['run', '--changed', '--json'])), []);
});

eachEngine('a dropped relation is rebuilt by run --changed', async (project) => {
  write(project);
  trades(project, 'trades_1.csv.gz', [[1, 10]]);
  await strata(project, ['build']);
  const d = project.engine.dialect;
  if (project.engine.name === 'postgres') await project.query(`drop table ${d.relation({ schema: project.schema, identifier: 'other' })}`);
  else {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(path.join(project.dir, 'target', 'test.duckdb'));
    const c = await instance.connect();
    await c.run(`drop table ${d.relation({ schema: project.schema, identifier: 'other' })}`);
    c.closeSync();
    instance.closeSync();
  }
  assert.deepEqual(ran(await strata(project, ['run', '--changed', '--json'])), ['other']);
});

eachEngine('a source that cannot be read fails neither a load nor a run that does not read it', async (project) => {
  write(project);
  const broken = project.customSchema('ext');
  const d = project.engine.dialect;
  const view = d.relation({ schema: broken, identifier: 'broken' });
  // Reading it fails at query time on both engines: the text is cast to an integer only then.
  const statements = [`create schema ${d.quoteIdentifier(broken)}`, `create view ${view} as select 1 as x where cast(cast('x' as varchar) as integer) = 1`];
  if (project.engine.name === 'postgres') for (const sql of statements) await project.query(sql);
  else {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    mkdirSync(path.join(project.dir, 'target'), { recursive: true });
    const instance = await DuckDBInstance.create(path.join(project.dir, 'target', 'test.duckdb'));
    const c = await instance.connect();
    for (const sql of statements) await c.run(sql);
    c.closeSync();
    instance.closeSync();
  }
  project.write({ 'models/external.yml': `version: 2\nsources:\n  - name: ext\n    schema: ${broken}\n    tables:\n      - name: broken\n` });
  trades(project, 'trades_1.csv.gz', [[1, 10]]);
  await strata(project, ['load']);
  assert.deepEqual(ran(await strata(project, ['build', '--changed', '--json'])), ['other', 'rates', 'report', 'stg_trades', 'totals']);
  assert.deepEqual(ran(await strata(project, ['run', '--changed', '--json'])), []);
});
