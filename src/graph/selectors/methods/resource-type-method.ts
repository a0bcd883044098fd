import type { NodeKind } from '../../../manifest/types.js';
import type { SelectorMethod } from '../selector-method.js';

const RESOURCE_TYPES: readonly NodeKind[] = ['model', 'seed', 'source', 'exposure', 'test'];

/** `resource_type:model|seed|source|exposure`: every node of that kind; any other type is a parse error. */
export const resourceTypeMethod: SelectorMethod = {
  name: 'resource_type',
  usage: `resource_type:${RESOURCE_TYPES.join('|')}`,
  arguments: 'none',
  validate: ({ value }) =>
    (RESOURCE_TYPES as readonly string[]).includes(value)
      ? undefined
      : `unknown resource type '${value}'; expected one of ${RESOURCE_TYPES.join(', ')}`,
  matcher: ({ value }) => (node) => node.kind === value,
};
