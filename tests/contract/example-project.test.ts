import assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { PostgresDialect } from '../../src/adapters/postgres/postgres-dialect.js';
import { textPreservingTypes } from '../../src/adapters/postgres/type-parsers.js';
import type { Manifest, Relation } from '../../src/manifest/types.js';
import { queryDuckdb } from '../helpers/duckdb-query.js';
import { ENGINES, PG_URL, uniqueName, withPgClient } from '../helpers/engines.js';
import { runCli } from '../helpers/run-cli.js';
import { removeProject, tempProject } from '../helpers/temp-project.js';
import { UTC_SESSIONS } from '../helpers/utc-sessions.js';

// The repository's example project builds on PostgreSQL (`--target postgres`) with the same
// relations, row counts and values as on the embedded DuckDB.

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const postgres = ENGINES.find((e) => e.name === 'postgres')!;
const dialect = new PostgresDialect();

function copyExampleProject(): string {
  const dir = tempProject({});
  cpSync(path.join(REPO, 'strata.yml'), path.join(dir, 'strata.yml'));
  for (const folder of ['models', 'seeds', 'macros', 'landing']) cpSync(path.join(REPO, folder), path.join(dir, folder), { recursive: true });
  return dir;
}

/** Rows as sorted JSON lines, so engines and collations compare equal when the data does. */
function canonical(rows: readonly Record<string, unknown>[]): string[] {
  return rows.map((row) => JSON.stringify(row)).sort();
}

test('the example project builds on PostgreSQL with the same rows as on DuckDB', { skip: postgres.skip ?? false, timeout: 180_000 }, async () => {
  const dir = copyExampleProject();
  const database = uniqueName();
  await withPgClient((c) => c.query(`create database ${database}`));
  const url = new URL(PG_URL);
  url.pathname = `/${database}`;
  try {
    const onDuckdb = await runCli(['build'], dir, UTC_SESSIONS);
    assert.equal(onDuckdb.code, 0, onDuckdb.stdout + onDuckdb.stderr);
    const duckManifest = JSON.parse(readFileSync(path.join(dir, 'target', 'manifest.json'), 'utf8')) as Manifest;
    const onPostgres = await runCli(['build', '--target', 'postgres'], dir, { ...UTC_SESSIONS, STRATA_PG_URL: url.toString() });
    assert.equal(onPostgres.code, 0, onPostgres.stdout + onPostgres.stderr);
    const pgManifest = JSON.parse(readFileSync(path.join(dir, 'target', 'manifest.json'), 'utf8')) as Manifest;

    const relationsOf = (manifest: Manifest): Map<string, Relation> =>
      new Map(
        Object.values(manifest.nodes).flatMap((n) =>
          (n.kind === 'model' && n.config.materialized !== 'ephemeral') || n.kind === 'seed' ? [[n.uniqueId, n.relation] as const] : [],
        ),
      );
    const duckRelations = relationsOf(duckManifest);
    const pgRelations = relationsOf(pgManifest);
    assert.deepEqual([...pgRelations.keys()].sort(), [...duckRelations.keys()].sort());
    assert.ok(pgRelations.size >= 7, `expected the example's seeds and models, got ${[...pgRelations.keys()].join(', ')}`);

    const client = new pg.Client({ connectionString: url.toString(), types: textPreservingTypes, options: UTC_SESSIONS.PGOPTIONS });
    await client.connect();
    try {
      for (const [id, relation] of duckRelations) {
        const duckRows = await queryDuckdb(path.join(dir, 'target', 'market_data.duckdb'), `set TimeZone = 'UTC'; select * from "${relation.schema}"."${relation.identifier}"`);
        const pgRows = (await client.query(`select * from ${dialect.relation(pgRelations.get(id)!)}`)).rows as Record<string, unknown>[];
        assert.ok(duckRows.length > 0, `${id} is empty on DuckDB`);
        assert.equal(pgRows.length, duckRows.length, `row count of ${id}`);
        assert.deepEqual(canonical(pgRows), canonical(duckRows), `values of ${id}`);
      }
    } finally {
      await client.end();
    }
  } finally {
    await withPgClient((c) => c.query(`drop database if exists ${database} with (force)`));
    removeProject(dir);
  }
});
