import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Dag } from '../../src/graph/dag.js';
import {
  defaultSelectorMethods,
  parseSelector,
  registerSelectorMethod,
  selectNodes,
  SelectorMethodRegistry,
  type SelectionInput,
  type SelectorMethod,
} from '../../src/graph/selectors/index.js';
import type {
  ExposureNode,
  GraphNode,
  ModelConfig,
  ModelNode,
  SeedNode,
  SourceNode,
} from '../../src/manifest/types.js';
import { StrataError } from '../../src/shared/errors.js';

// ---------------------------------------------------------------------------------------------
// A small factory for realistic nodes of project `shop`.

const base = { description: '', meta: {} } as const;

function model(
  name: string,
  folder: string,
  dependsOn: string[],
  options: { tags?: string[]; config?: Partial<ModelConfig>; patchPath?: string } = {},
): ModelNode {
  const path = `models/${folder}/${name}.sql`;
  return {
    ...base,
    kind: 'model',
    uniqueId: `model.shop.${name}`,
    name,
    path,
    fqn: [...folder.split('/'), name],
    tags: options.tags ?? [],
    dependsOn,
    config: {
      materialized: 'view',
      tags: [],
      enabled: true,
      uniqueKey: [],
      incrementalStrategy: 'merge',
      onSchemaChange: 'ignore',
      grants: {},
      meta: {},
      ...options.config,
    },
    relation: { schema: 'analytics', identifier: name },
    rawSql: 'select 1',
    compiledSql: 'select 1',
    compiledPath: `target/compiled/${path}`,
    checksum: name,
    columns: [],
    tests: [],
    ...(options.patchPath && { patchPath: options.patchPath }),
  };
}

function seed(name: string, tags: string[] = []): SeedNode {
  return {
    ...base,
    kind: 'seed',
    uniqueId: `seed.shop.${name}`,
    name,
    path: `seeds/${name}.csv`,
    fqn: [name],
    tags,
    dependsOn: [],
    config: { tags: [], enabled: true, columnTypes: {}, delimiter: ',', grants: {}, meta: {} },
    relation: { schema: 'seeds', identifier: name },
    checksum: name,
    columns: [],
    tests: [],
  };
}

function source(sourceName: string, tableName: string, tags: string[] = []): SourceNode {
  return {
    ...base,
    kind: 'source',
    uniqueId: `source.shop.${sourceName}.${tableName}`,
    name: tableName,
    path: 'models/staging/_sources.yml',
    fqn: ['staging', sourceName, tableName],
    tags,
    dependsOn: [],
    sourceName,
    tableName,
    relation: { schema: `raw_${sourceName}`, identifier: tableName },
    columns: [],
    tests: [],
    settings: {},
  };
}

function exposure(name: string, type: string, dependsOn: string[], tags: string[] = []): ExposureNode {
  return {
    ...base,
    kind: 'exposure',
    uniqueId: `exposure.shop.${name}`,
    name,
    path: 'models/marts/_exposures.yml',
    fqn: ['marts', name],
    tags,
    dependsOn,
    type,
    owner: { name: 'Analytics' },
    priority: 0,
  };
}

// ---------------------------------------------------------------------------------------------
// The project graph:
//
//   crm.customers ─┐
//   country_codes ─┴─ stg_customers ── dim_customers ─┬─ churn_notebook
//                                                     │
//   crm.orders ────── stg_orders ─────────────────── fct_orders ─┐
//   erp.invoices ──── stg_invoices ─────────────────────────────── fct_revenue ── revenue_dashboard
//   currency_rates ─────────────────────────────────────────────┘
//   audit_log (alone)

