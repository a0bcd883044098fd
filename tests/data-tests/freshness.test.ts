import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from '../helpers/run-cli.js';
import { duckdbProjectYaml, removeProject, tempProject, writeFiles } from '../helpers/temp-project.js';

const dirs: string[] = [];
after(() => dirs.forEach(removeProject));

describe('source freshness', () => {
  it('passes, warns or fails by the age of the newest row, and shows in the report', async () => {
    const ago = (minutes: number): string => new Date(Date.now() - minutes * 60_000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, '+00');
    const dir = tempProject({
      'strata.yml': duckdbProjectYaml(),
      'seeds/events.csv': `id,loaded_at\n1,${ago(5)}\n`,
      'seeds/schema.yml': 'seeds:\n  - name: events\n    config: {schema: crm}\n',
      'models/sources.yml': [
        'sources:',
        '  - name: crm',
        '    freshness: {warn_after: {count: 1, period: hour}, error_after: {count: 1, period: day}}',
        '    loaded_at_field: loaded_at',
        '    tables:',
        '      - name: events',
      ].join('\n'),
    });
    dirs.push(dir);
    const verdict = async (): Promise<{ verdict: string; message: string; code: number; stdout: string }> => {
      // The seed stands in for loaded raw data here: seed first, then test the source.
      assert.equal((await runCli(['seed'], dir)).code, 0);
      const result = await runCli(['test'], dir);
      const results = JSON.parse(readFileSync(path.join(dir, 'target/run_results.json'), 'utf8')) as { results: { name: string; test?: { verdict: string }; message: string }[] };
      const test = results.results.find((r) => r.name === 'freshness_crm_events')!;
      return { verdict: test.test!.verdict, message: test.message, code: result.code, stdout: result.stdout };
    };
    const fresh = await verdict();
    assert.equal(fresh.verdict, 'pass');
    assert.match(fresh.message, /^last loaded [45] min ago$/);
    writeFiles(dir, { 'seeds/events.csv': `id,loaded_at\n1,${ago(120)}\n` });
    const stale = await verdict();
    assert.deepEqual([stale.verdict, stale.code], ['warn', 0]);
    assert.match(stale.message, /last loaded 120 min ago, more than the 60 min warn_after/);
    writeFiles(dir, { 'seeds/events.csv': `id,loaded_at\n1,${ago(3000)}\n` });
    const late = await verdict();
    assert.deepEqual([late.verdict, late.code], ['fail', 1]);
    const runId = /Report: target\/reports\/(\S+)\.html/.exec(late.stdout)![1]!;
    const report = JSON.parse(readFileSync(path.join(dir, 'target/reports', `${runId}.json`), 'utf8')) as { freshness: { source: string; status: string }[] };
    assert.deepEqual(report.freshness.map((f) => [f.source, f.status]), [['crm_events', 'error']]);
  });

  it('needs a field to measure', async () => {
    const dir = tempProject({
      'strata.yml': duckdbProjectYaml(),
      'models/sources.yml': 'sources:\n  - name: crm\n    tables:\n      - name: events\n        freshness: {warn_after: {count: 1, period: hour}}\n',
    });
    dirs.push(dir);
    const result = await runCli(['test'], dir);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /models\/sources\.yml, node crm\.events, key 'freshness': source crm\.events declares freshness but neither loaded_at_field nor a landing location/);
  });
});
