import type { ModelNode } from '../manifest/types.js';
import { applyConfiguredGrants } from './grants.js';
import type { Materializer } from './strategy.js';
import { replaceRelation } from './swap-in.js';

/** `view`: the old relation (view or table) is replaced by the view, with its grants, in one transaction. */
export const materializeView: Materializer<ModelNode> = async (node, context) => {
  const { connection, adapter } = context;
  const d = adapter.dialect;
  await connection.execute(d.createSchema(node.relation.schema));
  await replaceRelation(context, node.relation, async () => {
    await connection.execute(d.createView(node.relation, node.compiledSql));
    await applyConfiguredGrants(context, node.relation, 'view', node.config.grants);
  });
  return { action: 'created view' };
};
