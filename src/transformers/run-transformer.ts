import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Adapter, Connection, Row } from '../adapters/contract.js';
import { parseTypeName } from '../load/parse-type-name.js';
import type { ModelNode, Relation, TransformerColumn, TransformerSpec } from '../manifest/types.js';
import { stagingRelation } from '../materialize/swap-in.js';
import { StrataError } from '../shared/errors.js';
import type { ParentMessage, TransformerWorkerData, WorkerMessage } from './transformer-protocol.js';

/** What a transformer's run wrote. */
export interface TransformerRun {
  /** Rows written per own table (`''` is the main output). */
  readonly rows: Readonly<Record<string, number>>;
  /** Lines it logged (and printed), the last ones kept. */
  readonly logs: readonly string[];
}

/** Rows per INSERT statement. */
const INSERT_CHUNK = 500;
const MAX_LOG_LINES = 200;

interface OwnTable {
  readonly name: string;
  readonly live: Relation;
  readonly staged: Relation;
  readonly columns: readonly TransformerColumn[];
}

/**
 * Runs a transformer model's code in a worker thread of its own, with a heap limit and a timeout
 * (past it the worker is terminated, even in an endless loop). The worker holds no connection and
 * sees only the environment variables it declares: each read and write is a message that this
 * side checks (reads only of declared inputs and of its own tables, writes only to its own tables
 * and declared columns) and runs as SQL it builds itself. Writes go to staged copies of its `dt_`
 * tables, swapped in only when `transform` succeeds; a crash, a timeout or an error leaves the
 * previous tables as they were.
 */
