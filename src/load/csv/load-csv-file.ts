import { CsvAppendError, type CsvAppend, type LogicalType } from '../../adapters/contract.js';
import { fitsType } from '../../seeds/infer-column-type.js';
import { commitFile, openJob, type FileJob, type FileLoadResult, type LoadEnv } from '../file-job.js';
import { lineageConstants, RESERVED_NAMES, SOURCE_ROW, type LoadStamp } from '../lineage-columns.js';
import { LoadFileError } from '../load-file-error.js';
import { REJECTS_COLUMNS } from '../load-log.js';
import { csvStream } from '../normalized-csv.js';
import { drain } from '../open-landing-stream.js';
import { typeLabel } from '../parse-type-name.js';
import { planColumns, type ColumnPlan } from '../plan-columns.js';
import { prepareRawTable, rawColumns } from '../raw-table.js';
import { csvRecords, headerProblem } from './csv-records.js';
import { inspectCsvRecord } from './inspect-csv.js';
import { readCsvHead, type CsvHead } from './read-csv-head.js';

/** How long a load that the engine failed waits for the file checks to say more (a truncated gzip, a bomb). */
const GUARD_GRACE_MS = 2000;

type OkPlan = Extract<ColumnPlan, { ok: true }>;

/**
 * Loads one CSV file into its raw table. Types of new undeclared columns come from the first
 * `sample_rows` rows; when a later value does not fit, the whole file is profiled and the load
 * retried. With `on_error: continue` rows are checked in Node and bad ones go to the rejects table.
 */
export async function loadCsvFile(job: FileJob, env: LoadEnv): Promise<FileLoadResult> {
  const { spec } = job;
  const existing = await rawColumns(env.adapter, env.connection, spec.relation);
  const fixed = fixedTypes(job, existing);
  if (spec.onError === 'continue') return loadTolerant(job, env, existing, fixed);
  let head = await readCsvHead(openJob(job, env), spec.delimiter, spec.limits.sampleRows, (name) => !fixed.has(name));
  checkHeader(head.header);
  let plan = plan_(job, head, existing);
  try {
    return await attempt(job, env, plan, existing !== undefined);
  } catch (error) {
    if (!(error instanceof LoadFileError) || error.kind !== 'conversion' || head.complete || !error.where.column || !plan.inferred.has(error.where.column)) throw error;
    // A value beyond the sample does not fit the type the sample suggested: learn from every row.
    head = await readCsvHead(openJob(job, env), spec.delimiter, Infinity, (name) => !fixed.has(name));
    plan = plan_(job, head, existing);
    return attempt(job, env, plan, existing !== undefined);
  }
}

/** Declared types and the types of columns raw already has: values must fit them. */
function fixedTypes(job: FileJob, existing: { name: string; type: LogicalType | undefined }[] | undefined): Map<string, LogicalType> {
  const fixed = new Map<string, LogicalType>();
  for (const d of job.spec.declared) if (d.type) fixed.set(d.name, d.type);
  for (const e of existing ?? []) fixed.set(e.name, e.type ?? 'text');
  return fixed;
}

function checkHeader(header: readonly string[]): void {
  const problem = headerProblem(header, RESERVED_NAMES);
  if (problem) throw new LoadFileError(problem, { line: 1 }, 'shape');
}

function plan_(job: FileJob, head: Pick<CsvHead, 'header' | 'profiles'>, existing: Parameters<typeof planColumns>[0]['existing']): OkPlan {
  const plan = planColumns({
    fileColumns: head.header,
    declared: job.spec.declared,
    existing,
    inferred: (name) => head.profiles.get(name)?.type() ?? 'text',
    relation: `${job.spec.relation.schema}.${job.spec.relation.identifier}`,
  });
  if (!plan.ok) throw new LoadFileError(plan.message, { line: 1, column: plan.column }, 'shape');
  return plan;
}

/** Human-readable schema changes of a plan. */
export function schemaChanges(plan: OkPlan, created: boolean): string[] {
  if (created) return [];
  return [
    ...plan.added.map((c) => `added column ${c.name} ${typeLabel(c.type)} (NULL in earlier rows)`),
    ...plan.absent.map((c) => `column ${c} is not in this file (NULL in its rows)`),
  ];
}

