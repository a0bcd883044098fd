/**
 * Issue 5's benchmark, on DuckDB and PostgreSQL: Strata's history, point-in-time and windowed
 * aggregate strategies against the best hand-written SQL for the same step on the same engine,
 * in the same run, sides alternating.
 *
 * - history: 1,000,000 entities with ten attributes of mixed types, loaded as a snapshot feed;
 *   the measured step applies a second snapshot where 5% of the entities changed, 1% are new and
 *   0.5% vanished (an incremental `strata run` against a hand-written SCD2 step: close changed and
 *   vanished versions, insert new versions and deletion rows, record the load; same hash, same rows).
 * - point_in_time: the resulting history sliced at 12 dates (12 million rows), built in full.
 * - windowed_aggregate: 7- and 30-day windows (sum, count, avg, max) per account and day over
 *   10,000,000 events: a full build, and an incremental run after one more day of events.
 *
 * Before every measured step both sides are reset to the same state (uncounted); after it their
 * tables are compared row by row (EXCEPT both ways) and must be identical.
 *
 * Knobs: STRATA_BENCH_RUNS=3, STRATA_BENCH_ENTITIES=1000000, STRATA_BENCH_EVENTS=10000000,
 * STRATA_BENCH_ENGINES=duckdb,postgres, STRATA_BENCH_PG_URL (else STRATA_TEST_PG_URL, else local),
 * STRATA_BENCH_DUCKDB_MEMORY=8GB.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Dialect } from '../src/adapters/contract.js';
import { DuckdbDialect } from '../src/adapters/duckdb/duckdb-dialect.js';
import { PostgresDialect } from '../src/adapters/postgres/postgres-dialect.js';
import { trackedHashSql } from '../src/materialize/history/hash-sql.js';
import { machineFacts } from './lib/machine-facts.js';
import { assertSucceeded, measureProcess, median, PEAK_RSS_METHOD, type ProcessMeasurement } from './lib/measure.js';
import { REPO_ROOT, snapshotCli, WORK_DIR } from './lib/paths.js';
import { markdownTable, writeResultsSection } from './lib/results-md.js';

const NAME = 'history';
const RUNS = Number(process.env.STRATA_BENCH_RUNS ?? 3);
const ENTITIES = Number(process.env.STRATA_BENCH_ENTITIES ?? 1_000_000);
const EVENTS = Number(process.env.STRATA_BENCH_EVENTS ?? 10_000_000);
const ENGINES = (process.env.STRATA_BENCH_ENGINES ?? 'duckdb,postgres').split(',').map((e) => e.trim()) as ('duckdb' | 'postgres')[];
const PG_URL = process.env.STRATA_BENCH_PG_URL ?? process.env.STRATA_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const DUCKDB_MEMORY = process.env.STRATA_BENCH_DUCKDB_MEMORY ?? '8GB';
const GOAL: Record<string, number> = { duckdb: 1.1, postgres: 1.2 };
const RUN_SQL = path.join(REPO_ROOT, 'bench', 'lib', 'run-sql.mjs');
const BATCH = Math.round(EVENTS / 365);
const LOAD2 = '2024-01-02 00:00:00+00';
const PIT_DATES = Array.from({ length: 12 }, (_, i) => `2024-01-${String(i + 1).padStart(2, '0')}`);

const ATTRIBUTES: readonly { name: string; type: string; sql: (i: string, changed: string) => string }[] = [
  { name: 'a1', type: 'text', sql: (i) => `'name_' || ${i}` },
  { name: 'a2', type: 'integer', sql: (i, changed) => `cast(${i} % 97 + case when ${changed} then 1 else 0 end as integer)` },
  { name: 'a3', type: 'decimal(18,2)', sql: (i) => `cast(${i} * 0.01 as decimal(18,2))` },
  { name: 'a4', type: 'text', sql: (i) => `md5(cast(${i} as text))` },
  { name: 'a5', type: 'date', sql: (i) => `date '2020-01-01' + cast(${i} % 1000 as integer)` },
  { name: 'a6', type: 'boolean', sql: (i) => `${i} % 3 = 0` },
  { name: 'a7', type: 'bigint', sql: (i) => `cast(${i} * 7 as bigint)` },
  { name: 'a8', type: 'double precision', sql: (i) => `cast(${i} * 1.5 as double precision)` },
  { name: 'a9', type: 'text', sql: (i, changed) => `case when ${changed} then 'segment_x' else 'segment_' || cast(${i} % 50 as text) end` },
  { name: 'a10', type: 'timestamp with time zone', sql: (i) => `cast('2023-01-01 00:00:00+00' as timestamp with time zone) + ${i} * interval '1 second'` },
];
const ENTITY_COLUMNS = ['id', ...ATTRIBUTES.map((a) => a.name)];
const HISTORY_COLUMNS = [...ENTITY_COLUMNS, '_valid_from', '_valid_to', '_is_current', '_is_deleted', '_hash', '_load_id', '_source_file', '_source_row'];
const WINDOW_COLUMNS = ['account_id', 'bucket_start', ...['7d', '30d'].flatMap((w) => ['sum', 'count', 'avg', 'max'].map((f) => `amount_${f}_${w}`))];

interface Engine {
  readonly name: 'duckdb' | 'postgres';
  readonly dialect: Dialect;
  readonly dir: string;
  /** Schema of Strata's models. */
  readonly schema: string;
  /** Schema of the hand-written side's tables. */
  readonly hand: string;
  readonly raw: string;
  /** Runner target: the database file or the URL. */
  readonly target: string;
  series(n: string): string;
  /** The dedup step of the hand-written SCD2, in the engine's best idiom. */
  dedup(select: string, from: string): string;
}

