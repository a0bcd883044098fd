import type { QueryResult } from '../adapters/contract.js';
import type { CommonOptions } from './project-session.js';
import { QueryService, type QueryAnswer } from './query-service.js';

export interface QueryOptions extends CommonOptions {
  readonly sql: string;
  /** Read what an environment serves: it runs on that environment's target and `ref()` names its public views. */
  readonly environment?: string;
  /** False: bypass the cache (`--no-cache`). */
  readonly cache?: boolean;
}

/**
 * `strata query`: renders one templated statement against the project and runs it on the target.
 * A deterministic SELECT over the project's relations is answered from the cache while none of
 * them changed (see QueryService).
 */
export async function runQuery(options: QueryOptions): Promise<QueryAnswer> {
  const service = new QueryService(options);
  try {
    return await service.run(options.sql, { cache: options.cache });
  } finally {
    await service.close();
  }
}

/** The rows of `runQuery`, for callers that do not care where they came from. */
export async function query(options: QueryOptions): Promise<QueryResult> {
  return (await runQuery(options)).result;
}
