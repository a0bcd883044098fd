import type { GraphNode } from '../../../manifest/types.js';
import type { SelectorMethod } from '../selector-method.js';

/**
 * `config.<key>[.<sub-key>…]:<value>` on models and seeds (dbt's snake_case keys or the camelCase
 * ones of the manifest: `config.unique_key:id`, `config.meta.owner:finance`). Strings compare
 * exactly; booleans as `true`/`false` (any case); numbers by their decimal text; for a list, any
 * element. A seed's `materialized` is `seed`, as in dbt.
 */
export const configMethod: SelectorMethod = {
  name: 'config',
  usage: 'config.<key>:<value>',
  arguments: 'required',
  matcher: ({ args, value }) => {
    return (node) => {
      const found = configValue(node, args);
      if (!found) return false;
      return Array.isArray(found.value)
        ? found.value.some((element: unknown) => scalarEquals(element, value))
        : scalarEquals(found.value, value);
    };
  },
};

function configValue(node: GraphNode, keys: readonly string[]): { value: unknown } | undefined {
  if (node.kind !== 'model' && node.kind !== 'seed') return undefined;
  if (node.kind === 'seed' && keys.length === 1 && keys[0] === 'materialized') return { value: 'seed' };
  let value: unknown = node.config;
  for (const key of keys) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    const record = value as Readonly<Record<string, unknown>>;
    const camel = key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    if (Object.hasOwn(record, key)) value = record[key];
    else if (Object.hasOwn(record, camel)) value = record[camel];
    else return undefined;
  }
  return { value };
}

function scalarEquals(actual: unknown, wanted: string): boolean {
  if (typeof actual === 'string') return actual === wanted;
  if (typeof actual === 'boolean') return wanted.toLowerCase() === String(actual);
  if (typeof actual === 'number') return String(actual) === wanted;
  return false;
}
