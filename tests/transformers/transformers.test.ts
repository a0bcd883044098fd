import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eachEngine, type EngineProject } from '../helpers/engines.js';

// Models written in TypeScript/JavaScript: success, change detection, crash, timeout, memory and
// isolation, on every engine.

interface Event {
  readonly event: string;
  readonly node?: string;
  readonly uniqueId?: string;
  readonly status?: string;
  readonly message?: string;
  readonly action?: string;
}

async function strata(project: EngineProject, args: string[], env: Record<string, string> = {}): Promise<{ code: number; events: Event[]; text: string }> {
  const result = await project.strata([...args, '--json'], env);
  const events = result.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Event);
  return { code: result.code, events, text: `${result.stdout}\n${result.stderr}` };
}

const finished = (events: readonly Event[], name: string): Event | undefined => events.find((e) => e.event === 'node_finished' && e.uniqueId?.endsWith(`.${name}`));

async function rows(project: EngineProject, relation: string, order: string): Promise<unknown[]> {
  return project.query(`select * from ${project.engine.dialect.relation({ schema: project.schema, identifier: relation })} order by ${order}`);
}

const ENRICH = `
import type { Transformer } from 'stratasql/transformer';
interface Row { id: number; name: string }
const t: Transformer = {
  inputs: { refs: ['people'] },
  columns: { id: 'integer', masked: 'text', name_length: 'integer' },
  tables: { seen: { id: 'integer' } },
  env: ['MASK_SALT'],
  async transform(ctx) {
    const people = (await ctx.read('people', { orderBy: ['id'] })) as unknown as Row[];
    const salt = process.env.MASK_SALT ?? 'none';
    await ctx.write(people.map((p) => ({ id: Number(p.id), masked: salt + ':' + String(p.name).slice(0, 1) + '***', name_length: String(p.name).length })));
    const previous = await ctx.readPrevious('seen');
    await ctx.write([...previous, ...people.map((p) => ({ id: Number(p.id) }))], { table: 'seen' });
  },
};
export default t;
`;

function base(project: EngineProject, files: Record<string, string> = {}): void {
  project.write({
    'strata.yml': project.projectYaml(`metadata_schema: ${project.customSchema('meta')}\n`),
    'models/people.sql': "{{ config(materialized='table') }}\nselect * from (values (1, 'Ada'), (2, 'Grace')) as v(id, name)",
    'models/people_masked.ts': ENRICH,
    'models/masked_report.sql': "{{ config(materialized='table') }}\nselect count(*) as n, max(name_length) as longest from {{ ref('people_masked') }}",
    'models/other.sql': "{{ config(materialized='table') }}\nselect 1 as x",
    'models/props.yml': `version: 2
models:
  - name: people_masked
    description: Names masked by a transformer.
    columns:
      - name: id
        tests: [not_null, unique]
      - name: masked
        description: First letter kept.
`,
    ...files,
  });
}

eachEngine('a transformer writes its output, which is ingested, tested and read downstream', async (project) => {
  base(project);
  const build = await strata(project, ['build'], { MASK_SALT: 's1', SECRET_NOT_DECLARED: 'x' });
  assert.equal(build.code, 0, build.text);
  assert.match(finished(build.events, 'people_masked')?.action ?? '', /transformed and created table/);
  assert.deepEqual(await rows(project, 'people_masked', 'id'), [
    { id: 1, masked: 's1:A***', name_length: 2 + 1 },
    { id: 2, masked: 's1:G***', name_length: 5 },
  ]);
  assert.deepEqual(await rows(project, 'masked_report', 'n'), [{ n: '2', longest: 5 }]);
  // Its own tables, beside its relation, with a dt_ prefix.
  const relations = await project.relations(project.schema);
  assert.equal(relations.dt_people_masked, 'table');
  assert.equal(relations.dt_people_masked__seen, 'table');
  assert.ok(!Object.keys(relations).some((r) => r.includes('__strata_')), 'no staged table is left behind');
  // Tests declared in YAML ran on it.
  assert.equal(finished(build.events, 'unique_people_masked_id')?.status, 'success');
  // The manifest knows its inputs (lineage) and its documented, typed columns.
  const manifest = JSON.parse(readFileSync(path.join(project.dir, 'target', 'manifest.json'), 'utf8')) as { nodes: Record<string, { dependsOn: string[]; columns: { name: string; dataType?: string; description: string }[]; transformer?: unknown }> };
  const node = manifest.nodes['model.contract.people_masked']!;
  assert.deepEqual(node.dependsOn, ['model.contract.people']);
  assert.ok(node.transformer);
  assert.deepEqual(node.columns.map((c) => [c.name, c.dataType, c.description]), [['id', 'integer', ''], ['masked', 'text', 'First letter kept.'], ['name_length', 'integer', '']]);

  // Change detection: nothing changed, nothing runs; its input changes, it runs again (and keeps its state table).
  let changed = await strata(project, ['run', '--changed'], { MASK_SALT: 's1' });
  assert.equal(changed.events.filter((e) => e.event === 'node_started').length, 0, changed.text);
  project.write({ 'models/people.sql': "{{ config(materialized='table') }}\nselect * from (values (1, 'Ada'), (2, 'Grace'), (3, 'Edsger')) as v(id, name)" });
  changed = await strata(project, ['run', '--changed'], { MASK_SALT: 's2' });
  assert.deepEqual(changed.events.filter((e) => e.event === 'node_started').map((e) => e.node!.split('.').pop()).sort(), ['masked_report', 'people', 'people_masked']);
  assert.equal((await rows(project, 'people_masked', 'id')).length, 3);
  assert.equal((await rows(project, 'dt_people_masked__seen', 'id')).length, 5, 'readPrevious saw the 2 rows of the first run');
  // Its code changed: it runs again.
  project.write({ 'models/people_masked.ts': ENRICH.replace("'***'", "'*'") });
  changed = await strata(project, ['run', '--changed'], { MASK_SALT: 's2' });
  assert.deepEqual(changed.events.filter((e) => e.event === 'node_started').map((e) => e.node!.split('.').pop()).sort(), ['masked_report', 'people_masked']);
});

