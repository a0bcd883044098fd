import type { Grants, RelationKind } from '../adapters/contract.js';
import type { Relation } from '../manifest/types.js';
import type { MaterializationContext } from './strategy.js';

/**
 * Makes the privileges on `relation` exactly the configured `grants` on engines with roles
 * (`capabilities.grants`); elsewhere the config has no effect. Nothing is granted that is not
 * configured.
 */
export async function applyConfiguredGrants(context: MaterializationContext, relation: Relation, kind: RelationKind, grants: Grants): Promise<void> {
  if (!context.adapter.dialect.capabilities.grants) return;
  await context.adapter.applyGrants(context.connection, relation, kind, grants);
}
