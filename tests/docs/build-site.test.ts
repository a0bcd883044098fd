import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSqlSerializer, type SqlSerializer } from '../../src/adapters/duckdb/duckdb-sql-serializer.js';
import { buildSite, type SiteContent } from '../../src/docs/build-site.js';
import { toQueryIr, type QueryIr } from '../../src/docs/query-ir.js';
import { renderMarkdown, markdownToText } from '../../src/docs/render-markdown.js';
import type { IndexNode } from '../../src/docs/site-data.js';
import { buildManifest } from '../../src/manifest/build-manifest.js';
import { graphView, MAX_DRAWN } from '../../docs-site/src/graph-model.js';
import { searchIndex } from '../../docs-site/src/search-index.js';
import { selectIndices } from '../../docs-site/src/selector-filter.js';
import { compileInline } from '../helpers/compile-inline.js';

const PROJECT = {
  'models/staging/_sources.yml': `version: 2
sources:
  - name: shop
    schema: raw
    tables:
      - name: orders
        description: Orders as delivered.
        columns:
          - name: order_id
          - name: amount
`,
  'models/staging/stg_orders.sql': `select order_id, amount * 100 as amount_cents, 'web' as channel from {{ source('shop', 'orders') }}`,
  'models/staging/_models.yml': `version: 2
models:
  - name: stg_orders
    description: "Orders **typed**. <script>window.pwned = 1</script><img src=x onerror=alert(1)> [x](javascript:alert(2))"
    columns:
      - name: order_id
        description: The order.
        tests: [unique, not_null]
      - name: amount_cents
        description: Amount in cents.
      - name: gone
        description: Documented but not selected.
  - name: orders_daily
    config:
      tags: [daily]
`,
  'models/marts/orders_daily.sql': `{{ config(materialized='table') }}
select count(*) as order_count, sum(amount_cents) as total_cents from {{ ref('stg_orders') }}`,
  'models/marts/_exposures.yml': `version: 2
exposures:
  - name: revenue_dashboard
    type: dashboard
    owner: { name: Finance }
    depends_on: [ref('orders_daily')]
`,
};

let serializer: SqlSerializer;
let site: SiteContent;
const byName = (name: string): [number, IndexNode] => {
  const i = site.index.nodes.findIndex((n) => n.name === name);
  assert.ok(i >= 0, `node ${name}`);
  return [i, site.index.nodes[i]!];
};

before(async () => {
  serializer = await createSqlSerializer(1);
  const compiled = compileInline(PROJECT);
  const manifest = buildManifest(compiled);
  const models = Object.values(manifest.nodes).filter((n) => n.kind === 'model');
  const trees = await serializer.serialize(models.map((m) => (m.kind === 'model' ? m.compiledSql : '')));
  const queries = new Map<string, QueryIr>(models.map((m, i) => [m.uniqueId, toQueryIr(trees[i])]));
  site = buildSite({
    manifest,
    strataVersion: 'test',
    sqlLanguage: 'duckdb',
    catalogReason: 'not read in this test',
    histories: { ok: false, reason: 'not a git repository' },
    queries,
    seedHeaders: new Map(),
    reports: [],
    warnings: [],
    now: new Date('2026-01-01T00:00:00Z'),
  });
});
after(() => serializer.close());