eachEngine('a transformer that throws fails only its node, and leaves its previous output', async (project) => {
  base(project);
  assert.equal((await strata(project, ['run'], { MASK_SALT: 'a' })).code, 0);
  project.write({
    'models/people_masked.ts': `export default {
      inputs: { refs: ['people'] }, columns: { id: 'integer', masked: 'text', name_length: 'integer' }, tables: { seen: { id: 'integer' } },
      async transform(ctx) {
        await ctx.write([{ id: 99, masked: 'half', name_length: 1 }]);
        throw new Error('the feature store is down');
      },
    };`,
  });
  const run = await strata(project, ['run']);
  assert.equal(run.code, 1);
  const failed = finished(run.events, 'people_masked');
  assert.equal(failed?.status, 'error');
  assert.match(failed?.message ?? '', /transformer failed: the feature store is down/);
  assert.equal(finished(run.events, 'masked_report')?.status, 'skipped');
  assert.equal(finished(run.events, 'other')?.status, 'success');
  // The previous output is intact: nothing of the half-written run shows.
  assert.deepEqual((await rows(project, 'dt_people_masked', 'id')).map((r) => (r as { id: number }).id), [1, 2]);
  assert.deepEqual((await rows(project, 'people_masked', 'id')).map((r) => (r as { id: number }).id), [1, 2]);
});

eachEngine('a transformer in an endless loop is stopped at its timeout; one out of memory fails', async (project) => {
  base(project, {
    'models/people_masked.ts': `export default {
      inputs: { refs: ['people'] }, columns: { id: 'integer' }, timeoutSeconds: 1,
      transform() { for (;;) {} },
    };`,
    'models/hungry.js': `export default {
      inputs: { refs: [] }, columns: { id: 'integer' }, memoryMb: 32,
      transform() { const keep = []; for (;;) keep.push(new Array(100000).fill({ x: Math.random() })); },
    };`,
  });
  const started = Date.now();
  const run = await strata(project, ['run']);
  assert.equal(run.code, 1, run.text);
  assert.ok(Date.now() - started < 60_000);
  assert.match(finished(run.events, 'people_masked')?.message ?? '', /did not finish within 1s and was stopped/);
  assert.match(finished(run.events, 'hungry')?.message ?? '', /ran out of memory|crashed|exited/);
  assert.equal(finished(run.events, 'other')?.status, 'success');
  assert.equal(finished(run.events, 'people')?.status, 'success');
});

eachEngine('a transformer reads only its declared inputs and writes only its own tables', async (project) => {
  const attempt = (body: string): string => `export default {
    inputs: { refs: ['people'] }, columns: { id: 'integer' },
    async transform(ctx) { ${body} },
  };`;
  base(project, {
    'models/reads_other.ts': attempt("await ctx.read('other');"),
    'models/writes_other.ts': attempt("await ctx.write([{ id: 1 }], { table: '../other' });"),
    'models/bad_column.ts': attempt("await ctx.write([{ id: 1, secret: 'x' }]);"),
    'models/reads_peer.ts': attempt("await ctx.readPrevious('seen');"),
    'models/sees_env.ts': `export default {
      inputs: { refs: [] }, columns: { home: 'text', secret: 'text', declared: 'text' }, env: ['DECLARED_VAR'],
      async transform(ctx) { await ctx.write([{ home: process.env.HOME ?? null, secret: process.env.SECRET_NOT_DECLARED ?? null, declared: process.env.DECLARED_VAR ?? null }]); },
    };`,
  });
  const run = await strata(project, ['run'], { MASK_SALT: 'a', SECRET_NOT_DECLARED: 'hunter2', DECLARED_VAR: 'ok' });
  assert.equal(run.code, 1);
  assert.match(finished(run.events, 'reads_other')?.message ?? '', /'other' is not a declared input/);
  assert.match(finished(run.events, 'writes_other')?.message ?? '', /is not one of its own tables/);
  assert.match(finished(run.events, 'bad_column')?.message ?? '', /column 'secret', which is not declared/);
  assert.match(finished(run.events, 'reads_peer')?.message ?? '', /'seen' is not one of its own tables/);
  assert.equal(finished(run.events, 'sees_env')?.status, 'success');
  assert.deepEqual(await rows(project, 'sees_env', 'home'), [{ home: null, secret: null, declared: 'ok' }]);
});