const ids = {
  crmCustomers: 'source.shop.crm.customers',
  crmOrders: 'source.shop.crm.orders',
  erpInvoices: 'source.shop.erp.invoices',
  countryCodes: 'seed.shop.country_codes',
  currencyRates: 'seed.shop.currency_rates',
  stgCustomers: 'model.shop.stg_customers',
  stgOrders: 'model.shop.stg_orders',
  stgInvoices: 'model.shop.stg_invoices',
  dimCustomers: 'model.shop.dim_customers',
  fctOrders: 'model.shop.fct_orders',
  fctRevenue: 'model.shop.fct_revenue',
  auditLog: 'model.shop.audit_log',
  revenueDashboard: 'exposure.shop.revenue_dashboard',
  churnNotebook: 'exposure.shop.churn_notebook',
} as const;

const nodes: GraphNode[] = [
  source('crm', 'customers', ['pii']),
  source('crm', 'orders'),
  source('erp', 'invoices'),
  seed('country_codes'),
  seed('currency_rates', ['finance']),
  model('stg_customers', 'staging', [ids.crmCustomers, ids.countryCodes], {
    patchPath: 'shop://models/staging/_staging.yml',
  }),
  model('stg_orders', 'staging', [ids.crmOrders]),
  model('stg_invoices', 'staging', [ids.erpInvoices]),
  model('dim_customers', 'marts/core', [ids.stgCustomers], {
    tags: ['critical'],
    config: { materialized: 'table', tags: ['nightly'], meta: { owner: 'crm-team' } },
  }),
  model('fct_orders', 'marts/core', [ids.stgOrders, ids.dimCustomers], {
    tags: ['nightly'],
    config: { materialized: 'incremental', uniqueKey: ['order_id'], fullRefresh: false, incrementalStrategy: 'delete+insert' },
  }),
  model('fct_revenue', 'marts/finance', [ids.fctOrders, ids.stgInvoices, ids.currencyRates], {
    tags: ['finance', 'critical'],
    config: { materialized: 'table', fullRefresh: true, meta: { owner: 'finance', sla_hours: 6 } },
  }),
  model('audit_log', 'audit', []),
  exposure('revenue_dashboard', 'dashboard', [ids.fctRevenue], ['critical']),
  exposure('churn_notebook', 'notebook', [ids.dimCustomers]),
];

const dag = new Dag(new Map(nodes.map((node) => [node.uniqueId, node])));
const allIds = nodes.map((node) => node.uniqueId);

function select(input: SelectionInput): string[] {
  return [...selectNodes(dag, input)].sort();
}
function sel(...selectors: string[]): string[] {
  return select({ select: selectors });
}
function set(...members: string[]): string[] {
  return [...new Set(members)].sort();
}

function assertBadSelector(text: string, term: string, also?: RegExp): void {
  assert.throws(
    () => parseSelector(text),
    (error: unknown) => {
      assert.ok(error instanceof StrataError, `expected StrataError, got ${String(error)}`);
      assert.equal(error.code, 'bad_selector');
      assert.equal(error.category, 'project');
      assert.ok(error.message.includes(`'${term}'`), `message should name '${term}': ${error.message}`);
      assert.match(error.message, /Allowed methods: fqn:.*tag:.*path:.*source:.*exposure:.*config\.<key>:.*resource_type:/);
      if (also) assert.match(error.message, also);
      return true;
    },
  );
  // selectNodes reports the same error.
  assert.throws(() => selectNodes(dag, { select: [text] }), { code: 'bad_selector' });
}

// ---------------------------------------------------------------------------------------------

