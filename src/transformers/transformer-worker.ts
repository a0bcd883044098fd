/**
 * The entry of a transformer's worker thread: imports the bundled module and runs its `transform`
 * with a context whose every method is a message to the parent, which alone holds a database
 * connection and checks each call against the declaration.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ParentMessage, TransformerMethod, TransformerWorkerData, WorkerMessage } from './transformer-protocol.js';
import type { TransformerContext, TransformerRow } from './transformer-api.js';

const port = parentPort;
if (!port) throw new Error('transformer-worker.js runs only as a worker thread');
const data = workerData as TransformerWorkerData;
const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
let next = 0;

port.on('message', (message: ParentMessage) => {
  const call = waiting.get(message.id);
  if (!call) return;
  waiting.delete(message.id);
  if (message.error !== undefined) call.reject(new Error(message.error));
  else call.resolve(message.result);
});

function call<T>(method: TransformerMethod, ...args: unknown[]): Promise<T> {
  const id = (next += 1);
  return new Promise<T>((resolve, reject) => {
    waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
    port!.postMessage({ kind: 'call', id, method, args } satisfies WorkerMessage);
  });
}

const context: TransformerContext = {
  model: data.model,
  read: (input, options) => call<TransformerRow[]>('read', input, options ?? {}),
  columns: (input) => call<{ name: string; type: string }[]>('columns', input),
  readPrevious: (table) => call<TransformerRow[]>('readPrevious', table ?? ''),
  write: (rows, options) => call<void>('write', rows, options ?? {}),
  log: (message) => void call<void>('log', String(message)).catch(() => undefined),
};

try {
  const module = (await import(data.moduleUrl)) as { default?: { transform?: unknown }; transformer?: { transform?: unknown } };
  const transformer = module.default ?? module.transformer;
  if (!transformer || typeof transformer.transform !== 'function') throw new Error('the module does not export a transformer with a transform function');
  await (transformer.transform as (c: TransformerContext) => unknown)(context);
  port.postMessage({ kind: 'done' } satisfies WorkerMessage);
} catch (error) {
  const e = error instanceof Error ? error : new Error(String(error));
  port.postMessage({ kind: 'failed', message: e.message, stack: e.stack } satisfies WorkerMessage);
}
