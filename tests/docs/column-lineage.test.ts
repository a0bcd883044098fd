import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSqlSerializer, type SqlSerializer } from '../../src/adapters/duckdb/duckdb-sql-serializer.js';
import { traceColumns, type RelationInfo, type TracedColumn } from '../../src/docs/column-lineage.js';
import { toQueryIr } from '../../src/docs/query-ir.js';

let serializer: SqlSerializer;
before(async () => {
  serializer = await createSqlSerializer(1);
});
after(() => serializer.close());

/** Relations the test queries read: schema.table → node id and columns. */
const RELATIONS: Record<string, RelationInfo> = {
  'raw.orders': { nodeId: 'seed.p.orders', columns: ['order_id', 'customer_id', 'amount', 'ordered_at', 'status'] },
  'raw.customers': { nodeId: 'seed.p.customers', columns: ['customer_id', 'name', 'country'] },
  'main.payments': { nodeId: 'model.p.payments', columns: ['payment_id', 'order_id', 'amount'] },
  'ext.unknown': {},
};

async function trace(sql: string, nodeCtes = new Map<string, RelationInfo>()) {
  const [tree] = await serializer.serialize([sql]);
  return traceColumns(toQueryIr(tree), (schema, name) => RELATIONS[`${schema ?? 'main'}.${name}`], nodeCtes);
}

function byName(columns: readonly TracedColumn[] | undefined): Record<string, { from: string[]; transform: string; untraced?: string }> {
  assert.ok(columns, 'columns are known');
  return Object.fromEntries(
    columns.map((c) => [
      c.name,
      {
        from: c.sources.map((s) => `${(s.nodeId ?? s.relation)!.split('.').pop()}.${s.column}`).sort(),
        transform: c.transform,
        ...(c.untraced ? { untraced: c.untraced } : {}),
      },
    ]),
  );
}

