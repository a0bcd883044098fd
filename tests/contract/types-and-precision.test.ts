import assert from 'node:assert/strict';
import { eachEngine, type EngineProject } from '../helpers/engines.js';

// Every type seeds produce, on every engine, and precision kept end to end through `strata query --json`.

const SEED = [
  'int_col,big_col,dec_col,text_col,bool_col,date_col,ts_col,tstz_col,json_col',
  '1,9007199254740993,12345678901234.567891,007,true,2024-01-02,2024-01-02 03:04:05,2024-01-02 03:04:05+00,"{""a"": [1, 2.5]}"',
  '-2,-9223372036854775807,-0.000001,"O\'Brien, ""Jr""",false,1999-12-31,1999-12-31 23:59:59.5,1999-12-31 23:00:00-02:00,"{}"',
  ',,,"",,,,,',
].join('\n');

async function queryJson(project: EngineProject, sql: string): Promise<Record<string, unknown>[]> {
  const result = await project.strata(['query', '--json', sql]);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  return JSON.parse(result.stdout) as Record<string, unknown>[];
}

eachEngine('seeds load integers, big integers, decimals, text, booleans, dates, timestamps and JSON', async (project) => {
  project.write({
    'strata.yml': project.projectYaml(),
    'seeds/typed.csv': `${SEED}\n`,
    'seeds/_seeds.yml': 'version: 2\nseeds:\n  - name: typed\n    config:\n      column_types:\n        json_col: json\n',
  });
  const seed = await project.strata(['seed']);
  assert.equal(seed.code, 0, seed.stdout + seed.stderr);
  assert.match(seed.stdout, /loaded seed .*typed .*\[OK 3 rows/);

  assert.deepEqual(await project.columnTypes(project.schema, 'typed'), {
    int_col: 'integer',
    big_col: 'bigint',
    dec_col: 'decimal(20,6)',
    text_col: 'text',
    bool_col: 'boolean',
    date_col: 'date',
    ts_col: 'timestamp',
    tstz_col: 'timestamptz',
    json_col: 'json',
  });

  const rows = await queryJson(project, "select * from {{ ref('typed') }} order by int_col nulls last");
  const parsed = rows.map((r) => ({ ...r, json_col: typeof r.json_col === 'string' ? (JSON.parse(r.json_col) as unknown) : r.json_col }));
  assert.deepEqual(parsed, [
    {
      int_col: -2,
      big_col: '-9223372036854775807',
      dec_col: '-0.000001',
      text_col: 'O\'Brien, "Jr"',
      bool_col: false,
      date_col: '1999-12-31',
      ts_col: '1999-12-31 23:59:59.5',
      tstz_col: '2000-01-01 01:00:00+00',
      json_col: {},
    },
    {
      int_col: 1,
      big_col: '9007199254740993',
      dec_col: '12345678901234.567891',
      text_col: '007',
      bool_col: true,
      date_col: '2024-01-02',
      ts_col: '2024-01-02 03:04:05',
      tstz_col: '2024-01-02 03:04:05+00',
      json_col: { a: [1, 2.5] },
    },
    // Unquoted empty fields are NULL; a quoted empty field is empty text.
    { int_col: null, big_col: null, dec_col: null, text_col: '', bool_col: null, date_col: null, ts_col: null, tstz_col: null, json_col: null },
  ]);
});

eachEngine('big integers and decimals keep their precision in tables and in query --json', async (project) => {
  project.write({
    'strata.yml': project.projectYaml(),
    'models/amounts.sql': [
      "{{ config(materialized='table') }}",
      'select',
      "  cast('9223372036854775807' as bigint) as biggest,",
      "  cast('12345678901234567890.123456789' as decimal(38, 9)) as wide,",
      "  cast('0.1' as decimal(18, 4)) + cast('0.2' as decimal(18, 4)) as exact_sum,",
      '  cast(9007199254740993 as bigint) * 1 as beyond_double',
    ].join('\n'),
  });
  const run = await project.strata(['run']);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const rows = await queryJson(project, "select * from {{ ref('amounts') }}");
  assert.deepEqual(rows, [{ biggest: '9223372036854775807', wide: '12345678901234567890.123456789', exact_sum: '0.3000', beyond_double: '9007199254740993' }]);
  const sums = await queryJson(project, "select sum(biggest - 1) as s, count(*) as n from {{ ref('amounts') }}");
  assert.deepEqual(sums, [{ s: '9223372036854775806', n: '1' }]);
});
