import assert from 'node:assert/strict';
import { eachEngine } from '../helpers/engines.js';
import { ok, publicRows, releaseJson, releaseOk, statusOf, viewComment, writeReleaseProject } from './release-fixture.js';

// The release gate: a failed critical test fails the release, exits 1 and changes nothing live.

eachEngine('a failing critical test blocks the release and leaves the live environment untouched', async (project) => {
  writeReleaseProject(project);
  const good = await releaseOk(project, 'prod');
  await ok(project, ['promote', good.releaseId, '--env', 'prod']);

  // A customer without an id: not_null (critical) fails.
  project.write({ 'seeds/customers.csv': 'id,name\n1,ann\n2,bob\n,cid\n' });
  const { result, event } = await releaseJson(project, 'prod', '--vars', '{tag: BAD}');
  assert.equal(result.code, 1, result.stdout + result.stderr);
  assert.equal(event.status, 'failed');
  assert.deepEqual(event.summary.blockingFailures, ['not_null_stg_customers_id']);
  assert.equal(event.summary.tests.fail, 1);

  const text = await project.strata(['release', '--env', 'prod', '--vars', '{tag: BAD}']);
  assert.equal(text.code, 1);
  const last = text.stdout.trim().split('\n').at(-1)!;
  assert.match(last, new RegExp(`^Release ${event.releaseId.replaceAll('.', '\\.')} \\(prod\\): FAILED \\(test not_null_stg_customers_id failed\\); environment prod is unchanged  models=3 built=0 reused=3 PASS=1 WARN=0 FAIL=1 SKIP=0`));

  // What prod serves is the good release, rows and comments alike.
  assert.deepEqual(await publicRows(project, 'prod', 'customer_totals'), [{ n: '2', tag: 'A' }]);
  assert.equal(await viewComment(project, 'prod', 'stg_customers'), `strata release ${good.releaseId}`);
  const status = await statusOf(project, 'prod');
  assert.equal(status.live!.releaseId, good.releaseId);
  assert.deepEqual(status.latest, { releaseId: event.releaseId, status: 'failed', createdAt: (status.latest as { createdAt: string }).createdAt });

  // A failed release cannot be promoted; `latest` skips it.
  const refused = await project.strata(['promote', event.releaseId, '--env', 'prod']);
  assert.equal(refused.code, 1, refused.stdout + refused.stderr);
  assert.match(refused.stderr, /failed \(test not_null_stg_customers_id\) and cannot be promoted/);
  const latest = await ok(project, ['promote', 'latest', '--env', 'prod']);
  assert.match(latest.stdout, /already live in prod/);
  assert.deepEqual(await publicRows(project, 'prod', 'customer_totals'), [{ n: '2', tag: 'A' }]);
});

eachEngine('a failing test that is not critical is reported but does not block the release', async (project) => {
  writeReleaseProject(project);
  project.write({ 'seeds/customers.csv': 'id,name\n1,ann\n1,bob\n' });
  const { result, event } = await releaseJson(project, 'prod');
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.equal(event.status, 'success');
  assert.deepEqual(event.summary.tests, { pass: 1, warn: 0, fail: 1, skip: 0 });
  assert.deepEqual(event.summary.blockingFailures, []);
});

eachEngine('strata build --select +tag:critical exits 1 with a one-line summary when a critical test fails', async (project) => {
  writeReleaseProject(project);
  const pass = await project.strata(['build', '--select', '+tag:critical']);
  assert.equal(pass.code, 0, pass.stdout + pass.stderr);
  assert.match(pass.stdout, /^Done\. PASS=4 WARN=0 ERROR=0 SKIP=0 TOTAL=4$/m);
  project.write({ 'seeds/customers.csv': 'id,name\n1,ann\n,bob\n' });
  const fail = await project.strata(['build', '--select', '+tag:critical']);
  assert.equal(fail.code, 1, fail.stdout + fail.stderr);
  assert.match(fail.stdout, /^Done\. PASS=3 WARN=0 ERROR=1 SKIP=0 TOTAL=4$/m);
});
