/**
 * Issue 2, benchmarks 1 and 2: `strata compile` on synthetic projects of 1,000 / 5,000 / 10,000
 * models (cold and warm, with and without SQL formatting), and `dataform compile` on the same
 * projects written as Dataform SQLX, measured in the same run.
 *
 * Environment knobs (for quick checks; the defaults are the issue's):
 *   STRATA_BENCH_SIZES=1000,5000,10000   model counts
 *   STRATA_BENCH_RUNS=3                  Strata runs per size and mode (the median is reported)
 *   STRATA_BENCH_DATAFORM=1000:3,5000:1  Dataform sizes and runs (`none` to skip)
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { machineFacts } from './lib/machine-facts.js';
import { assertSucceeded, measureProcess, median, PEAK_RSS_METHOD, type ProcessMeasurement } from './lib/measure.js';
import { REPO_ROOT, snapshotCli, WORK_DIR } from './lib/paths.js';
import { markdownTable, writeResultsSection } from './lib/results-md.js';
import { generateSyntheticProject, strataModelSql, writeDataformProject, writeStrataProject, type SyntheticProject } from './lib/synthetic-project.js';

const NAME = 'compile-scaling';
const SIZES = listEnv('STRATA_BENCH_SIZES', '1000,5000,10000').map(Number);
const RUNS = Number(process.env.STRATA_BENCH_RUNS ?? 3);
const DATAFORM_RUNS = new Map(
  (process.env.STRATA_BENCH_DATAFORM ?? '1000:3,5000:1') === 'none'
    ? []
    : listEnv('STRATA_BENCH_DATAFORM', '1000:3,5000:1').map((entry) => entry.split(':').map(Number) as [number, number]),
);
const STRATA_BIN = snapshotCli(NAME);
const DATAFORM_BIN = path.join(REPO_ROOT, 'node_modules', '@dataform', 'cli', 'bundle.js');
const DATAFORM_CORE = path.join(REPO_ROOT, 'node_modules', '@dataform', 'core');
const DATAFORM_TIMEOUT = '20m';

/** Goals of issue 2. */
const GOAL_MS_10K = 1000;
const GOAL_RSS_MB = 500;
const GOAL_DATAFORM_RATIO = 100;

type Mode = 'cold' | 'warm' | 'cold --no-format' | 'warm --no-format';
const MODES: readonly Mode[] = ['cold', 'warm', 'cold --no-format', 'warm --no-format'];

interface SizeResult {
  readonly size: number;
  readonly shape: string;
  readonly strata: Map<Mode, ProcessMeasurement[]>;
  readonly dataform: ProcessMeasurement[];
  /** Per pair i: Dataform wall time over Strata's cold (formatted) and cold --no-format wall time of run i. */
  readonly ratios: { readonly formatted: number; readonly noFormat: number }[];
}

async function main(): Promise<void> {
  const work = path.join(WORK_DIR, NAME);
  const started = Date.now();
  const results: SizeResult[] = [];
  for (const size of SIZES) {
    const project = generateSyntheticProject(size);
    const strataDir = path.join(work, `strata-${size}`);
    writeStrataProject(project, strataDir);
    const dataformRuns = DATAFORM_RUNS.get(size) ?? 0;
    const dataformDir = path.join(work, `dataform-${size}`);
    if (dataformRuns > 0) writeDataformProject(project, dataformDir, DATAFORM_CORE);
    log(`${size} models generated in ${strataDir}${dataformRuns ? ` and ${dataformDir}` : ''}`);

    const strata = new Map<Mode, ProcessMeasurement[]>(MODES.map((m) => [m, []]));
    const dataform: ProcessMeasurement[] = [];
    const ratios: SizeResult['ratios'] = [];
    for (let run = 0; run < RUNS; run += 1) {
      for (const mode of MODES) {
        if (mode.startsWith('cold')) rmSync(path.join(strataDir, 'target'), { recursive: true, force: true });
        const m = await strataCompile(strataDir, mode.endsWith('--no-format'));
        verifyStrata(strataDir, size, m);
        strata.get(mode)!.push(m);
        log(`strata ${size} ${mode} run ${run + 1}: ${seconds(m.wallMs)}, ${m.peakRssMb.toFixed(0)} MiB`);
      }
      if (run < dataformRuns) {
        const m = await dataformCompile(dataformDir, size);
        dataform.push(m);
        const formatted = m.wallMs / strata.get('cold')![run]!.wallMs;
        const noFormat = m.wallMs / strata.get('cold --no-format')![run]!.wallMs;
        ratios.push({ formatted, noFormat });
        log(`dataform ${size} run ${run + 1}: ${seconds(m.wallMs)}, ${m.peakRssMb.toFixed(0)} MiB; ratio ${formatted.toFixed(1)}x / ${noFormat.toFixed(1)}x`);
      }
    }
    results.push({ size, shape: describeShape(project), strata, dataform, ratios });
  }
  writeResultsSection(NAME, report(results, Date.now() - started));
  log(`results written to bench/RESULTS.md (section ${NAME})`);
}

