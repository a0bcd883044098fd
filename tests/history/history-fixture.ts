import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { EngineProject, Row } from '../helpers/engines.js';

/** Session settings of a run in another time zone: results must not change. */
export const KOLKATA = { TZ: 'Asia/Kolkata', PGOPTIONS: '-c TimeZone=Asia/Kolkata' } as const;

/** A value of a raw row (NULL as null). */
export type RawValue = string | number | null;

/** One raw load: a file with rows, stamped with the lineage columns the loader writes. */
export interface RawLoad {
  readonly id: number;
  /** Logical load date, `YYYY-MM-DD` (midnight UTC). */
  readonly date: string;
  readonly file?: string;
  readonly rows: readonly Record<string, RawValue>[];
}

/** A raw table as the loader makes it: the file's columns (all text here) plus the lineage columns. */
export class RawTable {
  constructor(
    readonly project: EngineProject,
    readonly schema: string,
    readonly table: string,
    readonly columns: readonly { name: string; type: string }[],
  ) {}

  get relation(): string {
    return this.project.engine.dialect.relation({ schema: this.schema, identifier: this.table });
  }

  async create(): Promise<void> {
    mkdirSync(path.join(this.project.dir, 'target'), { recursive: true });
    const d = this.project.engine.dialect;
    const cols = [...this.columns, { name: '_load_id', type: 'bigint' }, { name: '_load_date', type: 'timestamp with time zone' }, { name: '_loaded_at', type: 'timestamp with time zone' }, { name: '_source_file', type: 'text' }, { name: '_source_row', type: 'bigint' }];
    await this.project.query(`create schema if not exists ${d.quoteIdentifier(this.schema)}; create table ${this.relation} (${cols.map((c) => `${d.quoteIdentifier(c.name)} ${c.type}`).join(', ')})`);
  }

  /** Adds a column, as the loader does when a file brings a new one. */
  async addColumn(name: string, type: string): Promise<void> {
    const d = this.project.engine.dialect;
    await this.project.query(`alter table ${this.relation} add column ${d.quoteIdentifier(name)} ${type}`);
    (this.columns as { name: string; type: string }[]).push({ name, type });
  }

  async append(load: RawLoad): Promise<void> {
    const d = this.project.engine.dialect;
    const lit = (v: RawValue): string => (v === null ? 'null' : typeof v === 'number' ? String(v) : d.quoteLiteral(v));
    const file = load.file ?? `landing/customers/${load.date}.csv`;
    if (load.rows.length === 0) return;
    const values = load.rows.map((row, i) =>
      `(${[...this.columns.map((c) => lit(row[c.name] ?? null)), String(load.id), `cast('${load.date} 00:00:00+00' as timestamp with time zone)`, 'current_timestamp', d.quoteLiteral(file), String(i + 1)].join(', ')})`,
    );
    const names = [...this.columns.map((c) => c.name), '_load_id', '_load_date', '_loaded_at', '_source_file', '_source_row'].map((n) => d.quoteIdentifier(n));
    await this.project.query(`insert into ${this.relation} (${names.join(', ')}) values ${values.join(', ')}`);
  }
}

/** sources YAML declaring one raw table. */
export function sourcesYaml(schema: string, table: string, load: 'snapshot' | 'delta'): string {
  return `version: 2\nsources:\n  - name: crm\n    schema: ${JSON.stringify(schema)}\n    tables:\n      - name: ${table}\n        load: ${load}\n`;
}

export async function ok(project: EngineProject, args: readonly string[], env: Record<string, string> = {}): Promise<string> {
  const result = await project.strata(args, env);
  assert.equal(result.code, 0, `strata ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** Rows of a relation of the test schema as JSON-comparable objects, sorted; times as UTC ISO text. */
export async function rowsOf(project: EngineProject, relation: string, options: { orderBy?: string; columns?: string } = {}): Promise<Row[]> {
  const d = project.engine.dialect;
  const rows = await project.query(`select ${options.columns ?? '*'} from ${d.relation({ schema: project.schema, identifier: relation })}${options.orderBy ? ` order by ${options.orderBy}` : ''}`);
  // Keys sorted: a column added by an incremental run comes last, in a rebuild among the entity's columns.
  const normal = rows.map((r) => Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, normalise(v)])));
  return options.orderBy ? normal : normal.map((r) => JSON.stringify(r)).sort().map((r) => JSON.parse(r) as Row);
}

/** Engines print times differently (`+00`, `+00:00`, a `T`): one spelling, `YYYY-MM-DD HH:MM:SS` in UTC. */
function normalise(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.0+)?(\+00(?::?00)?|Z)?$/.exec(value);
  return m ? `${m[1]} ${m[2]}` : value;
}

/** Versions of a history table as compact tuples: key, value columns, from, to, current, deleted. */
export async function versions(project: EngineProject, relation: string, key: string, values: readonly string[]): Promise<unknown[][]> {
  const d = project.engine.dialect;
  const cols = [key, ...values].map((c) => d.quoteIdentifier(c)).join(', ');
  const rows = await rowsOf(project, relation, { columns: `${cols}, _valid_from, _valid_to, _is_current, _is_deleted`, orderBy: `${d.quoteIdentifier(key)}, _valid_from` });
  return rows.map((r) => [r[key], ...values.map((v) => r[v]), day(r._valid_from), day(r._valid_to), r._is_current, r._is_deleted]);
}

function day(value: unknown): unknown {
  return typeof value === 'string' ? value.replace(/ 00:00:00$/, '') : value;
}

/**
 * The invariants every history table keeps, checked with SQL: at most one current row per key,
 * current exactly when `_valid_to` is NULL, `_valid_from < _valid_to`, no overlapping or
 * non-adjacent versions of a key, and no version that repeats the state of the one before.
 */
export async function assertHistoryInvariants(project: EngineProject, relation: string, key: readonly string[]): Promise<void> {
  const d = project.engine.dialect;
  const h = d.relation({ schema: project.schema, identifier: relation });
  const k = key.map((c) => d.quoteIdentifier(c)).join(', ');
  const checks: Record<string, string> = {
    'more than one current row for a key': `select ${k} from ${h} where _is_current group by ${k} having count(*) > 1`,
    '_is_current disagrees with _valid_to': `select * from ${h} where _is_current <> (_valid_to is null)`,
    '_valid_from is not before _valid_to': `select * from ${h} where _valid_to is not null and _valid_from >= _valid_to`,
    'versions overlap or leave a gap': `select * from (select _valid_to, lead(_valid_from) over (partition by ${k} order by _valid_from) as next_from from ${h}) x
      where next_from is not null and (_valid_to is null or _valid_to <> next_from)`,
    'a version repeats the one before': `select * from (select _hash, _is_deleted, lag(_hash) over w as prev_hash, lag(_is_deleted) over w as prev_deleted from ${h}
      window w as (partition by ${k} order by _valid_from)) x where prev_hash = _hash and prev_deleted = _is_deleted`,
    'a deleted version right after a deleted one': `select * from (select _is_deleted, lag(_is_deleted) over (partition by ${k} order by _valid_from) as prev from ${h}) x where _is_deleted and prev`,
    'the last version of a key is not current': `select * from (select _is_current, row_number() over (partition by ${k} order by _valid_from desc) as n from ${h}) x where n = 1 and not _is_current`,
  };
  for (const [what, sql] of Object.entries(checks)) {
    const bad = await project.query(sql);
    assert.deepEqual(bad, [], `${relation}: ${what}`);
  }
}
