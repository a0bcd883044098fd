/**
 * The entry of a share-work.ts worker: builds the task's job function from the setup, then takes
 * batches of jobs from the shared counter until none are left, posting each batch's results.
 * Whatever happens once it runs, it marks itself done, so the main thread never waits on a failed worker.
 */
import { pathToFileURL } from 'node:url';
import { workerData } from 'node:worker_threads';
import { WORKER_DONE, WORKER_RUNNING, type ShareWorkWorkerData, type WorkerTask } from './share-work.js';

const data = workerData as ShareWorkWorkerData;
// Marked before taking any job, so the main thread knows to wait for what this worker takes.
Atomics.store(data.counter, data.slot, WORKER_RUNNING);
try {
  const task = ((await import(pathToFileURL(data.task).href)) as { default: WorkerTask<unknown, unknown, unknown> }).default;
  const doJob = task(data.setup);
  const { jobs, batch, counter } = data;
  for (let start = Atomics.add(counter, 0, batch); start < jobs.length; start = Atomics.add(counter, 0, batch)) {
    const results: [number, unknown][] = [];
    for (let index = start; index < Math.min(start + batch, jobs.length); index += 1) {
      const result = doJob(jobs[index]);
      if (result !== undefined) results.push([index, result]);
    }
    data.port.postMessage(results);
  }
} catch {
  // Jobs this worker took and did not return are done by the main thread.
} finally {
  Atomics.store(data.counter, data.slot, WORKER_DONE);
  Atomics.notify(data.counter, data.slot);
}