describe('selectNodes: defaults and names', () => {
  it('selects every node when there is no select', () => {
    assert.deepEqual(select({}), set(...allIds));
    assert.deepEqual(select({ select: [] }), set(...allIds));
  });

  it('returns ids in the DAG node order', () => {
    assert.deepEqual([...selectNodes(dag, {})], allIds);
  });

  it('a bare name selects the model, seed or exposure of that name', () => {
    assert.deepEqual(sel('fct_orders'), [ids.fctOrders]);
    assert.deepEqual(sel('currency_rates'), [ids.currencyRates]);
    assert.deepEqual(sel('revenue_dashboard'), [ids.revenueDashboard]);
  });

  it('a bare name never selects a source table', () => {
    assert.deepEqual(sel('customers'), []);
    assert.deepEqual(sel('crm'), []);
  });

  it('an unknown name selects nothing', () => {
    assert.deepEqual(sel('no_such_model'), []);
  });

  it('a bare folder selects every node whose fqn starts with it', () => {
    assert.deepEqual(sel('marts'), set(ids.dimCustomers, ids.fctOrders, ids.fctRevenue, ids.revenueDashboard, ids.churnNotebook));
    assert.deepEqual(sel('marts.core'), set(ids.dimCustomers, ids.fctOrders));
    assert.deepEqual(sel('marts.core.fct_orders'), [ids.fctOrders]);
    assert.deepEqual(sel('staging'), set(ids.stgCustomers, ids.stgOrders, ids.stgInvoices));
  });

  it('the fqn may start with the project name', () => {
    assert.deepEqual(sel('shop.marts.finance'), [ids.fctRevenue]);
    assert.deepEqual(sel('shop'), set(...allIds.filter((id) => !id.startsWith('source.'))));
  });

  it('a partial fqn segment does not match', () => {
    assert.deepEqual(sel('mart'), []);
    assert.deepEqual(sel('marts.cor'), []);
  });

  it('wildcards match names and fqn tails', () => {
    assert.deepEqual(sel('stg_*'), set(ids.stgCustomers, ids.stgOrders, ids.stgInvoices));
    assert.deepEqual(sel('fct_*'), set(ids.fctOrders, ids.fctRevenue));
    assert.deepEqual(sel('*_customers'), set(ids.stgCustomers, ids.dimCustomers));
    assert.deepEqual(sel('marts.*.fct_*'), set(ids.fctOrders, ids.fctRevenue));
    assert.deepEqual(sel('marts.fin*'), [ids.fctRevenue]);
    assert.deepEqual(sel('stg_?rders'), [ids.stgOrders]);
    assert.deepEqual(sel('stg_[io]*'), set(ids.stgInvoices, ids.stgOrders));
    assert.deepEqual(sel('stg_[!io]*'), [ids.stgCustomers]);
  });

  it('fqn: as an explicit method', () => {
    assert.deepEqual(sel('fqn:marts.core'), set(ids.dimCustomers, ids.fctOrders));
    assert.deepEqual(sel('fqn:audit_log'), [ids.auditLog]);
  });

  it('a bare value with a slash is a path, one ending in .sql a file name', () => {
    assert.deepEqual(sel('models/marts/finance'), [ids.fctRevenue]);
    assert.deepEqual(sel('fct_orders.sql'), [ids.fctOrders]);
  });
});