async function attempt(job: FileJob, env: LoadEnv, plan: OkPlan, exists: boolean): Promise<FileLoadResult> {
  const { spec } = job;
  const native = env.adapter.rawAppender.readsLocalFiles;
  const append = (stamp: LoadStamp, signal?: AbortSignal): CsvAppend => ({
    target: spec.relation,
    input: native ? { kind: 'file', path: job.file.path, gzip: job.file.gzip } : { kind: 'stream', open: () => openJob(job, env) },
    delimiter: spec.delimiter,
    columns: plan.columns,
    constants: lineageConstants(stamp),
    rowNumberColumn: SOURCE_ROW,
    maxLineBytes: spec.limits.maxLineBytes,
    createdInTransaction: !exists,
    signal,
  });
  let last: CsvAppend | undefined;
  try {
    return await commitFile(env, job, schemaChanges(plan, !exists), async (stamp) => {
      for (const sql of prepareRawTable(env.adapter.dialect, spec.relation, exists, plan.added)) await env.connection.execute(sql);
      if (!native) {
        last = append(stamp);
        return { rows: await env.adapter.rawAppender.appendCsv(env.connection, last), rejected: 0 };
      }
      // The engine reads the file itself; the same bytes are checked alongside (bomb, line size, gzip).
      const controller = new AbortController();
      const guard = drain(openJob(job, env)).then(
        () => undefined,
        (error: unknown) => {
          controller.abort();
          return error;
        },
      );
      last = append(stamp, controller.signal);
      let rows: number;
      try {
        rows = await env.adapter.rawAppender.appendCsv(env.connection, last);
      } catch (error) {
        const checked = await Promise.race([guard, new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), GUARD_GRACE_MS).unref())]);
        if (checked === 'late') controller.abort();
        throw checked instanceof Error ? checked : error;
      }
      const checked = await guard;
      if (checked) throw checked;
      return { rows, rejected: 0 };
    });
  } catch (error) {
    if (error instanceof CsvAppendError && last) throw await explain(error, job, env, plan, last);
    throw error;
  }
}

/** An engine's append error as a LoadFileError with the physical line and an engine-independent message. */
async function explain(error: CsvAppendError, job: FileJob, env: LoadEnv, plan: OkPlan, append: CsvAppend): Promise<LoadFileError> {
  const { spec } = job;
  if (error.detail.kind === 'conversion') {
    const located =
      error.detail.record !== undefined && error.detail.column !== undefined
        ? { record: error.detail.record, column: error.detail.column, value: error.detail.value ?? '' }
        : await env.adapter.rawAppender.locateBadValue(env.connection, append);
    if (located) {
      const { line } = await inspectCsvRecord(openJob(job, env), spec.delimiter, located.record);
      const column = plan.columns.find((c) => c.name === located.column);
      return new LoadFileError(conversionMessage(job, plan, located.column, located.value, column?.type), { line, record: located.record, column: located.column }, 'conversion');
    }
    return new LoadFileError(error.message, {}, 'conversion');
  }
  const inspection = await inspectCsvRecord(openJob(job, env), spec.delimiter, error.detail.record);
  if (inspection.problem) return new LoadFileError(inspection.problem, { line: inspection.line }, 'shape');
  return new LoadFileError(error.message, { line: inspection.line, record: error.detail.record }, error.detail.kind === 'shape' ? 'shape' : 'other');
}

/** Why a value does not fit, naming the column and where its type came from. */
export function conversionMessage(job: FileJob, plan: OkPlan, column: string, value: string, type: LogicalType | undefined): string {
  const label = type ? typeLabel(type) : 'its type';
  const relation = `${job.spec.relation.schema}.${job.spec.relation.identifier}`;
  if (plan.inferred.has(column)) return `column '${column}': '${value}' does not fit ${label}, the type inferred from the file`;
  if (job.spec.declared.some((d) => d.name === column && d.type)) return `column '${column}': '${value}' does not fit its declared type ${label}`;
  return `column '${column}' changed: '${value}' does not fit ${label}, its type in ${relation} from earlier loads`;
}

interface Reject {
  readonly line: number;
  readonly row: number;
  readonly column: string | null;
  readonly reason: string;
  readonly raw: string;
}