interface Side {
  /** What is compared: Strata's materialization (node durationMs) or the hand-written statements. */
  readonly sqlMs: number;
  readonly process: ProcessMeasurement;
}

type Work = 'history' | 'point_in_time' | 'windowed_full' | 'windowed_incremental';
const WORK_LABEL: Record<Work, string> = {
  history: `history: incremental SCD2 step, ${fmt(ENTITIES)} entities × 10 attributes, snapshot with 5% changed, 1% new, 0.5% vanished`,
  point_in_time: `point_in_time: 12 as-of dates over that history (built in full)`,
  windowed_full: `windowed_aggregate: 7/30-day windows over ${fmt(EVENTS)} events, full build`,
  windowed_incremental: `windowed_aggregate: incremental run after ${fmt(BATCH)} new events (one day)`,
};

async function main(): Promise<void> {
  const started = Date.now();
  const strataBin = snapshotCli(NAME);
  const sections: string[] = [];
  for (const name of ENGINES) {
    const engine = makeEngine(name);
    log(`${name}: setting up`);
    const results = await benchEngine(engine, strataBin);
    sections.push(reportEngine(engine, results));
  }
  if (RUNS === 0) return log('STRATA_BENCH_RUNS=0: set up only, bench/RESULTS.md left alone');
  writeResultsSection(NAME, report(sections, (Date.now() - started) / 60000));
  log('written to bench/RESULTS.md');
}

function makeEngine(name: 'duckdb' | 'postgres'): Engine {
  const dir = path.join(WORK_DIR, NAME, name);
  const tag = `hb_${process.pid}`;
  if (name === 'duckdb') {
    return {
      name,
      dialect: new DuckdbDialect(),
      dir,
      schema: 'bench',
      hand: 'hand',
      raw: 'raw',
      target: path.join(dir, 'target', 'history_bench.duckdb'),
      series: (n) => `range(1, ${n} + 1) as t(i)`,
      dedup: (select, from) => `${select} from ${from} qualify row_number() over (partition by id order by _source_file desc, _source_row desc) = 1`,
    };
  }
  return {
    name,
    dialect: new PostgresDialect(),
    dir,
    schema: `${tag}_bench`,
    hand: `${tag}_hand`,
    raw: `${tag}_raw`,
    target: PG_URL,
    series: (n) => `generate_series(1, ${n}) as t(i)`,
    dedup: (select, from) => `${select.replace(/^select /, 'select distinct on (id) ')} from ${from} order by id, _source_file desc, _source_row desc`,
  };
}

