import type { Adapter, Connection } from '../adapters/contract.js';
import type { CompiledProject } from '../compile/compile-project.js';
import type { RunnableNode } from '../manifest/types.js';
import { StrataError } from '../shared/errors.js';
import { NeedsAnswer, needsAnswerIn, requestKey, type LiveRequest } from '../templating/dbt/live-context.js';

/** Most database answers one render may need (each further answer costs one more render). */
const MAX_ANSWERS = 500;

/**
 * dbt's second render, with `execute` true: a model whose template reads the database
 * (`run_query`, `statement`, `adapter.get_columns_in_relation`, `dbt_utils.star`, …) is rendered
 * again on its own connection right before it is built, when everything upstream exists. The
 * render is synchronous, so it stops at the first answer it lacks; the answer is fetched and the
 * model rendered again, until it renders through. Compile stays pure; other nodes pass through.
 */
export function liveRenderer(compiled: CompiledProject, adapter: Adapter): (node: RunnableNode, connection: Connection) => Promise<RunnableNode> {
  return async (node, connection) => {
    if (node.kind !== 'model' || !compiled.liveModels.has(node.uniqueId)) return node;
    const answers = new Map<string, unknown>();
    for (;;) {
      try {
        const compiledSql = compiled.renderLive(node.uniqueId, (request) => {
          const key = requestKey(request);
          if (answers.has(key)) return answers.get(key);
          throw new NeedsAnswer(request);
        });
        return { ...node, compiledSql };
      } catch (error) {
        const needed = needsAnswerIn(error);
        if (!needed) throw error;
        if (answers.size >= MAX_ANSWERS) {
          throw new StrataError('live_render', `the template asked the database more than ${MAX_ANSWERS} questions while rendering`, { node: node.name, file: node.path }, 'execution');
        }
        answers.set(requestKey(needed.request), await answer(adapter, connection, needed.request, node));
      }
    }
  };
}

async function answer(adapter: Adapter, connection: Connection, request: LiveRequest, node: RunnableNode): Promise<unknown> {
  switch (request.kind) {
    case 'query':
      try {
        return await connection.query(request.sql);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw new StrataError('run_query', `run_query failed: ${message}\n${request.sql}`, { node: node.name, file: node.path }, 'execution');
      }
    case 'columns':
      return adapter.listColumns(connection, request.relation);
    case 'relation': {
      const found = await adapter.listRelations(connection, [request.schema]);
      return found.some((r) => r.identifier === request.identifier);
    }
  }
}
