import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from '../helpers/run-cli.js';
import { duckdbProjectYaml, removeProject, tempProject, writeFiles } from '../helpers/temp-project.js';

const dirs: string[] = [];
after(() => dirs.forEach(removeProject));

function compiledSql(dir: string, name: string): string {
  const manifest = JSON.parse(readFileSync(path.join(dir, 'target/manifest.json'), 'utf8')) as { nodes: Record<string, { compiledSql: string }> };
  return manifest.nodes[`model.test_project.${name}`]!.compiledSql;
}

describe('cached renders (partial parsing)', () => {
  it('reuse an unchanged render and never serve a stale one when a macro, a var or an environment variable changes', async () => {
    const dir = tempProject({
      'strata.yml': duckdbProjectYaml('vars:\n  factor: 2\n'),
      'macros/scale.sql': '{% macro scale(x) %}{{ x }} * {{ var("factor") }}{% endmacro %}',
      'models/a.sql': 'select {{ scale(10) }} as v',
      'models/b.sql': "select '{{ env_var('STRATA_TEST_COLOUR', 'red') }}' as colour",
    });
    dirs.push(dir);
    const compile = async (env: Record<string, string> = {}, args: string[] = []): Promise<void> => {
      const result = await runCli(['compile', '--no-format', ...args], dir, env);
      assert.equal(result.code, 0, result.stderr);
    };
    await compile();
    assert.equal(compiledSql(dir, 'a'), 'select 10 * 2 as v');
    const cache = JSON.parse(readFileSync(path.join(dir, 'target/partial_parse.json'), 'utf8')) as { renders: Record<string, { sql: string }> };
    assert.deepEqual(Object.values(cache.renders).map((r) => r.sql), ['select 10 * 2 as v'], 'templates reading the environment are not cached');

    await compile();
    assert.equal(compiledSql(dir, 'a'), 'select 10 * 2 as v');
    await compile({}, ['--vars', '{factor: 3}']);
    assert.equal(compiledSql(dir, 'a'), 'select 10 * 3 as v');
    writeFiles(dir, { 'macros/scale.sql': '{% macro scale(x) %}({{ x }} + {{ var("factor") }}){% endmacro %}' });
    await compile();
    assert.equal(compiledSql(dir, 'a'), 'select (10 + 2) as v');
    await compile({ STRATA_TEST_COLOUR: 'blue' });
    assert.equal(compiledSql(dir, 'b'), "select 'blue' as colour");
    await compile();
    assert.equal(compiledSql(dir, 'b'), "select 'red' as colour");
  });

  it('renders and formats a large project over worker threads with the same result, and reads unchanged YAML back from its cache', async () => {
    // 450 models: enough for a render worker (400 per extra thread) and a formatting worker (100).
    const files: Record<string, string> = {
      'strata.yml': duckdbProjectYaml(),
      'macros/cents.sql': '{% macro cents(column) %}round({{ column }} * 100){% endmacro %}',
      'models/schema.yml': `version: 2\nmodels:\n${Array.from({ length: 450 }, (_, i) => `  - name: m${i}\n    description: model ${i}\n`).join('')}`,
    };
    for (let i = 0; i < 450; i += 1) {
      const from = i === 0 ? '(select 1 as id, 2.5 as amount)' : `{{ ref('m${i - 1}') }}`;
      files[`models/m${i}.sql`] = `{{ config(materialized='view', tags=['t${i % 3}']) }}\nselect id, amount{% for k in range(2) %}, {{ cents('amount') }} + {{ k }} as c{{ k }}_${i}{% endfor %} from ${from}`;
    }
    const dir = tempProject(files);
    dirs.push(dir);
    const manifest = (): { nodes: Record<string, { compiledSql: string; tags: string[]; description: string; dependsOn: string[] }> } =>
      JSON.parse(readFileSync(path.join(dir, 'target/manifest.json'), 'utf8')) as never;

    const first = await runCli(['compile', '--no-format'], dir);
    assert.equal(first.code, 0, first.stderr);
    const nodes = manifest().nodes;
    for (let i = 0; i < 450; i += 1) {
      const node = nodes[`model.test_project.m${i}`]!;
      const from = i === 0 ? '(select 1 as id, 2.5 as amount)' : `"main"."m${i - 1}"`;
      assert.equal(node.compiledSql, `\nselect id, amount, round(amount * 100) + 0 as c0_${i}, round(amount * 100) + 1 as c1_${i} from ${from}`);
      assert.deepEqual(node.tags, [`t${i % 3}`]);
      assert.equal(node.description, `model ${i}`);
    }
    const cache = JSON.parse(readFileSync(path.join(dir, 'target/partial_parse.json'), 'utf8')) as { renders: Record<string, unknown> };
    assert.equal(Object.keys(cache.renders).length, 450, 'every render, wherever it ran, is cached');

    const formatted = await runCli(['compile'], dir);
    assert.equal(formatted.code, 0, formatted.stderr);
    for (const i of [0, 1, 225, 449]) {
      const sql = readFileSync(path.join(dir, `target/compiled/models/m${i}.sql`), 'utf8');
      assert.match(sql, new RegExp(`^select\\n  id,\\n  amount,\\n  round\\(amount \\* 100\\) \\+ 0 as c0_${i},`), sql);
    }

    // A compiled file removed by hand is written again although its model did not change.
    rmSync(path.join(dir, 'target/compiled/models/m3.sql'));
    assert.equal((await runCli(['compile'], dir)).code, 0);
    assert.match(readFileSync(path.join(dir, 'target/compiled/models/m3.sql'), 'utf8'), /^select\n  id,/);

    // YAML read back from target/yaml_parse.jsonl gives the same project; an edit is parsed anew.
    assert.match(readFileSync(path.join(dir, 'target/yaml_parse.jsonl'), 'utf8'), /model 449/);
    writeFiles(dir, { 'models/schema.yml': String(files['models/schema.yml']).replace('model 7\n', 'the seventh model\n') });
    const edited = await runCli(['compile', '--no-format'], dir);
    assert.equal(edited.code, 0, edited.stderr);
    assert.equal(manifest().nodes['model.test_project.m7']!.description, 'the seventh model');
    assert.equal(manifest().nodes['model.test_project.m8']!.description, 'model 8');
  });
});
