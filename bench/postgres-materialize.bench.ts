/**
 * Issue 3's benchmark: on PostgreSQL, `strata run` materializing a 1,000,000-row table and an
 * incremental merge of 50,000 changed rows into it, against the same work as hand-written SQL
 * sent with `psql`, in the same run, alternating sides.
 *
 * The hand-written side gets the guarantees Strata gives (the table is built under another name
 * and swapped in inside a transaction; the merge runs in one transaction from a temporary batch
 * table), so the comparison is of how the work is done, not of what is promised. Before every
 * merge, both tables are rebuilt and analyzed, uncounted, so each merge starts from the same state.
 * Each round also runs `strata run` of a one-row model: the fixed cost of a `strata run` process
 * (start-up, project, connect, lock, state and artifacts) beside `psql -c 'select 1'`.
 *
 * Environment knobs: STRATA_BENCH_RUNS=5, STRATA_BENCH_PG_ROWS=1000000,
 * STRATA_BENCH_PG_CHANGED=50000, STRATA_BENCH_PG_URL (else STRATA_TEST_PG_URL, else the local server).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { machineFacts } from './lib/machine-facts.js';
import { assertSucceeded, measureProcess, median, type ProcessMeasurement } from './lib/measure.js';
import { snapshotCli, WORK_DIR } from './lib/paths.js';
import { markdownTable, writeResultsSection } from './lib/results-md.js';

const NAME = 'postgres-materialize';
const RUNS = Number(process.env.STRATA_BENCH_RUNS ?? 5);
const ROWS = Number(process.env.STRATA_BENCH_PG_ROWS ?? 1_000_000);
const CHANGED = Number(process.env.STRATA_BENCH_PG_CHANGED ?? 50_000);
const PG_URL = process.env.STRATA_BENCH_PG_URL ?? process.env.STRATA_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const GOAL = 1.1;
const SCHEMA = `strata_bench_${process.pid}`;
const HAND = `${SCHEMA}_hand`;
/** Of the changed rows, one in ten is new (inserted), the others update existing rows spread over the table. */
const NEW_ROWS = Math.round(CHANGED / 10);

const COLUMNS = ['id', 'account_id', 'amount', 'note', 'created_at'];

/** The 1,000,000-row SELECT both sides materialize. */
const TABLE_SQL = `select g as id, g % 1000 as account_id, cast(g * 0.25 as numeric(18, 2)) as amount,
  md5(g::text) as note, timestamp '2024-01-01' + g * interval '1 second' as created_at
from generate_series(1, ${ROWS}) as g`;

/** The changed rows of merge number `round` (SQL text): updates spread over the table, then new ids past its end. */
function batchSql(round: string): string {
  const step = Math.floor(ROWS / (CHANGED - NEW_ROWS));
  return `select case when g <= ${CHANGED - NEW_ROWS} then g * ${step} else ${ROWS} + g end as id,
  g % 1000 as account_id, cast(g * 0.5 + ${round} as numeric(18, 2)) as amount,
  md5((g + ${round})::text) as note, timestamp '2024-06-01' + g * interval '1 second' as created_at
from generate_series(1, ${CHANGED}) as g`;
}

function handTableSql(): string {
  return `\\set ON_ERROR_STOP on
drop table if exists ${HAND}.big_table__new;
create table ${HAND}.big_table__new as ${TABLE_SQL};
begin;
drop table if exists ${HAND}.big_table;
alter table ${HAND}.big_table__new rename to big_table;
commit;
`;
}

function handMergeSql(round: number): string {
  const updates = COLUMNS.filter((c) => c !== 'id').map((c) => `${c} = b.${c}`).join(', ');
  return `\\set ON_ERROR_STOP on
begin;
create temporary table batch on commit drop as ${batchSql(String(round))};
merge into ${HAND}.events as t using batch as b on t.id = b.id
when matched then update set ${updates}
when not matched then insert (${COLUMNS.join(', ')}) values (${COLUMNS.map((c) => `b.${c}`).join(', ')});
commit;
`;
}

function writeProject(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, 'models'), { recursive: true });
  writeFileSync(path.join(dir, 'strata.yml'), `name: pg_bench\ntarget: pg\ntargets:\n  pg:\n    adapter: postgres\n    url: "{{ env_var('STRATA_BENCH_URL') }}"\n    schema: ${SCHEMA}\n    threads: 1\n`);
  writeFileSync(path.join(dir, 'models', 'big_table.sql'), `{{ config(materialized='table') }}\n${TABLE_SQL}\n`);
  writeFileSync(path.join(dir, 'models', 'one_row.sql'), `{{ config(materialized='table') }}\nselect 1 as id\n`);
  writeFileSync(
    path.join(dir, 'models', 'events.sql'),
    `{{ config(materialized='incremental', unique_key='id', incremental_strategy='merge') }}\n{% if is_incremental() %}\n${batchSql("{{ var('round', 0) }}")}\n{% else %}\n${TABLE_SQL}\n{% endif %}\n`,
  );
}

