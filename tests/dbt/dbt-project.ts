import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DuckdbDialect } from '../../src/adapters/duckdb/duckdb-dialect.js';
import { compileProject, type CompiledProject } from '../../src/compile/compile-project.js';
import { loadProject } from '../../src/project/load-project.js';
import { PG_URL, type EngineProject } from '../helpers/engines.js';
import type { CliResult } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

/** dbt_project.yml for a test project named `name`, plus any extra top-level YAML. */
export function dbtProjectYaml(name: string, extra = ''): string {
  return `name: ${name}\nversion: '1.0.0'\nconfig-version: 2\nprofile: ${name}\n${extra}`;
}

/** profiles.yml pointing at the engine's database and this test's own schema (target `dev`). */
export function profilesYaml(project: EngineProject, profile: string): string {
  if (project.engine.name === 'duckdb') {
    return `${profile}:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/test.duckdb\n      schema: ${project.schema}\n      threads: 4\n`;
  }
  const url = new URL(PG_URL);
  return [
    `${profile}:`,
    '  target: dev',
    '  outputs:',
    '    dev:',
    '      type: postgres',
    `      host: "${url.hostname}"`,
    `      port: ${url.port || 5432}`,
    `      user: "${decodeURIComponent(url.username) || 'postgres'}"`,
    `      password: "${decodeURIComponent(url.password)}"`,
    `      dbname: "${url.pathname.replace(/^\//, '') || 'postgres'}"`,
    `      schema: ${project.schema}`,
    '      threads: 4',
    '',
  ].join('\n');
}

/** Writes a dbt project (dbt_project.yml, profiles.yml, files) into the engine project's folder. */
export function writeDbtProject(project: EngineProject, name: string, files: Record<string, string>, projectExtra = ''): void {
  project.write({ 'dbt_project.yml': dbtProjectYaml(name, projectExtra), 'profiles.yml': profilesYaml(project, name), ...files });
}

/** Runs strata with profiles.yml read from the project folder only. */
export function strata(project: EngineProject, args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  return project.strata(args, { DBT_PROFILES_DIR: project.dir, ...env });
}

/** Runs strata and fails the test (showing its output) unless it exits 0. */
export async function strataOk(project: EngineProject, args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  const result = await strata(project, args, env);
  assert.equal(result.code, 0, `strata ${args.join(' ')} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
  return result;
}

/** Rows of a relation in the engine, ordered, with every value as text (NULL stays null). */
export async function rowsOf(project: EngineProject, relation: string, orderBy = '1'): Promise<Record<string, string | null>[]> {
  const rows = await project.query(`select * from ${relation} order by ${orderBy}`);
  return rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === null || v === undefined ? null : String(v)])));
}

/** `"schema"."name"` in the engine's quoting. */
export function rel(project: EngineProject, schema: string, name: string): string {
  return project.engine.dialect.relation({ schema, identifier: name });
}

/** The per-test verdicts of the last run (from run_results.json). */
export function testVerdicts(project: EngineProject): Record<string, string> {
  const runResults = JSON.parse(readFileSync(path.join(project.dir, 'target/run_results.json'), 'utf8')) as {
    results: { name: string; status: string; test?: { verdict: string; failures: number } }[];
  };
  return Object.fromEntries(runResults.results.filter((r) => r.test).map((r) => [r.name, `${r.test!.verdict}:${r.test!.failures}`]));
}

/** A dbt project on DuckDB compiled in memory (no database), with profiles.yml in the project folder. */
export function compileDbt(files: Record<string, string>, options: { name?: string; projectExtra?: string; target?: string; vars?: Record<string, unknown> } = {}): CompiledProject {
  const dir = dbtProjectDir(files, options);
  const previous = process.env.DBT_PROFILES_DIR;
  process.env.DBT_PROFILES_DIR = dir;
  try {
    return compileProject(loadProject(dir, { target: options.target }), { dialect: new DuckdbDialect(), vars: options.vars });
  } finally {
    if (previous === undefined) delete process.env.DBT_PROFILES_DIR;
    else process.env.DBT_PROFILES_DIR = previous;
  }
}

/** A temp folder holding a dbt project (default dbt_project.yml and a DuckDB profile unless given). */
export function dbtProjectDir(files: Record<string, string>, options: { name?: string; projectExtra?: string } = {}): string {
  const name = options.name ?? 'shop';
  return tempProject({
    'dbt_project.yml': dbtProjectYaml(name, options.projectExtra ?? ''),
    'profiles.yml': `${name}:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/dev.duckdb\n      schema: analytics\n`,
    ...files,
  });
}
