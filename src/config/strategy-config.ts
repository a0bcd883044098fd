import { z } from 'zod';
import { StrataError, StrataErrors } from '../shared/errors.js';
import { DURATION_PATTERN, GRAINS, INSTANT_PATTERN, parseDuration } from './time-spec.js';

/** Aggregations a windowed aggregate computes per numeric column. */
export const AGGREGATIONS = ['sum', 'avg', 'min', 'max', 'count', 'stddev', 'first', 'last'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

/** Rules that generate the as-of dates of a point-in-time table. */
export const AS_OF_PERIODS = ['day', 'week_end', 'month_end', 'quarter_end', 'year_end'] as const;
export type AsOfPeriod = (typeof AS_OF_PERIODS)[number];

const stringOrList = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);
const instant = z
  .string()
  .regex(INSTANT_PATTERN, { error: 'must be a date (YYYY-MM-DD) or an ISO 8601 timestamp such as 2024-03-31T18:00:00Z' });
const duration = z
  .string()
  .regex(DURATION_PATTERN, { error: "must be a duration such as '7 days', '1 hour', '30 minutes' or '3 months'" })
  .refine((text) => parseDuration(text) !== undefined, {
    error: "must be a positive amount of seconds, minutes (min), hours, days, weeks, months or years, e.g. '7 days'",
  });
const aggregation = z.enum(AGGREGATIONS, { error: `must be one of ${AGGREGATIONS.join(', ')}` });

/**
 * The config keys of the history, current, point-in-time and windowed-aggregate strategies.
 * Spread into the model config schema; `checkStrategyKeys` rejects a key used with another
 * materialization.
 */
export const strategyConfigShape = {
  // history
  check_cols: stringOrList.optional(),
  source_load: z.enum(['snapshot', 'delta']).optional(),
  deduplicate_by: stringOrList.optional(),
  // current
  materialize_as: z.enum(['view', 'table']).optional(),
  // point_in_time
  as_of_dates: z
    .union(
      [
        z.array(instant).min(1),
        z.strictObject({ every: z.enum(AS_OF_PERIODS), from: instant, to: instant }),
        z.strictObject({ last_load_dates: z.number().int().positive() }),
      ],
      {
        error: `must be a list of dates, {every: ${AS_OF_PERIODS.join('|')}, from: DATE, to: DATE}, or {last_load_dates: N}`,
      },
    )
    .optional(),
  // windowed_aggregate
  source: z.string().min(1).optional(),
  time_column: z.string().min(1).optional(),
  partition_by: stringOrList.optional(),
  grain: z.enum(GRAINS).optional(),
  windows: z.array(duration).optional(),
  aggregations: z
    .record(z.string().min(1), z.union([aggregation, z.array(aggregation).min(1)], { error: `must be one of ${AGGREGATIONS.join(', ')}, or a list of them` }))
    .optional(),
  order_by: stringOrList.optional(),
  lookback: duration.optional(),
};

type StrategyKey = keyof typeof strategyConfigShape;

/** Which materialization each strategy key belongs to. */
const KEY_OWNER: Readonly<Record<StrategyKey, string>> = {
  check_cols: 'history',
  source_load: 'history',
  deduplicate_by: 'history',
  materialize_as: 'current',
  as_of_dates: 'point_in_time',
  source: 'windowed_aggregate',
  time_column: 'windowed_aggregate',
  partition_by: 'windowed_aggregate',
  grain: 'windowed_aggregate',
  windows: 'windowed_aggregate',
  aggregations: 'windowed_aggregate',
  order_by: 'windowed_aggregate',
  lookback: 'windowed_aggregate',
};

/** Keys a materialization cannot do without. */
const REQUIRED: Readonly<Record<string, readonly string[]>> = {
  history: ['unique_key'],
  point_in_time: ['as_of_dates'],
  windowed_aggregate: ['time_column', 'grain', 'aggregations'],
};

/**
 * Checks a model's merged config against its materialization: a strategy key used with another
 * materialization, or a required key missing, is an error naming the key and what is allowed.
 * Folder defaults (`strata.yml models:`) are exempt from the first check, so a folder can set
 * `+grain` for the windowed models among others; a key set on the model itself is not.
 */
export function checkStrategyKeys(
  merged: Record<string, unknown>,
  ownKeys: ReadonlySet<string>,
  where: { file: string; line?: number; node: string },
): void {
  const materialized = typeof merged.materialized === 'string' ? merged.materialized : 'view';
  const errors: StrataError[] = [];
  for (const key of Object.keys(merged) as StrategyKey[]) {
    const owner = KEY_OWNER[key];
    if (!owner || owner === materialized || merged[key] === undefined || !ownKeys.has(key)) continue;
    const allowed = (Object.keys(KEY_OWNER) as StrategyKey[]).filter((k) => KEY_OWNER[k] === materialized);
    const hint = allowed.length ? `; materialized '${materialized}' takes ${allowed.join(', ')}` : '';
    errors.push(new StrataError('invalid_config', `'${key}' is only allowed with materialized: ${owner} (this model is materialized '${materialized}')${hint}`, { ...where, key }));
  }
  for (const key of REQUIRED[materialized] ?? []) {
    const value = merged[key];
    if (value === undefined || (Array.isArray(value) && value.length === 0)) {
      errors.push(new StrataError('invalid_config', `materialized '${materialized}' needs '${key}'`, { ...where, key }));
    }
  }
  if (materialized === 'windowed_aggregate' && merged.aggregations && Object.keys(merged.aggregations).length === 0) {
    errors.push(new StrataError('invalid_config', "'aggregations' must name at least one column, e.g. {amount: [sum, avg]}", { ...where, key: 'aggregations' }));
  }
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) throw new StrataErrors(errors);
}
