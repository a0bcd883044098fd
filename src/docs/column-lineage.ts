import type { ColumnTransform } from './site-data.js';
import type { ExprIr, FromIr, QueryIr, SelectIr } from './query-ir.js';

/** An upstream column, keyed by the relation it is read from (a node id or `schema.table`). */
export interface UpstreamColumn {
  /** Unique id of the node, when the relation is one of the project's nodes. */
  readonly nodeId?: string;
  /** `schema.table` as written in the SQL, when it is not a node. */
  readonly relation?: string;
  readonly column: string;
}

/** One output column of a query with what it is computed from. */
export interface TracedColumn {
  readonly name: string;
  readonly sources: readonly UpstreamColumn[];
  readonly transform: ColumnTransform;
  /** Why (part of) the column could not be traced; its `sources` are then incomplete. */
  readonly untraced?: string;
  /** The expression has no alias: the engine names the column itself, so match it by position. */
  readonly unnamed?: true;
}

/** What a relation named in FROM is: a project node (with its columns when known) or something else. */
export interface RelationInfo {
  readonly nodeId?: string;
  /** How to name the relation in messages (the node's name). */
  readonly label?: string;
  /** Output columns in order; undefined when they are not known (no catalog, untraceable model). */
  readonly columns?: readonly string[];
}

/** Resolves a relation as written in SQL (schema may be absent) to a node and its columns. */
export type RelationLookup = (schema: string | undefined, name: string) => RelationInfo | undefined;

/** The result for a whole query: its columns, or why none could be listed. */
export interface QueryLineage {
  /** Undefined when the output columns themselves are unknown (e.g. `select *` from an unknown table). */
  readonly columns?: readonly TracedColumn[];
  /** Why the columns are unknown or why some could not be traced. */
  readonly problem?: string;
  /** Set when the query is `select * from R` with R's columns unknown: a column read from it is R's. */
  readonly passthrough?: { readonly nodeId?: string; readonly relation?: string };
}

const RANK: Record<ColumnTransform, number> = { constant: 0, direct: 1, renamed: 2, expression: 3, window: 4, aggregate: 5 };

/** The "strongest" of two transforms along a path: direct through an aggregate is an aggregate. */
function combine(a: ColumnTransform, b: ColumnTransform): ColumnTransform {
  if (a === 'constant') return b === 'constant' ? 'constant' : b;
  if (b === 'constant') return a;
  return RANK[a] >= RANK[b] ? a : b;
}

const lower = (s: string): string => s.toLowerCase();

/** A relation visible in a scope: its alias and its columns with their lineage (undefined = unknown). */
interface Binding {
  readonly alias: string;
  /** Table name and `schema.table` it can also be referred by. */
  readonly names: readonly string[];
  readonly columns?: readonly TracedColumn[];
  /** For a relation with unknown columns: how to name a column read from it. */
  readonly source?: { readonly nodeId?: string; readonly relation?: string };
  readonly what: string;
}

interface Scope {
  readonly bindings: readonly Binding[];
  readonly ctes: ReadonlyMap<string, QueryLineage>;
  readonly parent?: Scope;
  /** Join USING columns, merged from both sides. */
  readonly using: ReadonlySet<string>;
}

/**
 * Column-level lineage of a query: for each output column, the columns of base relations (one
 * hop: the relations named in its FROM clauses, through any CTEs and subqueries) it is computed
 * from. CTE names listed in `nodeCtes` (inlined ephemeral models) count as base relations.
 * Never guesses: a column whose origin is ambiguous or unknown is returned with `untraced`.
 */
export function traceColumns(query: QueryIr, lookup: RelationLookup, nodeCtes: ReadonlyMap<string, RelationInfo> = new Map()): QueryLineage {
  const traced = traceQuery(query, { bindings: [], ctes: new Map(), using: new Set() }, lookup, nodeCtes);
  if (!traced.columns) return traced;
  return {
    ...traced,
    columns: traced.columns.map((c) => {
      const only = c.sources.length === 1 ? c.sources[0]! : undefined;
      return c.transform === 'direct' && only && lower(only.column) !== lower(c.name) ? { ...c, transform: 'renamed' } : c;
    }),
  };
}

