import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ChangeQueue, type PendingWork } from '../../src/watch/change-queue.js';
import { classifyPath, landingRoots, type WatchLayout } from '../../src/watch/classify-path.js';

const root = path.resolve('/projects/market');
const layout: WatchLayout = {
  root,
  projectDirs: ['models', 'seeds', 'macros', 'data-tests'],
  projectFiles: ['strata.yml'],
  targetDir: 'target',
  landing: [
    { source: 'market.trades', glob: 'landing/trades/trades_*.csv.gz' },
    { source: 'market.instruments', glob: 'landing/instruments' },
    { source: 'ext.feed', glob: '/mnt/feed/*.json' },
  ],
};
const at = (rel: string): string => path.join(root, rel);

describe('watch: what a changed path means', () => {
  it('tells project files from landing files and noise', () => {
    assert.deepEqual(classifyPath(layout, at('models/marts/bars.sql')), { kind: 'project' });
    assert.deepEqual(classifyPath(layout, at('models/features/f.ts')), { kind: 'project' });
    assert.deepEqual(classifyPath(layout, at('models/marts/_marts.yml')), { kind: 'project' });
    assert.deepEqual(classifyPath(layout, at('seeds/instruments.csv')), { kind: 'project' });
    assert.deepEqual(classifyPath(layout, at('macros/bars.sql')), { kind: 'project' });
    assert.deepEqual(classifyPath(layout, at('strata.yml')), { kind: 'project' });
    assert.deepEqual(classifyPath(layout, at('landing/trades/trades_2024-01-03.csv.gz')), { kind: 'landing', sources: ['market.trades'] });
    assert.deepEqual(classifyPath(layout, at('landing/instruments/any/file.csv')), { kind: 'landing', sources: ['market.instruments'] });
    assert.deepEqual(classifyPath(layout, '/mnt/feed/x.json'), { kind: 'landing', sources: ['ext.feed'] });
    for (const noise of ['target/manifest.json', 'models/.bars.sql.swp', 'models/bars.sql~', 'landing/trades/other.txt', 'README.md', 'models/notes.txt', 'landing/trades/.trades_x.csv.gz']) {
      assert.equal(classifyPath(layout, at(noise)).kind, 'ignored', noise);
    }
  });

  it('watches each landing glob from its fixed prefix', () => {
    assert.deepEqual(landingRoots(layout), [at('landing/trades'), at('landing/instruments'), '/mnt/feed']);
  });
});

describe('watch: the change queue', () => {
  const tick = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

  it('debounces a burst into one cycle, and runs one cycle at a time, coalescing what arrives meanwhile', async () => {
    const cycles: PendingWork[] = [];
    let running = 0;
    let overlap = false;
    const queue = new ChangeQueue(
      30,
      async (work) => {
        running += 1;
        overlap ||= running > 1;
        cycles.push(work);
        await tick(80);
        running -= 1;
      },
      () => undefined,
    );
    queue.project('models/a.sql');
    queue.project('models/b.sql');
    queue.landed('landing/t1.csv', ['market.trades']);
    await tick(60);
    assert.equal(cycles.length, 1);
    assert.deepEqual(cycles[0]!.projectFiles, ['models/a.sql', 'models/b.sql']);
    assert.deepEqual([...cycles[0]!.landing], [['market.trades', ['landing/t1.csv']]]);
    // During the cycle: two more events become one next cycle.
    queue.project('models/c.sql');
    queue.landed('landing/t2.csv', ['market.trades']);
    await tick(200);
    assert.equal(cycles.length, 2);
    assert.deepEqual(cycles[1]!.projectFiles, ['models/c.sql']);
    assert.equal(overlap, false);
    await queue.stop();
  });

  it('keeps going after a failed cycle, and stop() waits for the cycle in progress', async () => {
    const errors: unknown[] = [];
    let finished = 0;
    const queue = new ChangeQueue(
      5,
      async (work) => {
        await tick(40);
        if (work.projectFiles.includes('bad')) throw new Error('boom');
        finished += 1;
      },
      (error) => errors.push(error),
    );
    queue.project('bad');
    await tick(80);
    queue.project('good');
    await tick(20);
    await queue.stop();
    assert.equal(errors.length, 1);
    assert.equal(finished, 1, 'stop waited for the second cycle');
    queue.project('ignored after stop');
    await tick(30);
    assert.equal(finished, 1);
  });
});