/** Runs statements in the runner process (one connection), returning its measurement and the last statement's rows. */
async function runSql(engine: Engine, given: readonly string[], measured = false): Promise<{ process: ProcessMeasurement; sqlMs: number; rows: Record<string, unknown>[] }> {
  const file = path.join(engine.dir, 'statements.json');
  let statements = given;
  // Setup and resets end with a checkpoint, so no measured step inherits their write-ahead log.
  if (engine.name === 'duckdb' && !measured) statements = [...statements, 'checkpoint'];
  writeFileSync(file, JSON.stringify(statements));
  const args = [RUN_SQL, engine.name, engine.target, file, ...(engine.name === 'duckdb' ? [DUCKDB_MEMORY] : [])];
  const m = await measureProcess(process.execPath, args, { cwd: REPO_ROOT });
  assertSucceeded(`run-sql ${statements[0]?.slice(0, 60)}`, m);
  const out = JSON.parse(m.stdout.trim().split('\n').at(-1)!) as { sqlMs: number; rows: Record<string, unknown>[] };
  return { process: m, sqlMs: out.sqlMs, rows: out.rows };
}

async function strata(engine: Engine, bin: string, args: string[], expectAction: RegExp): Promise<Side> {
  const env = { ...process.env, NO_COLOR: '1', STRATA_BENCH_URL: PG_URL, TZ: 'UTC' };
  const m = await measureProcess(process.execPath, [bin, 'run', ...args], { cwd: engine.dir, env });
  assertSucceeded(`strata run ${args.join(' ')}`, m);
  const results = JSON.parse(readFileSync(path.join(engine.dir, 'target', 'run_results.json'), 'utf8')) as { results: { durationMs: number; action?: string }[] };
  const node = results.results[0]!;
  if (!expectAction.test(node.action ?? '')) throw new Error(`strata run ${args.join(' ')}: expected ${expectAction}, got '${node.action}'`);
  return { sqlMs: node.durationMs, process: m };
}

function writeProject(engine: Engine): void {
  rmSync(engine.dir, { recursive: true, force: true });
  mkdirSync(path.join(engine.dir, 'models'), { recursive: true });
  const target =
    engine.name === 'duckdb'
      ? `    adapter: duckdb\n    path: target/history_bench.duckdb\n    schema: ${engine.schema}\n    memory_limit: ${DUCKDB_MEMORY}\n    threads: 1\n`
      : `    adapter: postgres\n    url: "{{ env_var('STRATA_BENCH_URL') }}"\n    schema: ${engine.schema}\n    threads: 1\n`;
  const files: Record<string, string> = {
    'strata.yml': `name: history_bench\ntarget: bench\ntargets:\n  bench:\n${target}`,
    'models/sources.yml': `version: 2\nsources:\n  - name: vendor\n    schema: ${engine.raw}\n    tables:\n      - name: entities\n        load: snapshot\n      - name: events\n`,
    'models/entities_history.sql': "{{ config(materialized='history', unique_key='id') }}\nselect * from {{ source('vendor', 'entities') }}",
    'models/entities_pit.sql': `{{ config(materialized='point_in_time', as_of_dates={'every': 'day', 'from': '${PIT_DATES[0]}', 'to': '${PIT_DATES.at(-1)}'}) }}\nselect * from {{ ref('entities_history') }}`,
    'models/events_rolling.sql': `{{ config(materialized='windowed_aggregate', time_column='event_at', partition_by='account_id', grain='day',
  windows=['7 days', '30 days'], aggregations={'amount': ['sum', 'count', 'avg', 'max']}) }}
select account_id, event_at, amount from {{ source('vendor', 'events') }}`,
  };
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(engine.dir, file), text);
  mkdirSync(path.join(engine.dir, 'target'), { recursive: true });
}

