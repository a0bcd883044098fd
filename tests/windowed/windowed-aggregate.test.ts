import assert from 'node:assert/strict';
import { eachEngine, type EngineProject } from '../helpers/engines.js';
import { KOLKATA, ok, rowsOf } from '../history/history-fixture.js';

// windowed_aggregate on both engines: windows are spans of time (days without events do not
// stretch them), buckets are UTC whatever the session time zone, resampling matches a hand
// computation, and an incremental run equals a full build.

function eventsSeed(rows: readonly string[]): string {
  return `account,happened_at,amount\n${rows.join('\n')}\n`;
}

const SEED_TYPES = "version: 2\nseeds:\n  - name: events\n    config:\n      column_types: {account: text, happened_at: timestamptz, amount: 'decimal(18,2)'}\n";

async function rolling(project: EngineProject): Promise<unknown[][]> {
  const rows = await rowsOf(project, 'daily', { orderBy: 'account, bucket_start' });
  return rows.map((r) => [r.account, String(r.bucket_start).slice(0, 10), num(r.amount_sum_1d), num(r.amount_sum_7d), num(r.amount_count_7d), num(r.amount_avg_7d), num(r.amount_min_7d), num(r.amount_max_7d), num(r.amount_first_7d), num(r.amount_last_7d), round(r.amount_stddev_7d)]);
}

function num(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

function round(value: unknown): number | null {
  return value === null || value === undefined ? null : Math.round(Number(value) * 1e6) / 1e6;
}

eachEngine('windowed_aggregate: rolling windows over time, not rows, with UTC day buckets', async (project) => {
  project.write({
    'strata.yml': project.projectYaml(),
    'seeds/events.csv': eventsSeed([
      'a,2024-01-01 10:00:00+00,1',
      'a,2024-01-01 23:30:00+00,2', // 05:00 on Jan 2nd in Kolkata: still Jan 1st
      'a,2024-01-02 08:00:00+00,4',
      'a,2024-01-09 12:00:00+00,8', // a week without events before it
      'a,2024-01-10 12:00:00+00,16',
      'b,2024-01-05 00:00:00+00,5',
    ]),
    'seeds/_seeds.yml': SEED_TYPES,
    'models/daily.sql': `{{ config(materialized='windowed_aggregate', time_column='happened_at', partition_by='account', grain='day',
      windows=['1 day', '7 days'], lookback='7 days', aggregations={'amount': ['sum', 'count', 'avg', 'min', 'max', 'first', 'last', 'stddev']}) }}
select account, happened_at, amount from {{ ref('events') }}`,
  });
  await ok(project, ['build'], KOLKATA);
  const sd = (values: number[]): number => {
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    return Math.round(Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1)) * 1e6) / 1e6;
  };
  assert.deepEqual(await rolling(project), [
    ['a', '2024-01-01', 3, 3, 2, 1.5, 1, 2, 1, 2, sd([1, 2])],
    ['a', '2024-01-02', 4, 7, 3, 7 / 3, 1, 4, 1, 4, sd([1, 2, 4])],
    // Jan 9th: the 7 days are Jan 3rd–9th, so Jan 1st and 2nd are out even though they are the previous rows.
    ['a', '2024-01-09', 8, 8, 1, 8, 8, 8, 8, 8, null],
    ['a', '2024-01-10', 16, 24, 2, 12, 8, 16, 8, 16, sd([8, 16])],
    ['b', '2024-01-05', 5, 5, 1, 5, 5, 5, 5, 5, null],
  ]);
  const types = await project.columnTypes(project.schema, 'daily');
  assert.equal(types.bucket_start, 'timestamptz');
  assert.deepEqual(Object.keys(types), [
    'account', 'bucket_start',
    'amount_sum_1d', 'amount_count_1d', 'amount_avg_1d', 'amount_min_1d', 'amount_max_1d', 'amount_first_1d', 'amount_last_1d', 'amount_stddev_1d',
    'amount_sum_7d', 'amount_count_7d', 'amount_avg_7d', 'amount_min_7d', 'amount_max_7d', 'amount_first_7d', 'amount_last_7d', 'amount_stddev_7d',
  ]);

  // A new batch: only the buckets from the last one built, less the 7 days of lookback, are
  // recomputed (so the late event of b is picked up); the result equals a full build.
  project.write({
    'seeds/events.csv': eventsSeed([
      'a,2024-01-01 10:00:00+00,1',
      'a,2024-01-01 23:30:00+00,2',
      'a,2024-01-02 08:00:00+00,4',
      'a,2024-01-09 12:00:00+00,8',
      'a,2024-01-10 12:00:00+00,16',
      'b,2024-01-05 00:00:00+00,5',
      'a,2024-01-10 18:00:00+00,32',
      'a,2024-01-14 00:00:00+00,64',
      'b,2024-01-05 12:00:00+00,6',
      'c,2024-01-12 00:00:00+00,7',
    ]),
  });
  await ok(project, ['seed']);
  const out = await ok(project, ['run']);
  assert.match(out, /recomputed buckets from 2024-01-03 00:00:00.*OK 5 rows/);
  const incremental = await rolling(project);
  assert.deepEqual(incremental.find((r) => r[0] === 'a' && r[1] === '2024-01-14'), ['a', '2024-01-14', 64, 120, 4, 30, 8, 64, 8, 64, sd([8, 16, 32, 64])]);
  await ok(project, ['run', '--full-refresh']);
  assert.deepEqual(await rolling(project), incremental);
});

eachEngine('windowed_aggregate: one-second trades resampled to one-minute OHLCV bars match a hand computation', async (project) => {
  project.write({
    'strata.yml': project.projectYaml(),
    'seeds/trades.csv': [
      'trade_id,symbol,traded_at,price,quantity',
      '1,X,2024-01-02 14:30:00,10.00,100',
      '2,X,2024-01-02 14:30:30,10.50,50',
      '4,X,2024-01-02 14:30:59,9.75,10',
      '3,X,2024-01-02 14:30:59,9.80,20', // same second as trade 4 but printed before it
      '5,X,2024-01-02 14:32:00,11.00,5', // no trade at 14:31: no bar
      '6,Y,2024-01-02 14:30:10,50.00,1',
      '',
    ].join('\n'),
    'seeds/_seeds.yml': "version: 2\nseeds:\n  - name: trades\n    config:\n      column_types: {symbol: text, traded_at: timestamp, price: 'decimal(18,2)', quantity: integer, trade_id: integer}\n",
    'models/bars.sql': `{{ config(materialized='windowed_aggregate', source='trades', time_column='traded_at', partition_by='symbol', grain='minute',
      order_by='trade_id', aggregations={'price': ['first', 'max', 'min', 'last'], 'quantity': 'sum'}) }}`,
  });
  await ok(project, ['build'], KOLKATA);
  const rows = await rowsOf(project, 'bars', { orderBy: 'symbol, bucket_start' });
  assert.deepEqual(
    rows.map((r) => [r.symbol, r.bucket_start, Number(r.price_first), Number(r.price_max), Number(r.price_min), Number(r.price_last), Number(r.quantity_sum)]),
    [
      ['X', '2024-01-02 14:30:00', 10, 10.5, 9.75, 9.75, 180],
      ['X', '2024-01-02 14:32:00', 11, 11, 11, 11, 5],
      ['Y', '2024-01-02 14:30:00', 50, 50, 50, 50, 1],
    ],
  );
  assert.equal((await project.columnTypes(project.schema, 'bars')).bucket_start, 'timestamp');
});
