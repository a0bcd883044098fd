import type { ModelNode } from '../manifest/types.js';
import { StrataError } from '../shared/errors.js';
import { runTransformer } from '../transformers/run-transformer.js';
import type { Materializer } from './strategy.js';
import { materializeTable } from './table.js';

/**
 * A model written in TypeScript/JavaScript: its code runs in a worker and writes its `dt_` tables
 * (src/transformers/run-transformer.ts), then the model's relation is built from its output like a
 * `table`, so tests, docs, lineage and history read it as any other model.
 */
export const materializeTransformer: Materializer<ModelNode> = async (node, context) => {
  const spec = node.transformer;
  if (!spec) throw new StrataError('internal', `model ${node.name} is not a transformer`);
  const run = await runTransformer(node, spec, context);
  const built = await materializeTable(node, context);
  const extra = spec.tables.length ? ` (+ ${spec.tables.map((t) => `${t.name}: ${run.rows[t.name] ?? 0}`).join(', ')})` : '';
  return { action: `transformed and created table${extra}`, rows: built.rows };
};