/** The raw rows of one snapshot load (load 1: ids 1..N; load 2: 5% changed, 1% new, 0.5% vanished). */
function loadSql(engine: Engine, load: 1 | 2): string {
  const n = load === 1 ? ENTITIES : ENTITIES + Math.round(ENTITIES / 100);
  const changed = load === 2 ? 'i % 20 = 3' : 'false';
  const vanished = load === 2 ? 'where i % 200 <> 7' : '';
  const date = load === 1 ? '2024-01-01 00:00:00+00' : LOAD2;
  return `insert into ${engine.raw}.entities
select i as id, ${ATTRIBUTES.map((a) => `${a.sql('i', changed)} as ${a.name}`).join(', ')},
  cast(${load} as bigint) as _load_id, cast('${date}' as timestamp with time zone) as _load_date, current_timestamp as _loaded_at,
  'landing/entities_${date.slice(0, 10)}.csv' as _source_file, cast(i as bigint) as _source_row
from ${engine.series(String(n))} ${vanished}`;
}

function eventsSql(engine: Engine, table: string, n: number, from: string, spanSeconds: number): string {
  return `insert into ${engine.raw}.${table}
select cast(i % 1000 as integer) as account_id,
  cast('${from}' as timestamp with time zone) + cast(floor(i * ${spanSeconds / n}) as integer) * interval '1 second' as event_at,
  cast((i % 10000) * 0.01 as decimal(18,2)) as amount
from ${engine.series(String(n))}`;
}

/** The hand-written SCD2 step: the classic join of the new snapshot against the current versions. */
function handHistorySql(engine: Engine): string[] {
  const d = engine.dialect;
  const h = `${engine.hand}.hist`;
  const tracked = ATTRIBUTES.map((a) => ({ name: a.name, type: a.type })).sort((a, b) => (a.name < b.name ? -1 : 1));
  const hash = trackedHashSql(d, tracked);
  const at = `cast('${LOAD2}' as timestamp with time zone)`;
  const entity = ENTITY_COLUMNS.join(', ');
  const cols = HISTORY_COLUMNS.join(', ');
  return [
    `create table ${engine.hand}.stage as ${engine.dedup(`select ${entity}, _load_id, _source_file, _source_row, ${hash} as _hash`, `${engine.raw}.entities where _load_date = ${at}`)}`,
    `create table ${engine.hand}.changes as select n.*, c.id is not null as had_current from ${engine.hand}.stage n
      left join ${h} c on c.id = n.id and c._valid_to is null
      where c.id is null or c._is_deleted or c._hash <> n._hash`,
    `create table ${engine.hand}.vanished as select h.* from ${h} h
      where h._valid_to is null and not h._is_deleted and not exists (select 1 from ${engine.hand}.stage n where n.id = h.id)`,
    'begin',
    `update ${h} as h set _valid_to = ${at}, _is_current = false
      from (select id from ${engine.hand}.changes where had_current union all select id from ${engine.hand}.vanished) as k
      where h.id = k.id and h._valid_to is null`,
    `insert into ${h} (${cols}) select ${entity}, ${at}, null, true, false, _hash, _load_id, _source_file, _source_row from ${engine.hand}.changes`,
    `insert into ${h} (${cols}) select ${entity}, ${at}, null, true, true, _hash, 2, 'landing/entities_2024-01-02.csv', null from ${engine.hand}.vanished`,
    `insert into ${engine.hand}.hist_loads (load_id, load_date, applied_at) values ('2', ${at}, current_timestamp)`,
    'commit',
    `drop table ${engine.hand}.stage`,
    `drop table ${engine.hand}.changes`,
    `drop table ${engine.hand}.vanished`,
  ];
}

