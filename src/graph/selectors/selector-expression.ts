/**
 * What a selector atom looks for before graph operators: `method[.args]:value`.
 * A bare name is given its dbt default method (`path` when it contains `/`, `file` when it ends
 * in `.sql`/`.py`/`.csv`, otherwise `fqn`); `config.materialized:table` has method `config`
 * and args `['materialized']`.
 */
export interface MethodCriterion {
  readonly method: string;
  readonly args: readonly string[];
  readonly value: string;
}

/**
 * Graph operators around one atom. `parents`/`children` are present when `+` was written on
 * that side, with `depth` set only when a number limited it (`2+x` → depth 2); `childrensParents`
 * is the `@` prefix (the node, its descendants and every ancestor of those).
 */
export interface GraphOperators {
  readonly parents?: { readonly depth?: number };
  readonly children?: { readonly depth?: number };
  readonly childrensParents: boolean;
}

/** One term part such as `2+tag:nightly+1`: the text as written, its criterion and operators. */
export interface SelectorAtom {
  readonly kind: 'atom';
  readonly text: string;
  readonly criterion: MethodCriterion;
  readonly operators: GraphOperators;
}

/** Nodes selected by every item (`a,b`). */
export interface SelectorIntersection {
  readonly kind: 'intersection';
  readonly items: readonly SelectorExpression[];
}

/** Nodes selected by any item (`a b`, or several `--select` values). */
export interface SelectorUnion {
  readonly kind: 'union';
  readonly items: readonly SelectorExpression[];
}

/** Nodes of `include` that `exclude` does not select (`--select … --exclude …`). */
export interface SelectorDifference {
  readonly kind: 'difference';
  readonly include: SelectorExpression;
  readonly exclude: SelectorExpression;
}

/** Every node of the graph (what an absent `--select` means). */
export interface SelectorEverything {
  readonly kind: 'everything';
}

/** A parsed selector: plain immutable data, printable and comparable with deepEqual. */
export type SelectorExpression =
  | SelectorAtom
  | SelectorIntersection
  | SelectorUnion
  | SelectorDifference
  | SelectorEverything;