export async function runTransformer(node: ModelNode, spec: TransformerSpec, context: { adapter: Adapter; connection: Connection; projectRoot: string }): Promise<TransformerRun> {
  const { adapter, connection } = context;
  const d = adapter.dialect;
  const tables: OwnTable[] = [
    { name: '', live: spec.output, staged: stagingRelation(d, spec.output, 'new'), columns: spec.columns },
    ...spec.tables.map((t) => ({ name: t.name, live: t.relation, staged: stagingRelation(d, t.relation, 'new'), columns: t.columns })),
  ];
  const fail = (message: string): StrataError => new StrataError('transformer_failed', message, { file: node.path, node: node.name }, 'execution');

  await connection.execute(d.createSchema(spec.output.schema));
  for (const table of tables) {
    await connection.execute(d.drop(table.staged, 'table'));
    const columns = table.columns.map((c) => `${d.quoteIdentifier(c.name)} ${d.typeName(parseTypeName(c.type) ?? 'text')}`);
    await connection.execute(`create table ${d.relation(table.staged)} (${columns.join(', ')})`);
  }
  const dropStaged = async (): Promise<void> => {
    for (const table of tables) await connection.execute(d.drop(table.staged, 'table')).catch(() => undefined);
  };

  const rows: Record<string, number> = Object.fromEntries(tables.map((t) => [t.name, 0]));
  const logs: string[] = [];
  const log = (line: string): void => {
    logs.push(line);
    if (logs.length > MAX_LOG_LINES) logs.shift();
  };
  // One session: database work runs one call at a time, in the order the worker asked.
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const run = chain.then(work);
    chain = run.catch(() => undefined);
    return run;
  };
  const existingOwn = async (): Promise<Set<string>> =>
    new Set((await adapter.listRelations(connection, [spec.output.schema])).map((r) => r.identifier));

  const handlers = {
    async read(input: unknown, options: unknown): Promise<Row[]> {
      const found = spec.inputs.find((i) => i.name === input);
      if (!found) throw new Error(`'${String(input)}' is not a declared input (declared: ${spec.inputs.map((i) => i.name).join(', ') || 'none'})`);
      const known = (await adapter.listColumns(connection, found.relation)).map((c) => c.name);
      const opts = (options ?? {}) as { columns?: unknown; orderBy?: unknown; limit?: unknown };
      const columns = opts.columns === undefined ? undefined : checkNames(opts.columns, known, 'columns');
      const order = opts.orderBy === undefined ? [] : orderTerms(d, opts.orderBy, known);
      const limit = opts.limit === undefined ? undefined : Number(opts.limit);
      if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) throw new Error('limit must be a whole number');
      const select = columns ? columns.map((c) => d.quoteIdentifier(c)).join(', ') : '*';
      const sql = `select ${select} from ${d.relation(found.relation)}${order.length ? ` order by ${order.join(', ')}` : ''}${limit !== undefined ? ` limit ${limit}` : ''}`;
      return [...(await connection.query(sql)).rows];
    },
    async columns(input: unknown): Promise<{ name: string; type: string }[]> {
      const found = spec.inputs.find((i) => i.name === input);
      if (!found) throw new Error(`'${String(input)}' is not a declared input`);
      return adapter.listColumns(connection, found.relation);
    },
    async readPrevious(name: unknown): Promise<Row[]> {
      const table = ownTable(tables, name);
      if (!(await existingOwn()).has(table.live.identifier)) return [];
      return [...(await connection.query(`select * from ${d.relation(table.live)}`)).rows];
    },
    async write(batch: unknown, options: unknown): Promise<void> {
      const table = ownTable(tables, (options as { table?: unknown } | undefined)?.table ?? '');
      if (!Array.isArray(batch)) throw new Error('write takes an array of rows');
      const declared = new Map(table.columns.map((c) => [c.name, c]));
      for (let start = 0; start < batch.length; start += INSERT_CHUNK) {
        const chunk = batch.slice(start, start + INSERT_CHUNK);
        const values = chunk.map((row, i) => {
          if (!row || typeof row !== 'object' || Array.isArray(row)) throw new Error(`row ${start + i + 1} is not an object`);
          for (const key of Object.keys(row)) {
            if (!declared.has(key)) throw new Error(`row ${start + i + 1} has column '${key}', which is not declared${table.name ? ` for table '${table.name}'` : ''} (declared: ${[...declared.keys()].join(', ')})`);
          }
          return `(${table.columns.map((c) => literal(d, (row as Record<string, unknown>)[c.name], c)).join(', ')})`;
        });
        if (values.length) await connection.execute(`insert into ${d.relation(table.staged)} values ${values.join(', ')}`);
      }
      rows[table.name] = (rows[table.name] ?? 0) + batch.length;
    },
    async log(message: unknown): Promise<void> {
      log(String(message));
    },
  } as const;

  const here = fileURLToPath(import.meta.url);
  const workerFile = path.join(path.dirname(here), `transformer-worker${path.extname(here)}`);
  const env: Record<string, string> = {};
  for (const name of spec.env) if (process.env[name] !== undefined) env[name] = process.env[name]!;
  if (process.env.TZ !== undefined) env.TZ = process.env.TZ;
  const worker = new Worker(workerFile, {
    workerData: { moduleUrl: pathToFileURL(path.resolve(context.projectRoot, spec.bundlePath)).href, model: node.name } satisfies TransformerWorkerData,
    env,
    resourceLimits: { maxOldGenerationSizeMb: spec.memoryMb, maxYoungGenerationSizeMb: Math.min(64, Math.max(8, Math.floor(spec.memoryMb / 8))) },
    stdout: true,
    stderr: true,
  });
  for (const stream of [worker.stdout, worker.stderr]) {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) log(line);
    });
  }

  const outcome = await new Promise<{ ok: true } | { ok: false; error: StrataError }>((resolve) => {
    let settled = false;
    const settle = (value: { ok: true } | { ok: false; error: StrataError }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(value);
    };
    const timer = setTimeout(() => {
      settle({ ok: false, error: fail(`transformer did not finish within ${spec.timeoutMs / 1000}s and was stopped (timeoutSeconds)`) });
    }, spec.timeoutMs);
    worker.on('message', (message: WorkerMessage) => {
      if (message.kind === 'done') settle({ ok: true });
      else if (message.kind === 'failed') settle({ ok: false, error: fail(`transformer failed: ${message.message}${frame(message.stack)}`) });
      else if (message.kind === 'call') {
        const handler = handlers[message.method] as ((...args: unknown[]) => Promise<unknown>) | undefined;
        const reply = (body: Omit<ParentMessage, 'kind' | 'id'>): void => {
          if (!settled) worker.postMessage({ kind: 'reply', id: message.id, ...body } satisfies ParentMessage);
        };
        if (!handler) reply({ error: `unknown method ${String(message.method)}` });
        else {
          serial(() => handler(...message.args)).then(
            (result) => reply({ result }),
            (error: unknown) => reply({ error: error instanceof Error ? error.message : String(error) }),
          );
        }
      }
    });
    worker.on('error', (error: Error & { code?: string }) => {
      const why = error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `ran out of memory (memoryMb: ${spec.memoryMb})` : `crashed: ${error.message}`;
      settle({ ok: false, error: fail(`transformer ${why}`) });
    });
    worker.on('exit', (code) => settle({ ok: false, error: fail(`transformer's worker exited (code ${code}) before transform finished`) }));
  });
  await worker.terminate();
  // Database calls the worker started are finished before the staged tables go.
  await chain;
  if (!outcome.ok) {
    await dropStaged();
    const tail = logs.slice(-5);
    if (tail.length) outcome.error.message += `\n  last output:\n    ${tail.join('\n    ')}`;
    throw outcome.error;
  }
  const present = await existingOwn();
  await connection.transaction(async () => {
    for (const table of tables) {
      if (present.has(table.live.identifier)) await connection.execute(d.drop(table.live, 'table'));
      await connection.execute(d.rename(table.staged, table.live.identifier, 'table'));
    }
  });
  return { rows, logs };
}

