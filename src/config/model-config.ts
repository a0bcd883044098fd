import { z } from 'zod';
import { strategyConfigShape } from './strategy-config.js';

/** Materializations the engine can build. */
export const MATERIALIZATIONS = ['view', 'table', 'incremental', 'ephemeral', 'history', 'current', 'point_in_time', 'windowed_aggregate', 'snapshot'] as const;
export type Materialization = (typeof MATERIALIZATIONS)[number];

export const INCREMENTAL_STRATEGIES = ['append', 'merge', 'delete+insert'] as const;
export type IncrementalStrategy = (typeof INCREMENTAL_STRATEGIES)[number];

const stringOrList = z.union([z.string(), z.array(z.string())]);

/**
 * Configuration of one model, the same whether it comes from a folder default in strata.yml,
 * a `config:` block in YAML or a `{{ config(...) }}` call in the model. Unknown keys are errors.
 */
export const modelConfigSchema = z.strictObject({
  materialized: z.enum(MATERIALIZATIONS).optional(),
  schema: z.string().min(1).optional(),
  alias: z.string().min(1).optional(),
  tags: stringOrList.optional(),
  enabled: z.boolean().optional(),
  unique_key: stringOrList.optional(),
  incremental_strategy: z.enum(INCREMENTAL_STRATEGIES).optional(),
  on_schema_change: z.enum(['ignore', 'append_new_columns', 'fail']).optional(),
  full_refresh: z.boolean().optional(),
  grants: z.record(z.string(), stringOrList).optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
  docs: z.strictObject({ show: z.boolean().optional() }).optional(),
  /** Keys of the history, current, point_in_time and windowed_aggregate strategies (see strategy-config.ts). */
  ...strategyConfigShape,
});
export type ModelConfigInput = z.infer<typeof modelConfigSchema>;

/** Seed configuration: where it lands and the column types that override inference. */
export const seedConfigSchema = z.strictObject({
  schema: z.string().min(1).optional(),
  alias: z.string().min(1).optional(),
  tags: stringOrList.optional(),
  enabled: z.boolean().optional(),
  column_types: z.record(z.string(), z.string()).optional(),
  delimiter: z.string().length(1).optional(),
  quote_columns: z.boolean().optional(),
  grants: z.record(z.string(), stringOrList).optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
});
export type SeedConfigInput = z.infer<typeof seedConfigSchema>;

/** Keys that are configuration (not sub-folder names) inside a `models:`/`seeds:` folder block. */
export const MODEL_CONFIG_KEYS: ReadonlySet<string> = new Set(Object.keys(modelConfigSchema.shape));
export const SEED_CONFIG_KEYS: ReadonlySet<string> = new Set(Object.keys(seedConfigSchema.shape));

/** A list-or-string config value as a list. */
export function asList(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : [...value];
}
