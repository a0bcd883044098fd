/**
 * Issue 4's benchmark: `strata load` of one gzipped CSV of 1,000,000 rows (12 columns) against the
 * hand-written load on each engine, in the same run, alternating sides:
 * - DuckDB: `CREATE TABLE t AS SELECT * FROM read_csv('file.csv.gz')` in a fresh Node process on a
 *   fresh database file (the same way Strata opens DuckDB);
 * - PostgreSQL: `gzip -dc file | psql -c "COPY t FROM STDIN (FORMAT csv, HEADER true)"` into a
 *   table created beforehand with the same column types Strata infers.
 * Strata does more: it hashes the file, checks it (bomb, line size), infers types from a sample,
 * adds five lineage columns to every row and writes the load log, all in one transaction, then
 * profiles the new rows into the metrics history. Wall time, CPU time and peak resident memory of
 * the whole process tree are recorded, and Strata's own split of its time (load_results.json).
 *
 * Environment knobs: STRATA_BENCH_RUNS=3, STRATA_BENCH_LOAD_ROWS=1000000, STRATA_BENCH_REGENERATE (any value: write the file again),
 * STRATA_BENCH_PG_URL (else STRATA_TEST_PG_URL, else the local server; `none` skips PostgreSQL),
 * STRATA_BENCH_CLI (a strata launcher to measure instead of a snapshot of dist/, e.g. a build of
 * one's own while others rebuild dist/).
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import pg from 'pg';
import { machineFacts } from './lib/machine-facts.js';
import { assertSucceeded, measureProcess, median, PEAK_RSS_METHOD, type ProcessMeasurement } from './lib/measure.js';
import { REPO_ROOT, snapshotCli, WORK_DIR } from './lib/paths.js';
import { markdownTable, writeResultsSection } from './lib/results-md.js';
import { SeededRandom } from './lib/seeded-random.js';

const NAME = 'load';
const RUNS = Number(process.env.STRATA_BENCH_RUNS ?? 3);
const ROWS = Number(process.env.STRATA_BENCH_LOAD_ROWS ?? 1_000_000);
const PG_URL = process.env.STRATA_BENCH_PG_URL ?? process.env.STRATA_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const GOALS = { duckdb: 1.15, postgres: 1.25 };
const DIR = path.join(WORK_DIR, NAME);
const DATA = path.join(DIR, 'landing', 'trades_2024-01-02.csv.gz');
const SCHEMA = `strata_bench_load_${process.pid}`;
/** How each engine gets the file's bytes, for the report. */
const LOAD_PATHS = 'DuckDB reads it itself (Strata streams it once more to check it), PostgreSQL receives it streamed through `COPY ... FROM STDIN`.';

const COLUMNS: readonly [string, string][] = [
  ['trade_id', 'bigint'], ['instrument_id', 'integer'], ['symbol', 'text'], ['traded_at', 'timestamptz'], ['price', 'numeric(18,4)'],
  ['quantity', 'integer'], ['side', 'text'], ['venue', 'text'], ['account', 'text'], ['notional', 'numeric(18,4)'], ['is_odd_lot', 'boolean'], ['trade_date', 'date'],
];

async function generate(): Promise<void> {
  if (existsSync(DATA) && statSync(DATA).size > 0 && process.env.STRATA_BENCH_REGENERATE === undefined) return;
  mkdirSync(path.dirname(DATA), { recursive: true });
  const random = new SeededRandom(20240102);
  const symbols = ['AAPL', 'MSFT', 'JPM', 'SPY', '7203', 'NVDA'];
  const gzip = createGzip();
  const out = gzip.pipe(createWriteStream(DATA));
  let buffer = `${COLUMNS.map((c) => c[0]).join(',')}\n`;
  const start = Date.UTC(2024, 0, 2, 14, 30);
  for (let i = 0; i < ROWS; i++) {
    const instrument = random.int(1, 6);
    const price = 100 + random.next() * 400;
    const quantity = random.int(1, 500);
    const at = new Date(start + i * 1000).toISOString().replace('T', ' ').replace('.000Z', '+00');
    buffer += `${5_000_000_000 + i},${instrument},${symbols[instrument - 1]},${at},${price.toFixed(4)},${quantity},${random.next() < 0.5 ? 'B' : 'S'},X${random.int(0, 4)},00${random.int(10000, 99999)},${(price * quantity).toFixed(4)},${quantity < 100},2024-01-02\n`;
    if (buffer.length > 1 << 16) {
      if (!gzip.write(buffer)) await once(gzip, 'drain');
      buffer = '';
    }
  }
  gzip.end(buffer);
  await once(out, 'close');
}

