/**
 * `npm run bench`: builds the CLI, then runs every `bench/*.bench.ts` in turn, each in its own
 * process (so one benchmark's memory and JIT state cannot affect the next). Adding a benchmark is
 * adding a file. Each one writes its own section of bench/RESULTS.md.
 *
 *   npm run bench                     all benchmarks
 *   npm run bench -- compile          only those whose file name contains "compile"
 *   STRATA_BENCH_NO_BUILD=1 npm run bench   skip `npm run build:ts`
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './lib/paths.js';

const benchDir = path.join(REPO_ROOT, 'bench');
const filters = process.argv.slice(2);
const files = readdirSync(benchDir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((filter) => f.includes(filter)))
  .sort();

if (files.length === 0) {
  console.error(`no bench/*.bench.ts file matches ${filters.join(' ')}`);
  process.exit(2);
}

if (!process.env.STRATA_BENCH_NO_BUILD) {
  console.log('[bench] building dist/ (npm run build:ts)');
  const build = spawnSync('npm', ['run', '--silent', 'build:ts'], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (build.status !== 0) {
    console.error('[bench] the build failed; benchmarks not run');
    process.exit(1);
  }
}

const outcomes: { file: string; status: number | null; seconds: number }[] = [];
for (const file of files) {
  console.log(`\n[bench] ${file}`);
  const started = Date.now();
  const child = spawnSync(process.execPath, ['--import', 'tsx', path.join(benchDir, file)], { cwd: REPO_ROOT, stdio: 'inherit' });
  outcomes.push({ file, status: child.status, seconds: (Date.now() - started) / 1000 });
}

console.log('\n[bench] summary');
for (const { file, status, seconds } of outcomes) {
  console.log(`  ${status === 0 ? 'ok    ' : 'FAILED'} ${file} (${seconds.toFixed(0)} s)`);
}
console.log('[bench] results in bench/RESULTS.md');
process.exitCode = outcomes.every((o) => o.status === 0) ? 0 : 1;
