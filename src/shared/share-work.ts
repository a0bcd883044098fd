import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

/**
 * What a task module run in the workers exports as `default`: given the setup, a function that
 * does one job and returns its result, or undefined when the job is better left to the caller.
 */
export type WorkerTask<Setup, Job, Result> = (setup: Setup) => (job: Job) => Result | undefined;

export interface SharedWork<Setup, Job, Result> {
  /** The task module (see WorkerTask), as a file next to the caller's own. */
  readonly task: string;
  readonly setup: Setup;
  readonly jobs: readonly Job[];
  /** Does a job in this thread: batches the main thread takes, and jobs no worker returned. Must not throw. */
  readonly here: (job: Job, index: number) => void;
  /** Receives a worker's result for `jobs[index]`. */
  readonly take: (index: number, result: Result) => void;
  /** Fewer jobs than this per extra thread are not worth a worker's start-up (~0.2 s). */
  readonly minJobsPerWorker: number;
  /** Jobs taken at a time from the shared counter. */
  readonly batch?: number;
}

/** The data each worker starts with (see share-work-worker.ts). */
export interface ShareWorkWorkerData {
  readonly task: string;
  readonly setup: unknown;
  readonly jobs: readonly unknown[];
  readonly batch: number;
  /** [0]: index of the next job to take; [slot]: that worker's state (WORKER_RUNNING, WORKER_DONE). */
  readonly counter: Int32Array;
  readonly slot: number;
  readonly port: MessagePort;
}

/** Worker states in the counter's slots (0: not started). */
export const WORKER_RUNNING = 1;
export const WORKER_DONE = 2;

/** A worker that started but never reports back (it ran out of memory, say) is given up after this long. */
const WORKER_DEADLINE_MS = 10 * 60_000;

/**
 * Spreads jobs over this thread and worker threads, synchronously: callers such as compile are
 * synchronous all the way down. Threads take batches from a shared counter, so a slow or late
 * worker costs nothing; the main thread waits with Atomics.wait and reads the workers' results
 * with receiveMessageOnPort. Jobs a worker took but did not return are done here afterwards, so
 * the outcome never depends on the workers.
 */
export function shareWork<Setup, Job, Result>(work: SharedWork<Setup, Job, Result>): void {
  const { jobs, here } = work;
  const batch = work.batch ?? 16;
  const entry = workerEntry();
  // tsx's hooks do not reach worker threads on Node 20: run from sources, everything stays in this thread.
  const workerCount = entry.endsWith('.ts') ? 0 : Math.min(availableParallelism() - 1, Math.floor(jobs.length / work.minJobsPerWorker));
  if (workerCount < 1) {
    jobs.forEach(here);
    return;
  }
  const counter = new Int32Array(new SharedArrayBuffer(4 * (1 + workerCount)));
  const workers: { worker: Worker; port: MessagePort }[] = [];
  for (let slot = 1; slot <= workerCount; slot += 1) {
    const { port1, port2 } = new MessageChannel();
    const data: ShareWorkWorkerData = { task: work.task, setup: work.setup, jobs, batch, counter, slot, port: port2 };
    const worker = new Worker(entry, { workerData: data, transferList: [port2] });
    worker.unref();
    workers.push({ worker, port: port1 });
  }

  const done = new Uint8Array(jobs.length);
  for (let start = Atomics.add(counter, 0, batch); start < jobs.length; start = Atomics.add(counter, 0, batch)) {
    for (let index = start; index < Math.min(start + batch, jobs.length); index += 1) {
      here(jobs[index]!, index);
      done[index] = 1;
    }
  }
  const deadline = Date.now() + WORKER_DEADLINE_MS;
  workers.forEach(({ worker, port }, i) => {
    const slot = i + 1;
    // A worker not started by now can take no job any more (they are all taken): no need to wait for it.
    while (Atomics.load(counter, slot) === WORKER_RUNNING && Date.now() < deadline) Atomics.wait(counter, slot, WORKER_RUNNING, 200);
    for (let message = receiveMessageOnPort(port); message; message = receiveMessageOnPort(port)) {
      for (const [index, result] of message.message as [number, Result][]) {
        work.take(index, result);
        done[index] = 1;
      }
    }
    port.close();
    void worker.terminate();
  });
  jobs.forEach((job, index) => {
    if (!done[index]) here(job, index);
  });
}

/** Task modules are named as files beside the caller: `taskFile(import.meta.url, 'render-task')`. */
export function taskFile(callerUrl: string, name: string): string {
  const caller = fileURLToPath(callerUrl);
  return path.join(path.dirname(caller), `${name}${path.extname(caller)}`);
}

function workerEntry(): string {
  return taskFile(import.meta.url, 'share-work-worker');
}
