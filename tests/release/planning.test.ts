import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DuckdbDialect } from '../../src/adapters/duckdb/duckdb-dialect.js';
import { PostgresDialect } from '../../src/adapters/postgres/postgres-dialect.js';
import { compileProject, type CompiledProject } from '../../src/compile/compile-project.js';
import { loadProject } from '../../src/project/load-project.js';
import { releaseId } from '../../src/release/fingerprints.js';
import { previousGoodRelease } from '../../src/release/live-release.js';
import { physicalRelation } from '../../src/release/physical-relation.js';
import { planRelease, type ReleasePlan } from '../../src/release/plan-release.js';
import type { PhysicalRecord, PromotionRecord, ReleaseRecord } from '../../src/release/release-store.js';
import { planRetention } from '../../src/release/retention.js';
import { removeProject, tempProject } from '../helpers/temp-project.js';

// Planning a release, rolling back and retention are pure: tested here without a database.

const FILES = {
  'seeds/customers.csv': 'id,name\n1,ann\n',
  'models/stg.sql': "{{ config(materialized='view', tags=['x']) }}\nselect id, name from {{ ref('customers') }}",
  'models/eph.sql': "{{ config(materialized='ephemeral') }}\nselect id from {{ ref('stg') }}",
  'models/totals.sql': "{{ config(materialized='table') }}\nselect count(*) as n from {{ ref('eph') }} cross join {{ source('crm', 'accounts') }}",
  'models/sources.yml': 'version: 2\nsources:\n  - name: crm\n    tables:\n      - name: accounts\n',
};

function compileCanonical(files: Record<string, string>, schema = 'main'): CompiledProject {
  const dir = tempProject({ 'strata.yml': `name: p\ntargets:\n  dev:\n    adapter: duckdb\n    path: target/t.duckdb\n    schema: ${schema}\n`, ...files });
  try {
    return compileProject(loadProject(dir), { dialect: new DuckdbDialect(), relationFor: (name) => ({ schema: '__strata_ref', identifier: name }) });
  } finally {
    removeProject(dir);
  }
}

function plan(files: Record<string, string>, options: { source?: string; seed?: string; existing?: PhysicalRecord[]; schema?: string } = {}): ReleasePlan {
  const compiled = compileCanonical(files, options.schema);
  return planRelease({
    nodes: compiled.nodes,
    order: compiled.dag.topologicalOrder(),
    state: {
      sourceVersions: new Map([['source.p.crm.accounts', options.source ?? 'load:1:rows:10']]),
      seedHashes: new Map([['seed.p.customers', options.seed ?? 'abc']]),
    },
    existing: new Map((options.existing ?? []).map((r) => [r.fingerprint, r])),
    dialect: new DuckdbDialect(),
    physicalSchema: 'phys',
    version: '1.0.0',
    commit: '0123456789abcdef0123456789abcdef01234567',
  });
}

const fingerprintOf = (p: ReleasePlan, name: string): string => p.nodes.find((n) => n.name === name)!.fingerprint;

test('fingerprints follow SQL, config and inputs down the graph, and ignore tags and the target schema', () => {
  const base = plan(FILES);
  assert.deepEqual(base.nodes.map((n) => [n.name, n.action]), [['customers', 'build'], ['stg', 'build'], ['eph', 'inline'], ['totals', 'build']]);
  assert.match(base.releaseId, /^1\.0\.0-0123456-[0-9a-f]{8}$/);
  assert.equal(plan(FILES).releaseId, base.releaseId, 'planning is deterministic');
  assert.deepEqual(plan(FILES, { schema: 'other' }).nodes.map((n) => n.fingerprint), base.nodes.map((n) => n.fingerprint));

  const retagged = plan({ ...FILES, 'models/stg.sql': "{{ config(materialized='view', tags=['y']) }}\nselect id, name from {{ ref('customers') }}" });
  assert.equal(fingerprintOf(retagged, 'stg'), fingerprintOf(base, 'stg'));

  const changed = plan({ ...FILES, 'models/stg.sql': "{{ config(materialized='view') }}\nselect id, upper(name) as name from {{ ref('customers') }}" });
  assert.equal(fingerprintOf(changed, 'customers'), fingerprintOf(base, 'customers'));
  assert.notEqual(fingerprintOf(changed, 'stg'), fingerprintOf(base, 'stg'));
  assert.notEqual(fingerprintOf(changed, 'eph'), fingerprintOf(base, 'eph'));
  assert.notEqual(fingerprintOf(changed, 'totals'), fingerprintOf(base, 'totals'), 'through the ephemeral model');
  assert.notEqual(changed.releaseId, base.releaseId);

  const newData = plan(FILES, { source: 'load:2:rows:12' });
  assert.deepEqual(['customers', 'stg', 'totals'].map((n) => fingerprintOf(newData, n) === fingerprintOf(base, n)), [true, true, false]);
  const newSeed = plan(FILES, { seed: 'def' });
  assert.deepEqual(['customers', 'stg', 'totals'].map((n) => fingerprintOf(newSeed, n) === fingerprintOf(base, n)), [false, false, false]);

  const rematerialized = plan({ ...FILES, 'models/totals.sql': FILES['models/totals.sql'].replace("'table'", "'view'") });
  assert.notEqual(fingerprintOf(rematerialized, 'totals'), fingerprintOf(base, 'totals'));
});

