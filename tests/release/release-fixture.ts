import assert from 'node:assert/strict';
import type { EngineProject, Row } from '../helpers/engines.js';
import type { CliResult } from '../helpers/run-cli.js';

/**
 * A small project with two environments on the test target (`dev` → `<schema>_dev`, `prod` →
 * `<schema>_prod`), its own metadata and physical schemas (so the engine loop removes them), a
 * seed, a view, an ephemeral model and a table. `var('tag')` marks which release a row is from.
 */
export function writeReleaseProject(project: EngineProject, options: { keep?: number; extraYaml?: string } = {}): void {
  project.write({
    'strata.yml': project.projectYaml(
      [
        'version: 2.1.0',
        `metadata_schema: ${project.customSchema('meta')}`,
        'environments:',
        '  dev: {target: dev, schema_suffix: _dev}',
        '  prod: {target: dev, schema_suffix: _prod}',
        'releases:',
        `  keep: ${options.keep ?? 5}`,
        `  physical_schema: ${project.customSchema('phys')}`,
        options.extraYaml ?? '',
      ].join('\n'),
    ),
    'seeds/customers.csv': 'id,name\n1,ann\n2,bob\n',
    'models/stg_customers.sql': "{{ config(materialized='view') }}\nselect id, upper(name) as name, '{{ var(\"tag\", \"A\") }}' as tag from {{ ref('customers') }}\n",
    'models/named.sql': "{{ config(materialized='ephemeral') }}\nselect id, tag from {{ ref('stg_customers') }} where name is not null\n",
    'models/customer_totals.sql': "{{ config(materialized='table') }}\nselect count(*) as n, max(tag) as tag from {{ ref('named') }}\n",
    'models/schema.yml': [
      'models:',
      '  - name: stg_customers',
      '    columns:',
      '      - name: id',
      '        tests:',
      '          - not_null: {tags: [critical]}',
      '          - unique',
      '',
    ].join('\n'),
  });
}

/** The `release_finished` event of `strata release --json`. */
export interface ReleaseEvent {
  readonly releaseId: string;
  readonly status: 'success' | 'failed';
  readonly summary: { models: number; built: number; reused: number; tests: { pass: number; warn: number; fail: number; skip: number }; blockingFailures: string[] };
  readonly rowCounts: Record<string, number>;
}

/** Runs `strata release --env ENV --json ...` and returns its exit code and closing event. */
export async function releaseJson(project: EngineProject, environment: string, ...args: string[]): Promise<{ result: CliResult; event: ReleaseEvent }> {
  const result = await project.strata(['release', '--env', environment, '--json', ...args]);
  const line = result.stdout.split('\n').find((l) => l.includes('"event":"release_finished"'));
  assert.ok(line, `no release_finished event:\n${result.stdout}\n${result.stderr}`);
  return { result, event: JSON.parse(line) as ReleaseEvent };
}

/** `strata release` that must pass; returns the release id. */
export async function releaseOk(project: EngineProject, environment: string, ...args: string[]): Promise<ReleaseEvent> {
  const { result, event } = await releaseJson(project, environment, ...args);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.equal(event.status, 'success');
  return event;
}

/** `strata promote` (or any command) that must exit 0. */
export async function ok(project: EngineProject, args: readonly string[]): Promise<CliResult> {
  const result = await project.strata(args);
  assert.equal(result.code, 0, `strata ${args.join(' ')}:\n${result.stdout}\n${result.stderr}`);
  return result;
}

/** Rows of an environment's public view of `model`, read straight from the database. */
export async function publicRows(project: EngineProject, environment: 'dev' | 'prod', model: string, orderBy = '1'): Promise<Row[]> {
  const relation = project.engine.dialect.relation({ schema: `${project.schema}_${environment}`, identifier: model });
  return project.query(`select * from ${relation} order by ${orderBy}`);
}

/** The comment on an environment's public view (names the release it serves). */
export async function viewComment(project: EngineProject, environment: 'dev' | 'prod', model: string): Promise<string | null> {
  const d = project.engine.dialect;
  const schema = `${project.schema}_${environment}`;
  const rows =
    project.engine.name === 'duckdb'
      ? await project.query(`select comment from duckdb_views() where schema_name = ${d.quoteLiteral(schema)} and view_name = ${d.quoteLiteral(model)}`)
      : await project.query(`select obj_description(to_regclass(${d.quoteLiteral(d.relation({ schema, identifier: model }))}), 'pg_class') as comment`);
  const value = rows[0]?.comment;
  return value === null || value === undefined ? null : String(value);
}

/** The status of one environment from `strata status --json`. */
export async function statusOf(project: EngineProject, environment: string): Promise<Record<string, unknown> & { live: Record<string, unknown> | null }> {
  const result = await ok(project, ['status', '--json']);
  const all = JSON.parse(result.stdout.trim()) as (Record<string, unknown> & { environment: string; live: Record<string, unknown> | null })[];
  const found = all.find((e) => e.environment === environment);
  assert.ok(found, `no status for ${environment}: ${result.stdout}`);
  return found;
}