function handPitSql(engine: Engine): string[] {
  const dates = PIT_DATES.map((d) => `(cast('${d} 00:00:00+00' as timestamp with time zone))`).join(', ');
  const keep = HISTORY_COLUMNS.filter((c) => !['_valid_to', '_is_current', '_is_deleted'].includes(c)).map((c) => `h.${c}`).join(', ');
  return [
    `drop table if exists ${engine.hand}.pit_new`,
    `create table ${engine.hand}.pit_new as select d.as_of, ${keep} from (values ${dates}) as d(as_of)
      join ${engine.hand}.hist h on h._valid_from <= d.as_of and (h._valid_to is null or h._valid_to > d.as_of) and not h._is_deleted`,
    'begin',
    `drop table if exists ${engine.hand}.pit`,
    `alter table ${engine.hand}.pit_new rename to pit`,
    'commit',
  ];
}

/** The two-level windowed aggregate (per-day partials, then range windows over days); `since` restricts it to recent buckets. */
function windowedSelect(engine: Engine, since?: string): string {
  const w = (name: string, days: number): string => `${name} as (partition by account_id order by day range between interval '${days} days' preceding and current row)`;
  const cols = ['7d', '30d'].flatMap((win) => [
    `sum(s) over w${win} as amount_sum_${win}`,
    `cast(sum(c) over w${win} as bigint) as amount_count_${win}`,
    `cast(sum(s) over w${win} as double precision) / nullif(cast(sum(c) over w${win} as double precision), 0) as amount_avg_${win}`,
    `max(m) over w${win} as amount_max_${win}`,
  ]);
  // Plain constant expressions (no subquery), so the planner sees the bounds.
  const where = since ? `where event_at >= ${since} - interval '29 days'` : '';
  const filter = since ? `where day >= (${since} at time zone 'UTC')` : '';
  return `with b as (
  select account_id, date_trunc('day', event_at at time zone 'UTC') as day, sum(amount) as s, count(amount) as c, max(amount) as m
  from ${engine.raw}.events ${where} group by 1, 2
), r as (
  select account_id, day, ${cols.join(', ')} from b window ${w('w7d', 6)}, ${w('w30d', 29)}
)
select account_id, day at time zone 'UTC' as bucket_start, ${WINDOW_COLUMNS.slice(2).join(', ')} from r ${filter}`;
}

function handWindowedFullSql(engine: Engine): string[] {
  return [
    `drop table if exists ${engine.hand}.rolling_new`,
    `create table ${engine.hand}.rolling_new as ${windowedSelect(engine)}`,
    'begin',
    `drop table if exists ${engine.hand}.rolling`,
    `alter table ${engine.hand}.rolling_new rename to rolling`,
    'commit',
  ];
}

/** The hand-written incremental run, given the latest bucket built (read first, as a literal the planner can use). */
function handWindowedIncrementalSql(engine: Engine, lastBucket: string): string[] {
  const since = `cast('${lastBucket}' as timestamp with time zone)`;
  return [
    `create table ${engine.hand}.rolling_batch as ${windowedSelect(engine, since)}`,
    'begin',
    `delete from ${engine.hand}.rolling where bucket_start >= (select min(bucket_start) from ${engine.hand}.rolling_batch)`,
    `insert into ${engine.hand}.rolling select * from ${engine.hand}.rolling_batch`,
    'commit',
    `drop table ${engine.hand}.rolling_batch`,
  ];
}

/** Rows in one table and not the other, both ways (0 when identical). */
function differenceSql(a: string, b: string, columns: readonly string[]): string {
  const list = columns.join(', ');
  return `select (select count(*) from (select ${list} from ${a} except select ${list} from ${b}) x) + (select count(*) from (select ${list} from ${b} except select ${list} from ${a}) y) as n`;
}