interface StrataMeasure {
  readonly process: ProcessMeasurement;
  /** The run use case inside the process (run_results.json elapsedMs): compile, connect, materialize, artifacts. */
  readonly useCaseMs: number;
  /** The node's own materialization time (run_results.json durationMs). */
  readonly nodeMs: number;
}

async function main(): Promise<void> {
  const started = Date.now();
  const strataBin = snapshotCli(NAME);
  assertBundled(strataBin);
  const dir = path.join(WORK_DIR, NAME, 'project');
  writeProject(dir);
  const env = { ...process.env, STRATA_BENCH_URL: PG_URL, NO_COLOR: '1' };
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  const version = (await client.query<{ v: string }>("select current_setting('server_version') as v")).rows[0]?.v ?? '?';
  const psqlVersion = execFileSync('psql', ['--version'], { encoding: 'utf8' }).trim();
  await client.query(`create schema ${HAND}`);

  const strata = async (args: string[]): Promise<StrataMeasure> => {
    const m = await measureProcess(process.execPath, [strataBin, 'run', ...args], { cwd: dir, env });
    assertSucceeded(`strata run ${args.join(' ')}`, m);
    const results = JSON.parse(readFileSync(path.join(dir, 'target', 'run_results.json'), 'utf8')) as { elapsedMs: number; results: { durationMs: number }[] };
    return { process: m, useCaseMs: results.elapsedMs, nodeMs: results.results[0]?.durationMs ?? Number.NaN };
  };
  const psql = async (sql: string): Promise<ProcessMeasurement> => {
    const file = path.join(dir, '..', 'hand.sql');
    writeFileSync(file, sql);
    const m = await measureProcess('psql', ['-X', '-q', '-d', PG_URL, '-f', file], { cwd: dir });
    assertSucceeded('psql', m);
    return m;
  };
  const stats = async (schema: string, table: string): Promise<string> => {
    const r = await client.query<{ n: string; amount: string; notes: string }>(`select count(*) as n, sum(amount) as amount, md5(string_agg(note, ',' order by id)) as notes from ${schema}.${table}`);
    return JSON.stringify(r.rows[0]);
  };

  const psqlFixed: number[] = [];
  const oneRow: StrataMeasure[] = [];
  const table = { strata: [] as StrataMeasure[], hand: [] as ProcessMeasurement[] };
  const merge = { strata: [] as StrataMeasure[], hand: [] as ProcessMeasurement[] };
  try {
    // Warm-up of both sides (not counted): compiled SQL cache, server caches.
    await strata(['-s', 'big_table']);
    await psql(handTableSql());
    for (let run = 0; run < RUNS; run += 1) {
      const strataFirst = run % 2 === 0;
      psqlFixed.push((await psql('select 1;\n')).wallMs);
      oneRow.push(await strata(['-s', 'one_row']));
      for (const side of strataFirst ? ['strata', 'hand'] : ['hand', 'strata']) {
        if (side === 'strata') table.strata.push(await strata(['-s', 'big_table']));
        else table.hand.push(await psql(handTableSql()));
      }
      const same = (await stats(SCHEMA, 'big_table')) === (await stats(HAND, 'big_table'));
      if (!same) throw new Error('the table differs between Strata and the hand-written SQL');
      log(`table run ${run + 1}: strata ${ms(table.strata.at(-1)!.process.wallMs)} (node ${ms(table.strata.at(-1)!.nodeMs)}), psql ${ms(table.hand.at(-1)!.wallMs)}`);

      // Same starting state for the merge on both sides, uncounted.
      await strata(['-s', 'events', '--full-refresh']);
      await psql(`\\set ON_ERROR_STOP on\ndrop table if exists ${HAND}.events;\ncreate table ${HAND}.events as ${TABLE_SQL};\n`);
      await client.query(`analyze ${SCHEMA}.events; analyze ${HAND}.events`);
      const round = run + 1;
      for (const side of strataFirst ? ['strata', 'hand'] : ['hand', 'strata']) {
        if (side === 'strata') merge.strata.push(await strata(['-s', 'events', '--vars', `{round: ${round}}`]));
        else merge.hand.push(await psql(handMergeSql(round)));
      }
      const strataStats = await stats(SCHEMA, 'events');
      if (strataStats !== (await stats(HAND, 'events'))) throw new Error('the merged table differs between Strata and the hand-written SQL');
      if (JSON.parse(strataStats).n !== String(ROWS + NEW_ROWS)) throw new Error(`the merged table has ${strataStats}, expected ${ROWS + NEW_ROWS} rows`);
      log(`merge run ${run + 1}: strata ${ms(merge.strata.at(-1)!.process.wallMs)} (node ${ms(merge.strata.at(-1)!.nodeMs)}), psql ${ms(merge.hand.at(-1)!.wallMs)}`);
    }
  } finally {
    await client.query(`drop schema if exists ${SCHEMA} cascade; drop schema if exists ${HAND} cascade`);
    await client.end();
  }
  const fixed = { psqlMs: median(psqlFixed), oneRow };
  writeResultsSection(NAME, report(table, merge, fixed, { version, psqlVersion, minutes: (Date.now() - started) / 60000, loadAtEnd: os.loadavg()[0]!.toFixed(2) }));
  log('written to bench/RESULTS.md');
}

