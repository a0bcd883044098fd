import assert from 'node:assert/strict';
import { eachEngine, type EngineProject } from '../helpers/engines.js';
import { ok, publicRows, releaseOk, statusOf, writeReleaseProject } from './release-fixture.js';

// Retention keeps the last N releases per environment, never the live one or the previous good one.

async function physicalNames(project: EngineProject): Promise<string[]> {
  return Object.keys(await project.relations(project.customSchema('phys'))).sort();
}

async function droppedReleases(project: EngineProject): Promise<string[]> {
  const rows = await project.query(`select release_id from ${project.engine.dialect.relation({ schema: project.customSchema('meta'), identifier: 'releases' })} where dropped_at is not null order by release_id`);
  return rows.map((r) => String(r.release_id));
}

eachEngine('retention keeps the newest releases, the live one and the previous good one, and drops what only the others used', async (project) => {
  writeReleaseProject(project, { keep: 1 });
  const tag = (t: string): string[] => ['--vars', `{tag: ${t}}`];
  const a = await releaseOk(project, 'prod', ...tag('A'));
  await ok(project, ['promote', a.releaseId, '--env', 'prod']);
  const b = await releaseOk(project, 'prod', ...tag('B'));
  await ok(project, ['promote', b.releaseId, '--env', 'prod']);
  // Every tag builds its own view and table; the seed is shared: 1 + 2 per release.
  assert.equal((await physicalNames(project)).length, 5);

  const c = await releaseOk(project, 'prod', ...tag('C'));
  assert.deepEqual(await droppedReleases(project), [], 'A is the previous good release, B is live, C is the newest');
  const withC = await physicalNames(project);
  assert.equal(withC.length, 7);

  const d = await releaseOk(project, 'prod', ...tag('D'));
  assert.deepEqual(await droppedReleases(project), [c.releaseId], 'C is neither live, previous nor among the newest 1');
  const after = await physicalNames(project);
  assert.equal(after.length, 7, 'C’s view and table are gone, D’s are there');
  assert.ok(!after.some((name) => !withC.includes(name) && !name.startsWith('stg_customers__') && !name.startsWith('customer_totals__')));

  // Live prod still answers, rollback still has its release, the dropped one cannot come back.
  assert.deepEqual(await publicRows(project, 'prod', 'customer_totals'), [{ n: '2', tag: 'B' }]);
  const refused = await project.strata(['promote', c.releaseId, '--env', 'prod']);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /was dropped by retention/);
  await ok(project, ['rollback', '--env', 'prod']);
  assert.deepEqual(await publicRows(project, 'prod', 'customer_totals'), [{ n: '2', tag: 'A' }]);
  assert.equal((await statusOf(project, 'prod')).live!.releaseId, a.releaseId);

  // After the rollback A is live with nothing before it: only A and the newest (E) are kept.
  await releaseOk(project, 'prod', ...tag('E'));
  assert.deepEqual(await droppedReleases(project), [b.releaseId, c.releaseId, d.releaseId].sort());
  assert.equal((await physicalNames(project)).length, 5, 'the seed, and the view and table of A and of E');
  assert.equal((await statusOf(project, 'prod')).previousGood, null);
  assert.deepEqual(await publicRows(project, 'prod', 'customer_totals'), [{ n: '2', tag: 'A' }]);
});
