import type { ModelNode } from '../manifest/types.js';
import type { Materializer } from './strategy.js';
import { buildAndSwapTable } from './swap-in.js';

/** `table`: rebuilt in full under a temporary name, then swapped in atomically. */
export const materializeTable: Materializer<ModelNode> = async (node, context) => {
  const d = context.adapter.dialect;
  const rows = await buildAndSwapTable(node.relation, context, node.config.grants, async (temporary) => {
    return context.connection.execute(d.createTableAs(temporary, node.compiledSql));
  });
  return { action: 'created table', rows };
};
