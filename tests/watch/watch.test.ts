import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { eachEngine, type EngineProject } from '../helpers/engines.js';
import { startCli, type RunningCli } from '../helpers/spawn-cli.js';

// `strata watch` in a temp project: a saved model is rebuilt with what depends on it, a file
// dropped in landing is loaded once fully written and the bars above it are updated, a broken
// model does not stop the watcher, and Ctrl-C stops it cleanly. Every engine.

interface Event {
  readonly event: string;
  readonly node?: string;
  readonly built?: number;
  readonly errors?: readonly string[];
  readonly status?: string;
  readonly path?: string;
}

/** The JSON events a running `strata watch --json` prints, and a bounded wait for the next one that matches. */
class Events {
  readonly all: Event[] = [];
  private partial = '';
  private readonly waiters: { from: number; match: (e: Event) => boolean; resolve: (i: number) => void }[] = [];

  constructor(cli: RunningCli) {
    cli.child.stdout!.on('data', (chunk: Buffer) => {
      const lines = (this.partial + chunk.toString()).split('\n');
      this.partial = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.startsWith('{')) continue;
        this.all.push(JSON.parse(line) as Event);
        for (const w of [...this.waiters]) {
          const found = this.all.findIndex((e, i) => i >= w.from && w.match(e));
          if (found >= 0) {
            this.waiters.splice(this.waiters.indexOf(w), 1);
            w.resolve(found);
          }
        }
      }
    });
  }

  /** Index of the first event at or after `from` that matches; fails after `ms`. */
  next(from: number, match: (e: Event) => boolean, ms = 30_000): Promise<number> {
    const found = this.all.findIndex((e, i) => i >= from && match(e));
    if (found >= 0) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching event within ${ms} ms; events:\n${this.all.map((e) => JSON.stringify(e)).join('\n')}`)), ms);
      this.waiters.push({ from, match, resolve: (i) => (clearTimeout(timer), resolve(i)) });
    });
  }

  /** Waits for the end of the next cycle started after `from`; returns the events of that cycle. */
  async cycle(from: number): Promise<Event[]> {
    const start = await this.next(from, (e) => e.event === 'cycle_started');
    const end = await this.next(start, (e) => e.event === 'cycle_finished' || (e.event === 'cycle_failed' && !(e as { retrying?: boolean }).retrying));
    return this.all.slice(start, end + 1);
  }
}

const started = (events: readonly Event[]): string[] => events.filter((e) => e.event === 'node_started').map((e) => e.node!.split('.').pop()!).sort();

function write(project: EngineProject): void {
  project.write({
    'strata.yml': project.projectYaml(`metadata_schema: ${project.customSchema('meta')}\nload: {raw_schema: ${project.customSchema('raw')}}\n`),
    'models/sources.yml': `version: 2
sources:
  - name: market
    tables:
      - name: trades
        landing: landing/trades/*.csv
        columns:
          - {name: instrument, data_type: text}
          - {name: traded_at, data_type: timestamp}
          - {name: price, data_type: integer}
`,
    'models/stg_trades.sql': "{{ config(materialized='view') }}\nselect instrument, traded_at, price from {{ source('market', 'trades') }}",
    'models/bars.sql': `{{ config(materialized='table') }}
select instrument, date_trunc('minute', traded_at) as minute, min(price) as low, max(price) as high, count(*) as trades
from {{ ref('stg_trades') }} group by 1, 2`,
    'models/label.sql': "{{ config(materialized='table') }}\nselect 'first' as label",
    'models/label_upper.sql': "{{ config(materialized='view') }}\nselect upper(label) as label from {{ ref('label') }}",
  });
  mkdirSync(path.join(project.dir, 'landing', 'trades'), { recursive: true });
  writeFileSync(path.join(project.dir, 'landing', 'trades', 'part1.csv'), 'instrument,traded_at,price\nAAA,2024-01-02 14:30:01,10\nAAA,2024-01-02 14:30:30,12\n');
}

eachEngine('strata watch rebuilds what a saved file affects and loads landing files as they arrive', async (project) => {
  write(project);
  const table = (name: string): string => project.engine.dialect.relation({ schema: project.schema, identifier: name });
  const cli = startCli(['watch', '--json'], project.dir);
  const events = new Events(cli);
  try {
    // The first cycle loads what already landed and builds everything.
    const first = await events.cycle(0);
    assert.deepEqual(started(first), ['bars', 'label', 'label_upper', 'stg_trades']);
    await events.next(0, (e) => e.event === 'watching');
    assert.deepEqual(await project.query(`select instrument, low, high, trades from ${table('bars')}`), [{ instrument: 'AAA', low: 10, high: 12, trades: '2' }]);

    // Saving a model rebuilds it and what depends on it, nothing else.
    let mark = events.all.length;
    project.write({ 'models/label.sql': "{{ config(materialized='table') }}\nselect 'second' as label" });
    let cycle = await events.cycle(mark);
    assert.deepEqual(started(cycle), ['label', 'label_upper']);
    assert.deepEqual(await project.query(`select label from ${table('label_upper')}`), [{ label: 'SECOND' }]);

    // A file written in two steps in landing is loaded once complete, then the bars are updated.
    mark = events.all.length;
    const file = path.join(project.dir, 'landing', 'trades', 'part2.csv');
    writeFileSync(file, 'instrument,traded_at,price\nAAA,2024-01-02 14:31:05,15\n');
    await new Promise((resolve) => setTimeout(resolve, 60));
    appendFileSync(file, 'AAA,2024-01-02 14:31:40,9\nBBB,2024-01-02 14:31:41,100\n');
    cycle = await events.cycle(mark);
    const loaded = cycle.filter((e) => e.event === 'file_finished' && e.status === 'loaded');
    assert.deepEqual(loaded.map((e) => path.basename(e.path!)), ['part2.csv'], 'loaded once, in full');
    assert.deepEqual(started(cycle), ['bars', 'stg_trades']);
    assert.deepEqual(await project.query(`select instrument, low, high, trades from ${table('bars')} order by instrument, minute`), [
      { instrument: 'AAA', low: 10, high: 12, trades: '2' },
      { instrument: 'AAA', low: 9, high: 15, trades: '2' },
      { instrument: 'BBB', low: 100, high: 100, trades: '1' },
    ]);

    // A broken model fails its cycle; the watcher goes on, and the fix is built.
    mark = events.all.length;
    project.write({ 'models/label.sql': "{{ config(materialized='table') }}\nselect no_such_column from nowhere_at_all" });
    cycle = await events.cycle(mark);
    assert.ok(cycle.some((e) => e.event === 'node_finished' && e.status === 'error'), JSON.stringify(cycle));
    mark = events.all.length;
    project.write({ 'models/label.sql': "{{ config(materialized='table') }}\nselect 'third' as label" });
    cycle = await events.cycle(mark);
    assert.deepEqual(started(cycle), ['label', 'label_upper']);
    assert.deepEqual(await project.query(`select label from ${table('label_upper')}`), [{ label: 'THIRD' }]);

    // A project that does not compile is reported, and watching goes on.
    mark = events.all.length;
    project.write({ 'models/label_upper.sql': "select upper(label) as label from {{ ref('no_such_model') }}" });
    cycle = await events.cycle(mark);
    assert.match(JSON.stringify(cycle.at(-1)), /no_such_model/);
  } finally {
    cli.child.kill('SIGINT');
  }
  const result = await cli.done;
  assert.equal(result.code, 0, result.stderr);
  assert.ok(events.all.some((e) => e.event === 'watch_stopped'));
});
