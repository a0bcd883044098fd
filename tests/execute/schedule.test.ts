import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { schedule, type NodeStatus } from '../../src/execute/schedule.js';
import { Dag } from '../../src/graph/dag.js';
import type { GraphNode } from '../../src/manifest/types.js';

/** A DAG of exposure-shaped nodes: only ids and edges matter to the scheduler. */
function dagOf(edges: Record<string, string[]>): Dag {
  const nodes = new Map<string, GraphNode>();
  for (const [id, dependsOn] of Object.entries(edges)) {
    nodes.set(id, { kind: 'exposure', uniqueId: id, name: id, path: '', fqn: [id], tags: [], description: '', meta: {}, dependsOn, type: 'dashboard', owner: {}, priority: 0 });
  }
  return new Dag(nodes);
}

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));

describe('the scheduler', () => {
  it('runs independent nodes in parallel up to the thread count, never a node before its parents', async () => {
    const dag = dagOf({ a: [], b: [], c: [], d: [], e: ['a', 'b'], f: ['e', 'c'] });
    let running = 0;
    let peak = 0;
    const finished: string[] = [];
    const statuses = await schedule(dag, {
      selected: new Set(dag.nodes.keys()),
      threads: 3,
      failFast: false,
      skip: () => assert.fail('nothing should be skipped'),
      run: async (id) => {
        for (const parent of dag.parents.get(id)!) assert.ok(finished.includes(parent), `${id} started before ${parent} finished`);
        running += 1;
        peak = Math.max(peak, running);
        await tick();
        running -= 1;
        finished.push(id);
        return 'success';
      },
    });
    assert.equal(peak, 3);
    assert.equal(finished.at(-1), 'f');
    assert.deepEqual([...statuses.values()], Array(6).fill('success'));
  });

  it('skips the descendants of a failed node and continues with independent branches', async () => {
    const dag = dagOf({ a: [], b: ['a'], c: ['b'], x: [], y: ['x'] });
    const skipped: [string, string][] = [];
    const statuses = await schedule(dag, {
      selected: new Set(dag.nodes.keys()),
      threads: 1,
      failFast: false,
      skip: (id, cause) => skipped.push([id, cause]),
      run: async (id): Promise<NodeStatus> => (id === 'a' ? 'error' : 'success'),
    });
    assert.deepEqual(Object.fromEntries(statuses), { a: 'error', b: 'skipped', c: 'skipped', x: 'success', y: 'success' });
    assert.deepEqual(skipped, [['b', 'upstream a failed'], ['c', 'upstream a failed']]);
  });

  it('treats unselected parents as built, and passes through inlined nodes', async () => {
    const dag = dagOf({ a: [], eph: ['a'], b: ['eph'], c: [] });
    const order: string[] = [];
    await schedule(dag, {
      selected: new Set(['a', 'b', 'c']),
      threads: 1,
      failFast: false,
      inlined: (id) => id === 'eph',
      skip: () => undefined,
      run: async (id) => {
        order.push(id);
        return 'success';
      },
    });
    assert.ok(order.indexOf('a') < order.indexOf('b'));
    assert.equal(order.length, 3);
  });

  it('starts the highest priority first when threads are scarce', async () => {
    const dag = dagOf({ low: [], high: [], mid: [] });
    const order: string[] = [];
    const priority: Record<string, number> = { low: 1, high: 3, mid: 2 };
    await schedule(dag, {
      selected: new Set(dag.nodes.keys()),
      threads: 1,
      failFast: false,
      priority: (id) => priority[id]!,
      skip: () => undefined,
      run: async (id) => {
        order.push(id);
        return 'success';
      },
    });
    assert.deepEqual(order, ['high', 'mid', 'low']);
  });

  it('stops starting nodes after a failure with fail-fast', async () => {
    const dag = dagOf({ a: [], b: [], c: [] });
    const ran: string[] = [];
    const statuses = await schedule(dag, {
      selected: new Set(dag.nodes.keys()),
      threads: 1,
      failFast: true,
      skip: () => undefined,
      run: async (id): Promise<NodeStatus> => {
        ran.push(id);
        return 'error';
      },
    });
    assert.deepEqual(ran, ['a']);
    assert.deepEqual(Object.fromEntries(statuses), { a: 'error', b: 'skipped', c: 'skipped' });
  });
});
