import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { anomalyArgs } from '../../src/data-tests/anomaly/anomaly-tests.js';
import { evaluateAnomaly } from '../../src/data-tests/anomaly/evaluate-anomaly.js';
import { eachEngine } from '../helpers/engines.js';

/** A deterministic noisy series around `level` (±3%). */
function noisy(level: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => Math.round(level * (1 + 0.03 * Math.sin(i * 1.7))));
}

describe('anomaly detection', () => {
  const rowCount = anomalyArgs('row_count_anomaly', undefined, {});

  it('flags a 3x row-count jump and a collapse, and lets normal noise pass', () => {
    const history = noisy(1000, 10);
    assert.equal(evaluateAnomaly(3000, history, rowCount).anomalous, true);
    assert.equal(evaluateAnomaly(200, history, rowCount).anomalous, true);
    for (const value of noisy(1000, 30).slice(10)) assert.equal(evaluateAnomaly(value, history, rowCount).anomalous, false, `noise ${value}`);
  });

  it('stays quiet, and says so, while there is too little history', () => {
    const verdict = evaluateAnomaly(3000, [1000, 1010], rowCount);
    assert.equal(verdict.anomalous, false);
    assert.equal(verdict.explanation, 'not enough history yet: 2 of the 3 previous loads needed');
  });

  it('honours direction: a null-rate rise is flagged, a fall is not; a distinct-count collapse is flagged', () => {
    const nullRate = anomalyArgs('null_rate_anomaly', 'email', {});
    assert.equal(evaluateAnomaly(0.4, [0.01, 0.012, 0.011, 0.009], nullRate).anomalous, true);
    assert.equal(evaluateAnomaly(0.0, [0.1, 0.12, 0.11, 0.09], nullRate).anomalous, false);
    const distinct = anomalyArgs('distinct_count_anomaly', 'country', {});
    assert.equal(evaluateAnomaly(3, [50, 51, 50, 52], distinct).anomalous, true);
    assert.equal(evaluateAnomaly(80, [50, 51, 50, 52], distinct).anomalous, false);
  });

  it('uses a percentage threshold when configured, including on a flat history', () => {
    const args = anomalyArgs('mean_anomaly', 'price', { percent_threshold: 20 });
    assert.equal(evaluateAnomaly(110, [100, 100, 100], args).anomalous, false);
    assert.equal(evaluateAnomaly(130, [100, 100, 100], args).anomalous, true);
  });

  eachEngine('runs from one line of YAML across builds, recording one point per new version of the data', async (project) => {
    const rows = (n: number): string => `id,amount\n${Array.from({ length: n }, (_, i) => `${i},${i % 7 === 0 ? '' : i}`).join('\n')}\n`;
    project.write({
      'strata.yml': project.projectYaml(`metadata_schema: ${project.customSchema('meta')}\n`),
      'seeds/events.csv': rows(100),
      'seeds/schema.yml': 'seeds:\n  - name: events\n    tests:\n      - row_count_anomaly\n    columns:\n      - name: amount\n        tests: [null_rate_anomaly]\n',
    });
    const dir = project.dir;
    const runCli = (args: string[], _dir: string): ReturnType<typeof project.strata> => project.strata(args);
    const verdictOf = (): Record<string, { verdict: string; message?: string }> => {
      const results = JSON.parse(readFileSync(path.join(dir, 'target/run_results.json'), 'utf8')) as {
        results: { name: string; test?: { verdict: string }; message?: string }[];
      };
      return Object.fromEntries(results.results.filter((r) => r.test).map((r) => [r.name, { verdict: r.test!.verdict, message: r.message }]));
    };
    const first = await runCli(['build'], dir);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.match(verdictOf().row_count_anomaly_events!.message!, /not enough history yet: 0 of the 3/);
    for (const n of [102, 98, 101]) {
      project.write({ 'seeds/events.csv': rows(n) });
      assert.equal((await runCli(['build'], dir)).code, 0);
    }
    // Re-running the tests on unchanged data adds no point to the history.
    assert.equal((await runCli(['test'], dir)).code, 0);
    assert.equal(verdictOf().row_count_anomaly_events!.verdict, 'pass');

    project.write({ 'seeds/events.csv': rows(300) });
    const jump = await runCli(['build'], dir);
    assert.equal(jump.code, 0, 'anomalies warn by default');
    assert.equal(verdictOf().row_count_anomaly_events!.verdict, 'warn');
    assert.match(verdictOf().row_count_anomaly_events!.message!, /row_count is 300; the previous 4 averaged 100.25/);
    assert.equal(verdictOf().null_rate_anomaly_events_amount!.verdict, 'pass');
    assert.match(jump.stdout, /WARN 1 row_count_anomaly_events/);

    const report = JSON.parse(readFileSync(path.join(dir, 'target/reports', `${jump.stdout.match(/Report: target\/reports\/(\S+)\.html/)![1]}.json`), 'utf8')) as {
      status: string;
      anomalies: { test: string; anomalous: boolean; series: { value: number }[] }[];
    };
    assert.equal(report.status, 'warning');
    const anomaly = report.anomalies.find((a) => a.test === 'row_count_anomaly_events')!;
    assert.equal(anomaly.anomalous, true);
    assert.deepEqual(anomaly.series.map((p) => p.value), [100, 102, 98, 101, 300]);
  });
});

