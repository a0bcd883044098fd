import type { QueryResult } from '../adapters/contract.js';
import { openProject, type CommonOptions } from './project-session.js';

const QUERY_FILE = '<query>';

/** `strata query`: renders one templated statement against the project and runs it on the target. */
export async function query(options: CommonOptions & { readonly sql: string }): Promise<QueryResult> {
  const session = openProject(options);
  const compiled = session.compile();
  const rendered = compiled.engine.render(options.sql, QUERY_FILE);
  const sql = compiled.resolveSql(rendered.sql, QUERY_FILE, rendered.capture);
  const adapter = await session.connect({ runLock: false });
  try {
    return await adapter.withConnection((c) => c.query(sql));
  } finally {
    await adapter.close();
  }
}
