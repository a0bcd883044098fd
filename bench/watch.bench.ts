/**
 * Issue 9, benchmark 1: latency from saving a model to its table being rebuilt in `strata watch`
 * (goal: under 300 ms for a small model), on the embedded DuckDB.
 *
 * A small project (a seed-free chain of tables and views) is watched by `strata watch --json`
 * (a snapshot of the built CLI). Each sample rewrites one small table model with a new constant and
 * measures from just before the write to the `node_finished` event of that model (its table swapped
 * in and committed); the new value is then read back to check the rebuild. Debounce is the default
 * 100 ms, and a run is also measured with `--debounce 0` to show what the debounce costs.
 *
 * Environment knobs: STRATA_BENCH_SAMPLES=15.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { machineFacts } from './lib/machine-facts.js';
import { median, percentile } from './lib/measure.js';
import { snapshotCli, WORK_DIR } from './lib/paths.js';
import { markdownTable, writeResultsSection } from './lib/results-md.js';

const NAME = 'watch';
const SAMPLES = Number(process.env.STRATA_BENCH_SAMPLES ?? 15);
const GOAL_MS = 300;
const STRATA_BIN = snapshotCli(NAME);

interface Sample {
  readonly latencyMs: number;
  readonly nodeMs: number;
  readonly cycleMs: number;
}

async function main(): Promise<void> {
  const started = Date.now();
  const variants: { label: string; args: string[]; samples: Sample[] }[] = [
    { label: 'strata watch (debounce 100 ms, the default)', args: [], samples: [] },
    { label: 'strata watch --debounce 0', args: ['--debounce', '0'], samples: [] },
  ];
  for (const variant of variants) {
    const dir = path.join(WORK_DIR, NAME, 'project');
    writeProject(dir);
    const watcher = startWatch(dir, variant.args);
    try {
      await watcher.waitFor((e) => e.event === 'watching', 120_000);
      // One uncounted save: warms the compile and template caches of the long-lived process.
      await saveAndWait(dir, watcher, -1);
      for (let i = 0; i < SAMPLES; i += 1) {
        const sample = await saveAndWait(dir, watcher, i);
        variant.samples.push(sample);
        log(`${variant.label} sample ${i + 1}: ${sample.latencyMs.toFixed(0)} ms (node ${sample.nodeMs} ms, cycle ${sample.cycleMs} ms)`);
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      await verify(dir, SAMPLES - 1);
    } finally {
      watcher.child.kill('SIGINT');
      await watcher.exited;
    }
  }
  writeResultsSection(NAME, report(variants, Date.now() - started));
  log(`results written to bench/RESULTS.md (section ${NAME})`);
}

interface WatchEvent {
  readonly event: string;
  readonly ts?: string;
  readonly uniqueId?: string;
  readonly status?: string;
  readonly durationMs?: number;
  readonly elapsedMs?: number;
}

interface Watcher {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  readonly events: WatchEvent[];
  waitFor(match: (e: WatchEvent) => boolean, ms?: number, from?: number): Promise<{ event: WatchEvent; at: number }>;
}

function startWatch(dir: string, args: readonly string[]): Watcher {
  const child = spawn(process.execPath, [STRATA_BIN, 'watch', '--json', ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  const events: WatchEvent[] = [];
  const arrivals: number[] = [];
  const waiters: { from: number; match: (e: WatchEvent) => boolean; resolve: (v: { event: WatchEvent; at: number }) => void }[] = [];
  let partial = '';
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout!.on('data', (chunk: Buffer) => {
    const now = performance.now();
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      events.push(JSON.parse(line) as WatchEvent);
      arrivals.push(now);
      for (const w of [...waiters]) {
        const i = events.findIndex((e, k) => k >= w.from && w.match(e));
        if (i >= 0) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve({ event: events[i]!, at: arrivals[i]! });
        }
      }
    }
  });
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return {
    child,
    exited,
    events,
    waitFor: (match, ms = 30_000, from = 0) =>
      new Promise((resolve, reject) => {
        const i = events.findIndex((e, k) => k >= from && match(e));
        if (i >= 0) return resolve({ event: events[i]!, at: arrivals[i]! });
        const timer = setTimeout(() => reject(new Error(`strata watch: no expected event within ${ms} ms\n${stderr}\n${events.map((e) => JSON.stringify(e)).join('\n')}`)), ms);
        waiters.push({ from, match, resolve: (v) => (clearTimeout(timer), resolve(v)) });
      }),
  };
}

/** Rewrites the small model with a new value and waits until its table is rebuilt. */
async function saveAndWait(dir: string, watcher: Watcher, value: number): Promise<Sample> {
  const from = watcher.events.length;
  const before = performance.now();
  writeFileSync(path.join(dir, 'models', 'small.sql'), smallModel(value));
  const { event, at } = await watcher.waitFor((e) => e.event === 'node_finished' && e.uniqueId === 'model.watch_bench.small', 30_000, from);
  if (event.status !== 'success') throw new Error(`small failed: ${JSON.stringify(event)}`);
  const cycle = await watcher.waitFor((e) => e.event === 'cycle_finished', 30_000, from);
  return { latencyMs: at - before, nodeMs: event.durationMs ?? NaN, cycleMs: cycle.event.elapsedMs ?? NaN };
}