describe('column lineage', () => {
  it('follows columns through joins, with aliases and renames', async () => {
    const result = await trace(`
      select o.order_id, c.name as customer_name, o.amount * 2 as double_amount, country
      from raw.orders as o
      left join raw.customers c on c.customer_id = o.customer_id`);
    assert.deepEqual(byName(result.columns), {
      order_id: { from: ['orders.order_id'], transform: 'direct' },
      customer_name: { from: ['customers.name'], transform: 'renamed' },
      double_amount: { from: ['orders.amount'], transform: 'expression' },
      country: { from: ['customers.country'], transform: 'direct' },
    });
  });

  it('reports an unqualified column present on both sides of a join as ambiguous instead of guessing', async () => {
    const result = await trace(`select customer_id from raw.orders join raw.customers on true`);
    const column = result.columns?.[0];
    assert.equal(column?.name, 'customer_id');
    assert.match(column?.untraced ?? '', /ambiguous/);
  });

  it('merges both sides of a USING join column', async () => {
    const result = await trace(`select customer_id, name from raw.orders join raw.customers using (customer_id)`);
    assert.deepEqual(byName(result.columns).customer_id?.from, ['customers.customer_id', 'orders.customer_id']);
  });

  it('labels aggregates and traces their arguments, group keys stay direct', async () => {
    const result = await trace(`
      select customer_id, count(*) as order_count, sum(amount) as total, max(ordered_at) as last_order
      from raw.orders group by customer_id`);
    assert.deepEqual(byName(result.columns), {
      customer_id: { from: ['orders.customer_id'], transform: 'direct' },
      order_count: { from: [], transform: 'aggregate' },
      total: { from: ['orders.amount'], transform: 'aggregate' },
      last_order: { from: ['orders.ordered_at'], transform: 'aggregate' },
    });
  });

  it('follows CTEs, including chains of CTEs and select * from a CTE', async () => {
    const result = await trace(`
      with base as (select order_id, amount as gross, customer_id from raw.orders),
           enriched as (select base.*, gross * 0.8 as net from base),
           totals as (select customer_id, sum(net) as net_total from enriched group by all)
      select e.*, t.net_total from enriched e join totals t using (customer_id)`);
    assert.deepEqual(byName(result.columns), {
      order_id: { from: ['orders.order_id'], transform: 'direct' },
      gross: { from: ['orders.amount'], transform: 'renamed' },
      customer_id: { from: ['orders.customer_id'], transform: 'direct' },
      net: { from: ['orders.amount'], transform: 'expression' },
      net_total: { from: ['orders.amount'], transform: 'aggregate' },
    });
  });

  it('expands select * from a node with known columns, honouring EXCLUDE and REPLACE', async () => {
    const result = await trace(`select * exclude (status) replace (amount / 100 as amount) from raw.orders`);
    assert.deepEqual(Object.keys(byName(result.columns)), ['order_id', 'customer_id', 'amount', 'ordered_at']);
    assert.equal(byName(result.columns).amount?.transform, 'expression');
  });

  it('says select * from a relation with unknown columns cannot be traced', async () => {
    const result = await trace(`select * from ext.unknown`);
    assert.equal(result.columns, undefined);
    assert.match(result.problem ?? '', /ext\.unknown, whose columns are not known/);
  });

  it('traces a named column of a relation with unknown columns to that relation', async () => {
    const result = await trace(`with s as (select * from ext.unknown) select s.a, b from s`);
    assert.deepEqual(byName(result.columns), {
      a: { from: ['unknown.a'], transform: 'direct' },
      b: { from: ['unknown.b'], transform: 'direct' },
    });
  });

  it('follows window functions, CASE, casts, scalar subqueries and constants', async () => {
    const result = await trace(`
      select order_id,
             row_number() over (partition by customer_id order by ordered_at) as seq,
             case when amount > 100 then 'big' else status end as bucket,
             cast(amount as decimal(18, 2)) as amount_2dp,
             (select max(p.amount) from main.payments p where p.order_id = o.order_id) as max_payment,
             42 as answer
      from raw.orders o`);
    assert.deepEqual(byName(result.columns), {
      order_id: { from: ['orders.order_id'], transform: 'direct' },
      seq: { from: ['orders.customer_id', 'orders.ordered_at'], transform: 'window' },
      bucket: { from: ['orders.amount', 'orders.status'], transform: 'expression' },
      amount_2dp: { from: ['orders.amount'], transform: 'expression' },
      max_payment: { from: ['payments.amount'], transform: 'aggregate' },
      answer: { from: [], transform: 'constant' },
    });
  });

  it('unions both sides of a set operation by position', async () => {
    const result = await trace(`select order_id as id, amount from raw.orders union all select payment_id, amount from main.payments`);
    assert.deepEqual(byName(result.columns), {
      id: { from: ['orders.order_id', 'payments.payment_id'], transform: 'direct' },
      amount: { from: ['orders.amount', 'payments.amount'], transform: 'direct' },
    });
  });

  it('treats an inlined ephemeral model CTE as that model', async () => {
    const ephemeral = new Map([['__strata_ephemeral__stg', { nodeId: 'model.p.stg', columns: ['k', 'v'] }]]);
    const result = await trace(`with "__strata_ephemeral__stg" as (select 1 as k, 2 as v) select s.v from "__strata_ephemeral__stg" s`, ephemeral);
    assert.deepEqual(byName(result.columns), { v: { from: ['stg.v'], transform: 'direct' } });
  });

  it('derived tables with column aliases and VALUES lists', async () => {
    const result = await trace(`select t.x, v.label from (select amount from raw.orders) as t(x), (values (1, 'a')) as v(n, label)`);
    assert.deepEqual(byName(result.columns), {
      x: { from: ['orders.amount'], transform: 'renamed' },
      label: { from: [], transform: 'constant' },
    });
  });

  it('says why SQL that does not parse cannot be traced', async () => {
    const result = await trace(`select from where`);
    assert.equal(result.columns, undefined);
    assert.match(result.problem ?? '', /could not be parsed/);
  });
});
