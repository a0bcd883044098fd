import path from 'node:path';
import type { LoadedProjectConfig } from '../config/load-project-config.js';
import type { TemplateTarget } from '../templating/template-engine.js';

/**
 * What templates see as `target`: name, schema, type (`duckdb`/`postgres`), threads, and dbt's
 * `database` (the DuckDB file's name, `memory` in memory, or the PostgreSQL database) and
 * `profile_name`.
 */
export function templateTarget(settings: LoadedProjectConfig): TemplateTarget {
  const { target } = settings;
  return {
    name: settings.targetName,
    schema: target.schema,
    type: target.adapter,
    threads: target.threads ?? 4,
    database: settings.dbt?.database ?? databaseOf(target),
    profile_name: settings.dbt?.profileName ?? settings.config.name,
  };
}

function databaseOf(target: LoadedProjectConfig['target']): string {
  if (target.adapter === 'duckdb') return target.path === ':memory:' ? 'memory' : path.basename(target.path).replace(/\.[^.]*$/, '');
  if (target.database) return target.database;
  if (target.url) {
    try {
      return decodeURIComponent(new URL(target.url).pathname.replace(/^\//, '')) || 'postgres';
    } catch {
      return 'postgres';
    }
  }
  return target.user ?? 'postgres';
}