describe('selectNodes: graph operators', () => {
  it('+name adds all ancestors', () => {
    assert.deepEqual(
      sel('+fct_orders'),
      set(ids.fctOrders, ids.stgOrders, ids.crmOrders, ids.dimCustomers, ids.stgCustomers, ids.crmCustomers, ids.countryCodes),
    );
  });

  it('name+ adds all descendants', () => {
    assert.deepEqual(
      sel('stg_customers+'),
      set(ids.stgCustomers, ids.dimCustomers, ids.fctOrders, ids.fctRevenue, ids.revenueDashboard, ids.churnNotebook),
    );
  });

  it('+name+ adds both', () => {
    assert.deepEqual(
      sel('+stg_invoices+'),
      set(ids.erpInvoices, ids.stgInvoices, ids.fctRevenue, ids.revenueDashboard),
    );
  });

  it('N+name limits ancestors to N steps', () => {
    assert.deepEqual(sel('1+fct_revenue'), set(ids.fctRevenue, ids.fctOrders, ids.stgInvoices, ids.currencyRates));
    assert.deepEqual(
      sel('2+fct_revenue'),
      set(ids.fctRevenue, ids.fctOrders, ids.stgInvoices, ids.currencyRates, ids.stgOrders, ids.dimCustomers, ids.erpInvoices),
    );
    assert.deepEqual(sel('0+fct_revenue'), [ids.fctRevenue]);
  });

  it('name+N limits descendants to N steps', () => {
    assert.deepEqual(sel('stg_customers+1'), set(ids.stgCustomers, ids.dimCustomers));
    assert.deepEqual(sel('stg_customers+2'), set(ids.stgCustomers, ids.dimCustomers, ids.fctOrders, ids.churnNotebook));
  });

  it('N+name+M limits both sides independently', () => {
    assert.deepEqual(sel('1+fct_orders+1'), set(ids.stgOrders, ids.dimCustomers, ids.fctOrders, ids.fctRevenue));
  });

  it('a depth limit counts the shortest route from any matched node', () => {
    // fct_orders is 1 step below stg_orders and 2 below stg_customers (via dim_customers).
    assert.deepEqual(sel('stg_customers+1').includes(ids.fctOrders), false);
    assert.deepEqual(sel('stg_customers+1 stg_orders+1').includes(ids.fctOrders), true);
    assert.deepEqual(sel('dim_customers+1'), set(ids.dimCustomers, ids.fctOrders, ids.churnNotebook));
  });

  it('@ combines with a + suffix, and operators on an empty match select nothing', () => {
    assert.deepEqual(sel('@dim_customers+'), sel('@dim_customers'));
    assert.deepEqual(sel('+no_such_model+'), []);
    assert.deepEqual(sel('@tag:no_such_tag'), []);
  });

  it('@name adds descendants and every ancestor of them', () => {
    assert.deepEqual(
      sel('@stg_orders'),
      set(
        ids.stgOrders,
        ids.crmOrders,
        ids.fctOrders,
        ids.fctRevenue,
        ids.revenueDashboard,
        // ancestors of the descendants
        ids.dimCustomers,
        ids.stgCustomers,
        ids.crmCustomers,
        ids.countryCodes,
        ids.stgInvoices,
        ids.erpInvoices,
        ids.currencyRates,
      ),
    );
    assert.deepEqual(sel('@audit_log'), [ids.auditLog]);
    assert.deepEqual(sel('@churn_notebook'), set(ids.churnNotebook, ids.dimCustomers, ids.stgCustomers, ids.crmCustomers, ids.countryCodes));
  });

  it('operators combine with methods', () => {
    assert.deepEqual(sel('source:crm+'), set(
      ids.crmCustomers, ids.crmOrders, ids.stgCustomers, ids.stgOrders, ids.dimCustomers,
      ids.fctOrders, ids.fctRevenue, ids.revenueDashboard, ids.churnNotebook,
    ));
    assert.deepEqual(sel('1+exposure:revenue_dashboard'), set(ids.revenueDashboard, ids.fctRevenue));
    assert.deepEqual(sel('+tag:pii'), [ids.crmCustomers]);
    assert.deepEqual(
      sel('+config.materialized:table'),
      set(
        ids.dimCustomers, ids.fctRevenue, ids.stgCustomers, ids.crmCustomers, ids.countryCodes, ids.fctOrders,
        ids.stgOrders, ids.crmOrders, ids.stgInvoices, ids.erpInvoices, ids.currencyRates,
      ),
    );
    assert.deepEqual(sel('resource_type:seed+1'), set(ids.countryCodes, ids.currencyRates, ids.stgCustomers, ids.fctRevenue));
  });

  it('operators apply to every node an atom matches, walking once', () => {
    assert.deepEqual(sel('stg_*+1'), set(ids.stgCustomers, ids.stgOrders, ids.stgInvoices, ids.dimCustomers, ids.fctOrders, ids.fctRevenue));
  });
});

