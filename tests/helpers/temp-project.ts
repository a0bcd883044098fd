import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Writes a small inline project (path → content) into a fresh temp folder and returns its path. */
export function tempProject(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'strata-test-'));
  writeFiles(dir, files);
  return dir;
}

/** Writes (or overwrites) files below `dir`. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}

/** Removes a temp project. */
export function removeProject(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A strata.yml for a DuckDB file database inside the project. */
export function duckdbProjectYaml(extra = '', name = 'test_project'): string {
  return `name: ${name}\ntargets:\n  dev:\n    adapter: duckdb\n    path: target/test.duckdb\n    threads: 4\n${extra}`;
}
