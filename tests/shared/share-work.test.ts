import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const probe = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'share-work-probe.mjs');

function share(task: string, count: number, minJobsPerWorker: number): { byMain: number; byWorkers: number; results: number[] } {
  return JSON.parse(execFileSync(process.execPath, [probe, task, String(count), String(minJobsPerWorker)], { encoding: 'utf8' })) as never;
}

const expected = (count: number): number[] => Array.from({ length: count }, (_, i) => i * 3);

test('shared work: every job is done exactly once, by a worker or by the main thread', { skip: availableParallelism() < 2 && 'one CPU: no worker is started' }, () => {
  const outcome = share('triple-task', 400, 10);
  assert.deepEqual(outcome.results, expected(400));
  assert.equal(outcome.byMain + outcome.byWorkers, 400);
  assert.ok(outcome.byWorkers > 0, 'a worker returned results');
  // Jobs a worker returned nothing for (the odd ones it took) were done by the main thread afterwards.
  assert.ok(outcome.byMain > 0);
});

test('shared work: a task that cannot start in a worker leaves every job to the main thread', () => {
  const outcome = share('broken-task', 200, 10);
  assert.deepEqual(outcome.results, expected(200));
  assert.deepEqual([outcome.byMain, outcome.byWorkers], [200, 0]);
});

test('shared work: too few jobs for a worker are all done in the main thread', () => {
  const outcome = share('triple-task', 30, 100);
  assert.deepEqual(outcome.results, expected(30));
  assert.deepEqual([outcome.byMain, outcome.byWorkers], [30, 0]);
});
