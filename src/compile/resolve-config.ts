import { asList, type ModelConfigInput, type SeedConfigInput } from '../config/model-config.js';
import type { ModelConfig, SeedConfig } from '../manifest/types.js';
import { toStrategySettings } from './resolve-strategy-config.js';

function grantsOf(grants: Record<string, string | string[]> | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [privilege, roles] of Object.entries(grants ?? {})) out[privilege] = asList(roles);
  return out;
}

/** A model's final config from its merged layers, with dbt's defaults filled in. */
export function toModelConfig(input: ModelConfigInput): ModelConfig {
  return {
    materialized: input.materialized ?? 'view',
    schema: input.schema,
    alias: input.alias,
    tags: asList(input.tags),
    enabled: input.enabled ?? true,
    uniqueKey: asList(input.unique_key),
    incrementalStrategy: input.incremental_strategy ?? (input.unique_key ? 'merge' : 'append'),
    onSchemaChange: input.on_schema_change ?? 'ignore',
    fullRefresh: input.full_refresh,
    grants: grantsOf(input.grants),
    meta: input.meta ?? {},
    ...toStrategySettings(input),
  };
}

/** A seed's final config. */
export function toSeedConfig(input: SeedConfigInput): SeedConfig {
  return {
    schema: input.schema,
    alias: input.alias,
    tags: asList(input.tags),
    enabled: input.enabled ?? true,
    columnTypes: input.column_types ?? {},
    delimiter: input.delimiter ?? ',',
    grants: grantsOf(input.grants),
    meta: input.meta ?? {},
  };
}
