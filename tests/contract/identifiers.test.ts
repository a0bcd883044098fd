import assert from 'node:assert/strict';
import { eachEngine } from '../helpers/engines.js';

// Identifiers are always quoted through the adapter: awkward names are kept exactly, and never
// run a second statement.

const AWKWARD_ALIAS = 'we"ird; drop table victim; --';

eachEngine('awkward model, schema, seed and column names are kept exactly', async (project) => {
  const schema = project.customSchema('My "Schema"; x');
  project.write({
    'strata.yml': project.projectYaml(),
    'seeds/awkward.csv': '"order","Mixed Col","semi;colon","quo""te"\n1,a,x,p\n2,b,y,q\n',
    'models/victim.sql': "{{ config(materialized='table') }}\nselect 1 as id",
    'models/select.sql': `{{ config(materialized='table', schema=${JSON.stringify(schema)}) }}\nselect "order" as "Key Col", "Mixed Col", "semi;colon", "quo""te" from {{ ref('awkward') }}`,
    'models/mixed.sql': `{{ config(materialized='view', alias='Mixed Case View') }}\nselect * from {{ ref('select') }}`,
    'models/weird.sql': `{{ config(materialized='incremental', unique_key='Key Col', incremental_strategy='merge', alias=${JSON.stringify(AWKWARD_ALIAS)}) }}\nselect * from {{ ref('select') }}`,
  });
  for (let run = 0; run < 2; run += 1) {
    const result = await project.strata(['build']);
    assert.equal(result.code, 0, result.stdout + result.stderr);
  }
  assert.deepEqual(await project.relations(schema), { select: 'table' });
  assert.deepEqual(await project.relations(project.schema), { awkward: 'table', victim: 'table', 'Mixed Case View': 'view', [AWKWARD_ALIAS]: 'table' });

  const d = project.engine.dialect;
  const rows = await project.query(`select * from ${d.relation({ schema: project.schema, identifier: AWKWARD_ALIAS })} order by ${d.quoteIdentifier('Key Col')}`);
  assert.deepEqual(rows, [
    { 'Key Col': 1, 'Mixed Col': 'a', 'semi;colon': 'x', 'quo"te': 'p' },
    { 'Key Col': 2, 'Mixed Col': 'b', 'semi;colon': 'y', 'quo"te': 'q' },
  ]);
  assert.deepEqual(Object.keys(await project.columnTypes(project.schema, 'awkward')), ['order', 'Mixed Col', 'semi;colon', 'quo"te']);
  assert.deepEqual(await project.query(`select id from ${d.relation({ schema: project.schema, identifier: 'victim' })}`), [{ id: 1 }]);
});

eachEngine('names beyond the engine limit are refused with a clear error, never truncated', async (project) => {
  const limit = project.engine.dialect.maxIdentifierBytes;
  const longest = 'x'.repeat(limit ?? 100);
  project.write({
    'strata.yml': project.projectYaml(),
    'models/longest.sql': `{{ config(materialized='table', alias='${longest}') }}\nselect 1 as id`,
    'models/too_long.sql': `{{ config(materialized='table', alias='${longest}y') }}\nselect 1 as id`,
  });
  const result = await project.strata(['run']);
  const relations = Object.keys(await project.relations(project.schema));
  assert.ok(relations.includes(longest), `a name of exactly the limit is kept: ${relations.join(', ')}`);
  if (limit === undefined) {
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.ok(relations.includes(`${longest}y`));
  } else {
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(result.stdout, new RegExp(`is ${limit + 1} bytes long; .*at most ${limit} bytes`));
    assert.ok(!relations.some((r) => r.startsWith(longest) && r !== longest), `nothing truncated was created: ${relations.join(', ')}`);
  }
});
