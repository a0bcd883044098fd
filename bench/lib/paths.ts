import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (where package.json is). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Git-ignored scratch space of the benchmarks; each benchmark uses `bench/.work/<its name>/`. */
export const WORK_DIR = path.join(REPO_ROOT, 'bench', '.work');

/**
 * Copies the built CLI (bin/, dist/, package.json) to `bench/.work/<name>/cli` and returns the path
 * of its launcher. Others rebuild dist/ while benchmarks run; a snapshot keeps every run of one
 * benchmark on the same build. Dependencies still resolve from the repository's node_modules.
 */
export function snapshotCli(name: string): string {
  if (!existsSync(path.join(REPO_ROOT, 'dist', 'cli', 'main.js'))) {
    throw new Error('dist/ is not built: run `npm run build:ts` (bench/run-all.ts does)');
  }
  const dir = path.join(WORK_DIR, name, 'cli');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const entry of ['bin', 'dist', 'package.json']) {
    cpSync(path.join(REPO_ROOT, entry), path.join(dir, entry), { recursive: true, filter: (src) => !src.endsWith('.map') });
  }
  return path.join(dir, 'bin', 'strata.js');
}
