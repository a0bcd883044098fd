import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
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
});
