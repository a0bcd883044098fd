import type { ModelNode } from '../manifest/types.js';
import type { Materializer } from './strategy.js';

/** `view`: the old relation (view or table) is dropped and the view created in one transaction. */
export const materializeView: Materializer<ModelNode> = async (node, context) => {
  const { connection, adapter, existing } = context;
  const d = adapter.dialect;
  await connection.execute(d.createSchema(node.relation.schema));
  await connection.transaction(async () => {
    if (existing) await connection.execute(d.drop(node.relation, existing.kind));
    await connection.execute(d.createView(node.relation, node.compiledSql));
  });
  return { action: 'created view' };
};
