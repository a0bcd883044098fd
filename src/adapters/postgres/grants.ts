import type { Relation } from '../../manifest/types.js';
import type { Connection, Grants } from '../contract.js';
import type { PostgresDialect } from './postgres-dialect.js';

/**
 * Makes the privileges others hold on `relation` exactly `grants`: revokes what is held but no
 * longer configured, grants what is configured but missing. The owner's privileges are left alone.
 */
export async function reconcileGrants(connection: Connection, dialect: PostgresDialect, relation: Relation, grants: Grants): Promise<void> {
  const held = await connection.query(`
    select lower(a.privilege_type) as privilege, case when a.grantee = 0 then 'PUBLIC' else pg_get_userbyid(a.grantee) end as role
    from pg_class c, aclexplode(c.relacl) a
    where c.oid = to_regclass(${dialect.quoteLiteral(dialect.relation(relation))}) and a.grantee <> c.relowner`);
  const key = (privilege: string, role: string): string => `${privilege.toLowerCase()}\u0000${isPublic(role) ? 'PUBLIC' : role}`;
  const wanted = new Map<string, [string, string]>();
  for (const [privilege, roles] of Object.entries(grants)) for (const role of roles) wanted.set(key(privilege, role), [privilege, role]);
  const current = new Map(held.rows.map((r) => [key(String(r.privilege), String(r.role)), [String(r.privilege), String(r.role)] as const]));
  for (const [k, [privilege, role]] of current) if (!wanted.has(k)) await connection.execute(dialect.revoke(relation, privilege, role));
  for (const [k, [privilege, role]] of wanted) if (!current.has(k)) await connection.execute(dialect.grant(relation, privilege, role));
}

function isPublic(role: string): boolean {
  return role.toLowerCase() === 'public';
}