describe('selectNodes: methods', () => {
  it('tag: matches node tags and config tags, with globs', () => {
    assert.deepEqual(sel('tag:critical'), set(ids.dimCustomers, ids.fctRevenue, ids.revenueDashboard));
    assert.deepEqual(sel('tag:nightly'), set(ids.dimCustomers, ids.fctOrders));
    assert.deepEqual(sel('tag:fin*'), set(ids.currencyRates, ids.fctRevenue));
    assert.deepEqual(sel('tag:pii'), [ids.crmCustomers]);
    assert.deepEqual(sel('tag:crit'), []);
  });

  it('path: matches files and folders, trailing slash optional, globs allowed', () => {
    const core = set(ids.dimCustomers, ids.fctOrders);
    assert.deepEqual(sel('path:models/marts/core'), core);
    assert.deepEqual(sel('path:models/marts/core/'), core);
    assert.deepEqual(sel('path:./models/marts/core'), core);
    assert.deepEqual(sel('path:models/marts/core/fct_orders.sql'), [ids.fctOrders]);
    assert.deepEqual(
      sel('path:models/marts'),
      set(ids.dimCustomers, ids.fctOrders, ids.fctRevenue, ids.revenueDashboard, ids.churnNotebook),
    );
    assert.deepEqual(sel('path:seeds'), set(ids.countryCodes, ids.currencyRates));
    assert.deepEqual(sel('path:models/marts/*'), sel('path:models/marts'));
    assert.deepEqual(sel('path:models/*/core'), core);
    assert.deepEqual(sel('path:.'), set(...allIds));
    assert.deepEqual(sel('path:models/*/fct_*.sql'), []);
    assert.deepEqual(sel('path:models/*/*/fct_*.sql'), set(ids.fctOrders, ids.fctRevenue));
    assert.deepEqual(sel('path:models/**/fct_*.sql'), set(ids.fctOrders, ids.fctRevenue));
    assert.deepEqual(sel('path:models/mart'), []);
    assert.deepEqual(sel('path:models/marts/core/fct'), []);
  });

  it('path: includes sources declared in the folder and models documented by a YAML file there', () => {
    assert.deepEqual(
      sel('path:models/staging'),
      set(ids.crmCustomers, ids.crmOrders, ids.erpInvoices, ids.stgCustomers, ids.stgOrders, ids.stgInvoices),
    );
    assert.deepEqual(sel('path:models/staging/_staging.yml'), [ids.stgCustomers]);
  });

  it('file: matches the file name with or without extension', () => {
    assert.deepEqual(sel('file:fct_orders.sql'), [ids.fctOrders]);
    assert.deepEqual(sel('file:fct_orders'), [ids.fctOrders]);
    assert.deepEqual(sel('file:country_codes.csv'), [ids.countryCodes]);
    assert.deepEqual(sel('file:_sources.yml'), set(ids.crmCustomers, ids.crmOrders, ids.erpInvoices));
    assert.deepEqual(sel('file:dim_*.sql'), [ids.dimCustomers]);
  });

  it('source: selects all tables of a source or one table', () => {
    assert.deepEqual(sel('source:crm'), set(ids.crmCustomers, ids.crmOrders));
    assert.deepEqual(sel('source:crm.customers'), [ids.crmCustomers]);
    assert.deepEqual(sel('source:shop.erp.invoices'), [ids.erpInvoices]);
    assert.deepEqual(sel('source:other.erp.invoices'), []);
    assert.deepEqual(sel('source:*.orders'), [ids.crmOrders]);
    assert.deepEqual(sel('source:crm.invoices'), []);
  });

  it('exposure: selects exposures by name', () => {
    assert.deepEqual(sel('exposure:revenue_dashboard'), [ids.revenueDashboard]);
    assert.deepEqual(sel('exposure:*'), set(ids.revenueDashboard, ids.churnNotebook));
    assert.deepEqual(sel('exposure:shop.churn_notebook'), [ids.churnNotebook]);
    assert.deepEqual(sel('exposure:fct_revenue'), []);
  });

  it('config.<key>: compares the model or seed config', () => {
    assert.deepEqual(sel('config.materialized:table'), set(ids.dimCustomers, ids.fctRevenue));
    assert.deepEqual(
      sel('config.materialized:view'),
      set(ids.stgCustomers, ids.stgOrders, ids.stgInvoices, ids.auditLog),
    );
    assert.deepEqual(sel('config.materialized:seed'), set(ids.countryCodes, ids.currencyRates));
    assert.deepEqual(sel('config.tags:nightly'), [ids.dimCustomers]);
    assert.deepEqual(sel('config.unique_key:order_id'), [ids.fctOrders]);
    assert.deepEqual(sel('config.uniqueKey:order_id'), [ids.fctOrders]);
    assert.deepEqual(sel('config.full_refresh:true'), [ids.fctRevenue]);
    assert.deepEqual(sel('config.full_refresh:FALSE'), [ids.fctOrders]);
    assert.deepEqual(sel('config.enabled:true'), set(...allIds.filter((id) => /^(model|seed)\./.test(id))));
    assert.deepEqual(sel('config.meta.owner:finance'), [ids.fctRevenue]);
    assert.deepEqual(sel('config.meta.sla_hours:6'), [ids.fctRevenue]);
    assert.deepEqual(sel('config.incremental_strategy:delete+insert'), [ids.fctOrders]);
    assert.deepEqual(sel('config.delimiter:;'), []);
    assert.deepEqual(sel('config.no_such_key:x'), []);
  });

  it('resource_type: selects every node of a kind', () => {
    assert.deepEqual(
      sel('resource_type:model'),
      set(ids.stgCustomers, ids.stgOrders, ids.stgInvoices, ids.dimCustomers, ids.fctOrders, ids.fctRevenue, ids.auditLog),
    );
    assert.deepEqual(sel('resource_type:seed'), set(ids.countryCodes, ids.currencyRates));
    assert.deepEqual(sel('resource_type:source'), set(ids.crmCustomers, ids.crmOrders, ids.erpInvoices));
    assert.deepEqual(sel('resource_type:exposure'), set(ids.revenueDashboard, ids.churnNotebook));
  });

  it('package: selects a project', () => {
    assert.deepEqual(sel('package:shop'), set(...allIds));
    assert.deepEqual(sel('package:other'), []);
  });
});

