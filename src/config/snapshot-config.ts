import { z } from 'zod';

const stringOrList = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

/**
 * Configuration of a snapshot (dbt's `{% snapshot %}` block), from a folder default, a YAML
 * `config:` block or the block's `config()` call. dbt's names and meanings; unknown keys are errors.
 */
export const snapshotConfigSchema = z.strictObject({
  materialized: z.literal('snapshot').optional(),
  /** `timestamp`: a row changed when its `updated_at` is later than the snapshot's; `check`: when a `check_cols` value differs. */
  strategy: z.enum(['timestamp', 'check']).optional(),
  unique_key: stringOrList.optional(),
  updated_at: z.string().min(1).optional(),
  /** `all`, or the columns whose change makes a new version. */
  check_cols: z.union([z.literal('all'), z.array(z.string().min(1)).min(1)]).optional(),
  /** The snapshot's schema, as written (dbt's legacy setting); `none` turns a folder default off. */
  target_schema: z.string().min(1).nullable().optional(),
  /** A custom schema, named like a model's (`schema_naming`). */
  schema: z.string().min(1).optional(),
  alias: z.string().min(1).optional(),
  /** Close the current version of a key that disappeared from the query (same as `hard_deletes: invalidate`). */
  invalidate_hard_deletes: z.boolean().optional(),
  hard_deletes: z.enum(['ignore', 'invalidate']).optional(),
  tags: stringOrList.optional(),
  enabled: z.boolean().optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
  grants: z.record(z.string(), stringOrList).optional(),
});
export type SnapshotConfigInput = z.infer<typeof snapshotConfigSchema>;

/** Keys that are configuration (not sub-folder names) inside a `snapshots:` folder block. */
export const SNAPSHOT_CONFIG_KEYS: ReadonlySet<string> = new Set(Object.keys(snapshotConfigSchema.shape));