function traceQuery(query: QueryIr, outer: Scope, lookup: RelationLookup, nodeCtes: ReadonlyMap<string, RelationInfo>): QueryLineage {
  if (query.kind === 'unsupported') return { problem: `cannot trace ${query.what}` };
  // CTEs: each sees the ones before it.
  const ctes = new Map(outer.ctes);
  for (const cte of query.ctes) {
    if (nodeCtes.has(lower(cte.name))) continue;
    const traced = traceQuery(cte.query, { ...outer, ctes: new Map(ctes) }, lookup, nodeCtes);
    ctes.set(lower(cte.name), renameColumns(traced, cte.columnAliases));
  }
  const scope: Scope = { ...outer, ctes };
  if (query.kind === 'setop') {
    const left = traceQuery(query.left, scope, lookup, nodeCtes);
    const right = traceQuery(query.right, scope, lookup, nodeCtes);
    if (!left.columns) return left;
    if (!right.columns) return { columns: left.columns.map((c) => ({ ...c, untraced: right.problem ?? 'the other side of the set operation cannot be traced' })), problem: right.problem };
    if (left.columns.length !== right.columns.length) {
      return { problem: `the two sides of ${query.operator.toLowerCase()} have ${left.columns.length} and ${right.columns.length} columns` };
    }
    return {
      columns: left.columns.map((l, i) => {
        const r = right.columns![i]!;
        return merged(l.name, [l, r], combine(l.transform, r.transform));
      }),
    };
  }
  return traceSelect(query, scope, lookup, nodeCtes);
}

function traceSelect(query: SelectIr, outer: Scope, lookup: RelationLookup, nodeCtes: ReadonlyMap<string, RelationInfo>): QueryLineage {
  const using = new Set<string>();
  const bindings = query.from ? bindFrom(query.from, outer, lookup, nodeCtes, using) : [];
  const scope: Scope = { bindings, ctes: outer.ctes, parent: outer.bindings.length || outer.parent ? outer : undefined, using };
  const columns: TracedColumn[] = [];
  for (const item of query.items) {
    if (item.kind === 'star') {
      if (item.unsupported) return { problem: `cannot trace ${item.unsupported}` };
      const targets = item.relation ? bindings.filter((b) => matchesBinding(b, [item.relation!])) : bindings;
      if (targets.length === 0) return { problem: item.relation ? `${item.relation}.* names no relation in FROM` : 'select * without FROM' };
      const seenUsing = new Set<string>();
      for (const binding of targets) {
        if (!binding.columns) {
          const problem = `select ${item.relation ? `${item.relation}.` : ''}* reads ${binding.what}, whose columns are not known`;
          // `select * from one_relation`: its columns are that relation's, whatever they are.
          const only = query.items.length === 1 && bindings.length === 1 && item.exclude.length === 0 && item.replace.length === 0;
          return only && binding.source ? { problem, passthrough: binding.source } : { problem };
        }
        for (const column of binding.columns) {
          const key = lower(column.name);
          if (item.exclude.some((e) => lower(e) === key)) continue;
          if (!item.relation && using.has(key)) {
            if (seenUsing.has(key)) continue;
            seenUsing.add(key);
          }
          const replacement = item.replace.find((r) => lower(r.name) === key);
          columns.push(replacement ? traceExpr(column.name, replacement.expr, scope, columns, lookup, nodeCtes) : column);
        }
      }
      continue;
    }
    const traced = traceExpr(item.name ?? `column_${columns.length + 1}`, item.expr, scope, columns, lookup, nodeCtes);
    columns.push(item.name === undefined ? { ...traced, unnamed: true } : traced);
  }
  return { columns };
}