describe('selectNodes: set operations', () => {
  it('a space is a union', () => {
    assert.deepEqual(sel('stg_orders audit_log'), set(ids.stgOrders, ids.auditLog));
    assert.deepEqual(sel('  stg_orders\taudit_log  '), set(ids.stgOrders, ids.auditLog));
  });

  it('several select strings are a union, as are terms inside each', () => {
    assert.deepEqual(
      sel('stg_orders', 'audit_log tag:pii', 'exposure:churn_notebook'),
      set(ids.stgOrders, ids.auditLog, ids.crmCustomers, ids.churnNotebook),
    );
  });

  it('a comma is an intersection', () => {
    assert.deepEqual(sel('tag:critical,config.materialized:table'), set(ids.dimCustomers, ids.fctRevenue));
    assert.deepEqual(sel('tag:nightly,config.materialized:table'), [ids.dimCustomers]);
    assert.deepEqual(sel('path:models/marts,resource_type:model,tag:critical'), set(ids.dimCustomers, ids.fctRevenue));
    assert.deepEqual(sel('tag:pii,resource_type:model'), []);
  });

  it('graph operators in an intersection apply to their own part only', () => {
    assert.deepEqual(sel('+fct_revenue,resource_type:seed'), set(ids.countryCodes, ids.currencyRates));
    assert.deepEqual(sel('1+fct_revenue,resource_type:seed'), [ids.currencyRates]);
    assert.deepEqual(sel('+fct_revenue,+churn_notebook'), set(ids.dimCustomers, ids.stgCustomers, ids.crmCustomers, ids.countryCodes));
  });

  it('unions of intersections', () => {
    assert.deepEqual(
      sel('tag:nightly,config.materialized:incremental source:erp'),
      set(ids.fctOrders, ids.erpInvoices),
    );
  });

  it('exclude subtracts after the union', () => {
    assert.deepEqual(
      select({ select: ['+fct_orders'], exclude: ['resource_type:source resource_type:seed'] }),
      set(ids.fctOrders, ids.stgOrders, ids.dimCustomers, ids.stgCustomers),
    );
    assert.deepEqual(
      select({ select: ['marts'], exclude: ['tag:critical'] }),
      set(ids.fctOrders, ids.churnNotebook),
    );
  });

  it('exclude alone subtracts from everything, with graph operators', () => {
    assert.deepEqual(
      select({ exclude: ['stg_customers+', 'source:*'] }),
      set(ids.countryCodes, ids.currencyRates, ids.stgOrders, ids.stgInvoices, ids.auditLog),
    );
  });

  it('exclude of something not selected changes nothing', () => {
    assert.deepEqual(select({ select: ['stg_orders'], exclude: ['audit_log'] }), [ids.stgOrders]);
  });
});

