import type { RunnableNode } from '../manifest/types.js';
import { StrataError } from '../shared/errors.js';
import { materializeCurrent } from './current/materialize-current.js';
import { materializeHistory } from './history/materialize-history.js';
import { materializeIncremental } from './incremental.js';
import { materializePointInTime } from './point-in-time/materialize-point-in-time.js';
import { materializeSeed } from './seed.js';
import { materializeSnapshot } from './snapshot/materialize-snapshot.js';
import type { MaterializationContext, MaterializationResult } from './strategy.js';
import { materializeTable } from './table.js';
import { materializeTransformer } from './transformer.js';
import { materializeView } from './view.js';
import { materializeWindowedAggregate } from './windowed-aggregate/materialize-windowed-aggregate.js';

/** Runs the strategy for a node's kind and materialization. */
export function materializeNode(node: RunnableNode, context: MaterializationContext): Promise<MaterializationResult> {
  if (node.kind === 'seed') return materializeSeed(node, context);
  if (node.transformer) return materializeTransformer(node, context);
  switch (node.config.materialized) {
    case 'view':
      return materializeView(node, context);
    case 'table':
      return materializeTable(node, context);
    case 'incremental':
      return materializeIncremental(node, context);
    case 'history':
      return materializeHistory(node, context);
    case 'current':
      return materializeCurrent(node, context);
    case 'point_in_time':
      return materializePointInTime(node, context);
    case 'windowed_aggregate':
      return materializeWindowedAggregate(node, context);
    case 'snapshot':
      return materializeSnapshot(node, context);
    case 'ephemeral':
      throw new StrataError('internal', `ephemeral model ${node.name} is inlined into its consumers and never run`);
  }
}
