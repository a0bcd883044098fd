import type { ModelNode } from '../../manifest/types.js';
import { describeQuery } from '../describe-query.js';
import { historyReaderColumns } from '../history/read-history.js';
import type { Materializer } from '../strategy.js';
import { buildAndSwapTable } from '../swap-in.js';
import { materializeView } from '../view.js';

/**
 * `current`: the current, not deleted version of each key of a history model, with its columns,
 * `_valid_from` (since when), `_hash` and lineage; a view (default) or a table (`materialize_as`).
 */
export const materializeCurrent: Materializer<ModelNode> = async (node, context) => {
  const d = context.adapter.dialect;
  const keep = historyReaderColumns(node, await describeQuery(context.connection, node.compiledSql));
  const q = (n: string): string => d.quoteIdentifier(n);
  const sql = `select ${keep.map((c) => `h.${q(c.name)}`).join(', ')}
from (
${node.compiledSql}
) as h
where h.${q('_is_current')} and not h.${q('_is_deleted')}`;
  const current: ModelNode = { ...node, compiledSql: sql };
  if (node.config.current?.materializeAs !== 'table') return materializeView(current, context);
  const rows = await buildAndSwapTable(node.relation, context, node.config.grants, async (temporary) => {
    return context.connection.execute(d.createTableAs(temporary, sql));
  });
  return { action: 'created table', rows };
};