eachEngine('a bad transformer declaration is a project error naming the file', async (project) => {
  base(project, { 'models/bad.ts': "export default { inputs: { refs: ['nope'] }, columns: { id: 'integr' }, transform() {} };" });
  const result = await project.strata(['compile']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /models\/bad\.ts.*ref\('nope'\) names no model or seed|models\/bad\.ts.*'integr'/s);
  project.write({ 'models/bad.ts': 'export default { columns: { id: "integer" } };' });
  const second = await project.strata(['compile']);
  assert.equal(second.code, 2);
  assert.match(second.stderr, /models\/bad\.ts: .*transform/);
});

eachEngine('a transformer masking personal data from a landed source feeds a history model', async (project) => {
  project.write({
    'strata.yml': project.projectYaml(`metadata_schema: ${project.customSchema('meta')}\nload: {raw_schema: ${project.customSchema('raw')}}\n`),
    'models/sources.yml': `version: 2
sources:
  - name: crm
    tables:
      - name: customers
        landing: landing/customers_*.csv
        load: snapshot
        load_date: 'customers_(\\d{4}-\\d{2}-\\d{2})'
        columns:
          - {name: id, data_type: integer}
`,
    'landing/customers_2024-01-01.csv': 'id,name,email\n1,Ada,ada@x.org\n2,Grace,grace@y.org\n',
    // The row lineage is passed through, so history can be built on the masked rows.
    'models/customers_masked.ts': `export default {
      inputs: { sources: ['crm.customers'] },
      columns: { id: 'integer', initial: 'text', email_domain: 'text', _load_id: 'bigint', _load_date: 'timestamptz', _source_file: 'text', _source_row: 'bigint' },
      async transform(ctx) {
        const rows = await ctx.read('crm.customers');
        await ctx.write(rows.map((r) => ({ id: r.id, initial: String(r.name)[0], email_domain: String(r.email).split('@')[1],
          _load_id: r._load_id, _load_date: r._load_date, _source_file: r._source_file, _source_row: r._source_row })));
      },
    };`,
    'models/customers_history.sql': "{{ config(materialized='history', unique_key='id') }}\nselect * from {{ ref('customers_masked') }}",
  });
  const first = await project.strata(['build']);
  assert.equal(first.code, 0, first.stdout + first.stderr);
  project.write({ 'landing/customers_2024-01-02.csv': 'id,name,email\n1,Ada,ada@new.org\n2,Grace,grace@y.org\n' });
  const second = await strata(project, ['build', '--changed']);
  assert.equal(second.code, 0, second.text);
  assert.deepEqual(second.events.filter((e) => e.event === 'node_started').map((e) => e.node!.split('.').pop()).sort(), ['customers_history', 'customers_masked']);
  const history = await project.query(
    `select id, initial, email_domain, _is_current from ${project.engine.dialect.relation({ schema: project.schema, identifier: 'customers_history' })} order by id, _valid_from`,
  );
  assert.deepEqual(history, [
    { id: 1, initial: 'A', email_domain: 'x.org', _is_current: false },
    { id: 1, initial: 'A', email_domain: 'new.org', _is_current: true },
    { id: 2, initial: 'G', email_domain: 'y.org', _is_current: true },
  ]);
  // Nothing personal reached the model: no name, no e-mail address.
  const columns = Object.keys(await project.columnTypes(project.schema, 'customers_masked'));
  assert.ok(!columns.includes('email') && !columns.includes('name'));
});

eachEngine('a transformer may import the published authoring API of an installed stratasql package', async (project) => {
  // As after `npm install stratasql` in the project: the package resolves through node_modules.
  mkdirSync(path.join(project.dir, 'node_modules'), { recursive: true });
  symlinkSync(fileURLToPath(new URL('../..', import.meta.url)), path.join(project.dir, 'node_modules', 'stratasql'), 'dir');
  project.write({
    'strata.yml': project.projectYaml(`metadata_schema: ${project.customSchema('meta')}\n`),
    'models/numbers.ts': `import { defineTransformer } from 'stratasql/transformer';
export default defineTransformer({
  inputs: {},
  columns: { n: 'integer', square: 'integer' },
  async transform(ctx) {
    await ctx.write([1, 2, 3].map((n) => ({ n, square: n * n })));
  },
});`,
  });
  const result = await strata(project, ['run']);
  assert.equal(result.code, 0, result.text);
  assert.deepEqual(await rows(project, 'numbers', 'n'), [
    { n: 1, square: 1 },
    { n: 2, square: 4 },
    { n: 3, square: 9 },
  ]);
});
