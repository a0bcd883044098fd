import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StrataError } from '../../src/shared/errors.js';
import { errorsOf } from '../helpers/compile-inline.js';
import { compileDbt } from './dbt-project.js';

/** The errors compiling a dbt project gives, as `file:line: message` lines. */
function problems(files: Record<string, string>, projectExtra = ''): string[] {
  return errorsOf(() => compileDbt({ 'models/ok.sql': 'select 1 as x', ...files }, { projectExtra })).map(show);
}

function show(e: StrataError): string {
  return `${e.location.file ?? '?'}:${e.location.line ?? '?'}: ${e.message}`;
}

/** Asserts exactly one problem, at `where` (`file:line`), whose message matches `pattern`. */
function assertOne(found: string[], where: string, pattern: RegExp): void {
  assert.equal(found.length, 1, found.join('\n'));
  assert.ok(found[0]!.startsWith(`${where}: `), found[0]);
  assert.match(found[0]!, pattern);
}

describe('dbt constructs Strata cannot run are reported up front, with file and line', () => {
  describe('in dbt_project.yml and YAML properties', () => {
    it('hooks in folder config', () => {
      assertOne(problems({}, "models:\n  shop:\n    marts:\n      +post-hook: \"grant select on {{ this }} to x\"\n"), 'dbt_project.yml:8', /post-hook: hooks \(pre-hook\/post-hook\) are not run by Strata/);
    });

    it('on-run-start / on-run-end', () => {
      assertOne(problems({}, "on-run-end:\n  - \"vacuum\"\n"), 'dbt_project.yml:5', /on-run-end: on-run-start and on-run-end hooks are not run by Strata/);
    });

    it('a hook in a model’s config() call', () => {
      assertOne(problems({ 'models/m.sql': "select 1 as x\n{{ config(pre_hook='set x = 1') }}" }), 'models/m.sql:2', /config\(pre_hook=\.\.\.\): hooks .* are not run by Strata/);
    });

    it('materializations Strata does not build', () => {
      assertOne(problems({}, 'models:\n  shop:\n    +materialized: materialized_view\n'), 'dbt_project.yml:7', /materialized 'materialized_view' is not supported: use table/);
      assertOne(
        problems({ 'models/schema.yml': 'version: 2\nmodels:\n  - name: ok\n    config:\n      materialized: my_custom\n' }),
        'models/schema.yml:5',
        /materialized 'my_custom' is not one Strata builds \(custom materializations are not supported\)/,
      );
    });

    it('incremental strategies and schema-change modes Strata does not have', () => {
      assertOne(problems({ 'models/m.sql': "{{ config(materialized='incremental', incremental_strategy='microbatch') }}select 1 as x" }), 'models/m.sql:1', /incremental_strategy 'microbatch' is not supported/);
      assertOne(problems({}, 'models:\n  shop:\n    +on_schema_change: sync_all_columns\n'), 'dbt_project.yml:7', /'sync_all_columns' is not supported/);
    });

    it('enforced contracts and model versions', () => {
      assertOne(problems({}, 'models:\n  shop:\n    +contract:\n      enforced: true\n'), 'dbt_project.yml:7', /enforced model contracts are not supported/);
      assertOne(problems({ 'models/schema.yml': 'version: 2\nmodels:\n  - name: ok\n    latest_version: 2\n' }), 'models/schema.yml:4', /latest_version: model versions are not supported/);
    });

    it('sources in another database, and external tables', () => {
      const yaml = 'version: 2\nsources:\n  - name: raw\n    database: warehouse\n    tables:\n      - name: orders\n        external: {location: "s3://x"}\n';
      const found = problems({ 'models/sources.yml': yaml });
      assert.deepEqual(found.map((f) => f.split(': ')[0]), ['models/sources.yml:4', 'models/sources.yml:7']);
      assert.match(found[0]!, /sources in another database \('warehouse'\) are not supported/);
      assert.match(found[1]!, /external tables \(dbt-external-tables\) are not supported/);
    });

    it('Python models', () => {
      assertOne(problems({ 'models/py_model.py': 'def model(dbt, session):\n    return None\n' }), 'models/py_model.py:1', /Python models are not supported/);
    });

    it('dispatch search orders, per-folder test config, and unknown settings', () => {
      assertOne(problems({}, 'dispatch:\n  - macro_namespace: dbt_utils\n    search_order: [spark_utils, dbt_utils]\n'), 'dbt_project.yml:5', /dispatch search orders are not supported/);
      assertOne(problems({}, 'tests:\n  shop:\n    staging:\n      +severity: warn\n'), 'dbt_project.yml:7', /test config per folder is not supported/);
      assertOne(problems({}, 'model_paths: [x]\n'), 'dbt_project.yml:5', /'model_paths' is not a dbt_project.yml setting Strata knows/);
    });

    it('snapshot settings Strata does not have', () => {
      const snapshot = "{% snapshot s %}\n{{ config(unique_key='x', strategy='check', check_cols='all', hard_deletes='new_record', snapshot_meta_column_names={'dbt_valid_from': 'start'}) }}\nselect 1 as x\n{% endsnapshot %}\n";
      const found = problems({ 'snapshots/s.sql': snapshot });
      assert.equal(found.length, 2, found.join('\n'));
      assert.ok(found.every((f) => f.startsWith('snapshots/s.sql:2: ')), found.join('\n'));
      assert.match(found.join('\n'), /hard_deletes 'new_record' is not supported/);
      assert.match(found.join('\n'), /renaming a snapshot's dbt_\* columns is not supported/);
    });

    it('gathers every problem of the project into one report', () => {
      const found = problems({ 'models/m.sql': "{{ config(post_hook='x') }}select 1 as x", 'models/n.sql': '{% with a = 1 %}select {{ a }}{% endwith %}' }, 'on-run-start: ["select 1"]\n');
      assert.equal(found.length, 3, found.join('\n'));
    });
  });

  describe('in templates', () => {
    const cases: [string, string, RegExp][] = [
      ['{% materialization my_mat, default %}{% endmaterialization %}', 'macros/m.sql', /custom materializations \(\{% materialization %\}\) are not supported/],
      ['{% with a = 1 %}{{ a }}{% endwith %}', 'models/m.sql', /\{% with %\} blocks are not supported/],
      ["{% import 'x.sql' as x %}", 'models/m.sql', /\{% import %\} is not supported: put shared code in macros/],
      ["{% include 'x.sql' %}", 'models/m.sql', /\{% include %\} is not supported/],
      ['{% for x in [1] %}{{ loop.cycle("a", "b") }}{% endfor %}', 'models/m.sql', /loop\.cycle is not supported/],
      ['{% macro m2() %}{{ varargs }}{% endmacro %}', 'macros/m.sql', /extra arguments through 'varargs' are not supported/],
      ['{% for n in graph.nodes.values() %}{% endfor %}', 'models/m.sql', /the 'graph' context variable is not supported/],
      ['{% if flags.FULL_REFRESH %}x{% endif %}', 'models/m.sql', /'flags' are not supported/],
      ["{% set r = api.Relation.create(schema='s', identifier='t') %}", 'models/m.sql', /api\.Relation and api\.Column are not supported/],
      ['{{ adapter.get_missing_columns(a, b) }}', 'models/m.sql', /adapter\.get_missing_columns is not supported \(supported: quote, dispatch/],
      ["{{ dbt_utils.get_relations_by_pattern('s', 't%') }}", 'models/m.sql', /dbt_utils\.get_relations_by_pattern is not supported \(packages cannot be installed; the built-in dbt_utils has generate_surrogate_key, star/],
      ["select 1 from {{ ref('orders', v=2) }}", 'models/m.sql', /model versions \(ref\(\.\.\., v=\.\.\.\)\) are not supported/],
      ['{{ target.account }}', 'models/m.sql', /target\.account is not available/],
      ['{{ modules.pytz.utc }}', 'models/m.sql', /modules\.pytz is not supported \(supported: datetime, re\)/],
      ['{% if should_full_refresh() %}{% endif %}', 'models/m.sql', /should_full_refresh\(\) is not supported/],
      ['{{ dbt.get_columns_in_query("select 1") }}', 'models/m.sql', /dbt\.get_columns_in_query\(\) is not supported/],
    ];
    for (const [text, file, pattern] of cases) {
      it(pattern.source.replace(/\\/g, '').slice(0, 60), () => {
        assertOne(problems({ [file]: `select 1 as x\n${text}\n` }), `${file}:2`, pattern);
      });
    }

    it('ignores constructs inside {# comments #} and {% raw %}', () => {
      const compiled = compileDbt({ 'models/m.sql': '{# {% with a = 1 %} #}{% raw %}{{ graph.nodes }}{% endraw %}select 1 as x' });
      assert.equal(compiled.nodes.size, 1);
    });

    it('refs to packages that are not installed', () => {
      assertOne(problems({ 'models/m.sql': "select 1 as x\nfrom {{ ref('other_package', 'orders') }}" }), 'models/m.sql:2', /package 'other_package' is not part of this project, and Strata cannot install dbt packages/);
    });

    it('ephemeral models and tests that read the database while rendered', () => {
      assertOne(
        problems({ 'models/e.sql': "{{ config(materialized='ephemeral') }}{% if execute %}select 2 as x{% else %}select 1 as x{% endif %}" }),
        'models/e.sql:?',
        /ephemeral model 'e' reads the database while it is rendered/,
      );
      assertOne(problems({ 'tests/t.sql': "{% set r = run_query('select 1') %}select * from {{ ref('ok') }} where false" }), 'tests/t.sql:?', /a test that reads the database while it is rendered .* is not supported/);
    });
  });

  describe('in profiles.yml', () => {
    it('targets on engines Strata does not run', () => {
      const profiles = 'shop:\n  target: dev\n  outputs:\n    dev:\n      type: snowflake\n      account: x\n';
      const [error] = errorsOf(() => compileDbt({ 'models/ok.sql': 'select 1', 'profiles.yml': profiles }));
      assert.equal(show(error!), "profiles.yml:5: target type 'snowflake' is not supported: Strata runs on duckdb and postgres");
    });
  });

  describe('settings without effect are ignored, and said once', () => {
    it('lists them in one warning', () => {
      const compiled = compileDbt({ 'models/ok.sql': 'select 1 as x', 'packages.yml': 'packages:\n  - package: dbt-labs/dbt_utils\n    version: 1.1.1\n  - package: calogica/dbt_expectations\n    version: 0.10.0\n' }, {
        projectExtra: 'clean-targets: [target]\nmodels:\n  shop:\n    +persist_docs: {relation: true}\n    +indexes: [{columns: [x]}]\n',
      });
      const ignored = compiled.warnings.filter((w) => w.includes('ignored:'));
      assert.equal(ignored.length, 1, compiled.warnings.join('\n'));
      assert.match(ignored[0]!, /\+indexes, \+persist_docs, clean-targets/);
      assert.ok(compiled.warnings.some((w) => /package 'calogica\/dbt_expectations' is not installed/.test(w)), compiled.warnings.join('\n'));
      assert.ok(!compiled.warnings.some((w) => /dbt_utils'/.test(w)), compiled.warnings.join('\n'));
    });
  });
});
