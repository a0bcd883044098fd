import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../helpers/run-cli.js';
import { duckdbProjectYaml, removeProject, tempProject } from '../helpers/temp-project.js';

// Environments in strata.yml: mistakes are reported with the file, line and key.

async function releaseWith(yaml: string, args: string[] = ['release', '--env', 'prod']): Promise<{ code: number; stdout: string; stderr: string }> {
  const dir = tempProject({ 'strata.yml': duckdbProjectYaml(yaml), 'models/m.sql': 'select 1 as x\n' });
  try {
    return await runCli(args, dir);
  } finally {
    removeProject(dir);
  }
}

test('an environment naming an unknown target is an error naming the key and the closest target', async () => {
  const { code, stderr } = await releaseWith('environments:\n  prod:\n    target: dve\n');
  assert.equal(code, 2);
  assert.match(stderr, /strata\.yml:9, key 'environments\.prod\.target': environment 'prod' names target 'dve', which is not under targets; did you mean 'dev'\?/);
});

test('a bad schema_suffix, an unknown key and a clash between environments are errors naming the key', async () => {
  const suffix = await releaseWith('environments:\n  prod:\n    target: dev\n    schema_suffix: "-prod"\n');
  assert.equal(suffix.code, 2);
  assert.match(suffix.stderr, /key 'environments\.prod\.schema_suffix': letters, digits and underscores only/);
  const unknown = await releaseWith('environments:\n  prod:\n    target: dev\n    schema: x\n');
  assert.match(unknown.stderr, /key 'environments\.prod\.schema': unknown key 'schema'/);
  const clash = await releaseWith('environments:\n  prod:\n    target: dev\n  poc:\n    target: dev\n');
  assert.equal(clash.code, 2);
  assert.match(clash.stderr, /environments 'poc' and 'prod' share target 'dev' and schema_suffix ''/);
  const keep = await releaseWith('environments:\n  prod: {target: dev}\nreleases:\n  keep: 0\n');
  assert.match(keep.stderr, /key 'releases\.keep'/);
});

test('release commands need --env and refuse --target', async () => {
  const missing = await releaseWith('environments:\n  prod: {target: dev}\n', ['release']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /required option '--env <environment>'/);
  const both = await releaseWith('environments:\n  prod: {target: dev}\n', ['release', '--env', 'prod', '--target', 'dev']);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /release commands take --env/);
  const none = await releaseWith('', ['status']);
  assert.equal(none.code, 0);
});

test('status shows every environment, and one whose database cannot be read as an error (exit 2)', async () => {
  const yaml = [
    '  broken:',
    '    adapter: postgres',
    '    url: postgres://nobody@127.0.0.1:1/none',
    'environments:',
    '  dev: {target: dev}',
    '  prod: {target: broken}',
    '',
  ].join('\n');
  const { code, stdout, stderr } = await releaseWith(yaml, ['status']);
  assert.equal(code, 2, stdout + stderr);
  assert.match(stdout, /^dev +dev +\(nothing live\)$/m);
  assert.match(stdout, /^prod +broken +\(cannot read its database\)$/m);
  assert.match(stderr, /error: environment prod: cannot connect to PostgreSQL/);
});