test('a plan reuses the physical relation of every fingerprint that exists and names new ones after the fingerprint', () => {
  const first = plan(FILES);
  const stg = first.nodes.find((n) => n.name === 'stg')!;
  assert.deepEqual(stg.physical, { schema: 'phys', identifier: `stg__${stg.fingerprint.slice(0, 12)}` });
  const existing: PhysicalRecord = { fingerprint: stg.fingerprint, uniqueId: stg.uniqueId, relation: { schema: 'old_phys', identifier: 'stg__x' }, kind: 'view', rows: 1, seq: 1, builtBy: 'r' };
  const second = plan(FILES, { existing: [existing] });
  const reused = second.nodes.find((n) => n.name === 'stg')!;
  assert.equal(reused.action, 'reuse');
  assert.deepEqual(reused.physical, existing.relation);
  assert.equal(second.nodes.find((n) => n.name === 'totals')!.action, 'build');
});

test('physical names fit the engine’s identifier limit with room for the strategies’ suffixes', () => {
  const long = 'a_model_name_that_is_quite_long_for_postgres_identifiers_really';
  const fp = 'f'.repeat(64);
  const relation = physicalRelation(new PostgresDialect(), 'phys', long, fp);
  assert.ok(Buffer.byteLength(relation.identifier) <= 63 - 16, relation.identifier);
  assert.ok(relation.identifier.endsWith(`__${'f'.repeat(12)}`));
  assert.equal(physicalRelation(new DuckdbDialect(), 'phys', long, fp).identifier, `${long}__${'f'.repeat(12)}`);
  assert.equal(releaseId('1.2 beta', 'none', 'abcdef0123'), '1.2_beta-none-abcdef01');
});

const promotion = (releaseId: string, action: 'promote' | 'rollback', replaced: string | null, environment = 'prod'): PromotionRecord => ({
  environment,
  releaseId,
  action,
  replacedReleaseId: replaced,
  promotedAt: '2024-01-01T00:00:00.000Z',
  promotedBy: 'me',
});

test('rollback goes back to what the live release replaced, and on from a release reached by rollback', () => {
  const all = (): boolean => true;
  const history = [promotion('A', 'promote', null), promotion('B', 'promote', 'A'), promotion('C', 'promote', 'B')];
  assert.equal(previousGoodRelease(history, 'prod', all), 'B');
  const once = [...history, promotion('B', 'rollback', 'C')];
  assert.equal(previousGoodRelease(once, 'prod', all), 'A');
  const twice = [...once, promotion('A', 'rollback', 'B')];
  assert.equal(previousGoodRelease(twice, 'prod', all), undefined);
  assert.equal(previousGoodRelease(history, 'prod', (id) => id !== 'B'), 'A', 'a release that cannot be used is skipped');
  assert.equal(previousGoodRelease(history, 'dev', all), undefined);
});

function release(id: string, environment: string, createdAt: string, fingerprints: string[], status: 'success' | 'failed' = 'success'): ReleaseRecord {
  return {
    releaseId: id,
    environment,
    target: 'dev',
    version: '1',
    commit: 'none',
    dirty: false,
    status,
    createdAt,
    summary: { models: 0, built: 0, reused: 0, tests: { pass: 0, warn: 0, fail: 0, skip: 0 }, blockingFailures: [], buildErrors: [] },
    rowCounts: {},
    models: fingerprints.map((fingerprint) => ({
      uniqueId: `model.p.${fingerprint}`,
      name: fingerprint,
      kind: 'model' as const,
      materialized: 'table',
      fingerprint,
      physical: { schema: 'phys', identifier: fingerprint },
      schema: null,
      identifier: fingerprint,
      grants: {},
      reused: false,
    })),
    filesHash: '',
    origin: null,
    droppedAt: null,
  };
}

const physical = (fingerprint: string, seq: number): PhysicalRecord => ({ fingerprint, uniqueId: fingerprint, relation: { schema: 'phys', identifier: fingerprint }, kind: 'table', rows: 1, seq, builtBy: '' });

test('retention keeps the newest N per environment, the live and the previous good release, and the relations they use', () => {
  const releases = [
    release('A', 'prod', '2024-01-01', ['seed', 'a']),
    release('B', 'prod', '2024-01-02', ['seed', 'b']),
    release('C', 'prod', '2024-01-03', ['seed', 'c'], 'failed'),
    release('D', 'prod', '2024-01-04', ['seed', 'd']),
    release('E', 'prod', '2024-01-05', ['seed', 'e']),
    release('X', 'dev', '2024-01-02', ['seed', 'x']),
  ];
  const promotions = [promotion('A', 'promote', null), promotion('B', 'promote', 'A')];
  const records = ['seed', 'a', 'b', 'c', 'd', 'e', 'x'].map((f, i) => physical(f, i));
  const result = planRetention({ releases, promotions, physical: records, keep: 2 });
  assert.deepEqual([...result.keptReleases].sort(), ['A', 'B', 'D', 'E', 'X']);
  assert.deepEqual(result.dropReleases, ['C']);
  assert.deepEqual(result.dropPhysical.map((p) => p.fingerprint), ['c']);

  const keepOne = planRetention({ releases, promotions, physical: records, keep: 1 });
  assert.deepEqual([...keepOne.dropReleases].sort(), ['C', 'D']);
  assert.deepEqual(keepOne.dropPhysical.map((p) => p.fingerprint), ['d', 'c'], 'newest first, so what reads a relation goes before it');

  const alreadyDropped = planRetention({ releases: releases.map((r) => (r.releaseId === 'C' ? { ...r, droppedAt: '2024-02-01' } : r)), promotions, physical: records, keep: 1 });
  assert.ok(!alreadyDropped.dropReleases.includes('C'));
});
