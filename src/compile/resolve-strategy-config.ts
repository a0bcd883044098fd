import { asList, type ModelConfigInput } from '../config/model-config.js';
import { checkStrategyKeys, type Aggregation } from '../config/strategy-config.js';
import { lengthOf, parseDuration, parseInstant, type Duration, type Grain } from '../config/time-spec.js';
import { StrataError, StrataErrors } from '../shared/errors.js';
import type { ModelConfig, SourceNode } from '../manifest/types.js';
import type { AggregationSpec, AsOfDates } from '../manifest/strategy-settings.js';

type StrategySettings = Pick<ModelConfig, 'history' | 'current' | 'pointInTime' | 'windowed'>;

/**
 * The settings of the history, current, point-in-time and windowed-aggregate strategies from a
 * validated config: only the ones of the model's own materialization are set. The history's
 * `sourceLoad` is `delta` here unless configured; `withSourceLoad` fills it from the source.
 */
export function toStrategySettings(input: ModelConfigInput): StrategySettings {
  switch (input.materialized) {
    case 'history':
      return {
        history: {
          checkCols: input.check_cols === undefined ? undefined : asList(input.check_cols),
          sourceLoad: input.source_load ?? 'delta',
          deduplicateBy: asList(input.deduplicate_by),
        },
      };
    case 'current':
      return { current: { materializeAs: input.materialize_as ?? 'view' } };
    case 'point_in_time':
      return input.as_of_dates ? { pointInTime: { asOf: asOfDates(input.as_of_dates) } } : {};
    case 'windowed_aggregate':
      if (!input.time_column || !input.grain || !input.aggregations) return {};
      return {
        windowed: {
          source: input.source,
          timeColumn: input.time_column,
          partitionBy: asList(input.partition_by),
          grain: input.grain,
          windows: (input.windows ?? []).map(durationOf),
          aggregations: aggregationsOf(input.aggregations),
          orderBy: asList(input.order_by),
          lookback: input.lookback === undefined ? undefined : durationOf(input.lookback),
        },
      };
    default:
      return {};
  }
}

/**
 * A history model's `source_load` from the source it reads, when not configured: `snapshot` when
 * that source declares `load: snapshot`, otherwise `delta` (which never deletes a key).
 */
export function withSourceLoad(config: ModelConfig, configured: ModelConfigInput['source_load'], sources: readonly SourceNode[]): ModelConfig {
  if (!config.history || configured) return config;
  const declared = sources.map((s) => s.settings.load).find((load) => load !== undefined);
  return declared ? { ...config, history: { ...config.history, sourceLoad: declared } } : config;
}

function asOfDates(input: NonNullable<ModelConfigInput['as_of_dates']>): AsOfDates {
  if (Array.isArray(input)) return { kind: 'list', instants: [...new Set(input.map((d) => parseInstant(d, { key: 'as_of_dates' })))].sort() };
  if ('last_load_dates' in input) return { kind: 'last_load_dates', count: input.last_load_dates };
  return { kind: 'every', period: input.every, from: parseInstant(input.from, { key: 'as_of_dates.from' }), to: parseInstant(input.to, { key: 'as_of_dates.to' }) };
}

function durationOf(text: string): Duration {
  return parseDuration(text)!; // validated by the config schema
}

function aggregationsOf(input: Record<string, Aggregation | Aggregation[]>): AggregationSpec[] {
  return Object.entries(input).flatMap(([column, fns]) => [...new Set(typeof fns === 'string' ? [fns] : fns)].map((fn) => ({ column, fn })));
}

/**
 * Compile-time checks of a model's strategy config, beyond the schema: keys of another
 * materialization, missing required keys, dates that do not exist, and windows that do not fit
 * the grain. Errors carry the model's file, line and key.
 */
export function checkStrategyConfig(merged: ModelConfigInput, ownKeys: ReadonlySet<string>, where: { file: string; line?: number; node: string }): void {
  checkStrategyKeys(merged, ownKeys, where);
  const errors: StrataError[] = [];
  try {
    toStrategySettings(merged);
  } catch (error) {
    if (!(error instanceof StrataError)) throw error;
    errors.push(new StrataError(error.code, error.message, { ...where, key: error.location.key }));
  }
  if (merged.materialized === 'windowed_aggregate' && merged.grain) {
    for (const text of merged.windows ?? []) {
      const problem = windowProblem(parseDuration(text)!, merged.grain);
      if (problem) errors.push(new StrataError('invalid_config', `window '${text}' ${problem}`, { ...where, key: 'windows' }));
    }
  }
  if (merged.materialized === 'point_in_time' && merged.as_of_dates && !Array.isArray(merged.as_of_dates) && 'from' in merged.as_of_dates) {
    const { from, to } = merged.as_of_dates;
    if (errors.length === 0 && parseInstant(from) > parseInstant(to)) {
      errors.push(new StrataError('invalid_config', `as_of_dates: 'from' (${from}) is after 'to' (${to})`, { ...where, key: 'as_of_dates' }));
    }
  }
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) throw new StrataErrors(errors);
}

/** Why a rolling window does not fit a grain: it must be a whole number of buckets. */
function windowProblem(window: Duration, grain: Grain): string | undefined {
  const w = lengthOf(window.amount, window.unit);
  const g = lengthOf(1, grain);
  if ('seconds' in w && 'seconds' in g) {
    return w.seconds % g.seconds === 0 ? undefined : `is not a whole number of '${grain}' buckets`;
  }
  if ('months' in w && 'months' in g) {
    return w.months % g.months === 0 ? undefined : `is not a whole number of '${grain}' buckets`;
  }
  return 'months' in w
    ? `is in months or years, which vary in length: use it with grain month, quarter or year (or write the window in days)`
    : `is shorter than or not a whole number of '${grain}' buckets, which vary in length`;
}
