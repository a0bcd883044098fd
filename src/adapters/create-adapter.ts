import path from 'node:path';
import type { TargetConfig } from '../config/project-config.js';
import type { Adapter, Dialect } from './contract.js';
import { DuckdbDialect } from './duckdb/duckdb-dialect.js';
import { PostgresDialect } from './postgres/postgres-dialect.js';

/** The dialect of a target, without connecting or loading a driver (compile needs only this). */
export function dialectFor(target: TargetConfig): Dialect {
  return dialectNamed(target.adapter);
}

/** A dialect by its adapter's name (`Dialect.name`), e.g. in a worker thread that was handed only the name. */
export function dialectNamed(adapter: TargetConfig['adapter']): Dialect {
  switch (adapter) {
    case 'duckdb':
      return new DuckdbDialect();
    case 'postgres':
      return new PostgresDialect();
  }
}

/** A not-yet-open adapter for a target; the driver is loaded only now. */
export async function createAdapter(target: TargetConfig, projectRoot: string, threads: number): Promise<Adapter> {
  switch (target.adapter) {
    case 'duckdb': {
      const { DuckdbAdapter } = await import('./duckdb/duckdb-adapter.js');
      return new DuckdbAdapter({ target, projectRoot, threads });
    }
    case 'postgres': {
      const { PostgresAdapter } = await import('./postgres/postgres-adapter.js');
      return new PostgresAdapter({ target, threads });
    }
  }
}

/**
 * The database file of an embedded, single-writer engine (DuckDB), or undefined for a server or
 * an in-memory database. Whoever only reads such a file must not keep it open: a run needs it.
 */
export function databaseFileOf(target: TargetConfig, projectRoot: string): string | undefined {
  switch (target.adapter) {
    case 'duckdb':
      return target.path === ':memory:' ? undefined : path.resolve(projectRoot, target.path);
    case 'postgres':
      return undefined;
  }
}
