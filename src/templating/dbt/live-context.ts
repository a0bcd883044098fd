import type { Relation } from '../../manifest/types.js';
import type { TemplateRelation } from '../tokens.js';

/**
 * What a template asks of the database when dbt's `execute` is true: a query's rows, a relation's
 * columns, or whether a relation exists. Compile never touches the database; at run time a model
 * whose template asks such things is rendered again with a live context (see src/app/render-live.ts).
 */
export type LiveRequest =
  | { readonly kind: 'query'; readonly sql: string }
  | { readonly kind: 'columns'; readonly relation: Relation }
  | { readonly kind: 'relation'; readonly schema: string; readonly identifier: string };

/** A stable key of a request, for the answers gathered while rendering. */
export function requestKey(request: LiveRequest): string {
  return JSON.stringify(request);
}

/** The database as a render sees it when `execute` is true. */
export interface LiveContext {
  /** The answer to a request, or throws `NeedsAnswer` so the caller can fetch it and render again. */
  answer(request: LiveRequest): unknown;
  /** SQL text with its relation placeholders replaced by quoted relation names. */
  resolveSql(sql: string): string;
  /** The relation a `ref()`/`source()`/`this` value stands for. */
  relationOf(relation: TemplateRelation): Relation;
}

/** Thrown during a live render when an answer is not known yet: fetch it, then render again. */
export class NeedsAnswer extends Error {
  constructor(readonly request: LiveRequest) {
    super(`the template needs the database: ${request.kind}`);
    this.name = 'NeedsAnswer';
  }
}

/** The NeedsAnswer behind an error thrown out of a render (Nunjucks wraps errors), if any. */
export function needsAnswerIn(error: unknown): NeedsAnswer | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth += 1) {
    if (current instanceof NeedsAnswer) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