function ownTable(tables: readonly OwnTable[], name: unknown): OwnTable {
  const table = tables.find((t) => t.name === (name ?? ''));
  if (!table) throw new Error(`'${String(name)}' is not one of its own tables (declared: ${tables.filter((t) => t.name).map((t) => t.name).join(', ') || 'none besides the output'})`);
  return table;
}

function checkNames(value: unknown, known: readonly string[], what: string): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw new Error(`${what} must be a list of column names`);
  for (const name of value as string[]) if (!known.includes(name)) throw new Error(`unknown column '${name}' (columns: ${known.join(', ')})`);
  return value as string[];
}

function orderTerms(d: Adapter['dialect'], value: unknown, known: readonly string[]): string[] {
  if (!Array.isArray(value)) throw new Error('orderBy must be a list like ["instrument_id", "traded_at desc"]');
  return value.map((term) => {
    const m = typeof term === 'string' ? /^\s*([A-Za-z_][A-Za-z0-9_]*)(?:\s+(asc|desc))?\s*$/i.exec(term) : null;
    if (!m || !known.includes(m[1]!)) throw new Error(`orderBy term '${String(term)}' must be a column name, optionally followed by asc or desc`);
    return `${d.quoteIdentifier(m[1]!)}${m[2] ? ` ${m[2].toLowerCase()}` : ''}`;
  });
}

/** A value as a typed SQL literal: every value goes through a quoted text literal and a cast to the declared type. */
function literal(d: Adapter['dialect'], value: unknown, column: TransformerColumn): string {
  if (value === null || value === undefined) return 'null';
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number' || typeof value === 'bigint') text = String(value);
  else if (typeof value === 'boolean') text = value ? 'true' : 'false';
  else if (value instanceof Date) text = value.toISOString();
  else text = JSON.stringify(value);
  return `cast(${d.quoteLiteral(text)} as ${d.typeName(parseTypeName(column.type) ?? 'text')})`;
}

/** The first frame of a stack that points into the user's code, for the error line. */
function frame(stack: string | undefined): string {
  const line = stack?.split('\n').slice(1).find((l) => l.includes('transformers/') && !l.includes('transformer-worker'));
  return line ? ` (${line.trim().replace(/^at /, 'at ')})` : '';
}
