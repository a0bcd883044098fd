import { z } from 'zod';
import type { TestConfig } from '../manifest/types.js';

const condition = z.string().regex(/^\s*(==|=|!=|<>|>=|<=|>|<)\s*\d+\s*$/, "a comparison of the failing-row count, e.g. '!= 0' or '> 10'");

/** Test configuration as dbt users write it, inside `config:` or (older style) next to the arguments. */
export const testConfigSchema = z.strictObject({
  severity: z.preprocess((v) => (typeof v === 'string' ? v.toLowerCase() : v), z.enum(['error', 'warn'])).optional(),
  tags: z.union([z.string(), z.array(z.string())]).optional(),
  where: z.string().optional(),
  warn_if: condition.optional(),
  error_if: condition.optional(),
  store_failures: z.boolean().optional(),
  limit: z.number().int().positive().optional(),
  enabled: z.boolean().optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
  alias: z.string().optional(),
});
export type TestConfigInput = z.infer<typeof testConfigSchema>;

/** Keys that configure a test rather than being its arguments. */
export const TEST_CONFIG_KEYS: ReadonlySet<string> = new Set(Object.keys(testConfigSchema.shape));

/** The final config with dbt's defaults (`severity: error`, both thresholds `!= 0`). */
export function toTestConfig(input: TestConfigInput, inheritedTags: readonly string[]): TestConfig {
  const tags = input.tags === undefined ? [] : typeof input.tags === 'string' ? [input.tags] : input.tags;
  return {
    severity: input.severity ?? 'error',
    tags: [...new Set([...inheritedTags, ...tags])],
    where: input.where,
    warnIf: input.warn_if ?? '!= 0',
    errorIf: input.error_if ?? '!= 0',
    storeFailures: input.store_failures ?? false,
    limit: input.limit,
    enabled: input.enabled ?? true,
    meta: input.meta ?? {},
  };
}

/** Whether a failing-row count meets a condition such as `!= 0` or `>= 10`. */
export function meetsCondition(failures: number, condition: string): boolean {
  const match = /^\s*(==|=|!=|<>|>=|<=|>|<)\s*(\d+)\s*$/.exec(condition);
  if (!match) return failures !== 0;
  const bound = Number(match[2]);
  switch (match[1]) {
    case '==':
    case '=':
      return failures === bound;
    case '!=':
    case '<>':
      return failures !== bound;
    case '>=':
      return failures >= bound;
    case '<=':
      return failures <= bound;
    case '>':
      return failures > bound;
    default:
      return failures < bound;
  }
}
