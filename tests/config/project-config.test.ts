import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { jsonSchemas } from '../../src/config/json-schemas.js';
import { loadProjectConfig } from '../../src/config/load-project-config.js';
import { loadProject } from '../../src/project/load-project.js';
import { StrataError, StrataErrors } from '../../src/shared/errors.js';
import { duckdbProjectYaml, removeProject, tempProject } from '../helpers/temp-project.js';

const dirs: string[] = [];
const project = (files: Record<string, string>): string => {
  const dir = tempProject(files);
  dirs.push(dir);
  return dir;
};
after(() => dirs.forEach(removeProject));

function errorOf(work: () => unknown): StrataError {
  try {
    work();
  } catch (error) {
    if (error instanceof StrataErrors) return error.errors[0]!;
    if (error instanceof StrataError) return error;
    throw error;
  }
  assert.fail('expected an error');
}

describe('strata.yml', () => {
  it('names the file, line and key of an unknown key', () => {
    const dir = project({ 'strata.yml': 'name: p\ntargets:\n  dev: {adapter: duckdb}\nmodles:\n  x: 1\n' });
    const error = errorOf(() => loadProjectConfig(dir));
    assert.equal(error.describe(), "strata.yml:4, key 'modles': unknown key 'modles'");
    assert.equal(error.code, 'invalid_config');
  });

  it('rejects a wrong type in a target, naming the key path', () => {
    const dir = project({ 'strata.yml': 'name: p\ntargets:\n  dev:\n    adapter: duckdb\n    threads: many\n' });
    const error = errorOf(() => loadProjectConfig(dir));
    assert.equal(error.location.file, 'strata.yml');
    assert.equal(error.location.key, 'targets.dev.threads');
    assert.equal(error.location.line, 5);
  });

  it('renders env_var with defaults and environment values in the chosen target only', () => {
    process.env.STRATA_TEST_DB_FILE = 'target/from-env.duckdb';
    const dir = project({
      'strata.yml': [
        'name: p',
        'target: dev',
        'targets:',
        "  dev: {adapter: duckdb, path: \"{{ env_var('STRATA_TEST_DB_FILE') }}\", schema: \"{{ env_var('STRATA_TEST_UNSET_SCHEMA', 'analytics') }}\"}",
        "  other: {adapter: postgres, url: \"{{ env_var('STRATA_TEST_NEVER_SET') }}\"}",
      ].join('\n'),
    });
    const loaded = loadProjectConfig(dir);
    assert.equal(loaded.target.adapter, 'duckdb');
    assert.equal(loaded.target.schema, 'analytics');
    assert.equal(loaded.target.adapter === 'duckdb' && loaded.target.path, 'target/from-env.duckdb');
    const error = errorOf(() => loadProjectConfig(dir, 'other'));
    assert.match(error.describe(), /strata\.yml:5, key 'targets\.other\.url': environment variable 'STRATA_TEST_NEVER_SET' is not set/);
  });

  it('names the targets that exist when an unknown one is chosen', () => {
    const dir = project({ 'strata.yml': duckdbProjectYaml() });
    assert.match(errorOf(() => loadProjectConfig(dir, 'prod')).message, /unknown target 'prod'; this project defines: dev/);
  });

  it('reports a YAML syntax error with its line', () => {
    const dir = project({ 'strata.yml': 'name: p\ntargets:\n  dev: {adapter: duckdb\n' });
    const error = errorOf(() => loadProjectConfig(dir));
    assert.equal(error.code, 'yaml_syntax');
    assert.equal(error.location.file, 'strata.yml');
    assert.ok(error.location.line! >= 3);
  });

  it('validates model YAML files, naming file, line and key', () => {
    const dir = project({
      'strata.yml': duckdbProjectYaml(),
      'models/a.sql': 'select 1 as x',
      'models/schema.yml': 'models:\n  - name: a\n    columns:\n      - name: x\n        descripton: typo\n',
    });
    const error = errorOf(() => loadProject(dir));
    assert.equal(error.location.file, 'models/schema.yml');
    assert.equal(error.location.line, 5);
    assert.match(error.message, /unknown key 'descripton'/);
  });
});

describe('JSON Schemas', () => {
  it('ship in schemas/ and match the validation schemas', () => {
    for (const [file, schema] of Object.entries(jsonSchemas())) {
      const shipped = JSON.parse(readFileSync(new URL(`../../schemas/${file}`, import.meta.url), 'utf8')) as unknown;
      assert.deepEqual(shipped, JSON.parse(JSON.stringify(schema)), `schemas/${file} is stale: run npm run schemas`);
    }
  });

  it('describe the materializations an editor may complete', () => {
    const text = JSON.stringify(jsonSchemas()['strata.schema.json']);
    assert.match(text, /"adapter"/);
    const models = JSON.stringify(jsonSchemas()['models.schema.json']);
    for (const kind of ['view', 'table', 'incremental', 'ephemeral']) assert.ok(models.includes(`"${kind}"`));
  });
});