function strataProject(target: 'duckdb' | 'postgres'): string {
  const dir = path.join(DIR, `strata-${target}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, 'models'), { recursive: true });
  const targetYaml =
    target === 'duckdb'
      ? '    adapter: duckdb\n    path: target/bench.duckdb\n    threads: 1\n'
      : `    adapter: postgres\n    url: ${JSON.stringify(PG_URL)}\n    schema: ${SCHEMA}\n    threads: 1\n`;
  writeFileSync(path.join(dir, 'strata.yml'), `name: load_bench\ntarget: dev\ntargets:\n  dev:\n${targetYaml}load:\n  raw_schema: ${SCHEMA}_raw\nmetadata_schema: ${SCHEMA}_meta\n`);
  writeFileSync(
    path.join(dir, 'models', 'sources.yml'),
    `version: 2\nsources:\n  - name: market\n    tables:\n      - name: trades\n        landing: ${JSON.stringify(path.dirname(DATA) + '/*.csv.gz')}\n        load_date: 'trades_(\\d{4}-\\d{2}-\\d{2})'\n`,
  );
  return dir;
}

/** A script that loads the file with DuckDB's own read_csv into a fresh database, as a person would by hand. */
function duckdbHandScript(): string {
  const file = path.join(DIR, 'hand-duckdb.mjs');
  const api = path.join(REPO_ROOT, 'node_modules', '@duckdb', 'node-api', 'lib', 'index.js');
  writeFileSync(
    file,
    `import { DuckDBInstance } from ${JSON.stringify(api)};
import { rmSync } from 'node:fs';
const db = ${JSON.stringify(path.join(DIR, 'hand.duckdb'))};
rmSync(db, { force: true }); rmSync(db + '.wal', { force: true });
const instance = await DuckDBInstance.create(db);
const connection = await instance.connect();
await connection.run(\`create table trades as select * from read_csv(${JSON.stringify(DATA).replaceAll('"', "'")})\`);
const count = await connection.runAndReadAll('select count(*) as n from trades');
console.log(String(count.getRows()[0][0]));
connection.closeSync(); instance.closeSync();
`,
  );
  return file;
}

interface Side {
  readonly label: string;
  readonly runs: ProcessMeasurement[];
  /** Strata's own split of each run, from target/load_results.json. */
  readonly splits?: LoadSplit[];
}

/** Where a `strata load` run's wall time went, from what it reports. */
interface LoadSplit {
  /** Node start-up and the CLI before the use case starts. */
  readonly startMs: number;
  /** The file's own load: sampling for types, then the transaction (rows and load-log entry). */
  readonly fileMs: number;
  /** The rest of the use case: project compile, connect, hashing, profiling the load, run report. */
  readonly otherMs: number;
}

function loadSplit(projectDir: string, run: ProcessMeasurement): LoadSplit {
  const results = JSON.parse(readFileSync(path.join(projectDir, 'target', 'load_results.json'), 'utf8')) as { elapsedMs: number; files: { durationMs: number }[] };
  const fileMs = results.files.reduce((sum, f) => sum + f.durationMs, 0);
  return { startMs: run.wallMs - results.elapsedMs, fileMs, otherMs: results.elapsedMs - fileMs };
}

async function main(): Promise<void> {
  const started = Date.now();
  const facts = machineFacts();
  await generate();
  const size = statSync(DATA).size;
  const cli = process.env.STRATA_BENCH_CLI ?? snapshotCli(NAME);
  const hand = duckdbHandScript();
  const duck: Side[] = [{ label: 'hand-written CTAS read_csv', runs: [] }, { label: 'strata load', runs: [], splits: [] }];
  const duckDir = strataProject('duckdb');
  for (let run = 0; run < RUNS; run++) {
    const h = await measureProcess(process.execPath, [hand], { cwd: DIR });
    assertSucceeded('duckdb hand-written load', h);
    duck[0]!.runs.push(h);
    rmSync(path.join(duckDir, 'target'), { recursive: true, force: true });
    const s = await measureProcess(process.execPath, [cli, 'load'], { cwd: duckDir });
    assertSucceeded('strata load (duckdb)', s);
    if (!/LOADED 1,000,000 rows|LOADED [\d,]+ rows/.test(s.stdout)) throw new Error(`strata load did not load the file:\n${s.stdout}`);
    duck[1]!.runs.push(s);
    duck[1]!.splits!.push(loadSplit(duckDir, s));
    console.log(`[load] duckdb run ${run + 1}: hand ${(h.wallMs / 1000).toFixed(2)}s, strata ${(s.wallMs / 1000).toFixed(2)}s`);
  }
  let postgres: Side[] | undefined;
  let pgSkip: string | undefined;
  if (PG_URL === 'none') pgSkip = 'STRATA_BENCH_PG_URL=none';
  else {
    try {
      postgres = await benchPostgres(cli);
    } catch (error) {
      pgSkip = error instanceof Error ? error.message.split('\n')[0] : String(error);
    }
  }
  writeResultsSection(NAME, report(size, duck, postgres, pgSkip, Date.now() - started, facts));
  console.log(`[load] done in ${((Date.now() - started) / 1000).toFixed(0)}s; results in bench/RESULTS.md`);
}

async function benchPostgres(cli: string): Promise<Side[]> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  const sides: Side[] = [{ label: 'gzip -dc piped to psql COPY', runs: [] }, { label: 'strata load', runs: [], splits: [] }];
  const dir = strataProject('postgres');
  const url = new URL(PG_URL);
  const psqlArgs = ['-h', url.hostname, '-p', url.port || '5432', '-U', decodeURIComponent(url.username || 'postgres'), '-d', url.pathname.slice(1) || 'postgres', '-q', '-v', 'ON_ERROR_STOP=1'];
  execFileSync('psql', [...psqlArgs, '-c', 'select 1'], { stdio: 'ignore' });
  try {
    for (let run = 0; run < RUNS; run++) {
      await client.query(`drop schema if exists ${SCHEMA}_hand cascade; create schema ${SCHEMA}_hand;
        create table ${SCHEMA}_hand.trades (${COLUMNS.map(([n, t]) => `${n} ${t}`).join(', ')})`);
      await client.query('checkpoint');
      const h = await measureProcess('sh', ['-c', `gzip -dc '${DATA}' | psql ${psqlArgs.join(' ')} -c "copy ${SCHEMA}_hand.trades from stdin with (format csv, header true)"`], { cwd: DIR });
      assertSucceeded('psql COPY', h);
      sides[0]!.runs.push(h);
      for (const s of [`${SCHEMA}_raw`, `${SCHEMA}_meta`, SCHEMA]) await client.query(`drop schema if exists ${s} cascade`);
      await client.query('checkpoint');
      const s = await measureProcess(process.execPath, [cli, 'load'], { cwd: dir });
      assertSucceeded('strata load (postgres)', s);
      sides[1]!.runs.push(s);
      sides[1]!.splits!.push(loadSplit(dir, s));
      console.log(`[load] postgres run ${run + 1}: psql ${(h.wallMs / 1000).toFixed(2)}s, strata ${(s.wallMs / 1000).toFixed(2)}s`);
    }
    const rows = await client.query(`select count(*) as n from ${SCHEMA}_raw.trades`);
    if (Number(rows.rows[0].n) !== ROWS) throw new Error(`expected ${ROWS} rows in raw, found ${rows.rows[0].n}`);
  } finally {
    for (const s of [`${SCHEMA}_raw`, `${SCHEMA}_meta`, SCHEMA, `${SCHEMA}_hand`]) await client.query(`drop schema if exists ${s} cascade`).catch(() => undefined);
    await client.end();
  }
  return sides;
}