describe('anomalies on loaded raw data', () => {
  eachEngine('measure each new load once, in load order, and flag a 3x jump in the newest one', async (project) => {
    const file = (n: number): string => `id,amount\n${Array.from({ length: n }, (_, i) => `${i},${(i % 13) + 1}`).join('\n')}\n`;
    project.write({
      'strata.yml': project.projectYaml(`metadata_schema: ${project.customSchema('meta')}\nload:\n  raw_schema: ${project.customSchema('raw')}\n`),
      'models/sources.yml': [
        'sources:',
        '  - name: feed',
        '    tables:',
        '      - name: events',
        '        landing: landing/events_*.csv',
        '        format: csv',
        "        load_date: 'events_(\\d{4}-\\d{2}-\\d{2})'",
        '        tests: [row_count_anomaly]',
      ].join('\n'),
      'landing/events_2024-01-01.csv': file(100),
      'landing/events_2024-01-02.csv': file(104),
      'landing/events_2024-01-03.csv': file(97),
    });
    const first = await project.strata(['build']);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.match(first.stdout, /PASS row_count_anomaly_feed_events/);
    project.write({ 'landing/events_2024-01-04.csv': file(101) });
    assert.equal((await project.strata(['build'])).code, 0);
    project.write({ 'landing/events_2024-01-05.csv': file(310) });
    const jump = await project.strata(['build']);
    assert.equal(jump.code, 0);
    assert.match(jump.stdout, /WARN 1 row_count_anomaly_feed_events/);
    const runId = /Report: target\/reports\/(\S+)\.html/.exec(jump.stdout)![1]!;
    const report = JSON.parse(readFileSync(path.join(project.dir, 'target/reports', `${runId}.json`), 'utf8')) as {
      anomalies: { test: string; series: { value: number }[]; explanation: string }[];
      files: { path: string; status: string }[];
      metrics: { node: string; metric: string; column: string; points: { value: number }[] }[];
    };
    // Every load is profiled: row count, and per column null rate, distinct count, min/max/mean/stddev.
    const series = (metric: string, column: string): number[] =>
      report.metrics.find((m) => m.node === 'feed.events' && m.metric === metric && m.column === column)!.points.map((p) => p.value);
    assert.deepEqual(series('row_count', ''), [100, 104, 97, 101, 310]);
    assert.deepEqual(series('max', 'amount'), [13, 13, 13, 13, 13]);
    assert.deepEqual(series('null_rate', 'amount'), [0, 0, 0, 0, 0]);
    assert.deepEqual(series('distinct_count', 'id'), [100, 104, 97, 101, 310]);
    assert.ok(report.metrics.some((m) => m.metric === 'stddev' && m.column === 'amount'));
    assert.deepEqual(report.anomalies[0]!.series.map((p) => p.value), [100, 104, 97, 101, 310]);
    assert.match(report.anomalies[0]!.explanation, /row_count is 310; the previous 4 averaged 100.5/);
    assert.deepEqual(report.files.map((f) => [f.path, f.status]), [['landing/events_2024-01-05.csv', 'loaded']]);
  });
});