function smallModel(value: number): string {
  return `{{ config(materialized='table') }}\nselect ${value} as value, id from {{ ref('base') }}\n`;
}

/** The last value written is in the table (read once the watcher released the file). */
async function verify(dir: string, value: number): Promise<void> {
  const instance = await DuckDBInstance.create(path.join(dir, 'target', 'bench.duckdb'), { access_mode: 'READ_ONLY' });
  try {
    const c = await instance.connect();
    const rows = (await c.runAndReadAll('select distinct value from main.small')).getRowObjectsJson();
    c.closeSync();
    if (rows.length !== 1 || Number(rows[0]!.value) !== value) throw new Error(`small holds ${JSON.stringify(rows)}, expected ${value}`);
  } finally {
    instance.closeSync();
  }
}

/** 12 models: a base table, the small model, and a chain of views and tables beside it. */
function writeProject(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, 'models'), { recursive: true });
  writeFileSync(
    path.join(dir, 'strata.yml'),
    ['# Generated by bench/watch.bench.ts', 'name: watch_bench', 'target: dev', 'targets:', '  dev:', '    adapter: duckdb', '    path: target/bench.duckdb', '    schema: main', '    threads: 4', ''].join('\n'),
  );
  writeFileSync(path.join(dir, 'models', 'base.sql'), "{{ config(materialized='table') }}\nselect range as id from range(1000)\n");
  writeFileSync(path.join(dir, 'models', 'small.sql'), smallModel(0));
  for (let i = 0; i < 10; i += 1) {
    const parent = i === 0 ? 'base' : `other_${i - 1}`;
    writeFileSync(path.join(dir, 'models', `other_${i}.sql`), `{{ config(materialized='${i % 2 ? 'view' : 'table'}') }}\nselect id + ${i} as id from {{ ref('${parent}') }}\n`);
  }
}

function report(variants: readonly { label: string; samples: readonly Sample[] }[], elapsedMs: number): string {
  const rows = variants.map((v) => {
    const latency = v.samples.map((s) => s.latencyMs);
    const med = median(latency);
    return [
      v.label,
      `${med.toFixed(0)} ms`,
      `${percentile(latency, 90).toFixed(0)} ms`,
      `${Math.min(...latency).toFixed(0)}–${Math.max(...latency).toFixed(0)} ms`,
      `${median(v.samples.map((s) => s.nodeMs)).toFixed(0)} ms`,
      `${median(v.samples.map((s) => s.cycleMs)).toFixed(0)} ms`,
      med < GOAL_MS ? `yes (< ${GOAL_MS} ms)` : `**no** (goal < ${GOAL_MS} ms)`,
    ];
  });
  return [
    '## Watch latency (`strata watch`, save a model → its table rebuilt, embedded DuckDB)',
    '',
    machineFacts(),
    `Benchmark took ${(elapsedMs / 60000).toFixed(1)} min.`,
    '',
    'A 12-model project (a 1,000-row base table, the small model `select <n> as value, id from base`, a chain of 10 views and tables).',
    '`strata watch --json` runs in its own process (started once per variant, its first cycle and one warm-up save not counted).',
    `Each of ${SAMPLES} samples rewrites \`models/small.sql\` and measures from just before the write to the \`node_finished\``,
    'event of `small` (its new table is swapped in and committed); the last value is read back from the database afterwards.',
    'Every cycle is a whole `run --changed`: reload and compile the project, open the database, read the recorded state, build',
    'what changed (here only `small`), record its state, write the run report, close the database.',
    '*node* is the materialization alone; *cycle* is the whole cycle (it continues after the table is in place: state, report, close).',
    '',
    markdownTable(['watcher', 'median latency', 'p90', 'range', 'node (median)', 'cycle (median)', 'goal met'], rows),
  ].join('\n');
}

function log(message: string): void {
  console.log(`[${NAME}] ${message}`);
}

await main();
