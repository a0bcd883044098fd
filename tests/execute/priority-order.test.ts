import assert from 'node:assert/strict';
import { eachEngine } from '../helpers/engines.js';

// With one thread, the nodes that the most important exposures need are built first, end to end.

eachEngine('with one thread, models feeding higher-priority exposures run first', async (project) => {
  project.write({
    'strata.yml': project.projectYaml(`metadata_schema: ${project.customSchema('meta')}\n`),
    'models/for_report.sql': "{{ config(materialized='table') }}\nselect 1 as x",
    'models/for_training.sql': "{{ config(materialized='table') }}\nselect 2 as x",
    'models/for_dashboard.sql': "{{ config(materialized='table') }}\nselect 3 as x",
    'models/dashboard_detail.sql': "{{ config(materialized='table') }}\nselect x from {{ ref('for_dashboard') }}",
    'models/unused.sql': "{{ config(materialized='table') }}\nselect 4 as x",
    'models/exposures.yml': `version: 2
exposures:
  - name: weekly_report
    type: analysis
    priority: low
    depends_on: ["ref('for_report')"]
  - name: training_job
    type: ml
    priority: 7
    depends_on: ["ref('for_training')"]
  - name: trading_dashboard
    type: dashboard
    priority: critical
    depends_on: ["ref('dashboard_detail')"]
`,
  });
  const run = await project.strata(['run', '--threads', '1', '--json']);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const order = run.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { event: string; node?: string })
    .filter((e) => e.event === 'node_started')
    .map((e) => e.node!.split('.').pop());
  // training_job is 7 > critical (4) > low (1) > none (0); a dashboard node's parent inherits its priority.
  assert.deepEqual(order, ['for_training', 'for_dashboard', 'dashboard_detail', 'for_report', 'unused']);

  const listed = await project.strata(['ls', '--json', '-s', 'for_dashboard+']);
  const priorities = Object.fromEntries(
    listed.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { name: string; priority: number }).map((n) => [n.name, n.priority]),
  );
  assert.deepEqual(priorities, { for_dashboard: 4, dashboard_detail: 4, trading_dashboard: 4 });
});