async function assertSame(engine: Engine, what: string, a: string, b: string, columns: readonly string[]): Promise<void> {
  const { rows } = await runSql(engine, [differenceSql(a, b, columns)], true);
  const n = Number(rows[0]?.n);
  if (n !== 0) throw new Error(`${engine.name} ${what}: Strata's table and the hand-written one differ in ${n} rows`);
}

function copySql(engine: Engine, from: string, to: string): string[] {
  const analyze = engine.name === 'postgres' ? [`analyze ${to}`] : [];
  return [`drop table if exists ${to}`, `create table ${to} as select * from ${from}`, ...analyze];
}

async function benchEngine(engine: Engine, bin: string): Promise<Map<Work, { strata: Side[]; hand: Side[] }>> {
  writeProject(engine);
  const s = engine.schema;
  const base = `${engine.hand}_base`;
  const entityDefs = ['id integer', ...ATTRIBUTES.map((a) => `${a.name} ${a.type}`), '_load_id bigint', '_load_date timestamp with time zone', '_loaded_at timestamp with time zone', '_source_file text', '_source_row bigint'];
  const eventDefs = 'account_id integer, event_at timestamp with time zone, amount decimal(18,2)';
  const analyze = (t: string): string[] => (engine.name === 'postgres' ? [`analyze ${t}`] : []);
  for (const schema of [engine.schema, engine.hand, engine.raw, base]) await runSql(engine, [`drop schema if exists ${schema} cascade`, `create schema ${schema}`]);
  await runSql(engine, [
    `create table ${engine.raw}.entities (${entityDefs.join(', ')})`,
    loadSql(engine, 1),
    ...analyze(`${engine.raw}.entities`),
    `create table ${engine.raw}.events (${eventDefs})`,
    eventsSql(engine, 'events', EVENTS, '2023-01-01 00:00:00+00', 365 * 86_400 - 1),
    `create table ${engine.raw}.events_batch (${eventDefs})`,
    eventsSql(engine, 'events_batch', BATCH, '2024-01-01 00:00:00+00', 86_400),
    ...analyze(`${engine.raw}.events`),
  ]);
  log(`${engine.name}: raw data generated`);
  // The history after load 1 and the windowed aggregate without the last day: the starting states.
  await strata(engine, bin, ['-s', 'entities_history events_rolling'], /./);
  await runSql(engine, [
    ...copySql(engine, `${s}.entities_history`, `${base}.hist`),
    ...copySql(engine, `${s}.entities_history__loads`, `${base}.hist_loads`),
    ...copySql(engine, `${s}.events_rolling`, `${base}.rolling`),
    loadSql(engine, 2),
    ...analyze(`${engine.raw}.entities`),
  ]);
  log(`${engine.name}: starting states saved`);

  const results = new Map<Work, { strata: Side[]; hand: Side[] }>();
  const record = (work: Work, side: 'strata' | 'hand', value: Side): void => {
    const entry = results.get(work) ?? { strata: [], hand: [] };
    entry[side].push(value);
    results.set(work, entry);
  };
  const resetHistory = async (): Promise<void> => {
    await runSql(engine, [
      ...copySql(engine, `${base}.hist`, `${s}.entities_history`),
      ...copySql(engine, `${base}.hist_loads`, `${s}.entities_history__loads`),
      ...copySql(engine, `${base}.hist`, `${engine.hand}.hist`),
      ...copySql(engine, `${base}.hist_loads`, `${engine.hand}.hist_loads`),
      // Read the new load once, so the side that runs first does not pay alone for bringing it into the caches.
      `select count(*), max(a1), max(a4), max(a9), max(_source_file) from ${engine.raw}.entities where _load_date = cast('${LOAD2}' as timestamp with time zone)`,
    ]);
  };
  const resetRolling = async (): Promise<void> => {
    await runSql(engine, [...copySql(engine, `${base}.rolling`, `${s}.events_rolling`), ...copySql(engine, `${base}.rolling`, `${engine.hand}.rolling`)]);
  };

  for (let run = 0; run < RUNS; run += 1) {
    const order: ('strata' | 'hand')[] = run % 2 === 0 ? ['strata', 'hand'] : ['hand', 'strata'];

    await resetHistory();
    for (const side of order) {
      if (side === 'strata') record('history', side, await strata(engine, bin, ['-s', 'entities_history'], /appended 2024-01-02/));
      else record('history', side, await runSql(engine, handHistorySql(engine), true));
    }
    await assertSame(engine, 'history', `${s}.entities_history`, `${engine.hand}.hist`, HISTORY_COLUMNS);
    log(`${engine.name} run ${run + 1}: history strata ${ms(results.get('history')!.strata.at(-1)!.sqlMs)}, hand ${ms(results.get('history')!.hand.at(-1)!.sqlMs)}`);

    for (const side of order) {
      if (side === 'strata') record('point_in_time', side, await strata(engine, bin, ['-s', 'entities_pit', '--full-refresh'], /created point-in-time table/));
      else record('point_in_time', side, await runSql(engine, handPitSql(engine), true));
    }
    await assertSame(engine, 'point_in_time', `${s}.entities_pit`, `${engine.hand}.pit`, ['as_of', ...HISTORY_COLUMNS.filter((c) => !['_valid_to', '_is_current', '_is_deleted'].includes(c))]);
    log(`${engine.name} run ${run + 1}: point_in_time strata ${ms(results.get('point_in_time')!.strata.at(-1)!.sqlMs)}, hand ${ms(results.get('point_in_time')!.hand.at(-1)!.sqlMs)}`);

    for (const side of order) {
      if (side === 'strata') record('windowed_full', side, await strata(engine, bin, ['-s', 'events_rolling', '--full-refresh'], /created table/));
      else record('windowed_full', side, await runSql(engine, handWindowedFullSql(engine), true));
    }
    await assertSame(engine, 'windowed full build', `${s}.events_rolling`, `${engine.hand}.rolling`, WINDOW_COLUMNS);
    log(`${engine.name} run ${run + 1}: windowed full strata ${ms(results.get('windowed_full')!.strata.at(-1)!.sqlMs)}, hand ${ms(results.get('windowed_full')!.hand.at(-1)!.sqlMs)}`);

    await resetRolling();
    await runSql(engine, [`insert into ${engine.raw}.events select * from ${engine.raw}.events_batch`, ...analyze(`${engine.raw}.events`)]);
    for (const side of order) {
      if (side === 'strata') record('windowed_incremental', side, await strata(engine, bin, ['-s', 'events_rolling'], /recomputed buckets from/));
      else {
        const last = await runSql(engine, [`select cast(max(bucket_start) at time zone 'UTC' as text) as last from ${engine.hand}.rolling`], true);
        const step = await runSql(engine, handWindowedIncrementalSql(engine, `${String(last.rows[0]?.last)}+00`), true);
        record('windowed_incremental', side, { sqlMs: step.sqlMs + last.sqlMs, process: step.process });
      }
    }
    await assertSame(engine, 'windowed incremental', `${s}.events_rolling`, `${engine.hand}.rolling`, WINDOW_COLUMNS);
    await runSql(engine, [`delete from ${engine.raw}.events where event_at >= cast('2024-01-01 00:00:00+00' as timestamp with time zone)`]);
    log(`${engine.name} run ${run + 1}: windowed incremental strata ${ms(results.get('windowed_incremental')!.strata.at(-1)!.sqlMs)}, hand ${ms(results.get('windowed_incremental')!.hand.at(-1)!.sqlMs)}`);
  }
  if (engine.name === 'postgres' && !process.env.STRATA_BENCH_KEEP) {
    for (const schema of [engine.schema, engine.hand, engine.raw, base]) await runSql(engine, [`drop schema if exists ${schema} cascade`]);
  }
  return results;
}

