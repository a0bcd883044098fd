import type { NodeKind } from '../../../manifest/types.js';
import type { SelectorMethod } from '../selector-method.js';

const RESOURCE_TYPES: readonly (NodeKind | 'snapshot')[] = ['model', 'seed', 'snapshot', 'source', 'exposure', 'test'];

/**
 * `resource_type:model|seed|snapshot|source|exposure|test`: every node of that kind (snapshots are
 * models materialized `snapshot`, and not models here, as in dbt); any other type is a parse error.
 */
export const resourceTypeMethod: SelectorMethod = {
  name: 'resource_type',
  usage: `resource_type:${RESOURCE_TYPES.join('|')}`,
  arguments: 'none',
  validate: ({ value }) =>
    (RESOURCE_TYPES as readonly string[]).includes(value)
      ? undefined
      : `unknown resource type '${value}'; expected one of ${RESOURCE_TYPES.join(', ')}`,
  matcher: ({ value }) => (node) => {
    const snapshot = node.kind === 'model' && node.config.materialized === 'snapshot';
    return value === 'snapshot' ? snapshot : node.kind === value && !snapshot;
  },
};