describe('parseSelector', () => {
  it('parses an atom with operators and a method', () => {
    assert.deepEqual(parseSelector('2+config.materialized:table+'), {
      kind: 'atom',
      text: '2+config.materialized:table+',
      criterion: { method: 'config', args: ['materialized'], value: 'table' },
      operators: { childrensParents: false, parents: { depth: 2 }, children: {} },
    });
    assert.deepEqual(parseSelector('@orders'), {
      kind: 'atom',
      text: '@orders',
      criterion: { method: 'fqn', args: [], value: 'orders' },
      operators: { childrensParents: true },
    });
  });

  it('gives bare values their dbt default method', () => {
    const methodOf = (text: string): string => {
      const expr = parseSelector(text);
      assert.equal(expr.kind, 'atom');
      return expr.kind === 'atom' ? expr.criterion.method : '';
    };
    assert.equal(methodOf('marts.core'), 'fqn');
    assert.equal(methodOf('models/marts'), 'path');
    assert.equal(methodOf('orders.sql'), 'file');
    assert.equal(methodOf('rates.csv'), 'file');
  });

  it('builds unions of intersections', () => {
    const expr = parseSelector('a,tag:b c');
    assert.equal(expr.kind, 'union');
    if (expr.kind !== 'union') return;
    assert.deepEqual(expr.items.map((item) => item.kind), ['intersection', 'atom']);
  });

  it('rejects unknown methods, naming the term and the allowed methods', () => {
    assertBadSelector('foo:bar', 'foo:bar', /unknown method 'foo'/);
    assertBadSelector('stg_orders tga:nightly', 'tga:nightly', /did you mean 'tag'\?/);
  });

  it('rejects malformed graph operators', () => {
    assertBadSelector('++x', '++x');
    assertBadSelector('x++', 'x++');
    assertBadSelector('+', '+');
    assertBadSelector('2+', '2+');
    assertBadSelector('@', '@');
    assertBadSelector('@+x', '@+x', /'@' and a '\+' prefix/);
    assertBadSelector('@@x', '@@x');
    assertBadSelector('x+1+', 'x+1+');
  });

  it('rejects malformed methods and missing values', () => {
    assertBadSelector('tag:', 'tag:', /value is missing/);
    assertBadSelector(':x', ':x');
    assertBadSelector('ta g:x'.replace(' ', '-'), 'ta-g:x', /not a method name/);
    assertBadSelector('config:table', 'config:table', /needs an argument/);
    assertBadSelector('tag.x:y', 'tag.x:y', /takes no/);
    assertBadSelector('resource_type:analysis', 'resource_type:analysis', /unknown resource type/);
    assertBadSelector('source:a.b.c.d', 'source:a.b.c.d');
    assertBadSelector('exposure:a.b.c', 'exposure:a.b.c');
    assertBadSelector('file:models/x.sql', 'file:models/x.sql', /use path:/);
  });

  it('rejects empty terms and empty intersections', () => {
    assertBadSelector('a,,b', 'a,,b');
    assertBadSelector('x tag:a,', 'tag:a,');
    assertBadSelector(',x', ',x');
    assertBadSelector('   ', '   ', /empty/);
  });

  it('names the bad term inside a longer selector', () => {
    assert.throws(() => selectNodes(dag, { select: ['stg_orders'], exclude: ['audit_log bogus:1'] }), (error: unknown) => {
      assert.ok(error instanceof StrataError);
      assert.match(error.message, /'bogus:1' in 'audit_log bogus:1'/);
      return true;
    });
  });
});

