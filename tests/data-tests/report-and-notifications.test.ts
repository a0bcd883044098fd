import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { eachEngine } from '../helpers/engines.js';
import { runCli } from '../helpers/run-cli.js';
import { duckdbProjectYaml, removeProject, tempProject } from '../helpers/temp-project.js';

const dirs: string[] = [];
after(() => dirs.forEach(removeProject));

function body(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => resolve(text));
  });
}

const FAILING_PROJECT = {
  'seeds/orders.csv': 'id,status\n1,paid\n2,lost\n',
  'seeds/schema.yml': 'seeds:\n  - name: orders\n    columns:\n      - name: status\n        tests:\n          - accepted_values: {values: [paid], config: {tags: [critical]}}\n',
  'models/paid.sql': "select * from {{ ref('orders') }} where status = 'paid'",
};

describe('the observability report', () => {
  eachEngine('is written as JSON and self-contained HTML after a build, and kept in the metadata schema', async (project) => {
    const meta = project.customSchema('meta');
    project.write({ 'strata.yml': project.projectYaml(`metadata_schema: ${meta}\n`), ...FAILING_PROJECT });
    const dir = project.dir;
    const result = await project.strata(['build']);
    assert.equal(result.code, 1);
    const runId = /Report: target\/reports\/(\S+)\.html/.exec(result.stdout)![1]!;
    const report = JSON.parse(readFileSync(path.join(dir, 'target/reports', `${runId}.json`), 'utf8')) as {
      status: string;
      summary: Record<string, number>;
      tests: { name: string; verdict: string; critical: boolean }[];
      nodes: { name: string; status: string; rows?: number }[];
    };
    assert.equal(report.status, 'failure');
    assert.deepEqual(report.summary, { pass: 1, warn: 0, error: 1, skip: 1, total: 3 });
    assert.deepEqual(report.tests.map((t) => [t.name, t.verdict, t.critical]), [['accepted_values_orders_status', 'fail', true]]);
    assert.deepEqual(report.nodes.map((n) => [n.name, n.status, n.rows]), [['orders', 'success', 2], ['paid', 'skipped', undefined]]);
    const html = readFileSync(path.join(dir, 'target/reports', `${runId}.html`), 'utf8');
    assert.match(html, /<h1>contract: build <span class="badge bad">failure<\/span><\/h1>/);
    assert.doesNotMatch(html, /<script|https?:\/\//, 'readable offline: no scripts, no remote resources');
    const table = (name: string): string => project.engine.dialect.relation({ schema: meta, identifier: name });
    assert.deepEqual(await project.query(`select run_id, status from ${table('runs')}`), [{ run_id: runId, status: 'failure' }]);
    const results = await project.query(`select unique_id, status, verdict from ${table('node_results')} order by unique_id`);
    assert.deepEqual(results.map((r) => r.verdict), [null, null, 'fail']);
  });
});

describe('notifications', () => {
  it('POST a Slack- and Discord-compatible payload to a webhook and run a command, without changing the result', async () => {
    const received: Record<string, unknown>[] = [];
    const server = createServer(async (request, response) => {
      received.push({ path: request.url, ...(JSON.parse(await body(request)) as Record<string, unknown>) });
      response.writeHead(204).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const dir = tempProject({
        'strata.yml': duckdbProjectYaml(
          [
            'notifications:',
            `  - {type: webhook, url: "http://127.0.0.1:${port}/hooks/T000/secret", on: failure}`,
            `  - {type: webhook, url: "http://127.0.0.1:${port}/never", on: failure, timeout_seconds: 1}`,
            '  - {type: command, command: "echo $STRATA_STATUS $STRATA_RUN_ID > notified.txt", on: always}',
            '  - {type: webhook, url: "http://127.0.0.1:1/unreachable", on: always, timeout_seconds: 2}',
          ].join('\n') + '\n',
        ),
        ...FAILING_PROJECT,
      });
      dirs.push(dir);
      const result = await runCli(['build'], dir);
      assert.equal(result.code, 1, 'a notifier that fails does not change the exit code');
      const hook = received.find((r) => r.path === '/hooks/T000/secret')!;
      assert.equal(hook.status, 'failure');
      assert.match(String(hook.text), /^❌ Strata build on test_project \(dev\): failure\. PASS=1 WARN=0 ERROR=1 SKIP=1\. Failed: accepted_values_orders_status\. Report: .*\.html$/);
      assert.equal(hook.content, hook.text);
      assert.deepEqual(hook.failures, ['accepted_values_orders_status']);
      const runId = /Report: target\/reports\/(\S+)\.html/.exec(result.stdout)![1]!;
      assert.equal(readFileSync(path.join(dir, 'notified.txt'), 'utf8').trim(), `failure ${runId}`);
      assert.match(result.stderr, /warning: could not notify webhook http:\/\/127\.0\.0\.1:1\/…: fetch failed/);
      assert.doesNotMatch(result.stderr, /secret/, 'webhook tokens are never printed');
      assert.ok(existsSync(path.join(dir, 'target/reports', `${runId}.json`)));
    } finally {
      server.close();
    }
  });
});