function reportEngine(engine: Engine, results: Map<Work, { strata: Side[]; hand: Side[] }>): string {
  const goal = GOAL[engine.name]!;
  const rows: string[][] = [];
  const goals: string[] = [];
  for (const [work, { strata, hand }] of results) {
    const ratio = median(strata.map((s, i) => s.sqlMs / hand[i]!.sqlMs));
    const wholeRatio = median(strata.map((s, i) => s.process.wallMs / hand[i]!.process.wallMs));
    rows.push([
      WORK_LABEL[work],
      ms(median(hand.map((h) => h.sqlMs))),
      ms(median(strata.map((s) => s.sqlMs))),
      `${ratio.toFixed(2)}x`,
      ms(median(hand.map((h) => h.process.wallMs))),
      ms(median(strata.map((s) => s.process.wallMs))),
      `${wholeRatio.toFixed(2)}x`,
      `${Math.max(...hand.map((h) => h.process.peakRssMb)).toFixed(0)} MiB`,
      `${Math.max(...strata.map((s) => s.process.peakRssMb)).toFixed(0)} MiB`,
    ]);
    goals.push(`- ${WORK_LABEL[work]}: ${ratio.toFixed(2)}x — ${ratio <= goal ? 'met' : 'missed'}`);
  }
  const engineNote =
    engine.name === 'duckdb'
      ? `DuckDB runs inside the measured process on both sides (memory_limit ${DUCKDB_MEMORY}, all cores), so peak RSS includes the engine.`
      : 'PostgreSQL runs in its own server processes: peak RSS is that of the client process only (Strata, or the Node process sending the hand-written SQL).';
  return `### ${engine.name === 'duckdb' ? 'DuckDB' : 'PostgreSQL'}

${engineNote}

${markdownTable(['work', 'hand-written SQL', 'Strata materialization', 'ratio', 'hand process', 'strata run process', 'ratio', 'peak RSS hand', 'peak RSS strata'], rows)}

Goal: Strata's materialization within ${Math.round((goal - 1) * 100)}% of the hand-written SQL on ${engine.name === 'duckdb' ? 'DuckDB' : 'PostgreSQL'}:

${goals.join('\n')}
`;
}

