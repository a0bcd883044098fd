import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadDateOf, parseIsoDate } from '../../src/load/load-date.js';
import { planColumns } from '../../src/load/plan-columns.js';
import { planLoads } from '../../src/load/plan-loads.js';
import { parseTypeName } from '../../src/load/parse-type-name.js';
import { ColumnProfiler, fitsType, inferColumnType } from '../../src/seeds/infer-column-type.js';

// Pure parts of the loader: planning against the load log, load dates, column plans, inference.

test('planLoads: new content loads; the same path and content is unchanged; a copy is a duplicate', () => {
  const log = [
    { path: 'a.csv', sha256: 'h1', status: 'loaded' as const, loadId: 1 },
    { path: 'c.csv', sha256: 'h1', status: 'skipped_duplicate' as const, loadId: 2 },
    { path: 'd.csv', sha256: 'h9', status: 'failed' as const, loadId: 3 },
  ];
  const plans = planLoads(
    [
      { display: 'a.csv', sha256: 'h1' },
      { display: 'b.csv', sha256: 'h1' },
      { display: 'c.csv', sha256: 'h1' },
      { display: 'a.csv', sha256: 'h2' },
      { display: 'd.csv', sha256: 'h9' },
      { display: 'e.csv', sha256: 'h2' },
    ],
    log,
  );
  assert.deepEqual(
    plans.map((p) => [p.file.display, p.action, p.action === 'duplicate' ? p.of : p.action === 'unchanged' ? p.loadId : undefined]),
    [
      ['a.csv', 'unchanged', 1],
      ['b.csv', 'duplicate', { path: 'a.csv', loadId: 1 }],
      ['c.csv', 'unchanged', 2],
      ['a.csv', 'load', undefined],
      ['d.csv', 'load', undefined],
      ['e.csv', 'duplicate', { path: 'a.csv', loadId: undefined }],
    ],
  );
});

test('load dates: from the file name (ISO or a format), --as-of first, now without a pattern', () => {
  const now = new Date('2030-01-01T00:00:00Z');
  const spec = { pattern: /customers_(\d{4}-\d{2}-\d{2})/, format: undefined };
  assert.equal(loadDateOf('landing/customers_2024-03-05.csv', spec, undefined, now).toISOString(), '2024-03-05T00:00:00.000Z');
  assert.equal(loadDateOf('x/20240305T1030.csv', { pattern: /(?<date>\d{8}T\d{4})/, format: 'YYYYMMDDTHHmm' }, undefined, now).toISOString(), '2024-03-05T10:30:00.000Z');
  assert.equal(loadDateOf('landing/customers_2024-03-05.csv', spec, new Date('2020-01-01T00:00:00Z'), now).toISOString(), '2020-01-01T00:00:00.000Z');
  assert.equal(loadDateOf('anything.csv', undefined, undefined, now), now);
  assert.throws(() => loadDateOf('landing/customers_2024-02-30.csv', spec, undefined, now), /found '2024-02-30', which is not a date/);
  assert.equal(parseIsoDate('2024-01-02T10:00:00+02:00')?.toISOString(), '2024-01-02T08:00:00.000Z');
  assert.equal(parseIsoDate('20240102')?.toISOString(), '2024-01-02T00:00:00.000Z');
  assert.equal(parseIsoDate('yesterday'), undefined);
});

test('planColumns: new columns are added, lost declared columns and retyped declarations fail', () => {
  const base = { relation: 'raw.t', inferred: () => 'text' as const };
  const plan = planColumns({ ...base, fileColumns: ['id', 'b', 'new'], declared: [{ name: 'id', type: 'bigint' }], existing: [{ name: 'id', type: 'bigint' }, { name: 'b', type: 'integer' }, { name: 'gone', type: 'text' }] });
  assert.ok(plan.ok);
  assert.deepEqual(plan.columns, [{ name: 'id', type: 'bigint' }, { name: 'b', type: 'integer' }, { name: 'new', type: 'text' }]);
  assert.deepEqual(plan.added, [{ name: 'new', type: 'text' }]);
  assert.deepEqual(plan.absent, ['gone']);
  assert.deepEqual([...plan.inferred], ['new']);
  assert.deepEqual(planColumns({ ...base, fileColumns: ['b'], declared: [{ name: 'id', type: undefined }], existing: undefined }), {
    ok: false,
    column: 'id',
    message: "declared column 'id' is missing from the file",
  });
  const retyped = planColumns({ ...base, fileColumns: ['id'], declared: [{ name: 'id', type: 'text' }], existing: [{ name: 'id', type: 'bigint' }] });
  assert.equal(retyped.ok, false);
});

test('inference on awkward values', () => {
  assert.equal(inferColumnType(['007', '010']), 'text');
  assert.equal(inferColumnType(['0', '-12', '']), 'integer');
  assert.equal(inferColumnType(['2147483648']), 'bigint');
  assert.deepEqual(inferColumnType(['92233720368547758070']), { decimal: [20, 0] });
  assert.equal(inferColumnType(['1'.repeat(40)]), 'text');
  assert.deepEqual(inferColumnType(['1.5', '22.125']), { decimal: [18, 3] });
  assert.equal(inferColumnType(['1e3', '2.5E-2', '7']), 'double');
  assert.equal(inferColumnType(['TRUE', 'false']), 'boolean');
  assert.equal(inferColumnType(['2024-02-29', '2024-03-01']), 'date');
  assert.equal(inferColumnType(['2023-02-29']), 'text');
  assert.equal(inferColumnType(['2024-01-02 10:00:00+01', '2024-01-02T09:30:00Z', '2024-01-02 10:00:00.123-05:30']), 'timestamptz');
  assert.equal(inferColumnType(['2024-01-02 10:00:00', '2024-01-02T10:00']), 'timestamp');
  assert.equal(inferColumnType(['2024-01-02 10:00:00', '2024-01-02 10:00:00+01']), 'text');
  assert.equal(inferColumnType(['', '  ']), 'text');
  const json = new ColumnProfiler();
  json.add('1');
  json.addNested();
  assert.equal(json.type(), 'json');
  assert.equal(fitsType({ decimal: [10, 2] }, '12345678.999'), true);
  assert.equal(fitsType({ decimal: [10, 2] }, '123456789.5'), false);
  assert.equal(fitsType('integer', '2147483648'), false);
  assert.equal(fitsType('timestamptz', '2024-01-02 25:00:00Z'), false);
  assert.deepEqual(parseTypeName('NUMERIC(18, 4)'), { decimal: [18, 4] });
  assert.equal(parseTypeName('timestamp with time zone'), 'timestamptz');
  assert.equal(parseTypeName('varchar(16)'), 'text');
  assert.equal(parseTypeName('geometry'), undefined);
});
