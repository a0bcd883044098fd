import type { QueryResult } from '../adapters/contract.js';
import { environmentOf, environmentTarget, publicRelation } from '../release/environments.js';
import { openProject, type CommonOptions } from './project-session.js';

const QUERY_FILE = '<query>';

/**
 * `strata query`: renders one templated statement against the project and runs it on the target.
 * With `environment`, it runs on that environment's target and `ref()` names the environment's
 * public views, so it reads what the environment serves.
 */
export async function query(options: CommonOptions & { readonly sql: string; readonly environment?: string }): Promise<QueryResult> {
  const target = options.environment === undefined ? options.target : environmentTarget(options.projectDir, options.environment);
  const session = openProject({ ...options, target });
  const { settings } = session.project;
  const environment = options.environment === undefined ? undefined : environmentOf(settings.config, options.environment);
  const compiled = session.compile(
    undefined,
    environment ? { relationFor: (_name, logical) => publicRelation(environment, settings.target.schema, logical) } : undefined,
  );
  const rendered = compiled.engine.render(options.sql, QUERY_FILE);
  const sql = compiled.resolveSql(rendered.sql, QUERY_FILE, rendered.capture);
  const adapter = await session.connect({ runLock: false });
  try {
    return await adapter.withConnection((c) => c.query(sql));
  } finally {
    await adapter.close();
  }
}
