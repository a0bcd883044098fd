import type { LogicalType } from '../../adapters/contract.js';
import { ColumnProfiler, fitsType } from '../../seeds/infer-column-type.js';
import { schemaChanges, writeRejects, type Reject } from '../csv/load-csv-file.js';
import { commitFile, openJob, type FileJob, type FileLoadResult, type LoadEnv } from '../file-job.js';
import { lineageConstants, RESERVED_NAMES, SOURCE_ROW } from '../lineage-columns.js';
import { LoadFileError } from '../load-file-error.js';
import { csvStream } from '../normalized-csv.js';
import { typeLabel } from '../parse-type-name.js';
import { planColumns } from '../plan-columns.js';
import { prepareRawTable, rawColumns } from '../raw-table.js';
import { jsonRecords } from './json-records.js';
import { JsonNumber, stringifyJson, type JsonValue } from './parse-json.js';

/** A JSON value as the text loaded into a column of `type` (NULL for null). */
function cellText(value: JsonValue | undefined, type: LogicalType): string | null {
  if (value === undefined || value === null) return null;
  if (type === 'json') return typeof value === 'string' ? JSON.stringify(value) : stringifyJson(value);
  if (value instanceof JsonNumber) return value.text;
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  return stringifyJson(value);
}

function isNested(value: JsonValue | undefined): boolean {
  return value !== null && typeof value === 'object' && !(value instanceof JsonNumber);
}

/**
 * Loads a JSON file (one array of objects, or one object per line): each top-level key is a column
 * (nested values kept as JSON), typed as declared, as raw has it, or inferred from every record.
 * Two passes over the file: check and profile, then load.
 */
export async function loadJsonFile(job: FileJob, env: LoadEnv): Promise<FileLoadResult> {
  const { spec } = job;
  const existing = await rawColumns(env.adapter, env.connection, spec.relation);
  const fixed = new Map<string, LogicalType>();
  for (const d of spec.declared) if (d.type) fixed.set(d.name, d.type);
  for (const e of existing ?? []) fixed.set(e.name, e.type ?? 'text');
  const tolerant = spec.onError === 'continue';
  const columns: string[] = [];
  const profiles = new Map<string, ColumnProfiler>();
  const rejects: Reject[] = [];
  const rejected = new Set<number>();
  for await (const record of jsonRecords(openJob(job, env, false), spec.limits.maxLineBytes)) {
    const fail = (reason: string, column: string | null): void => {
      if (!tolerant) throw new LoadFileError(column ? `column '${column}': ${reason}` : reason, { line: record.line, record: record.index, column: column ?? undefined }, 'conversion');
      rejected.add(record.index);
      rejects.push({ line: record.line, row: record.index, column, reason, raw: record.text.length > 10_000 ? `${record.text.slice(0, 10_000)}…` : record.text });
    };
    const value = record.value;
    if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof JsonNumber) {
      fail(`record ${record.index} is not a JSON object`, null);
      continue;
    }
    let bad = false;
    for (const [key, v] of Object.entries(value)) {
      const type = fixed.get(key);
      if (!type || v === null) continue;
      const text = cellText(v, type);
      if ((isNested(v) && type !== 'json') || (text !== null && text.trim() !== '' && !fitsType(type, text))) {
        const how = fixed.has(key) && spec.declared.some((d) => d.name === key && d.type) ? `its declared type ${typeLabel(type)}` : `${typeLabel(type)}, its type in ${spec.relation.schema}.${spec.relation.identifier} from earlier loads`;
        fail(`${isNested(v) ? 'a nested value' : `'${text}'`} does not fit ${how}`, key);
        bad = true;
        break;
      }
    }
    if (bad) continue;
    for (const [key, v] of Object.entries(value)) {
      if (!profiles.has(key)) {
        if (RESERVED_NAMES.has(key)) throw new LoadFileError(`key '${key}' uses a name the loader reserves for lineage`, { line: record.line }, 'shape');
        columns.push(key);
        profiles.set(key, new ColumnProfiler());
      }
      if (v === null) continue;
      if (isNested(v)) profiles.get(key)!.addNested();
      else profiles.get(key)!.add(cellText(v, 'text') ?? '');
    }
  }
  if (columns.length === 0 && !existing) throw new LoadFileError('the file has no JSON records with keys, so there are no columns to create the raw table from', { line: 1 }, 'shape');
  const plan = planColumns({
    fileColumns: columns,
    declared: spec.declared,
    existing,
    inferred: (name) => profiles.get(name)?.type() ?? 'text',
    relation: `${spec.relation.schema}.${spec.relation.identifier}`,
  });
  if (!plan.ok) throw new LoadFileError(plan.message.replace('missing from the file', 'missing from every record'), { column: plan.column }, 'shape');
  const types = plan.columns.map((c) => c.type);
  const rows = async function* (): AsyncGenerator<(string | null)[]> {
    for await (const record of jsonRecords(openJob(job, env, false), spec.limits.maxLineBytes)) {
      if (rejected.has(record.index)) continue;
      const object = record.value as Record<string, JsonValue>;
      const out = columns.map((name, i) => {
        const text = cellText(object[name], types[i]!);
        return text === '' && types[i] !== 'text' ? null : text;
      });
      out.push(String(record.index));
      yield out;
    }
  };
  const exists = existing !== undefined;
  return commitFile(env, job, schemaChanges(plan, !exists), async (stamp) => {
    for (const sql of prepareRawTable(env.adapter.dialect, spec.relation, exists, plan.added)) await env.connection.execute(sql);
    const count = await env.adapter.rawAppender.appendCsv(env.connection, {
      target: spec.relation,
      input: { kind: 'stream', open: () => csvStream([...columns, SOURCE_ROW], rows) },
      delimiter: ',',
      columns: [...plan.columns, { name: SOURCE_ROW, type: 'bigint' }],
      constants: lineageConstants(stamp),
      maxLineBytes: Math.max(spec.limits.maxLineBytes * 2, 1 << 20),
      createdInTransaction: !exists,
    });
    if (rejects.length) await writeRejects(env, job, stamp, rejects);
    return { rows: count, rejected: rejects.length };
  });
}
