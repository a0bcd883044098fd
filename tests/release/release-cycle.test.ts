import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { userInfo } from 'node:os';
import { eachEngine } from '../helpers/engines.js';
import { ok, publicRows, releaseOk, statusOf, viewComment, writeReleaseProject } from './release-fixture.js';

// Release, promote, rollback, status and query --env on each engine.

eachEngine('a release is built and tested without touching the environment; promote publishes it, rollback goes back', async (project) => {
  writeReleaseProject(project);
  const a = await releaseOk(project, 'prod');
  assert.match(a.releaseId, /^2\.1\.0-none-[0-9a-f]{8}$/);
  assert.deepEqual(a.summary.tests, { pass: 2, warn: 0, fail: 0, skip: 0 });
  assert.deepEqual(a.rowCounts, { customers: 2, stg_customers: 2, customer_totals: 1 });
  assert.deepEqual(await project.relations(`${project.schema}_prod`), {}, 'a release alone publishes nothing');
  assert.equal((await statusOf(project, 'prod')).live, null);

  const promoted = await ok(project, ['promote', a.releaseId, '--env', 'prod']);
  assert.match(promoted.stdout, new RegExp(`Promoted prod to release ${a.releaseId.replaceAll('.', '\\.')} \\(3 views; nothing was live before\\)`));
  assert.deepEqual(await project.relations(`${project.schema}_prod`), { customers: 'view', stg_customers: 'view', customer_totals: 'view' });
  assert.deepEqual(await publicRows(project, 'prod', 'customer_totals'), [{ n: '2', tag: 'A' }]);
  assert.deepEqual(await publicRows(project, 'prod', 'stg_customers'), [{ id: 1, name: 'ANN', tag: 'A' }, { id: 2, name: 'BOB', tag: 'A' }]);
  for (const model of ['customers', 'stg_customers', 'customer_totals']) assert.equal(await viewComment(project, 'prod', model), `strata release ${a.releaseId}`);

  const b = await releaseOk(project, 'prod', '--vars', '{tag: B}');
  assert.notEqual(b.releaseId, a.releaseId);
  assert.deepEqual(await publicRows(project, 'prod', 'customer_totals'), [{ n: '2', tag: 'A' }], 'still release A until B is promoted');
  await ok(project, ['promote', b.releaseId, '--env', 'prod']);
  assert.deepEqual(await publicRows(project, 'prod', 'customer_totals'), [{ n: '2', tag: 'B' }]);
  assert.equal(await viewComment(project, 'prod', 'customer_totals'), `strata release ${b.releaseId}`);

  const status = await statusOf(project, 'prod');
  assert.equal(status.target, 'dev');
  assert.equal(status.previousGood, a.releaseId);
  const live = status.live!;
  assert.equal(live.releaseId, b.releaseId);
  assert.equal(live.version, '2.1.0');
  assert.equal(live.commit, 'none');
  assert.equal(live.promotedBy, userInfo().username);
  assert.equal(live.action, 'promote');
  assert.deepEqual(live.tests, { pass: 2, warn: 0, fail: 0, skip: 0 });
  assert.ok(Math.abs(Date.parse(String(live.promotedAt)) - Date.now()) < 120_000, `promotedAt ${String(live.promotedAt)}`);
  const text = await ok(project, ['status']);
  assert.match(text.stdout, new RegExp(`^prod +dev +${b.releaseId.replaceAll('.', '\\.')} +2\\.1\\.0 +none `, 'm'));
  assert.match(text.stdout, /^dev +dev +\(nothing live\)/m);

  const queried = await ok(project, ['query', '--env', 'prod', '--json', "select n, tag from {{ ref('customer_totals') }}"]);
  assert.deepEqual(JSON.parse(queried.stdout), [{ n: '2', tag: 'B' }]);

  const back = await ok(project, ['rollback', '--env', 'prod']);
  assert.match(back.stdout, /Rolled back prod to release/);
  assert.deepEqual(await publicRows(project, 'prod', 'customer_totals'), [{ n: '2', tag: 'A' }]);
  assert.equal(await viewComment(project, 'prod', 'stg_customers'), `strata release ${a.releaseId}`);
  const rolled = await statusOf(project, 'prod');
  assert.equal(rolled.live!.releaseId, a.releaseId);
  assert.equal(rolled.live!.action, 'rollback');

  const none = await project.strata(['rollback', '--env', 'prod']);
  assert.equal(none.code, 2, none.stdout + none.stderr);
  assert.match(none.stderr, /no earlier good release to roll back to/);

  await ok(project, ['rollback', '--env', 'prod', '--to', b.releaseId]);
  assert.deepEqual(await publicRows(project, 'prod', 'customer_totals'), [{ n: '2', tag: 'B' }]);
});

eachEngine('promoting to another environment on the same database repoints views without rebuilding', async (project) => {
  writeReleaseProject(project);
  const a = await releaseOk(project, 'dev');
  const physicalBefore = await project.relations(project.customSchema('phys'));
  const promoted = await ok(project, ['promote', a.releaseId, '--env', 'prod']);
  assert.doesNotMatch(promoted.stdout, /START/, 'no model is built');
  assert.deepEqual(await project.relations(project.customSchema('phys')), physicalBefore);
  assert.deepEqual(await publicRows(project, 'prod', 'customer_totals'), [{ n: '2', tag: 'A' }]);
  assert.deepEqual(await project.relations(`${project.schema}_dev`), {}, 'dev is not promoted by promoting prod');

  await ok(project, ['promote', 'latest', '--env', 'dev']);
  assert.deepEqual(await publicRows(project, 'dev', 'customer_totals'), [{ n: '2', tag: 'A' }]);
  const again = await ok(project, ['promote', a.releaseId, '--env', 'dev']);
  assert.match(again.stdout, /already live in dev/);

  const dev = await statusOf(project, 'dev');
  const prod = await statusOf(project, 'prod');
  assert.equal(dev.live!.releaseId, a.releaseId);
  assert.equal(prod.live!.releaseId, a.releaseId);

  const unknown = await project.strata(['promote', 'nope', '--env', 'prod']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no release 'nope'/);
  const badEnv = await project.strata(['release', '--env', 'prdo']);
  assert.equal(badEnv.code, 2);
  assert.match(badEnv.stderr, /unknown environment 'prdo'.*did you mean 'prod'/);
});

eachEngine('a model removed from the project loses its public view when the next release is promoted', async (project) => {
  writeReleaseProject(project);
  project.write({ 'models/extra.sql': "{{ config(materialized='table') }}\nselect 1 as x\n" });
  await ok(project, ['promote', (await releaseOk(project, 'prod')).releaseId, '--env', 'prod']);
  assert.equal((await project.relations(`${project.schema}_prod`)).extra, 'view');
  rmSync(path.join(project.dir, 'models/extra.sql'));
  await ok(project, ['promote', (await releaseOk(project, 'prod')).releaseId, '--env', 'prod']);
  assert.equal((await project.relations(`${project.schema}_prod`)).extra, undefined);
  await ok(project, ['rollback', '--env', 'prod']);
  assert.equal((await project.relations(`${project.schema}_prod`)).extra, 'view');
});

