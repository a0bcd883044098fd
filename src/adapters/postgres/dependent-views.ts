import type { Relation } from '../../manifest/types.js';
import type { Connection, DependentView, Grants } from '../contract.js';
import type { PostgresDialect } from './postgres-dialect.js';

/**
 * Plain views that read `relation`, directly or through other views, ordered so that each comes
 * after every view it reads (the order to recreate them in), with their definitions and grants.
 * Other kinds of dependent (materialized views, foreign keys) are not listed: dropping the
 * relation then fails with the server's own error, and the transaction leaves everything as it was.
 */
export async function listDependentViews(connection: Connection, dialect: PostgresDialect, relation: Relation): Promise<DependentView[]> {
  const target = `to_regclass(${dialect.quoteLiteral(dialect.relation(relation))})`;
  const result = await connection.query(`
    with recursive readers(oid, depth) as (
      select r.ev_class, 1
      from pg_depend d join pg_rewrite r on r.oid = d.objid
      where d.classid = 'pg_rewrite'::regclass and d.refclassid = 'pg_class'::regclass
        and d.refobjid = ${target} and r.ev_class <> d.refobjid
      union
      select r.ev_class, readers.depth + 1
      from readers
      join pg_depend d on d.refobjid = readers.oid and d.classid = 'pg_rewrite'::regclass and d.refclassid = 'pg_class'::regclass
      join pg_rewrite r on r.oid = d.objid
      where r.ev_class <> readers.oid
    )
    select n.nspname as schema, c.relname as identifier, pg_get_viewdef(c.oid) as definition,
      coalesce((
        select json_agg(json_build_object('privilege', lower(a.privilege_type),
                 'role', case when a.grantee = 0 then 'PUBLIC' else pg_get_userbyid(a.grantee) end))
        from aclexplode(c.relacl) a where a.grantee <> c.relowner
      )::text, '[]') as grants
    from readers
    join pg_class c on c.oid = readers.oid and c.relkind = 'v'
    join pg_namespace n on n.oid = c.relnamespace
    group by c.oid, n.nspname, c.relname
    order by max(readers.depth), n.nspname, c.relname`);
  return result.rows.map((row) => ({
    relation: { schema: String(row.schema), identifier: String(row.identifier) },
    selectSql: String(row.definition).trim().replace(/;$/, ''),
    grants: grantsFrom(JSON.parse(String(row.grants)) as { privilege: string; role: string }[]),
  }));
}

function grantsFrom(entries: readonly { privilege: string; role: string }[]): Grants {
  const grants: Record<string, string[]> = {};
  for (const { privilege, role } of entries) (grants[privilege] ??= []).push(role);
  return grants;
}
