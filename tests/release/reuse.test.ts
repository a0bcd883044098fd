import assert from 'node:assert/strict';
import { eachEngine, type EngineProject } from '../helpers/engines.js';
import { ok, publicRows, releaseOk, writeReleaseProject } from './release-fixture.js';

// Only compute what changed: a model whose SQL and inputs are unchanged is reused, not rebuilt.

function withLandingSource(project: EngineProject): void {
  writeReleaseProject(project, { extraYaml: `load:\n  raw_schema: ${project.customSchema('raw')}\n` });
  project.write({
    'models/sources.yml': 'version: 2\nsources:\n  - name: crm\n    tables:\n      - name: accounts\n        landing: landing/crm/accounts_*.csv\n',
    'models/account_count.sql': "{{ config(materialized='table') }}\nselect count(*) as accounts from {{ source('crm', 'accounts') }}\n",
    'landing/crm/accounts_2024-01-01.csv': 'id,name\n1,acme\n2,globex\n',
  });
}

async function physicalCount(project: EngineProject): Promise<number> {
  return Object.keys(await project.relations(project.customSchema('phys'))).length;
}

eachEngine('a release reuses every model whose compiled SQL and inputs are unchanged, and rebuilds the rest', async (project) => {
  withLandingSource(project);
  const first = await releaseOk(project, 'prod');
  assert.deepEqual([first.summary.built, first.summary.reused], [4, 0]);
  assert.equal(first.rowCounts.account_count, 1);
  assert.equal(await physicalCount(project), 4);

  // Nothing changed: the same release id, nothing built, the tests run again.
  const same = await releaseOk(project, 'prod');
  assert.equal(same.releaseId, first.releaseId);
  assert.deepEqual([same.summary.built, same.summary.reused], [0, 4]);
  assert.equal(same.summary.tests.pass, 2);
  assert.equal(await physicalCount(project), 4);

  // One model's SQL changes: only it is rebuilt; the plan says so before anything runs.
  project.write({ 'models/customer_totals.sql': "{{ config(materialized='table') }}\nselect count(*) as n, max(tag) as tag, min(id) as first_id from {{ ref('named') }}\n" });
  const plan = await ok(project, ['release', '--env', 'prod', '--dry-run']);
  assert.match(plan.stdout, /^ {2}reuse +seed customers -> /m);
  assert.match(plan.stdout, /^ {2}reuse +model stg_customers -> /m);
  assert.match(plan.stdout, /^ {2}inline +model named -> \(inlined into its consumers\)$/m);
  assert.match(plan.stdout, /^ {2}build +model customer_totals -> /m);
  assert.match(plan.stdout, /1 to build, 3 reused, 1 inlined; nothing was changed$/m);
  const changed = await releaseOk(project, 'prod');
  assert.notEqual(changed.releaseId, first.releaseId);
  assert.deepEqual([changed.summary.built, changed.summary.reused], [1, 3]);
  const text = await ok(project, ['release', '--env', 'prod']);
  assert.match(text.stdout, /PASSED +models=4 built=0 reused=4 /);

  // New data lands: the release loads it and rebuilds only the model that reads it.
  project.write({ 'landing/crm/accounts_2024-01-02.csv': 'id,name\n3,initech\n' });
  const loaded = await releaseOk(project, 'prod');
  assert.deepEqual([loaded.summary.built, loaded.summary.reused], [1, 3]);
  assert.equal(loaded.rowCounts.account_count, 1);
  await ok(project, ['promote', loaded.releaseId, '--env', 'prod']);
  assert.deepEqual(await publicRows(project, 'prod', 'account_count'), [{ accounts: '3' }]);

  // A seed changes: it and everything reading it are rebuilt; the source-fed model is reused.
  project.write({ 'seeds/customers.csv': 'id,name\n1,ann\n2,bob\n3,cid\n' });
  const reseeded = await releaseOk(project, 'prod');
  assert.deepEqual([reseeded.summary.built, reseeded.summary.reused], [3, 1]);
  await ok(project, ['promote', reseeded.releaseId, '--env', 'prod']);
  assert.deepEqual(await publicRows(project, 'prod', 'customer_totals'), [{ n: '3', tag: 'A', first_id: 1 }]);
});

eachEngine('a release for another environment on the same database reuses the physical relations already built', async (project) => {
  writeReleaseProject(project);
  const prod = await releaseOk(project, 'prod');
  const dev = await releaseOk(project, 'dev');
  assert.equal(dev.releaseId, prod.releaseId, 'fingerprints do not depend on the environment');
  assert.deepEqual([dev.summary.built, dev.summary.reused], [0, 3]);
  await ok(project, ['promote', dev.releaseId, '--env', 'dev']);
  await ok(project, ['promote', prod.releaseId, '--env', 'prod']);
  assert.deepEqual(await publicRows(project, 'dev', 'customer_totals'), await publicRows(project, 'prod', 'customer_totals'));
});
