import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CompiledProject } from '../../src/compile/compile-project.js';
import { nodeChecksums } from '../../src/state/read-change-state.js';
import type { NodeState } from '../../src/state/node-state.js';
import { planChanges, type ChangePlan } from '../../src/state/plan-changes.js';
import { statesAfterRun } from '../../src/state/states-after-run.js';
import { compileInline } from '../helpers/compile-inline.js';

const SOURCES = `version: 2
sources:
  - name: shop
    tables:
      - name: orders
        landing: landing/orders_*.csv
`;

/** raw → stg (view) → orders (table) → daily (table); customers (table) independent; eph (ephemeral) → uses_eph (table). */
function project(overrides: Record<string, string> = {}): CompiledProject {
  return compileInline({
    'models/sources.yml': SOURCES,
    'models/stg_orders.sql': "{{ config(materialized='view') }} select * from {{ source('shop', 'orders') }}",
    'models/orders.sql': "{{ config(materialized='table') }} select id, amount from {{ ref('stg_orders') }}",
    'models/daily.sql': "{{ config(materialized='table') }} select count(*) as n from {{ ref('orders') }}",
    'models/customers.sql': "{{ config(materialized='table') }} select 1 as id",
    'models/eph.sql': "{{ config(materialized='ephemeral') }} select 2 as id",
    'models/uses_eph.sql': "{{ config(materialized='table') }} select * from {{ ref('eph') }}",
    ...overrides,
  });
}

const id = (name: string): string => `model.test_project.${name}`;
const SOURCE = 'source.test_project.shop.orders';

/** The state every buildable node would have after one full run with these source versions. */
function builtState(compiled: CompiledProject, sourceVersions: Map<string, string>, runId = 'run1'): Map<string, NodeState> {
  const built = new Set([...compiled.nodes.values()].filter((n) => (n.kind === 'model' && n.config.materialized !== 'ephemeral') || n.kind === 'seed').map((n) => n.uniqueId));
  const states = statesAfterRun({ dag: compiled.dag, built, runId, builtAt: '2024-01-01T00:00:00Z', checksums: nodeChecksums(compiled.nodes, '/nowhere'), recorded: new Map(), sourceVersions });
  return new Map(states.map((s) => [s.uniqueId, s]));
}

function plan(compiled: CompiledProject, recorded: Map<string, NodeState>, sourceVersions: Map<string, string>, missing: readonly string[] = []): ChangePlan {
  return planChanges({ dag: compiled.dag, checksums: nodeChecksums(compiled.nodes, '/nowhere'), recorded, sourceVersions, exists: (x) => !missing.includes(x) });
}

const reasons = (p: ChangePlan): Record<string, readonly string[]> => Object.fromEntries([...p.changed].map(([k, v]) => [k.replace('model.test_project.', ''), v]));

describe('change detection (pure, no database)', () => {
  const v1 = new Map([[SOURCE, 'load:1']]);

  it('marks every buildable node new before anything was built, and never an ephemeral model', () => {
    const p = plan(project(), new Map(), v1);
    assert.deepEqual(reasons(p), { stg_orders: ['new'], orders: ['new'], daily: ['new'], customers: ['new'], uses_eph: ['new'] });
    assert.equal(p.upToDate.size, 0);
  });

  it('finds nothing to do when code and inputs are as recorded', () => {
    const compiled = project();
    const p = plan(compiled, builtState(compiled, v1), v1);
    assert.deepEqual(reasons(p), {});
    assert.deepEqual([...p.upToDate].sort(), [id('customers'), id('daily'), id('orders'), id('stg_orders'), id('uses_eph')]);
  });

  it('rebuilds a modified model and what depends on it, not its siblings', () => {
    const recorded = builtState(project(), v1);
    const edited = project({ 'models/orders.sql': "{{ config(materialized='table') }} select id, amount * 2 as amount from {{ ref('stg_orders') }}" });
    assert.deepEqual(reasons(plan(edited, recorded, v1)), { orders: ['modified'], daily: ['upstream'] });
  });

  it('counts a config change that shapes the relation, not a description or tag', () => {
    const recorded = builtState(project(), v1);
    const retagged = project({ 'models/customers.sql': "{{ config(materialized='table', tags=['x']) }} select 1 as id" });
    assert.deepEqual(reasons(plan(retagged, recorded, v1)), {});
    const reshaped = project({ 'models/customers.sql': "{{ config(materialized='view') }} select 1 as id" });
    assert.deepEqual(reasons(plan(reshaped, recorded, v1)), { customers: ['modified'] });
  });

  it('rebuilds what reads a source that received a new load, through views', () => {
    const compiled = project();
    const recorded = builtState(compiled, v1);
    const v2 = new Map([[SOURCE, 'load:2']]);
    // The view shows the new rows at once, so the table reading it has new data too.
    assert.deepEqual(reasons(plan(compiled, recorded, v2)), { stg_orders: ['new_data'], orders: ['new_data'], daily: ['upstream'] });
  });

  it('rebuilds the consumers of a changed ephemeral model (its SQL is inlined into them)', () => {
    const recorded = builtState(project(), v1);
    const edited = project({ 'models/eph.sql': "{{ config(materialized='ephemeral') }} select 3 as id" });
    assert.deepEqual(reasons(plan(edited, recorded, v1)), { uses_eph: ['modified'] });
  });

  it('rebuilds a model whose relation disappeared', () => {
    const compiled = project();
    assert.deepEqual(reasons(plan(compiled, builtState(compiled, v1), v1, [id('customers')])), { customers: ['missing'] });
  });

  it('sees a rebuilt parent as new data for its children', () => {
    const compiled = project();
    const recorded = builtState(compiled, v1);
    // orders alone was rebuilt later (e.g. strata run -s orders): daily was built from its old version.
    const again = statesAfterRun({ dag: compiled.dag, built: new Set([id('orders')]), runId: 'run2', builtAt: '2024-01-02T00:00:00Z', checksums: nodeChecksums(compiled.nodes, '/x'), recorded, sourceVersions: v1 });
    for (const s of again) recorded.set(s.uniqueId, s);
    assert.deepEqual(reasons(plan(compiled, recorded, v1)), { daily: ['new_data'] });
  });
});
