import type { ReadRelation } from './inspect-query.js';

/**
 * Maps the relations a query reads to the project's relations (`schema.identifier`, lower-cased):
 * a qualified name must be one of them; an unqualified one must name exactly one relation, in the
 * target's schema. Returns the keys, or why the query cannot be tied to the project's data.
 */
export function resolveReadRelations(
  read: readonly ReadRelation[],
  projectRelations: ReadonlySet<string>,
  targetSchema: string,
): { ok: true; keys: string[] } | { ok: false; reason: string } {
  const keys: string[] = [];
  for (const relation of read) {
    if (relation.schema !== undefined) {
      const key = `${relation.schema}.${relation.name}`.toLowerCase();
      if (!projectRelations.has(key)) return { ok: false, reason: `it reads ${relation.schema}.${relation.name}, which is not a model, seed or source of the project` };
      keys.push(key);
      continue;
    }
    const name = relation.name.toLowerCase();
    const matches = [...projectRelations].filter((k) => k.slice(k.indexOf('.') + 1) === name);
    const key = `${targetSchema}.${name}`.toLowerCase();
    if (matches.length !== 1 || matches[0] !== key) {
      return { ok: false, reason: `it reads '${relation.name}' without a schema: write it with its schema, or with ref() or source()` };
    }
    keys.push(key);
  }
  return { ok: true, keys: [...new Set(keys)] };
}
