import type { QueryLineage, TracedColumn } from './column-lineage.js';

/** Materializations whose relation has exactly the columns of the model's SQL. */
const PLAIN_MATERIALIZATIONS = new Set(['view', 'table', 'incremental', 'ephemeral']);

/**
 * Traced columns keyed by the node's real column names: by name, or by position for an
 * expression without an alias (the engine names it). A column of the relation that the SQL does
 * not produce is reported, naming the materialization when it is one that adds columns.
 */
export function matchColumns(lineage: QueryLineage, names: readonly string[] | undefined, materialized: string | undefined): [string, TracedColumn][] {
  const traced = lineage.columns;
  if (!traced) {
    return (names ?? []).map((name) => [name, { name, sources: [], transform: 'expression', untraced: lineage.problem ?? 'cannot be traced' }]);
  }
  if (!names) return traced.map((c) => [c.name, c]);
  const byName = new Map(traced.map((c) => [c.name.toLowerCase(), c]));
  const sameShape = names.length === traced.length;
  const missing = (name: string): string =>
    materialized && !PLAIN_MATERIALIZATIONS.has(materialized)
      ? `added by the ${materialized} materialization, not computed by the model's SQL: not traced`
      : `${name} is not an output column of the compiled SQL as parsed`;
  return names.map((name, i) => {
    const found = byName.get(name.toLowerCase());
    if (found) return [name, found];
    const positional = sameShape ? traced[i] : undefined;
    if (positional?.unnamed) return [name, { ...positional, name }];
    return [name, { name, sources: [], transform: 'expression', untraced: missing(name) }];
  });
}