async function strataCompile(dir: string, noFormat: boolean): Promise<ProcessMeasurement> {
  const m = await measureProcess(process.execPath, [STRATA_BIN, 'compile', ...(noFormat ? ['--no-format'] : [])], { cwd: dir });
  assertSucceeded('strata compile', m);
  return m;
}

/** The compile really happened: every model is in manifest.json and has compiled SQL with resolved refs. */
function verifyStrata(dir: string, size: number, m: ProcessMeasurement): void {
  if (!m.stdout.includes(`Compiled ${size} models`)) throw new Error(`strata compile did not report ${size} models: ${m.stdout}`);
  const manifest = JSON.parse(readFileSync(path.join(dir, 'target', 'manifest.json'), 'utf8')) as {
    nodes: Record<string, { kind: string; compiledSql?: string; dependsOn: string[] }>;
  };
  const models = Object.values(manifest.nodes).filter((n) => n.kind === 'model');
  if (models.length !== size) throw new Error(`manifest.json has ${models.length} models, expected ${size}`);
  const unresolved = models.filter((n) => !n.compiledSql || n.compiledSql.includes('{{') || (n.dependsOn.length > 0 && !n.compiledSql.includes('"main"."m')));
  if (unresolved.length) throw new Error(`${unresolved.length} models have unrendered or unresolved compiled SQL`);
  const compiledFiles = countFiles(path.join(dir, 'target', 'compiled'), '.sql');
  if (compiledFiles !== size) throw new Error(`target/compiled has ${compiledFiles} .sql files, expected ${size}`);
}

async function dataformCompile(dir: string, size: number): Promise<ProcessMeasurement> {
  const out = path.join(dir, '..', `dataform-${size}.json`);
  const m = await measureProcess(process.execPath, [DATAFORM_BIN, 'compile', '--json', `--timeout=${DATAFORM_TIMEOUT}`], {
    cwd: dir,
    stdoutFile: out,
  });
  assertSucceeded('dataform compile', m);
  // Dataform exits 0 even with compilation errors; they are in graphErrors.
  const graph = JSON.parse(readFileSync(out, 'utf8')) as {
    tables?: { target: { name: string }; query: string; dependencyTargets?: unknown[] }[];
    graphErrors?: { compilationErrors?: unknown[] };
  };
  const errors = graph.graphErrors?.compilationErrors ?? [];
  if (errors.length) throw new Error(`dataform compile reported ${errors.length} compilation errors, first: ${JSON.stringify(errors[0])}`);
  const tables = graph.tables ?? [];
  if (tables.length !== size) throw new Error(`dataform compiled ${tables.length} tables, expected ${size}`);
  const unresolved = tables.filter((t) => t.query.includes('${') || (t.dependencyTargets?.length ?? 0) === 0 && t.target.name !== 'm00000');
  if (unresolved.length) throw new Error(`${unresolved.length} Dataform tables have unresolved SQL or no dependencies`);
  rmSync(out, { force: true });
  return m;
}

function countFiles(dir: string, ext: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith(ext)).length;
}

function describeShape(project: SyntheticProject): string {
  const lines = project.models.map((m) => strataModelSql(m).split('\n').length - 1);
  const refs = project.models.map((m) => m.parents.length);
  const refCount = refs.reduce((a, b) => a + b, 0);
  const near = project.models.reduce(
    (n, m) => n + m.parents.filter((p) => m.index - Number(p.slice(1)) <= 200).length,
    0,
  );
  return `lines per model min ${Math.min(...lines)} / median ${median(lines)} / max ${Math.max(...lines)}; ${refCount} refs (${((100 * near) / refCount).toFixed(0)}% within the previous 200 models)`;
}