function report(
  table: { strata: StrataMeasure[]; hand: ProcessMeasurement[] },
  merge: { strata: StrataMeasure[]; hand: ProcessMeasurement[] },
  fixed: { psqlMs: number; oneRow: StrataMeasure[] },
  facts: { version: string; psqlVersion: string; minutes: number; loadAtEnd: string },
): string {
  const rows: string[][] = [];
  const goals: string[] = [];
  for (const [label, m] of [
    [`table of ${ROWS.toLocaleString('en-US')} rows`, table],
    [`incremental merge of ${CHANGED.toLocaleString('en-US')} changed rows (${NEW_ROWS.toLocaleString('en-US')} new)`, merge],
  ] as const) {
    const hand = m.hand.map((h) => h.wallMs);
    const pairRatio = (strataMs: (s: StrataMeasure) => number): number => median(m.strata.map((s, i) => strataMs(s) / hand[i]!));
    const whole = pairRatio((s) => s.process.wallMs);
    const useCase = pairRatio((s) => s.useCaseMs);
    const node = pairRatio((s) => s.nodeMs);
    const med = (strataMs: (s: StrataMeasure) => number): string => ms(median(m.strata.map(strataMs)));
    rows.push([label, ms(median(hand)), med((s) => s.process.wallMs), x(whole), med((s) => s.process.cpuMs), med((s) => s.useCaseMs), x(useCase), med((s) => s.nodeMs), x(node)]);
    goals.push(
      `- ${label}: the materialization Strata runs ${x(node)} of the hand-written SQL — ${node <= GOAL ? 'met' : 'missed'}; ` +
        `the whole \`strata run\` process (Node start-up, compile, connect, artifacts included) ${x(whole)} — ${whole <= GOAL ? 'met' : 'missed'}`,
    );
  }
  return `## PostgreSQL: materializing a table and an incremental merge (\`strata run\` vs hand-written SQL with psql)

${machineFacts()} PostgreSQL ${facts.version} on the same machine; ${facts.psqlVersion}. Benchmark took ${facts.minutes.toFixed(1)} min; 1-minute load average at its end ${facts.loadAtEnd}.

Medians of ${RUNS} runs, sides alternating; each ratio is the median of the ratios of the runs paired in one round (less sensitive to load that changes between rounds). The table: \`create table ... as\` from \`generate_series\` (id, account_id, numeric amount, md5 text, timestamp).
Hand-written, with the same guarantees: build under another name, then \`drop\` + \`rename\` in one transaction (psql, one process per run).
The merge: ${CHANGED.toLocaleString('en-US')} rows (${(CHANGED - NEW_ROWS).toLocaleString('en-US')} updates spread over the table, ${NEW_ROWS.toLocaleString('en-US')} inserts), \`merge into ... on t.id = b.id\`;
hand-written from a temporary batch table in one transaction. Both tables are rebuilt and analyzed (uncounted) before every merge.
Every run is checked: Strata's table and the hand-written one have the same count, sum of amounts and hash of all notes.

*strata run* is the whole process (Node start-up, compile, connect, lock, artifacts); *use case* is \`runProject\` inside it
(run_results.json \`elapsedMs\`); *materialization* is the node's own time (its \`durationMs\`: the SQL Strata generates, with its
staging table, row count, catalog queries and swap). psql is the whole psql process; of that, starting psql and connecting
(\`psql -c 'select 1'\`) takes ${ms(fixed.psqlMs)} (median), so the materialization column compares Strata's SQL to the
hand-written SQL plus that much. *CPU* is the \`strata run\` process's user + system time (the server's work is not in it).

${markdownTable(
  ['work', 'psql (hand-written)', 'strata run', 'ratio', 'strata run CPU', 'use case', 'ratio', 'materialization', 'ratio'],
  rows,
)}

Fixed cost of a \`strata run\` process, on a one-row model (\`create table ... as select 1\`) of the same project: ${ms(median(fixed.oneRow.map((s) => s.process.wallMs)))} wall,
${ms(median(fixed.oneRow.map((s) => s.process.cpuMs)))} CPU, of which the use case ${ms(median(fixed.oneRow.map((s) => s.useCaseMs)))} (medians); \`psql -c 'select 1'\` ${ms(fixed.psqlMs)}.

### Goals (within 10% of hand-written)

${goals.join('\n')}
`;
}

/** What users run is the bundled CLI; a `tsc` run after `npm run build:ts` leaves the unbundled one in dist/ (see scripts/build-cli-bundle.ts). */
function assertBundled(strataBin: string): void {
  const entry = readFileSync(path.join(path.dirname(strataBin), '..', 'dist', 'cli', 'main.js'), 'utf8');
  if (!/from '\.\.\/cli-bundle-[0-9a-f]+\/main\.js'/.test(entry)) throw new Error('dist/cli/main.js is not the bundled CLI (tsc ran after the bundle): run `npm run build:ts` first');
}

function x(ratio: number): string {
  return `${ratio.toFixed(2)}x`;
}

function ms(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(0)} ms`;
}

function log(message: string): void {
  console.log(`[${NAME}] ${message}`);
}

await main();
