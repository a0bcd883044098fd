/**
 * Issue 10: parse and compile of a generated dbt-shaped project (dbt_project.yml, profiles.yml,
 * folder config keyed by project name, Jinja loops and macros in four models of five,
 * schema.yml with tests and doc() descriptions) with `strata compile`, cold and warm, with and
 * without SQL formatting; and, in the same run as a reference, the same models written as a
 * Strata project (bench/lib/synthetic-project.ts), to show what reading a dbt project costs.
 *
 * Environment knobs (the defaults are the issue's):
 *   STRATA_BENCH_DBT_SIZE=5000   models
 *   STRATA_BENCH_RUNS=3          runs per project and mode (the median is reported)
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { writeDbtProject } from './lib/dbt-synthetic-project.js';
import { machineFacts } from './lib/machine-facts.js';
import { assertSucceeded, measureProcess, median, PEAK_RSS_METHOD, type ProcessMeasurement } from './lib/measure.js';
import { snapshotCli, WORK_DIR } from './lib/paths.js';
import { markdownTable, writeResultsSection } from './lib/results-md.js';
import { generateSyntheticProject, writeStrataProject } from './lib/synthetic-project.js';

const NAME = 'dbt-compile';
const SIZE = Number(process.env.STRATA_BENCH_DBT_SIZE ?? 5000);
const RUNS = Number(process.env.STRATA_BENCH_RUNS ?? 3);
const STRATA_BIN = snapshotCli(NAME);

/** The foundation's compile goal (issue 2): 10,000 models in under a second, i.e. 100 µs per model. */
const GOAL_US_PER_MODEL = 100;

type Mode = 'cold' | 'warm' | 'cold --no-format' | 'warm --no-format';
const MODES: readonly Mode[] = ['cold', 'warm', 'cold --no-format', 'warm --no-format'];

interface Series {
  readonly label: string;
  readonly runs: Map<Mode, ProcessMeasurement[]>;
}

