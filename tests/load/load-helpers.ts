import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import type { EngineProject } from '../helpers/engines.js';

/** strata.yml for a loader test: raw and metadata schemas of its own (removed with the test's schema). */
export function loaderYaml(project: EngineProject, extra = ''): string {
  return project.projectYaml(`load:\n  raw_schema: ${project.customSchema('raw')}\n${extra}metadata_schema: ${project.customSchema('meta')}\n`);
}

/** A models/sources.yml with one source `crm` and the given table entries (YAML text, indented under `tables:`). */
export function sourcesYaml(tables: string): string {
  return `version: 2\nsources:\n  - name: crm\n    tables:\n${tables}`;
}

/** Runs `strata load ...args`, returning the exit code and output. */
export async function load(project: EngineProject, args: string[] = []): Promise<{ code: number; out: string }> {
  const result = await project.strata(['load', ...args]);
  return { code: result.code, out: result.stdout + result.stderr };
}

/** Like load, asserting exit 0. */
export async function loadOk(project: EngineProject, args: string[] = []): Promise<string> {
  const { code, out } = await load(project, args);
  assert.equal(code, 0, out);
  return out;
}

/** Rows of a query with every value as text (NULL stays null), so both engines compare equal. */
export async function textRows(project: EngineProject, sql: string): Promise<Record<string, string | null>[]> {
  const rows = await project.query(sql);
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null || v === undefined ? null : typeof v === 'object' ? JSON.stringify(v) : String(v)])));
}

/** The raw table of a test source, quoted. */
export function raw(project: EngineProject, table: string): string {
  return project.engine.dialect.relation({ schema: project.customSchema('raw'), identifier: table });
}

/** The load log, quoted. */
export function loadLog(project: EngineProject): string {
  return project.engine.dialect.relation({ schema: project.customSchema('meta'), identifier: 'load_log' });
}

/** The rejects table, quoted. */
export function rejects(project: EngineProject): string {
  return project.engine.dialect.relation({ schema: project.customSchema('meta'), identifier: 'load_rejects' });
}

/** Log entries (status, path, rows, error) in load order. */
export async function logEntries(project: EngineProject): Promise<{ status: string; path: string; rows: string; error: string | null }[]> {
  const rows = await textRows(project, `select status, path, rows, error from ${loadLog(project)} order by load_id`);
  return rows.map((r) => ({ status: r.status!, path: r.path!, rows: r.rows!, error: r.error ?? null }));
}

export function gz(text: string): Buffer {
  return gzipSync(Buffer.from(text));
}
