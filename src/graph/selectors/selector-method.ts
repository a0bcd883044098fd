import type { Dag } from '../dag.js';
import type { GraphNode } from '../../manifest/types.js';
import type { MethodCriterion } from './selector-expression.js';

/** A test of one node against one criterion. */
export type NodePredicate = (node: GraphNode) => boolean;

/**
 * One selector method (`tag`, `path`, `state`, …) as registered in a `SelectorMethodRegistry`.
 * - `usage` is shown in error messages, e.g. `config.<key>:<value>`.
 * - `arguments` says whether dotted arguments (`config.materialized`) are forbidden, required or optional.
 * - `validate` returns a message when a value can never be right; it runs while parsing, so
 *   mistakes fail before any node is looked at.
 * - `matcher` is called once per criterion per selection and returns the per-node test; do the
 *   per-criterion work (compiling globs, splitting values) there, not in the returned predicate.
 * - `candidates`, when given and not undefined, lists the only ids that can match (a superset,
 *   usually from an index cached per DAG); `matcher` is then run on those alone instead of on
 *   every node, which keeps `+some_model` fast on large graphs.
 */
export interface SelectorMethod {
  readonly name: string;
  readonly usage: string;
  readonly arguments: 'none' | 'required' | 'optional';
  readonly validate?: (criterion: MethodCriterion) => string | undefined;
  readonly matcher: (criterion: MethodCriterion, dag: Dag) => NodePredicate;
  readonly candidates?: (criterion: MethodCriterion, dag: Dag) => Iterable<string> | undefined;
}