function report(results: readonly SizeResult[], elapsedMs: number): string {
  const out: string[] = [
    '## Compile scaling (`strata compile`) and Dataform comparison',
    '',
    machineFacts(),
    `Peak memory: ${PEAK_RSS_METHOD}. Wall time: the whole process, from spawn to exit; CPU time from GNU time (not shown for Dataform: its`,
    `compile worker is killed, not reaped, so GNU time does not see it). Benchmark took ${(elapsedMs / 60000).toFixed(1)} min.`,
    '',
    'Synthetic projects from `bench/lib/synthetic-project.ts` (seeded): each model refs 1–3 earlier models (70% among the previous 200),',
    'has a `config()` call with 2–3 tags, a description and 4–6 documented columns in YAML, CTEs, joins, an inline `{% for %}` loop and',
    '3 macro calls (2 of the 3 macros in `macros/` contain loops or expressions). Dataform gets the same models as SQLX with a `config {}` block and',
    '`includes/macros.js`. *cold* = `target/` deleted first; *warm* = run again with `target/` kept (compiled SQL files are rewritten only when their hash changes; compiled templates are cached in `target/partial_parse.json`).',
    `Medians of ${RUNS} runs. Every run is checked: all models in \`target/manifest.json\` with resolved refs and one file each in`,
    '`target/compiled`; for Dataform, `tables` in its JSON output counts every model and `graphErrors` is empty.',
    '',
  ];
  const rows: string[][] = [];
  for (const r of results) {
    for (const mode of MODES) {
      const runs = r.strata.get(mode)!;
      const wall = median(runs.map((m) => m.wallMs));
      rows.push([
        String(r.size),
        `strata compile, ${mode}`,
        seconds(wall),
        `${seconds(Math.min(...runs.map((m) => m.wallMs)))}–${seconds(Math.max(...runs.map((m) => m.wallMs)))}`,
        `${((wall * 1000) / r.size).toFixed(0)} µs`,
        seconds(median(runs.map((m) => m.cpuMs))),
        `${median(runs.map((m) => m.peakRssMb)).toFixed(0)} MiB`,
      ]);
    }
    if (r.dataform.length) {
      const wall = median(r.dataform.map((m) => m.wallMs));
      rows.push([
        String(r.size),
        `dataform compile (${r.dataform.length} run${r.dataform.length > 1 ? 's' : ''})`,
        seconds(wall),
        `${seconds(Math.min(...r.dataform.map((m) => m.wallMs)))}–${seconds(Math.max(...r.dataform.map((m) => m.wallMs)))}`,
        `${((wall * 1000) / r.size).toFixed(0)} µs`,
        '—',
        `${median(r.dataform.map((m) => m.peakRssMb)).toFixed(0)} MiB (tree ${median(r.dataform.map((m) => m.peakTreeRssMb)).toFixed(0)} MiB)`,
      ]);
    }
  }
  out.push(markdownTable(['models', 'command', 'median wall', 'range', 'wall per model', 'CPU (user+sys)', 'peak RSS'], rows), '');
  out.push('Project shapes: ' + results.map((r) => `${r.size}: ${r.shape}`).join('; ') + '.', '');

  // Scaling relative to the smallest size; CPU time is the steadier measure on a shared machine.
  const base = results[0];
  const medianOf = (r: SizeResult, mode: Mode, key: 'wallMs' | 'cpuMs'): number => median(r.strata.get(mode)!.map((m) => m[key]));
  if (base && results.length > 1) {
    out.push('### Growth relative to the smallest project (wall time / CPU time)', '');
    const growthRows = results.map((r) => [
      String(r.size),
      `${(r.size / base.size).toFixed(0)}x`,
      ...MODES.map((mode) => `${(medianOf(r, mode, 'wallMs') / medianOf(base, mode, 'wallMs')).toFixed(2)}x / ${(medianOf(r, mode, 'cpuMs') / medianOf(base, mode, 'cpuMs')).toFixed(2)}x`),
    ]);
    out.push(markdownTable(['models', 'size', ...MODES.map((m) => m)], growthRows), '');
  }

  const withDataform = results.filter((r) => r.ratios.length);
  if (withDataform.length) {
    out.push('### Dataform / Strata (pair by pair: same size, same run)', '');
    out.push(
      markdownTable(
        ['models', 'pairs', 'vs `strata compile` cold', 'vs `strata compile --no-format` cold'],
        withDataform.map((r) => [
          String(r.size),
          String(r.ratios.length),
          ratioCell(r.ratios.map((x) => x.formatted)),
          ratioCell(r.ratios.map((x) => x.noFormat)),
        ]),
      ),
      '',
    );
  }

  out.push('### Goals', '');
  const largest = results.find((r) => r.size === 10000) ?? results[results.length - 1];
  if (largest) {
    for (const mode of MODES) {
      const wall = median(largest.strata.get(mode)!.map((m) => m.wallMs));
      out.push(`- ${largest.size} models under 1 s, ${mode}: ${seconds(wall)} — ${wall < GOAL_MS_10K ? 'met' : 'missed'}`);
    }
  }
  if (results.length >= 3) {
    // Marginal CPU cost per model between consecutive sizes: start-up cancels out, so a linear
    // compile shows the same cost per added model in every interval.
    for (const mode of MODES) {
      const slopes = results.slice(1).map((r, i) => {
        const prev = results[i]!;
        return (medianOf(r, mode, 'cpuMs') - medianOf(prev, mode, 'cpuMs')) / (r.size - prev.size);
      });
      const drift = slopes[slopes.length - 1]! / slopes[0]!;
      out.push(
        `- Linear growth, ${mode}: CPU time per added model ${slopes.map((x, i) => `${results[i]!.size}→${results[i + 1]!.size} ${x.toFixed(2)} ms`).join(', ')}` +
          ` (last/first ${drift.toFixed(2)}) — ${drift <= 1.25 ? 'linear' : 'worse than linear'}`,
      );
    }
  }
  const peak = Math.max(...results.flatMap((r) => [...r.strata.values()].flat().map((m) => m.peakRssMb)));
  const perMode = largest ? MODES.map((mode) => `${mode} ${Math.max(...largest.strata.get(mode)!.map((m) => m.peakRssMb)).toFixed(0)}`).join(', ') : '';
  out.push(
    `- Peak memory under ${GOAL_RSS_MB} MB: highest peak RSS of any Strata run ${peak.toFixed(0)} MiB — ${peak < GOAL_RSS_MB ? 'met' : 'missed'}` +
      (largest ? ` (at ${largest.size} models, highest per mode in MiB: ${perMode})` : ''),
  );
  const df5k = results.find((r) => r.size === 5000 && r.ratios.length);
  if (df5k) {
    const ratio = median(df5k.ratios.map((x) => x.formatted));
    const ratioNoFormat = median(df5k.ratios.map((x) => x.noFormat));
    out.push(
      `- At least ${GOAL_DATAFORM_RATIO}x faster than Dataform at 5,000 models: ${ratio.toFixed(1)}x (default, formatted) / ${ratioNoFormat.toFixed(1)}x (--no-format) — ${ratio >= GOAL_DATAFORM_RATIO ? 'met' : 'missed'}${ratio < GOAL_DATAFORM_RATIO && ratioNoFormat >= GOAL_DATAFORM_RATIO ? ' (met with --no-format)' : ''}`,
    );
  }
  if (withDataform.length) out.push('', `Dataform: @dataform/cli ${packageVersion('@dataform/cli')} with @dataform/core ${packageVersion('@dataform/core')}, run as \`dataform compile --json --timeout=${DATAFORM_TIMEOUT}\` (output to a file). Its peak RSS is that of its largest process (the compile worker); "tree" is the sampled sum of all its processes.`);
  return out.join('\n');
}

function ratioCell(values: readonly number[]): string {
  const med = median(values);
  return values.length > 1 ? `${med.toFixed(1)}x (${values.map((v) => v.toFixed(1)).join(', ')})` : `${med.toFixed(1)}x`;
}

function packageVersion(name: string): string {
  return (JSON.parse(readFileSync(path.join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
}

function listEnv(name: string, fallback: string): string[] {
  return (process.env[name] ?? fallback).split(',').map((s) => s.trim()).filter(Boolean);
}

function log(message: string): void {
  console.log(`[${NAME}] ${message}`);
}

await main();