describe('method registry', () => {
  const ownerMethod: SelectorMethod = {
    name: 'owner',
    usage: 'owner:<team>',
    arguments: 'none',
    matcher: ({ value }) => (node) => node.kind === 'model' && node.config.meta['owner'] === value,
  };

  it('a method in a separate registry works without touching the parser or the default', () => {
    const registry = defaultSelectorMethods.clone().register(ownerMethod);
    assert.deepEqual([...selectNodes(dag, { select: ['owner:finance+'] }, { registry })].sort(), set(ids.fctRevenue, ids.revenueDashboard));
    assert.deepEqual(
      [...selectNodes(dag, { select: ['owner:crm-team,tag:critical'] }, { registry })],
      [ids.dimCustomers],
    );
    assert.throws(() => parseSelector('owner:finance'), { code: 'bad_selector' });
    assert.match(String(parseError(() => parseSelector('bogus:1', registry))), /owner:<team>/);
  });

  it('registerSelectorMethod adds to the default registry', () => {
    const registry = new SelectorMethodRegistry();
    assert.deepEqual(registry.names(), []);
    registerSelectorMethod({ ...ownerMethod, name: 'test_owner_default', usage: 'test_owner_default:<team>' });
    try {
      assert.deepEqual(sel('test_owner_default:crm-team'), [ids.dimCustomers]);
    } finally {
      assert.equal(defaultSelectorMethods.unregister('test_owner_default'), true);
    }
    assert.throws(() => parseSelector('test_owner_default:crm-team'), { code: 'bad_selector' });
  });

  it('a method validator rejects values while parsing', () => {
    const registry = defaultSelectorMethods.clone().register({
      name: 'state',
      usage: 'state:modified|new',
      arguments: 'optional',
      validate: ({ value }) =>
        ['modified', 'new'].includes(value.split('.')[0]!) ? undefined : `unknown state '${value}'`,
      matcher: () => () => false,
    });
    assert.equal(parseSelector('state:modified.body+', registry).kind, 'atom');
    assert.throws(() => parseSelector('state:old', registry), /unknown state 'old'/);
  });
});

function parseError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('large graphs', () => {
  it('select +leaf, leaf+ and exclusions correctly in a 10,000-node graph', () => {
    // 100 chains of 100 models; every model also reads the first model of the previous chain.
    const big: GraphNode[] = [];
    for (let chain = 0; chain < 100; chain += 1) {
      for (let i = 0; i < 100; i += 1) {
        const deps: string[] = [];
        if (i > 0) deps.push(`model.shop.m_${chain}_${i - 1}`);
        if (chain > 0) deps.push(`model.shop.m_${chain - 1}_0`);
        big.push(model(`m_${chain}_${i}`, `chain_${chain}`, deps));
      }
    }
    const bigDag = new Dag(new Map(big.map((node) => [node.uniqueId, node])));
    const expected = new Set<string>();
    for (let i = 0; i < 100; i += 1) expected.add(`model.shop.m_5_${i}`);
    for (let chain = 0; chain < 5; chain += 1) expected.add(`model.shop.m_${chain}_0`);

    // Speed is measured by the benchmarks, not here: a timed test fails on a busy machine.
    const result = selectNodes(bigDag, { select: ['+m_5_99'] });
    assert.deepEqual([...result].sort(), [...expected].sort());

    assert.deepEqual(selectNodes(bigDag, { select: ['m_0_0+'] }), new Set(bigDag.nodes.keys()));
    assert.deepEqual(
      [...selectNodes(bigDag, { select: ['chain_7', 'tag:none'], exclude: ['m_7_1+'] })],
      ['model.shop.m_7_0'],
    );
  });
});