function traceExpr(
  name: string,
  expr: ExprIr,
  scope: Scope,
  earlier: readonly TracedColumn[],
  lookup: RelationLookup,
  nodeCtes: ReadonlyMap<string, RelationInfo>,
): TracedColumn {
  const parts: TracedColumn[] = [];
  const problems: string[] = [];
  if (expr.unsupported) problems.push(`cannot trace ${expr.unsupported}`);
  for (const ref of expr.refs) {
    const found = resolveRef(ref, scope, earlier);
    if (typeof found === 'string') problems.push(found);
    else parts.push(found);
  }
  for (const sub of expr.subqueries) {
    const traced = traceQuery(sub, scope, lookup, nodeCtes);
    if (!traced.columns) problems.push(traced.problem ?? 'a subquery cannot be traced');
    else parts.push(...traced.columns);
  }
  let transform: ColumnTransform = expr.transform;
  for (const part of parts) transform = combine(transform, part.transform);
  const column = merged(name, parts, transform);
  if (column.sources.length === 0 && !column.untraced && problems.length === 0 && (transform === 'direct' || transform === 'expression')) return { name, sources: [], transform: 'constant' };
  const untraced = [...new Set([...problems, ...(column.untraced ? [column.untraced] : [])])].join('; ');
  return untraced ? { ...column, untraced } : column;
}

