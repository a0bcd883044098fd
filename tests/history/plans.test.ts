import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DuckdbDialect } from '../../src/adapters/duckdb/duckdb-dialect.js';
import { PostgresDialect } from '../../src/adapters/postgres/postgres-dialect.js';
import { trackedHashSql } from '../../src/materialize/history/hash-sql.js';
import { isoMicros, planHistoryRun, type LoadRef } from '../../src/materialize/history/plan-history-run.js';
import { expandAsOf, lastDates, periodEnds } from '../../src/materialize/point-in-time/as-of-dates.js';
import { planPointInTimeRun } from '../../src/materialize/point-in-time/plan-point-in-time-run.js';

// The plans are pure: decided from state alone, without a database.

const load = (id: number, day: string): LoadRef => ({ id: String(id), date: `2024-01-${day}T00:00:00.000000Z` });

describe('planHistoryRun', () => {
  it('rebuilds on the first run and on --full-refresh', () => {
    assert.deepEqual(planHistoryRun({ built: false, fullRefresh: false, applied: [], raw: [load(1, '01')] }), { kind: 'rebuild', reason: 'first run', loads: [load(1, '01')] });
    assert.equal(planHistoryRun({ built: true, fullRefresh: true, applied: [load(1, '01')], raw: [load(1, '01')] }).kind, 'rebuild');
  });

  it('does nothing when every raw load is applied', () => {
    assert.deepEqual(planHistoryRun({ built: true, fullRefresh: false, applied: [load(1, '01'), load(2, '02')], raw: [load(2, '02'), load(1, '01')] }), { kind: 'up_to_date' });
  });

  it('appends one new load date later than every applied one', () => {
    const plan = planHistoryRun({ built: true, fullRefresh: false, applied: [load(1, '01')], raw: [load(1, '01'), load(3, '03'), load(2, '03')] });
    assert.deepEqual(plan, { kind: 'append', date: load(2, '03').date, loads: [load(2, '03'), load(3, '03')] });
  });

  it('recomputes from the earliest new date when several dates are new', () => {
    const plan = planHistoryRun({ built: true, fullRefresh: false, applied: [load(1, '01')], raw: [load(1, '01'), load(2, '02'), load(3, '03')] });
    assert.deepEqual(plan, { kind: 'recompute', from: load(2, '02').date, late: false, loads: [load(2, '02'), load(3, '03')] });
  });

  it('places a late load at its date: recompute from it', () => {
    const plan = planHistoryRun({ built: true, fullRefresh: false, applied: [load(1, '01'), load(2, '05')], raw: [load(1, '01'), load(2, '05'), load(3, '03')] });
    assert.deepEqual(plan, { kind: 'recompute', from: load(3, '03').date, late: true, loads: [load(3, '03')] });
    // A second file for a date already applied is late too.
    const same = planHistoryRun({ built: true, fullRefresh: false, applied: [load(1, '01')], raw: [load(1, '01'), load(2, '01')] });
    assert.equal(same.kind, 'recompute');
  });

  it('rebuilds when an applied load is no longer in raw', () => {
    const plan = planHistoryRun({ built: true, fullRefresh: false, applied: [load(1, '01'), load(2, '02')], raw: [load(1, '01')] });
    assert.equal(plan.kind, 'rebuild');
  });

  it('reads engine timestamps as comparable instants', () => {
    assert.equal(isoMicros('2024-03-31 00:00:00'), '2024-03-31T00:00:00.000000Z');
    assert.equal(isoMicros('2024-03-31 10:11:12.25'), '2024-03-31T10:11:12.250000Z');
    assert.equal(isoMicros('2024-03-31 10:11:12.123456'), '2024-03-31T10:11:12.123456Z');
  });
});

describe('as-of dates', () => {
  it('month, quarter and year ends, Sundays, and days between two dates', () => {
    const days = (p: Parameters<typeof periodEnds>[0], from: string, to: string): string[] => periodEnds(p, new Date(from), new Date(to)).map((d) => d.toISOString().slice(0, 10));
    assert.deepEqual(days('month_end', '2024-01-15T00:00:00Z', '2024-04-30T00:00:00Z'), ['2024-01-31', '2024-02-29', '2024-03-31', '2024-04-30']);
    assert.deepEqual(days('quarter_end', '2024-01-01T00:00:00Z', '2024-12-31T00:00:00Z'), ['2024-03-31', '2024-06-30', '2024-09-30', '2024-12-31']);
    assert.deepEqual(days('year_end', '2023-06-01T00:00:00Z', '2024-12-31T00:00:00Z'), ['2023-12-31', '2024-12-31']);
    assert.deepEqual(days('week_end', '2024-03-01T00:00:00Z', '2024-03-20T00:00:00Z'), ['2024-03-03', '2024-03-10', '2024-03-17']);
    assert.deepEqual(days('day', '2024-02-28T00:00:00Z', '2024-03-01T00:00:00Z'), ['2024-02-28', '2024-02-29', '2024-03-01']);
  });

  it('an explicit list is sorted; the last N dates are the latest', () => {
    assert.deepEqual(expandAsOf({ kind: 'list', instants: ['2024-03-31T00:00:00.000Z', '2024-01-31T00:00:00.000Z'] }), ['2024-01-31T00:00:00.000000Z', '2024-03-31T00:00:00.000000Z']);
    assert.equal(expandAsOf({ kind: 'last_load_dates', count: 3 }), undefined);
    assert.deepEqual(lastDates(['c', 'a', 'b', 'c'], 2), ['b', 'c']);
  });
});

describe('planPointInTimeRun', () => {
  const fp = (n: string, f: string): { n: string; f: string } => ({ n, f });
  it('adds new slices, rebuilds changed ones, removes unwanted ones and keeps the rest', () => {
    const plan = planPointInTimeRun({
      reusable: true,
      wanted: ['a', 'b', 'c', 'e'],
      built: new Map([['a', fp('2', 'x')], ['b', fp('2', 'y')], ['d', fp('1', 'z')]]),
      expected: new Map([['a', fp('2', 'x')], ['b', fp('2', 'changed')], ['c', fp('3', 'w')]]),
    });
    assert.deepEqual(plan, { kind: 'slices', add: ['c'], replace: ['b'], remove: ['d'] });
  });
  it('rebuilds a table that cannot be reused', () => {
    assert.deepEqual(planPointInTimeRun({ reusable: false, wanted: ['a'], built: new Map(), expected: new Map() }), { kind: 'rebuild' });
  });
});

describe('the tracked-columns hash', () => {
  it('is written through the dialect, with times in UTC and NULL as nothing', () => {
    const columns = [{ name: 'at', type: 'TIMESTAMP WITH TIME ZONE' }, { name: 'name', type: 'VARCHAR' }];
    const duck = trackedHashSql(new DuckdbDialect(), columns);
    assert.match(duck, /^md5\(/);
    assert.match(duck, /strftime\(\("at"\) at time zone 'UTC', '%Y-%m-%d %H:%M:%S\.%f'\)/);
    assert.match(duck, /coalesce\('4:name' \|\| cast\(length\(cast\("name" as text\)\) as text\)/);
    const pg = trackedHashSql(new PostgresDialect(), [{ name: 'at', type: 'timestamp with time zone' }, { name: 'd', type: 'date' }]);
    assert.match(pg, /to_char\(\("at"\) at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'\)/);
    assert.match(pg, /to_char\("d", 'YYYY-MM-DD'\)/);
  });
});