describe('site data', () => {
  it('links every node to its parents and children, tests excluded from the graph', () => {
    const [, stg] = byName('stg_orders');
    const [, daily] = byName('orders_daily');
    const [, exposure] = byName('revenue_dashboard');
    const [source] = byName('shop.orders');
    assert.deepEqual(stg.parents, [source]);
    assert.deepEqual(daily.parents.map((p) => site.index.nodes[p]!.name), ['stg_orders']);
    assert.deepEqual(exposure.parents.map((p) => site.index.nodes[p]!.name), ['orders_daily']);
    assert.ok(site.index.nodes.every((n) => n.kind !== ('test' as string)));
    assert.equal(site.index.full?.nodes.length, site.index.nodes.length, 'a small project is laid out whole');
  });

  it("lists everything an exposure depends on, nearest first", () => {
    const [i] = byName('revenue_dashboard');
    const detail = site.details[i]!;
    assert.deepEqual(detail.allUpstream?.map((j) => site.index.nodes[j]!.name), ['orders_daily', 'stg_orders', 'shop.orders']);
    assert.equal(detail.owner, 'Finance');
  });

  it('sanitizes descriptions: no script, no event handler, no javascript: link; plain text for summaries', () => {
    const [i, stg] = byName('stg_orders');
    const html = site.details[i]!.descriptionHtml;
    assert.match(html, /<strong>typed<\/strong>/);
    assert.doesNotMatch(html, /<script|onerror|javascript:|pwned/i);
    assert.doesNotMatch(stg.summary, /</);
    assert.doesNotMatch(renderMarkdown('<a href="JaVaScRiPt:alert(1)">x</a><svg onload=alert(1)></svg>'), /javascript|onload|<svg/i);
    assert.equal(markdownToText('**bold** and `code` <b>tag</b>'), 'bold and code tag');
  });

  it('gives each model column its upstream columns, and each source column the columns computed from it', () => {
    const [i] = byName('stg_orders');
    const columns = Object.fromEntries(site.details[i]!.columns.map((c) => [c.name, c]));
    const [source] = byName('shop.orders');
    assert.deepEqual(columns.order_id?.lineage, { sources: [{ node: source, column: 'order_id' }], transform: 'direct' });
    assert.deepEqual(columns.amount_cents?.lineage, { sources: [{ node: source, column: 'amount' }], transform: 'expression' });
    assert.deepEqual(columns.channel?.lineage, { sources: [], transform: 'constant' });
    assert.equal(columns.gone?.note, 'documented in YAML but not an output column of the compiled SQL');
    assert.deepEqual(columns.order_id?.tests.map((t) => `${t.label}:${t.verdict}`).sort(), ['not_null:none', 'unique:none']);
    const [d] = byName('orders_daily');
    const daily = Object.fromEntries(site.details[d]!.columns.map((c) => [c.name, c]));
    assert.equal(daily.total_cents?.lineage?.transform, 'aggregate');
    const sourceDetail = site.details[source]!;
    assert.deepEqual(sourceDetail.columns.find((c) => c.name === 'amount')?.usedBy, [{ node: i, column: 'amount_cents' }]);
  });

  it('says why a source column read with select * cannot be traced when the catalog is missing', async () => {
    const compiled = compileInline({ ...PROJECT, 'models/staging/stg_orders.sql': `select * from {{ source('shop', 'orders') }}` });
    const manifest = buildManifest(compiled);
    const stg = Object.values(manifest.nodes).find((n) => n.name === 'stg_orders')!;
    const [tree] = await serializer.serialize([stg.kind === 'model' ? stg.compiledSql : '']);
    const content = buildSite({
      manifest, strataVersion: 'test', sqlLanguage: 'duckdb', histories: { ok: false, reason: 'none' },
      queries: new Map([[stg.uniqueId, toQueryIr(tree)]]), seedHeaders: new Map(), reports: [], warnings: [],
    });
    const i = content.index.nodes.findIndex((n) => n.name === 'stg_orders');
    assert.match(content.details[i]!.columnLineageNote ?? '', /select \* reads shop\.orders, whose columns are not known/);
    assert.match(content.details[i]!.columns[0]!.lineage?.untraced ?? '', /whose columns are not known/);
  });

  it('reports the inputs it did not have, with the reason', () => {
    assert.deepEqual(site.index.inputs.catalog, { available: false, reason: 'not read in this test' });
    assert.equal(site.index.inputs.gitHistory.available, false);
    assert.equal(site.index.inputs.runResults.available, false);
  });
});

describe('the browser side, on the same data', () => {
  it('finds columns and descriptions, names first', () => {
    const descriptions = site.index.nodes.map((n) => n.summary);
    const columns = site.details.flatMap((d) => d.columns.map((c) => [d.index, c.name, c.type ?? '', ''] as const));
    const results = searchIndex(site.index, { descriptions, columns }, 'amount');
    assert.equal(results[0]?.column, 'amount', 'an exact column name ranks first');
    assert.ok(results.some((r) => r.column === 'amount_cents'));
    assert.equal(searchIndex(site.index, { descriptions, columns }, 'typed')[0]?.node, byName('stg_orders')[0]);
  });

  it("evaluates dbt selectors with Strata's own grammar", () => {
    const names = (selector: string): string[] => [...selectIndices(site.index, selector)].map((i) => site.index.nodes[i]!.name).sort();
    assert.deepEqual(names('+orders_daily'), ['orders_daily', 'shop.orders', 'stg_orders']);
    assert.deepEqual(names('tag:daily'), ['orders_daily']);
    assert.deepEqual(names('path:models/marts'), ['orders_daily', 'revenue_dashboard']);
    assert.deepEqual(names('source:shop+'), ['orders_daily', 'revenue_dashboard', 'shop.orders', 'stg_orders']);
    assert.throws(() => selectIndices(site.index, 'tag:'), /tag/);
  });

  it('focuses a neighbourhood with depth, and collapses a large graph by folder', () => {
    const [stg] = byName('stg_orders');
    const view = graphView(site.index, { focus: stg, up: 1, down: 1 });
    assert.equal(view.kind, 'nodes');
    if (view.kind === 'nodes') assert.deepEqual(view.nodes.map((i) => site.index.nodes[i]!.name).sort(), ['orders_daily', 'shop.orders', 'stg_orders']);
    // A synthetic 600-node chain in 6 folders: too many to draw, so folders are shown.
    const nodes: IndexNode[] = Array.from({ length: 600 }, (_, i) => ({
      id: `model.p.m${i}`, kind: 'model', name: `m${i}`, folder: Math.floor(i / 100), path: `models/f${Math.floor(i / 100)}/m${i}.sql`,
      fqn: [`f${Math.floor(i / 100)}`, `m${i}`], tags: [], parents: i ? [i - 1] : [], children: i < 599 ? [i + 1] : [], summary: '',
    }));
    const big = { ...site.index, nodes, folders: ['f0', 'f1', 'f2', 'f3', 'f4', 'f5'] };
    const all = graphView(big, { up: 2, down: 2 });
    assert.equal(all.kind, 'folders');
    if (all.kind === 'folders') assert.equal(all.folders.length, 6);
    const deep = graphView(big, { focus: 300, up: Infinity, down: Infinity });
    assert.equal(deep.kind, 'nodes');
    if (deep.kind === 'nodes') {
      assert.ok(deep.nodes.length <= MAX_DRAWN);
      assert.match(deep.notice ?? '', /600 nodes are within the depth/);
    }
  });
});
