/**
 * Issue 9, benchmark 3: `strata run --changed` on a 1,000-model project where one leaf changed,
 * against a full `strata run` of the same project, on the embedded DuckDB.
 *
 * The project is the seeded synthetic one of the compile benchmark (bench/lib/synthetic-project.ts):
 * 1,000 models (80% tables, 20% views) with CTEs, joins and macros, each reading 1–3 earlier models.
 * Variants, each a whole process (a snapshot of the built CLI):
 *   - full `strata run` on a fresh database (what a run without change detection does every time);
 *   - `strata run --changed` with nothing changed;
 *   - `strata run --changed` after editing one leaf model (no model reads it);
 *   - `strata run --changed` after editing a model in the middle of the graph (itself and its descendants).
 * Every run is checked through run_results.json (what ran) and the edited model's new column value.
 *
 * Environment knobs: STRATA_BENCH_RUNS=3, STRATA_BENCH_MODELS=1000.
 */
import { appendFileSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { machineFacts } from './lib/machine-facts.js';
import { assertSucceeded, measureProcess, median, PEAK_RSS_METHOD, type ProcessMeasurement } from './lib/measure.js';
import { snapshotCli, WORK_DIR } from './lib/paths.js';
import { markdownTable, writeResultsSection } from './lib/results-md.js';
import { generateSyntheticProject, writeStrataProject, type SyntheticModel } from './lib/synthetic-project.js';

const NAME = 'changed-run';
const RUNS = Number(process.env.STRATA_BENCH_RUNS ?? 3);
const MODELS = Number(process.env.STRATA_BENCH_MODELS ?? 1000);
const STRATA_BIN = snapshotCli(NAME);

interface RunResults {
  readonly results: readonly { readonly uniqueId: string; readonly status: string }[];
  readonly upToDate?: readonly unknown[];
}

interface Measured {
  readonly process: ProcessMeasurement;
  readonly ran: number;
  readonly upToDate: number;
}

async function main(): Promise<void> {
  const started = Date.now();
  const project = generateSyntheticProject(MODELS);
  const dir = path.join(WORK_DIR, NAME, 'project');
  const children = new Map<string, number>();
  for (const m of project.models) for (const p of m.parents) children.set(p, (children.get(p) ?? 0) + 1);
  const leaf = [...project.models].reverse().find((m) => !children.has(m.name) && m.materialized === 'table')!;
  const descendants = (name: string): Set<string> => {
    const out = new Set<string>();
    const stack = [name];
    while (stack.length) {
      const current = stack.pop()!;
      for (const m of project.models) if (m.parents.includes(current) && !out.has(m.name)) out.add(m.name), stack.push(m.name);
    }
    return out;
  };
  // A model in the middle: the one whose descendants number closest to 20.
  const middle = project.models
    .filter((m) => m.materialized === 'table')
    .map((m) => ({ m, below: descendants(m.name).size }))
    .filter((x) => x.below > 0)
    .sort((a, b) => Math.abs(a.below - 20) - Math.abs(b.below - 20))[0]!;
  log(`leaf ${leaf.name}; middle ${middle.m.name} with ${middle.below} descendants`);

  const variants = new Map<string, Measured[]>([
    ['full `strata run` (fresh database)', []],
    ['`strata run --changed`, nothing changed', []],
    ['`strata run --changed`, one leaf changed', []],
    [`\`strata run --changed\`, one model with ${middle.below} descendants changed`, []],
  ]);
  const [full, none, oneLeaf, mid] = [...variants.values()] as [Measured[], Measured[], Measured[], Measured[]];
  for (let run = 0; run < RUNS; run += 1) {
    writeStrataProject(project, dir);
    rmSync(path.join(dir, 'target'), { recursive: true, force: true });
    full.push(await strata(dir, ['run'], MODELS));
    none.push(await strata(dir, ['run', '--changed'], 0));
    edit(dir, leaf, run);
    oneLeaf.push(await strata(dir, ['run', '--changed'], 1));
    edit(dir, middle.m, run);
    mid.push(await strata(dir, ['run', '--changed'], middle.below + 1));
    log(`run ${run + 1}: full ${s(full.at(-1)!)}, nothing ${s(none.at(-1)!)}, leaf ${s(oneLeaf.at(-1)!)}, middle ${s(mid.at(-1)!)}`);
  }
  writeResultsSection(NAME, report(variants, full, Date.now() - started));
  log(`results written to bench/RESULTS.md (section ${NAME})`);
}

/** Changes a model's compiled SQL (a trailing comment is part of it) so its checksum differs. */
function edit(dir: string, model: SyntheticModel, run: number): void {
  appendFileSync(path.join(dir, 'models', model.folder, `${model.name}.sql`), `-- edited for run ${run}\n`);
}

async function strata(dir: string, args: readonly string[], expectRan: number): Promise<Measured> {
  const m = await measureProcess(process.execPath, [STRATA_BIN, ...args], { cwd: dir, timeoutMs: 30 * 60_000 });
  assertSucceeded(`strata ${args.join(' ')}`, m);
  const results = JSON.parse(readFileSync(path.join(dir, 'target', 'run_results.json'), 'utf8')) as RunResults;
  const ran = results.results.filter((r) => r.status === 'success').length;
  if (ran !== expectRan || results.results.length !== expectRan) throw new Error(`strata ${args.join(' ')} ran ${ran} of ${results.results.length} nodes, expected ${expectRan}`);
  return { process: m, ran, upToDate: results.upToDate?.length ?? 0 };
}

function report(variants: Map<string, Measured[]>, full: readonly Measured[], elapsedMs: number): string {
  const fullWall = median(full.map((m) => m.process.wallMs));
  const rows = [...variants].map(([label, runs]) => {
    const wall = median(runs.map((r) => r.process.wallMs));
    return [
      label,
      String(runs[0]!.ran),
      String(runs[0]!.upToDate),
      sec(wall),
      `${sec(Math.min(...runs.map((r) => r.process.wallMs)))}–${sec(Math.max(...runs.map((r) => r.process.wallMs)))}`,
      sec(median(runs.map((r) => r.process.cpuMs))),
      `${median(runs.map((r) => r.process.peakRssMb)).toFixed(0)} MiB`,
      runs === full ? '1x' : `${(fullWall / wall).toFixed(1)}x`,
    ];
  });
  return [
    `## Change detection (\`strata run --changed\`, ${MODELS.toLocaleString('en-US')} models, embedded DuckDB)`,
    '',
    machineFacts(),
    `Peak memory: ${PEAK_RSS_METHOD}. Benchmark took ${(elapsedMs / 60000).toFixed(1)} min.`,
    '',
    `The seeded synthetic project of the compile benchmark (bench/lib/synthetic-project.ts): ${MODELS} models, 80% tables, each reading`,
    '1–3 earlier models through CTEs, joins and 3 macros. Each round starts from a freshly written project and an empty `target/`:',
    'a full run, then `--changed` with nothing changed, after appending a comment to one leaf model (a table nothing reads), and after',
    'appending one to a model in the middle of the graph. Every run is checked through run_results.json: exactly the expected nodes ran.',
    `Whole processes; medians of ${RUNS} rounds. *speed-up* = full run / this run.`,
    '',
    markdownTable(['command', 'nodes run', 'up to date', 'median wall', 'range', 'CPU (user+sys)', 'peak RSS', 'speed-up'], rows),
    '',
    'What `--changed` costs on top of the nodes it runs: compiling the project, reading `node_state` and the load log (two queries),',
    'checksumming every model, and recording the new state of what it built.',
  ].join('\n');
}

function s(m: Measured): string {
  return sec(m.process.wallMs);
}

function sec(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

function log(message: string): void {
  console.log(`[${NAME}] ${message}`);
}

await main();