function report(size: number, duck: Side[], postgres: Side[] | undefined, pgSkip: string | undefined, elapsedMs: number, facts: string): string {
  const seconds = (ms: number): string => (ms / 1000).toFixed(2);
  const rows = (engine: string, sides: Side[], goal: number): string[][] => {
    const [hand, strata] = sides as [Side, Side];
    const h = median(hand.runs.map((r) => r.wallMs));
    const s = median(strata.runs.map((r) => r.wallMs));
    const ratio = s / h;
    const cpuRatio = median(strata.runs.map((r) => r.cpuMs)) / median(hand.runs.map((r) => r.cpuMs));
    // Runs of one round are paired: their ratio is less sensitive to load that changes between rounds.
    const paired = median(strata.runs.map((r, i) => r.wallMs / hand.runs[i]!.wallMs));
    const line = (side: Side, wall: number, ratioCell: string, pairedCell: string, cpuCell: string, goalCell: string): string[] => [
      engine,
      side.label,
      seconds(wall),
      side.runs.map((r) => seconds(r.wallMs)).join(' / '),
      seconds(median(side.runs.map((r) => r.cpuMs))),
      median(side.runs.map((r) => r.peakTreeRssMb)).toFixed(0),
      ratioCell,
      pairedCell,
      cpuCell,
      goalCell,
    ];
    return [
      line(hand, h, '1.00', '1.00', '1.00', ''),
      line(strata, s, ratio.toFixed(2), paired.toFixed(2), cpuRatio.toFixed(2), ratio <= goal ? `met (≤ ${goal.toFixed(2)})` : `**missed** (goal ≤ ${goal.toFixed(2)})`),
    ];
  };
  const table = [...rows('DuckDB', duck, GOALS.duckdb), ...(postgres ? rows('PostgreSQL', postgres, GOALS.postgres) : [])];
  const splitRow = (engine: string, sides: Side[]): string[] => {
    const splits = sides[1]!.splits!;
    const at = (pick: (s: LoadSplit) => number): string => seconds(median(splits.map(pick)));
    return [engine, at((s) => s.startMs), at((s) => s.fileMs), at((s) => s.otherMs), seconds(median(sides[0]!.runs.map((r) => r.wallMs)))];
  };
  const splits = [splitRow('DuckDB', duck), ...(postgres ? [splitRow('PostgreSQL', postgres)] : [])];
  return [
    '## Loading a landing file (issue 4)',
    '',
    `One gzipped CSV of ${ROWS.toLocaleString('en-US')} rows × ${COLUMNS.length} columns (${(size / 1024 / 1024).toFixed(1)} MiB compressed), loaded into a new table. ` +
      `Median of ${RUNS} runs per side, sides alternating; each run is a fresh process on a fresh table. Strata also hashes the file, checks it ` +
      '(gzip bomb, line size), infers the column types, adds `_load_id`, `_load_date`, `_loaded_at`, ' +
      '`_source_file`, `_source_row` to every row, commits the load-log entry in the same transaction and profiles the new rows into the metrics history. ' +
      'Wall and CPU times are of whole processes (Node start-up and project compile included for Strata).',
    '',
    markdownTable(['engine', 'side', 'median wall s', 'runs s', 'median CPU s (user+sys)', 'peak RSS MiB (tree)', 'wall ratio', 'paired wall ratio', 'CPU ratio', 'goal (wall ratio)'], table),
    '',
    "Where a `strata load` run's time goes (medians, from its `target/load_results.json`): *start* is Node start-up and the CLI before the use case; " +
      '*file* is the file itself (reading the first rows to infer types, then the transaction: rows, lineage and load-log entry); ' +
      '*other* is the rest of the use case: compiling the project, connecting, hashing the file, profiling the new rows into the metrics history ' +
      '(row count, null rates, exact distinct counts of every column, numeric min/max/mean/stddev) and writing the run report.',
    '',
    markdownTable(['engine', 'start s', 'file s', 'other s', 'hand-written side, whole s'], splits),
    '',
    pgSkip ? `PostgreSQL not measured: ${pgSkip}.` : 'PostgreSQL: the hand-written side copies into a table created beforehand with the column types Strata infers; RSS and CPU are of the client processes (gzip, psql / node), not the server.',
    '',
    `Peak memory: ${PEAK_RSS_METHOD}. The file is never held in memory: ${LOAD_PATHS}`,
    '',
    facts,
    `${process.env.STRATA_BENCH_CLI ? `Strata measured: \`${process.env.STRATA_BENCH_CLI}\` (STRATA_BENCH_CLI). ` : ''}Benchmark time ${(elapsedMs / 1000).toFixed(0)} s. Regenerate with \`npm run bench -- load\`.`,
  ].join('\n');
}

await main();
