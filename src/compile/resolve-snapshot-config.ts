import type { ModelConfigInput } from '../config/model-config.js';
import type { SnapshotConfigInput } from '../config/snapshot-config.js';
import type { SnapshotSettings } from '../manifest/strategy-settings.js';
import { StrataError, StrataErrors } from '../shared/errors.js';

/** A snapshot's config split into what every model has and the snapshot's own settings. */
export interface ResolvedSnapshotConfig {
  readonly model: ModelConfigInput;
  readonly settings: SnapshotSettings;
  /** dbt's `target_schema`: the schema as written, not through the naming rule. */
  readonly targetSchema?: string;
}

/**
 * Checks a snapshot's merged config as dbt does (a `unique_key`, a `strategy`, and `updated_at`
 * for `timestamp` or `check_cols` for `check`) and splits it. Errors name the file, line and key.
 */
export function resolveSnapshotConfig(merged: SnapshotConfigInput, where: { file: string; line?: number; node: string }): ResolvedSnapshotConfig {
  const errors: StrataError[] = [];
  const need = (key: string, why: string): void => {
    errors.push(new StrataError('invalid_config', `snapshot '${where.node}' needs '${key}' (${why})`, { ...where, key }));
  };
  if (merged.unique_key === undefined) need('unique_key', 'the column or columns that identify a row');
  if (merged.strategy === undefined) need('strategy', "'timestamp' or 'check'");
  if (merged.strategy === 'timestamp' && !merged.updated_at) need('updated_at', 'the column holding when a row last changed, for the timestamp strategy');
  if (merged.strategy === 'check' && merged.check_cols === undefined) need('check_cols', "'all' or a list of columns, for the check strategy");
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) throw new StrataErrors(errors);
  const invalidate = merged.hard_deletes === 'invalidate' || (merged.hard_deletes === undefined && merged.invalidate_hard_deletes === true);
  return {
    model: {
      materialized: 'snapshot',
      schema: merged.schema,
      alias: merged.alias,
      tags: merged.tags,
      enabled: merged.enabled,
      unique_key: merged.unique_key,
      grants: merged.grants,
      meta: merged.meta,
    },
    settings: {
      strategy: merged.strategy!,
      updatedAt: merged.updated_at,
      checkCols: merged.check_cols ?? 'all',
      hardDeletes: invalidate ? 'invalidate' : 'ignore',
    },
    targetSchema: merged.target_schema ?? undefined,
  };
}