async function main(): Promise<void> {
  const started = Date.now();
  const work = path.join(WORK_DIR, NAME);
  const project = generateSyntheticProject(SIZE);
  const dbtDir = path.join(work, `dbt-${SIZE}`);
  const strataDir = path.join(work, `strata-${SIZE}`);
  writeDbtProject(project, dbtDir);
  writeStrataProject(project, strataDir);
  log(`${SIZE} models written as a dbt project in ${dbtDir} and as a Strata project in ${strataDir}`);
  const jinjaModels = readdirSync(path.join(dbtDir, 'models'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.sql'))
    .filter((f) => readFileSync(path.join(dbtDir, 'models', f), 'utf8').includes('{%- for')).length;

  const series: Series[] = [
    { label: 'dbt project', runs: new Map(MODES.map((m) => [m, []])) },
    { label: 'same models as a Strata project', runs: new Map(MODES.map((m) => [m, []])) },
  ];
  for (let run = 0; run < RUNS; run += 1) {
    for (const [i, dir] of [dbtDir, strataDir].entries()) {
      for (const mode of MODES) {
        if (mode.startsWith('cold')) rmSync(path.join(dir, 'target'), { recursive: true, force: true });
        const m = await measureProcess(process.execPath, [STRATA_BIN, 'compile', ...(mode.endsWith('--no-format') ? ['--no-format'] : [])], {
          cwd: dir,
          env: { ...process.env, DBT_PROFILES_DIR: dir },
        });
        assertSucceeded(`strata compile (${series[i]!.label}, ${mode})`, m);
        verify(dir, m);
        series[i]!.runs.get(mode)!.push(m);
        log(`${series[i]!.label} ${mode} run ${run + 1}: ${seconds(m.wallMs)}, CPU ${seconds(m.cpuMs)}, ${m.peakRssMb.toFixed(0)} MiB`);
      }
    }
  }
  writeResultsSection(NAME, report(series, jinjaModels, Date.now() - started));
  log(`results written to bench/RESULTS.md (section ${NAME})`);
}

/** The compile really happened: every model is in manifest.json with resolved refs, and has a compiled file. */
function verify(dir: string, m: ProcessMeasurement): void {
  if (!m.stdout.includes(`Compiled ${SIZE} models`)) throw new Error(`strata compile did not report ${SIZE} models: ${m.stdout}`);
  const manifest = JSON.parse(readFileSync(path.join(dir, 'target', 'manifest.json'), 'utf8')) as { nodes: Record<string, { kind: string; compiledSql?: string; dependsOn: string[] }> };
  const models = Object.values(manifest.nodes).filter((n) => n.kind === 'model');
  if (models.length !== SIZE) throw new Error(`manifest.json has ${models.length} models, expected ${SIZE}`);
  const unresolved = models.filter((n) => !n.compiledSql || /\{\{|\{%|\u0000/.test(n.compiledSql) || (n.dependsOn.length > 0 && !/from "main(_\w+)?"\."m\d+"/.test(n.compiledSql)));
  if (unresolved.length) throw new Error(`${unresolved.length} models have unrendered or unresolved compiled SQL`);
  const compiledDir = path.join(dir, 'target', 'compiled');
  const files = existsSync(compiledDir) ? readdirSync(compiledDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.sql')).length : 0;
  if (files !== SIZE) throw new Error(`target/compiled has ${files} .sql files, expected ${SIZE}`);
}

function report(series: readonly Series[], jinjaModels: number, elapsedMs: number): string {
  const out: string[] = [
    '## Compiling a dbt project (`strata compile` on dbt_project.yml)',
    '',
    machineFacts(),
    `Peak memory: ${PEAK_RSS_METHOD}. Wall time: the whole process, from spawn to exit. Benchmark took ${(elapsedMs / 60000).toFixed(1)} min.`,
    '',
    `A generated dbt project of ${SIZE} models (\`bench/lib/dbt-synthetic-project.ts\`, from the same seeded models as the compile-scaling`,
    `benchmark): dbt_project.yml with per-folder \`+schema\`/\`+tags\`/\`materialized\` keyed by project name, profiles.yml on DuckDB,`,
    `${jinjaModels} models (${((100 * jinjaModels) / SIZE).toFixed(0)}%) with \`{%- for %}\` loops (over a var list, \`var(...).items()\`, and a macro's \`return()\`ed list with \`loop.last\`),`,
    "a macro dispatched with `adapter.dispatch`, `dbt_utils.generate_surrogate_key`, and a schema.yml per folder (descriptions, one in ten via",
    "`doc()`, `unique`/`not_null` tests on `id`). The reference is the same models written as a Strata project, compiled in the same run.",
    `*cold* = \`target/\` deleted first; *warm* = run again with \`target/\` kept. Medians of ${RUNS} runs; every run is checked (all models in`,
    'manifest.json with resolved refs, no template text left, one compiled file each).',
    '',
  ];
  const rows: string[][] = [];
  for (const s of series) {
    for (const mode of MODES) {
      const runs = s.runs.get(mode)!;
      const wall = median(runs.map((m) => m.wallMs));
      rows.push([
        s.label,
        mode,
        seconds(wall),
        `${seconds(Math.min(...runs.map((m) => m.wallMs)))}–${seconds(Math.max(...runs.map((m) => m.wallMs)))}`,
        `${((wall * 1000) / SIZE).toFixed(0)} µs`,
        seconds(median(runs.map((m) => m.cpuMs))),
        `${median(runs.map((m) => m.peakRssMb)).toFixed(0)} MiB`,
      ]);
    }
  }
  out.push(markdownTable(['project', 'mode', 'median wall', 'range', 'wall per model', 'CPU (user+sys)', 'peak RSS'], rows), '');
  const [dbt, strata] = series;
  out.push('### dbt project / Strata project (same models, same run)', '');
  out.push(
    markdownTable(
      ['mode', 'wall time ratio', 'CPU time ratio'],
      MODES.map((mode) => [
        mode,
        `${(median(dbt!.runs.get(mode)!.map((m) => m.wallMs)) / median(strata!.runs.get(mode)!.map((m) => m.wallMs))).toFixed(2)}x`,
        `${(median(dbt!.runs.get(mode)!.map((m) => m.cpuMs)) / median(strata!.runs.get(mode)!.map((m) => m.cpuMs))).toFixed(2)}x`,
      ]),
    ),
    '',
  );
  out.push('### Goal', '');
  for (const mode of MODES) {
    const wall = median(dbt!.runs.get(mode)!.map((m) => m.wallMs));
    const perModel = (wall * 1000) / SIZE;
    out.push(`- The foundation's compile goal (10,000 models under 1 s: ${GOAL_US_PER_MODEL} µs per model), ${mode}: ${perModel.toFixed(0)} µs per model (${seconds(wall)} for ${SIZE}) — ${perModel <= GOAL_US_PER_MODEL ? 'met' : 'missed'}`);
  }
  return out.join('\n');
}

function seconds(ms: number): string {
  return Number.isNaN(ms) ? '—' : `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
}

function log(message: string): void {
  console.log(`[${NAME}] ${message}`);
}

await main();