/** `on_error: continue`: every row checked in Node; good rows loaded with their row numbers, bad ones recorded. */
async function loadTolerant(
  job: FileJob,
  env: LoadEnv,
  existing: { name: string; type: LogicalType | undefined }[] | undefined,
  fixed: ReadonlyMap<string, LogicalType>,
): Promise<FileLoadResult> {
  const { spec } = job;
  let header: string[] | undefined;
  const rejects: Reject[] = [];
  const rejected = new Set<number>();
  const profiles = new Map<string, import('../../seeds/infer-column-type.js').ColumnProfiler>();
  const { ColumnProfiler } = await import('../../seeds/infer-column-type.js');
  for await (const record of csvRecords(openJob(job, env), spec.delimiter, { raw: true, nulls: true })) {
    if (!header) {
      header = record.fields.map((f) => f ?? '');
      checkHeader(header);
      for (const name of header) if (!fixed.has(name)) profiles.set(name, new ColumnProfiler());
      continue;
    }
    const raw = (record.raw ?? '').replace(/\r?\n$/, '');
    if (record.fields.length !== header.length) {
      rejected.add(record.index);
      rejects.push({ line: record.line, row: record.index, column: null, reason: `expected ${header.length} fields (as in the header), found ${record.fields.length}`, raw });
      continue;
    }
    let bad = false;
    for (const [i, name] of header.entries()) {
      const value = record.fields[i];
      const type = fixed.get(name);
      if (!type || value == null || value.trim() === '' || fitsType(type, value)) continue;
      rejected.add(record.index);
      rejects.push({ line: record.line, row: record.index, column: name, reason: `'${value}' does not fit ${typeLabel(type)}`, raw });
      bad = true;
      break;
    }
    if (bad) continue;
    for (const [i, name] of header.entries()) {
      const value = record.fields[i];
      if (value != null) profiles.get(name)?.add(value);
    }
  }
  if (!header) throw new LoadFileError('the file is empty: it has no header row', { line: 1 }, 'shape');
  const plan = plan_(job, { header, profiles }, existing);
  const text = new Set(plan.columns.filter((c) => c.type === 'text').map((c) => c.name));
  const width = header.length;
  const names = header;
  const rows = async function* (): AsyncGenerator<(string | null)[]> {
    for await (const record of csvRecords(openJob(job, env), spec.delimiter, { nulls: true })) {
      if (record.index === 0 || rejected.has(record.index)) continue;
      const out: (string | null)[] = new Array<string | null>(width + 1);
      for (let i = 0; i < width; i++) {
        const v = record.fields[i] ?? null;
        out[i] = v === '' && !text.has(names[i]!) ? null : v;
      }
      out[width] = String(record.index);
      yield out;
    }
  };
  const exists = existing !== undefined;
  return commitFile(env, job, schemaChanges(plan, !exists), async (stamp) => {
    for (const sql of prepareRawTable(env.adapter.dialect, spec.relation, exists, plan.added)) await env.connection.execute(sql);
    const count = await env.adapter.rawAppender.appendCsv(env.connection, {
      target: spec.relation,
      input: { kind: 'stream', open: () => csvStream([...header!, SOURCE_ROW], rows) },
      delimiter: ',',
      columns: [...plan.columns, { name: SOURCE_ROW, type: 'bigint' }],
      constants: lineageConstants(stamp),
      maxLineBytes: spec.limits.maxLineBytes,
      createdInTransaction: !exists,
    });
    if (rejects.length) await writeRejects(env, job, stamp, rejects);
    return { rows: count, rejected: rejects.length };
  });
}

/** Records rejected rows in the rejects table, in the load's transaction. */
export async function writeRejects(env: LoadEnv, job: FileJob, stamp: LoadStamp, rejects: readonly Reject[]): Promise<void> {
  const columns = REJECTS_COLUMNS.filter((c) => !['load_id', 'source', 'path'].includes(c.name));
  await env.adapter.rawAppender.appendCsv(env.connection, {
    target: env.log.rejects,
    input: {
      kind: 'stream',
      open: () =>
        csvStream(
          columns.map((c) => c.name),
          async function* () {
            for (const r of rejects) yield [String(r.line), String(r.row), r.column, r.reason, r.raw];
          },
        ),
    },
    delimiter: ',',
    columns,
    constants: [
      { name: 'load_id', type: 'bigint', value: String(stamp.loadId) },
      { name: 'source', type: 'text', value: job.spec.name },
      { name: 'path', type: 'text', value: job.file.display },
    ],
    maxLineBytes: Math.max(job.spec.limits.maxLineBytes * 2, 1 << 20),
  });
}

export type { Reject };
