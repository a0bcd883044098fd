import assert from 'node:assert/strict';
import { eachEngine, type EngineProject } from '../helpers/engines.js';

// `grants` config: applied after each materialization where the engine has roles, revoked when
// no longer configured, nothing granted that is not configured; ignored where there are no roles.

const ANALYST = 'strata_test_analyst';
const MIXED = 'strata_test Mixed "Role"';

async function ensureRoles(project: EngineProject): Promise<void> {
  for (const role of [ANALYST, MIXED]) {
    const name = project.engine.dialect.quoteIdentifier(role);
    // Roles are shared by the whole server (and by test files running at once): create them only if missing.
    await project.query(`do $$ begin create role ${name}; exception when duplicate_object then null; end $$`);
  }
}

/** `relation: privilege role` lines for every privilege held by roles other than the owner. */
async function grantsIn(project: EngineProject): Promise<string[]> {
  const rows = await project.query(
    `select table_name, privilege_type, grantee from information_schema.role_table_grants
     where table_schema = ${project.engine.dialect.quoteLiteral(project.schema)} and grantee <> current_user`,
  );
  return rows.map((r) => `${String(r.table_name)}: ${String(r.privilege_type)} ${String(r.grantee)}`).sort();
}

function projectFiles(project: EngineProject, tGrants: string, incGrants: string): Record<string, string> {
  return {
    'strata.yml': project.projectYaml(`seeds:\n  +grants:\n    select: [${ANALYST}]\n`),
    'seeds/s.csv': 'id\n1\n2\n',
    'models/t.sql': `{{ config(materialized='table'${tGrants}) }}\nselect id from {{ ref('s') }}`,
    'models/v.sql': `{{ config(materialized='view', grants={'select': ['${ANALYST}']}) }}\nselect count(*) as n from {{ ref('t') }}`,
    'models/inc.sql': `{{ config(materialized='incremental', unique_key='id'${incGrants}) }}\nselect id from {{ ref('s') }}`,
    'models/plain.sql': "{{ config(materialized='table') }}\nselect 1 as id",
  };
}

eachEngine('grants are applied, kept through rebuilds and revoked when no longer configured', async (project) => {
  const capable = project.engine.dialect.capabilities.grants;
  if (capable) await ensureRoles(project);
  const both = `, grants={'select': ['${ANALYST}', ${JSON.stringify(MIXED)}], 'insert': [${JSON.stringify(MIXED)}]}`;
  project.write(projectFiles(project, both, `, grants={'select': ['${ANALYST}']}`));
  const first = await project.strata(['build']);
  assert.equal(first.code, 0, first.stdout + first.stderr);
  if (!capable) return; // no roles on this engine: the config is accepted and has no effect

  const expected = [
    `inc: SELECT ${ANALYST}`,
    `s: SELECT ${ANALYST}`,
    `t: INSERT ${MIXED}`,
    `t: SELECT ${ANALYST}`,
    `t: SELECT ${MIXED}`,
    `v: SELECT ${ANALYST}`,
  ].sort();
  assert.deepEqual(await grantsIn(project), expected, 'plain has no grants: nothing is granted that is not configured');

  // Rebuilding t recreates the view that reads it, with the view's grants.
  const onlyT = await project.strata(['run', '-s', 't']);
  assert.equal(onlyT.code, 0, onlyT.stdout + onlyT.stderr);
  assert.deepEqual(await grantsIn(project), expected);

  // The config changes: t keeps only the analyst, inc (incremental, so the same table) loses its grant.
  project.write(projectFiles(project, `, grants={'select': ['${ANALYST}']}`, ''));
  const second = await project.strata(['build']);
  assert.equal(second.code, 0, second.stdout + second.stderr);
  assert.match(second.stdout, /merged into table .*inc/);
  assert.deepEqual(await grantsIn(project), [`s: SELECT ${ANALYST}`, `t: SELECT ${ANALYST}`, `v: SELECT ${ANALYST}`]);
});

eachEngine(
  'an unknown privilege or role is a clear error',
  async (project) => {
    project.write({
      'strata.yml': project.projectYaml(),
      'models/bad_privilege.sql': "{{ config(materialized='table', grants={'select; drop table x': ['r']}) }}\nselect 1 as id",
      'models/bad_role.sql': "{{ config(materialized='table', grants={'select': ['strata_test_no_such_role']}) }}\nselect 1 as id",
    });
    const result = await project.strata(['run']);
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(result.stdout, /unknown privilege 'select; drop table x' in grants: use one of select, insert/);
    assert.match(result.stdout, /role "strata_test_no_such_role" does not exist/);
    assert.deepEqual(await project.relations(project.schema), {}, 'a failed grant leaves no relation behind');
  },
  (engine) => (engine.dialect.capabilities.grants ? undefined : `${engine.name} has no roles`),
);