function report(sections: readonly string[], minutes: number): string {
  return `## History, point-in-time and windowed aggregates vs hand-written SQL (DuckDB and PostgreSQL)

${machineFacts()} Benchmark took ${minutes.toFixed(1)} min.
Peak memory: ${PEAK_RSS_METHOD}.

Medians of ${RUNS} runs per engine, sides alternating; the ratio is the median of the per-round ratios. *Strata materialization*
is the node's own time in \`run_results.json\` (everything the strategy does: describing the query, reading the loads
applied and in raw, checking keys, staging, the transaction); *hand-written SQL* is the time of the statements
in one Node process on one connection (\`bench/lib/run-sql.mjs\`), connection excluded. The process columns are whole
processes (Node start-up, compile, connect, artifacts for Strata).
Before every measured step both sides start from the same state, copied from a saved one (uncounted); after it,
Strata's table and the hand-written one are compared with EXCEPT both ways and must be identical.

The hand-written history step is the classic SCD2 on the new snapshot: dedup (QUALIFY on DuckDB, DISTINCT ON on
PostgreSQL), the same \`_hash\` expression, a left join against the current versions, an anti-join for vanished keys,
then in one transaction an UPDATE ... FROM closing versions, INSERTs of new versions and deletion rows, and the load record.
The hand-written point-in-time is one CREATE TABLE AS (dates joined to the history) and a swap. The hand-written
windowed aggregate is the same two-level query (per-day partials, then RANGE windows); its incremental run reads the
latest day built first (counted) and recomputes from it with that date as a constant, as Strata does.

${sections.join('\n')}`;
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

function ms(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(0)} ms`;
}

function log(message: string): void {
  console.log(`[${NAME}] ${message}`);
}

await main();
