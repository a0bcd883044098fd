import assert from 'node:assert/strict';
import { renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { eachEngine } from '../helpers/engines.js';
import { gz, load, loaderYaml, loadOk, logEntries, raw, sourcesYaml, textRows } from './load-helpers.js';

// Idempotency, lineage, load dates, type inference and schema drift, on every engine.

const CUSTOMERS = `      - name: customers
        landing: landing/crm/customers_*.csv*
        load_date: 'customers_(\\d{4}-\\d{2}-\\d{2})'
        columns:
          - name: id
            data_type: bigint
          - name: email
`;

eachEngine('loading twice loads once; a renamed copy loads nothing; changed content is a new load', async (project) => {
  project.write({
    'strata.yml': loaderYaml(project),
    'models/sources.yml': sourcesYaml(CUSTOMERS),
    'landing/crm/customers_2024-01-01.csv': 'id,email\n1,a@x.com\n2,b@x.com\n',
  });
  const first = await loadOk(project);
  assert.match(first, /1 NEW crm\.customers landing\/crm\/customers_2024-01-01\.csv \.+ \[LOADED 2 rows in [\d.]+s, load 1\]/);
  const second = await loadOk(project);
  assert.match(second, /SKIP crm\.customers landing\/crm\/customers_2024-01-01\.csv \.+ \[UNCHANGED since load 1\]/);
  assert.match(second, /Loaded 0 new files \(0 rows\)/);

  project.write({ 'landing/crm/customers_2024-01-02.csv': 'id,email\n1,a@x.com\n2,b@x.com\n' });
  const copy = await loadOk(project);
  assert.match(copy, /SKIP crm\.customers landing\/crm\/customers_2024-01-02\.csv \.+ \[DUPLICATE of landing\/crm\/customers_2024-01-01\.csv, load 1\]/);

  project.write({ 'landing/crm/customers_2024-01-01.csv': 'id,email\n1,a@new.com\n3,c@x.com\n' });
  await loadOk(project);
  await loadOk(project);
  assert.deepEqual(await textRows(project, `select id, email, _load_id, _source_row from ${raw(project, 'customers')} order by _load_id, _source_row`), [
    { id: '1', email: 'a@x.com', _load_id: '1', _source_row: '1' },
    { id: '2', email: 'b@x.com', _load_id: '1', _source_row: '2' },
    { id: '1', email: 'a@new.com', _load_id: '3', _source_row: '1' },
    { id: '3', email: 'c@x.com', _load_id: '3', _source_row: '2' },
  ]);
  assert.deepEqual(
    (await logEntries(project)).map((e) => [e.status, e.path, e.rows]),
    [
      ['loaded', 'landing/crm/customers_2024-01-01.csv', '2'],
      ['skipped_duplicate', 'landing/crm/customers_2024-01-02.csv', '0'],
      ['loaded', 'landing/crm/customers_2024-01-01.csv', '2'],
    ],
  );
  const log = await textRows(project, `select size_bytes, sha256, strata_version, duplicate_of from ${loaderLog(project)} order by load_id`);
  assert.equal(log[0]!.size_bytes, '29');
  assert.match(log[0]!.sha256!, /^[0-9a-f]{64}$/);
  assert.equal(log[0]!.strata_version, '0.1.0');
  assert.equal(log[1]!.duplicate_of, '1');
});

function loaderLog(project: Parameters<typeof raw>[0]): string {
  return project.engine.dialect.relation({ schema: project.customSchema('meta'), identifier: 'load_log' });
}

eachEngine('every raw row keeps its file, row, load id and dates; file-name dates and --as-of', async (project) => {
  project.write({
    'strata.yml': loaderYaml(project),
    'models/sources.yml': sourcesYaml(CUSTOMERS),
    'landing/crm/customers_2024-01-03.csv': 'id,email\n5,e@x.com\n',
    'landing/crm/customers_2024-01-01.csv': 'id,email\n"1","multi\nline"\n2,b@x.com\n',
  });
  writeFileSync(path.join(project.dir, 'landing/crm/customers_2024-01-02.csv.gz'), gz('id,email\n3,c@x.com\n4,d@x.com\n'));
  await loadOk(project);
  const rows = await textRows(project, `select id, email, _load_id, _load_date, _source_file, _source_row from ${raw(project, 'customers')} order by _load_id, _source_row`);
  assert.deepEqual(rows, [
    { id: '1', email: 'multi\nline', _load_id: '1', _load_date: '2024-01-01 00:00:00+00', _source_file: 'landing/crm/customers_2024-01-01.csv', _source_row: '1' },
    { id: '2', email: 'b@x.com', _load_id: '1', _load_date: '2024-01-01 00:00:00+00', _source_file: 'landing/crm/customers_2024-01-01.csv', _source_row: '2' },
    { id: '3', email: 'c@x.com', _load_id: '2', _load_date: '2024-01-02 00:00:00+00', _source_file: 'landing/crm/customers_2024-01-02.csv.gz', _source_row: '1' },
    { id: '4', email: 'd@x.com', _load_id: '2', _load_date: '2024-01-02 00:00:00+00', _source_file: 'landing/crm/customers_2024-01-02.csv.gz', _source_row: '2' },
    { id: '5', email: 'e@x.com', _load_id: '3', _load_date: '2024-01-03 00:00:00+00', _source_file: 'landing/crm/customers_2024-01-03.csv', _source_row: '1' },
  ]);
  const loadedAt = await textRows(project, `select count(*) as n from ${raw(project, 'customers')} where _loaded_at is null`);
  assert.equal(loadedAt[0]!.n, '0');

  project.write({ 'landing/crm/customers_2024-01-09.csv': 'id,email\n6,f@x.com\n' });
  await loadOk(project, ['--as-of', '2023-12-31T23:00:00Z']);
  const asOf = await textRows(project, `select _load_date from ${raw(project, 'customers')} where id = 6`);
  assert.deepEqual(asOf, [{ _load_date: '2023-12-31 23:00:00+00' }]);

  // A file whose name has no date fails rather than getting today's date.
  project.write({ 'landing/crm/customers_latest.csv': 'id,email\n7,g@x.com\n' });
  const bad = await load(project);
  assert.equal(bad.code, 1);
  assert.match(bad.out, /landing\/crm\/customers_latest\.csv: the file name does not match the load_date pattern \/customers_\(\\d\{4\}-\\d\{2\}-\\d\{2\}\)\/ \(with a capture group for the date\)/);
});

eachEngine('types are inferred from awkward values; empty strings and NULL stay apart', async (project) => {
  project.write({
    'strata.yml': loaderYaml(project),
    'models/sources.yml': sourcesYaml(`      - name: things
        landing: landing/things/*.csv
`),
    'landing/things/t1.csv': [
      'code,small,big,huge,amount,flag,day,seen_at,naive_at,note,sci',
      '007,1,9223372036854775807,123456789012345678901234567890,1.5,true,2024-02-29,2024-01-02 10:00:00+01,2024-01-02 10:00:00,"",1e3',
      '010,-2,-5,1,2.25,FALSE,2024-03-01,2024-01-02T09:30:00Z,2024-01-02T11:00:00,,2.5E-2',
      ',,,,,,,2024-01-02 10:00:00-05:30,,x,',
    ].join('\n'),
  });
  await loadOk(project);
  const types = await project.columnTypes(project.customSchema('raw'), 'things');
  assert.deepEqual(types, {
    code: 'text',
    small: 'integer',
    big: 'bigint',
    huge: 'decimal(30,0)',
    amount: 'decimal(18,2)',
    flag: 'boolean',
    day: 'date',
    seen_at: 'timestamptz',
    naive_at: 'timestamp',
    note: 'text',
    sci: 'double',
    _load_id: 'bigint',
    _load_date: 'timestamptz',
    _loaded_at: 'timestamptz',
    _source_file: 'text',
    _source_row: 'bigint',
  });
  const rows = await textRows(project, `select code, big, huge, seen_at, note, note is null as note_null from ${raw(project, 'things')} order by _source_row`);
  assert.deepEqual(rows, [
    { code: '007', big: '9223372036854775807', huge: '123456789012345678901234567890', seen_at: '2024-01-02 09:00:00+00', note: '', note_null: 'false' },
    { code: '010', big: '-5', huge: '1', seen_at: '2024-01-02 09:30:00+00', note: null, note_null: 'true' },
    { code: null, big: null, huge: null, seen_at: '2024-01-02 15:30:00+00', note: 'x', note_null: 'false' },
  ]);
});

eachEngine('a value beyond the sampled rows widens the inferred type instead of failing', async (project) => {
  const lines = ['id,qty'];
  for (let i = 1; i <= 30; i++) lines.push(`${i},${i}`);
  lines.push('31,n/a');
  project.write({
    'strata.yml': loaderYaml(project, '  sample_rows: 10\n'),
    'models/sources.yml': sourcesYaml(`      - name: counts\n        landing: landing/counts.csv\n`),
    'landing/counts.csv': `${lines.join('\n')}\n`,
  });
  await loadOk(project);
  assert.equal((await project.columnTypes(project.customSchema('raw'), 'counts')).qty, 'text');
  assert.deepEqual(await textRows(project, `select count(*) as n from ${raw(project, 'counts')}`), [{ n: '31' }]);
});

eachEngine('schema drift: a new column is added and reported; a changed or lost column fails the file', async (project) => {
  project.write({
    'strata.yml': loaderYaml(project),
    'models/sources.yml': sourcesYaml(CUSTOMERS),
    'landing/crm/customers_2024-01-01.csv': 'id,email,age\n1,a@x.com,30\n',
  });
  await loadOk(project);
  project.write({ 'landing/crm/customers_2024-01-02.csv': 'id,email,age,city\n2,b@x.com,41,Paris\n' });
  const added = await loadOk(project);
  assert.match(added, /schema change: added column city text \(NULL in earlier rows\)/);
  project.write({ 'landing/crm/customers_2024-01-03.csv': 'id,email,city\n3,c@x.com,Oslo\n' });
  const absent = await loadOk(project);
  assert.match(absent, /schema change: column age is not in this file \(NULL in its rows\)/);
  assert.deepEqual(await textRows(project, `select id, age, city from ${raw(project, 'customers')} order by id`), [
    { id: '1', age: '30', city: null },
    { id: '2', age: '41', city: 'Paris' },
    { id: '3', age: null, city: 'Oslo' },
  ]);

  project.write({
    'landing/crm/customers_2024-01-04.csv': 'id,email,age\n4,d@x.com,40\n5,e@x.com,forty-one\n',
    'landing/crm/customers_2024-01-05.csv': 'id,mail,age\n6,f@x.com,50\n',
  });
  const failed = await load(project);
  assert.equal(failed.code, 1);
  const errors = (await logEntries(project)).filter((e) => e.status === 'failed').map((e) => e.error);
  assert.deepEqual(errors, [
    `landing/crm/customers_2024-01-04.csv:3: column 'age' changed: 'forty-one' does not fit integer, its type in ${project.customSchema('raw')}.customers from earlier loads`,
    "landing/crm/customers_2024-01-05.csv:1: declared column 'email' is missing from the file",
  ]);
  assert.deepEqual(await textRows(project, `select count(*) as n from ${raw(project, 'customers')} where id >= 4`), [{ n: '0' }]);
});

eachEngine('strata load -s source:crm loads only that source; build loads before it runs', async (project) => {
  project.write({
    'strata.yml': loaderYaml(project),
    'models/sources.yml': `version: 2
sources:
  - name: crm
    tables:
      - name: customers
        landing: landing/crm/*.csv
  - name: shop
    tables:
      - name: orders
        landing: landing/shop/*.csv
`,
    'models/order_count.sql': "{{ config(materialized='table') }}\nselect count(*) as n from {{ source('shop', 'orders') }}",
    'landing/crm/c.csv': 'id\n1\n',
    'landing/shop/o.csv': 'id\n1\n2\n',
  });
  const only = await loadOk(project, ['-s', 'source:crm']);
  assert.match(only, /crm\.customers landing\/crm\/c\.csv/);
  assert.doesNotMatch(only, /shop\.orders/);
  const build = await project.strata(['build']);
  assert.equal(build.code, 0, build.stdout + build.stderr);
  assert.match(build.stdout, /NEW shop\.orders landing\/shop\/o\.csv/);
  const count = await textRows(project, `select n from ${project.engine.dialect.relation({ schema: project.schema, identifier: 'order_count' })}`);
  assert.deepEqual(count, [{ n: '2' }]);
  renameSync(path.join(project.dir, 'landing/shop/o.csv'), path.join(project.dir, 'landing/shop/o2.csv'));
  assert.match(await loadOk(project), /DUPLICATE of landing\/shop\/o\.csv/);
});