/** Joins the sources of several columns into one column (deduplicated, in order). */
function merged(name: string, parts: readonly TracedColumn[], transform: ColumnTransform): TracedColumn {
  const seen = new Set<string>();
  const sources: UpstreamColumn[] = [];
  const problems: string[] = [];
  for (const part of parts) {
    if (part.untraced) problems.push(part.untraced);
    for (const source of part.sources) {
      const key = `${source.nodeId ?? ''}\u0000${source.relation ?? ''}\u0000${lower(source.column)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      sources.push(source);
    }
  }
  const untraced = [...new Set(problems)].join('; ');
  return untraced ? { name, sources, transform, untraced } : { name, sources, transform };
}

/** The column a reference names, or why it cannot be told. */
function resolveRef(ref: readonly string[], scope: Scope, earlier: readonly TracedColumn[]): TracedColumn | string {
  const written = ref.join('.');
  for (let current: Scope | undefined = scope; current; current = current.parent) {
    const found = resolveInScope(ref, current, current === scope ? earlier : []);
    if (found !== undefined) return typeof found === 'string' ? `${written}: ${found}` : found;
  }
  return `${written} is not a column of any relation in scope`;
}

function resolveInScope(ref: readonly string[], scope: Scope, earlier: readonly TracedColumn[]): TracedColumn | string | undefined {
  const column = lower(ref[ref.length - 1]!);
  if (ref.length === 1) {
    const known = scope.bindings.filter((b) => b.columns?.some((c) => lower(c.name) === column));
    const unknown = scope.bindings.filter((b) => !b.columns);
    if (known.length > 1 && scope.using.has(column)) {
      return merged(ref[0]!, known.map((b) => b.columns!.find((c) => lower(c.name) === column)!), 'direct');
    }
    if (known.length === 1 && unknown.length === 0) return known[0]!.columns!.find((c) => lower(c.name) === column)!;
    if (known.length === 1 && unknown.length > 0) {
      return `could come from ${known[0]!.what} or from ${unknown.map((b) => b.what).join(', ')}, whose columns are not known`;
    }
    if (known.length > 1) return `ambiguous between ${known.map((b) => b.what).join(' and ')}`;
    if (unknown.length === 1 && scope.bindings.length === 1) return unknownColumn(unknown[0]!, ref[0]!);
    if (unknown.length > 1) return `could come from any of ${unknown.map((b) => b.what).join(', ')}, whose columns are not known`;
    // A select-list alias used later in the same list (DuckDB allows it).
    const alias = [...earlier].reverse().find((c) => lower(c.name) === column);
    if (alias) return alias;
    return undefined;
  }
  const qualifier = ref.slice(0, -1);
  const binding = scope.bindings.find((b) => matchesBinding(b, qualifier));
  if (!binding) {
    // `col.field`: a struct field of an unqualified column.
    if (ref.length === 2) {
      const asColumn = resolveInScope([ref[0]!], scope, earlier);
      if (asColumn !== undefined && typeof asColumn !== 'string') return { ...asColumn, transform: 'expression' };
    }
    return undefined;
  }
  if (!binding.columns) return unknownColumn(binding, ref[ref.length - 1]!);
  const found = binding.columns.find((c) => lower(c.name) === column);
  return found ?? `${binding.what} has no column ${ref[ref.length - 1]}`;
}

/** A column read from a relation whose columns are unknown: traceable to that relation when it is a base table. */
function unknownColumn(binding: Binding, column: string): TracedColumn | string {
  if (binding.source) return { name: column, sources: [{ ...binding.source, column }], transform: 'direct' };
  return `${binding.what} cannot be traced`;
}

function matchesBinding(binding: Binding, qualifier: readonly string[]): boolean {
  const written = lower(qualifier.join('.'));
  if (lower(binding.alias) === written) return true;
  return binding.names.some((n) => lower(n) === written);
}

function bindFrom(
  from: FromIr,
  scope: Scope,
  lookup: RelationLookup,
  nodeCtes: ReadonlyMap<string, RelationInfo>,
  using: Set<string>,
): Binding[] {
  switch (from.kind) {
    case 'join':
      for (const column of from.using) using.add(lower(column));
      return [...bindFrom(from.left, scope, lookup, nodeCtes, using), ...bindFrom(from.right, scope, lookup, nodeCtes, using)];
    case 'table': {
      const alias = from.alias ?? from.name;
      const cte = from.schema ? undefined : scope.ctes.get(lower(from.name));
      if (cte) {
        return [{ alias, names: [from.name], columns: withAliases(cte.columns, from.columnAliases), what: `CTE ${from.name}`, source: cte.passthrough }];
      }
      const ephemeral = from.schema ? undefined : nodeCtes.get(lower(from.name));
      const info = ephemeral ?? lookup(from.schema, from.name);
      const written = from.schema ? `${from.schema}.${from.name}` : from.name;
      const source = info?.nodeId ? { nodeId: info.nodeId } : { relation: written };
      const what = info?.label ?? (info?.nodeId ? `${info.nodeId.split('.').pop()}` : written);
      const base = info?.columns?.map((c): TracedColumn => ({ name: c, sources: [{ ...source, column: c }], transform: 'direct' }));
      return [{ alias, names: [from.name, written], columns: withAliases(base, from.columnAliases), source, what }];
    }
    case 'subquery': {
      const traced = traceQuery(from.query, { ...scope, bindings: [], parent: undefined }, lookup, nodeCtes);
      const alias = from.alias ?? 'subquery';
      return [{ alias, names: [], columns: withAliases(traced.columns, from.columnAliases), what: `subquery ${alias}`, source: traced.passthrough }];
    }
    case 'values': {
      const names = from.columnAliases.length ? from.columnAliases : Array.from({ length: from.width }, (_, i) => `col${i}`);
      const alias = from.alias ?? 'valueslist';
      return [{ alias, names: [], columns: names.map((n) => ({ name: n, sources: [], transform: 'constant' })), what: 'a VALUES list' }];
    }
    case 'opaque':
      return [{ alias: from.alias ?? from.what, names: [], what: from.what }];
  }
}

/** Applies `t(a, b)`-style column aliases (the first columns are renamed, the rest keep their names). */
function withAliases(columns: readonly TracedColumn[] | undefined, aliases: readonly string[]): readonly TracedColumn[] | undefined {
  if (!columns || aliases.length === 0) return columns;
  return columns.map((c, i) => (i < aliases.length ? { ...c, name: aliases[i]! } : c));
}

function renameColumns(lineage: QueryLineage, aliases: readonly string[]): QueryLineage {
  return lineage.columns ? { ...lineage, columns: withAliases(lineage.columns, aliases) } : lineage;
}
