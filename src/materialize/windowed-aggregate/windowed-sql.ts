import type { Dialect, IntervalUnit, TemporalKind } from '../../adapters/contract.js';
import { durationSuffix, lengthOf, type Duration } from '../../config/time-spec.js';
import type { AggregationSpec, WindowedAggregateSettings } from '../../manifest/strategy-settings.js';
import type { Relation } from '../../manifest/types.js';

/** The bucket column of every windowed aggregate: the start of the grain bucket (UTC). */
export const BUCKET_COLUMN = 'bucket_start';

/** What the windowed-aggregate SQL is generated from. */
export interface WindowedSqlInput {
  readonly dialect: Dialect;
  readonly sourceSql: string;
  readonly settings: WindowedAggregateSettings;
  /** The time column's kind: buckets are computed in UTC whatever the session time zone. */
  readonly timeKind: TemporalKind;
}

/** The output column of one aggregation in one window (undefined: resampling, no window). */
export function outputName(spec: AggregationSpec, window: Duration | undefined): string {
  return `${spec.column}_${spec.fn}${window ? `_${durationSuffix(window)}` : ''}`;
}

/** Output columns in order: partition columns, the bucket, then one per aggregation and window. */
export function outputColumns(settings: WindowedAggregateSettings): string[] {
  const windows = settings.windows.length ? settings.windows : [undefined];
  return [...settings.partitionBy, BUCKET_COLUMN, ...windows.flatMap((w) => settings.aggregations.map((a) => outputName(a, w)))];
}

/** The `range` frame of a window over buckets: the current bucket and the earlier ones that fit in the window. */
function frameOffset(dialect: Dialect, window: Duration, grain: WindowedAggregateSettings['grain']): string {
  const w = lengthOf(window.amount, window.unit);
  const g = lengthOf(1, grain);
  if ('months' in w && 'months' in g) {
    const months = w.months - g.months;
    return months === 0 ? 'current row' : `${dialect.interval(months, 'month')} preceding`;
  }
  const seconds = ('seconds' in w ? w.seconds : 0) - ('seconds' in g ? g.seconds : 0);
  return seconds === 0 ? 'current row' : `${secondsInterval(dialect, seconds)} preceding`;
}

function secondsInterval(dialect: Dialect, seconds: number): string {
  const units: [IntervalUnit, number][] = [['day', 86_400], ['hour', 3600], ['minute', 60], ['second', 1]];
  const [unit, size] = units.find(([, size]) => seconds % size === 0)!;
  return dialect.interval(seconds / size, unit);
}

/** The longest window's reach before a bucket, as an interval (undefined when every window is one bucket). */
export function maxReach(dialect: Dialect, settings: WindowedAggregateSettings): string | undefined {
  const offsets = settings.windows.map((w) => frameOffset(dialect, w, settings.grain)).filter((o) => o !== 'current row');
  if (offsets.length === 0) return undefined;
  // Windows are all in seconds or all in months for one grain (checked at compile), so the longest is the largest amount.
  return offsets
    .map((o) => o.replace(/ preceding$/, ''))
    .sort((a, b) => reachSeconds(b) - reachSeconds(a))[0];
}

function reachSeconds(interval: string): number {
  const m = /'(\d+) (\w+?)s?'/.exec(interval);
  const size: Record<string, number> = { second: 1, minute: 60, hour: 3600, day: 86_400, week: 604_800, month: 2_592_000, year: 31_536_000 };
  return m ? Number(m[1]) * (size[m[2]!] ?? 1) : 0;
}

/**
 * The bounds of an incremental run, as UTC text: `from`, the first bucket to recompute (the last
 * bucket built, less `lookback`), and `read_from`, the first instant whose events its windows
 * reach. NULLs when the table is empty.
 */
export function watermarkSql(input: WindowedSqlInput, target: Relation): string {
  const { dialect: d, settings } = input;
  const q = (n: string): string => d.quoteIdentifier(n);
  const outKind: TemporalKind = input.timeKind === 'timestamptz' ? 'timestamptz' : 'timestamp';
  // Buckets are aligned and the conversion is monotonic: convert the maximum, not every row.
  const last = d.utcBucket(`max(t.${q(BUCKET_COLUMN)})`, outKind, settings.grain);
  const from = settings.lookback ? `date_trunc('${settings.grain}', ${last} - ${d.interval(settings.lookback.amount, settings.lookback.unit)})` : last;
  const reach = maxReach(d, settings);
  const readFrom = reach ? `x.${q('_from')} - ${reach}` : `x.${q('_from')}`;
  return `select ${d.stableText(`x.${q('_from')}`, 'timestamp')} as ${q('from')}, ${d.stableText(readFrom, 'timestamp')} as ${q('read_from')}
from (select ${from} as ${q('_from')} from ${d.relation(target)} as t) as x`;
}

/** Bounds of an incremental run (ISO UTC instants): recompute buckets from `from`, reading events from `readFrom`. */
export interface IncrementalBounds {
  readonly from: string;
  readonly readFrom: string;
}

/**
 * One row per partition and bucket that has events, with each aggregation over each rolling
 * window ending with that bucket (or over the bucket alone, for resampling). Events are first
 * aggregated per bucket, then windows roll over buckets with `range` frames on the bucket time,
 * so a window covers a span of time, never a number of rows. With `bounds`, only events from
 * `readFrom` are read (a constant, so engines prune what they scan) and only buckets from `from`
 * are returned.
 */
export function windowedSql(input: WindowedSqlInput, bounds?: IncrementalBounds): string {
  const { dialect: d, settings } = input;
  const q = (n: string): string => d.quoteIdentifier(n);
  const partition = settings.partitionBy.map(q);
  const bucket = d.utcBucket(`s.${q(settings.timeColumn)}`, input.timeKind, settings.grain);
  const order = [q(settings.timeColumn), ...settings.orderBy];
  const double = d.typeName('double');
  const rolling = settings.windows.length > 0;

  // Per-bucket partial aggregates, named by column index to avoid clashes.
  const partial = new Map<string, string>();
  const need = (name: string, sql: string): string => {
    partial.set(name, sql);
    return q(name);
  };
  const columnIndex = new Map<string, number>();
  for (const spec of settings.aggregations) if (!columnIndex.has(spec.column)) columnIndex.set(spec.column, columnIndex.size);
  const c = (spec: AggregationSpec): { x: string; p: string } => ({ x: q(spec.column), p: `c${columnIndex.get(spec.column)}` });
  const partials = (spec: AggregationSpec): Record<string, string> => {
    const { x, p } = c(spec);
    switch (spec.fn) {
      case 'sum':
        return { sum: need(`${p}_sum`, `sum(${x})`) };
      case 'count':
        return { cnt: need(`${p}_cnt`, `count(${x})`) };
      case 'avg':
        return { sum: need(`${p}_sum`, `sum(${x})`), cnt: need(`${p}_cnt`, `count(${x})`) };
      case 'min':
        return { min: need(`${p}_min`, `min(${x})`) };
      case 'max':
        return { max: need(`${p}_max`, `max(${x})`) };
      case 'first':
        return { first: need(`${p}_first`, d.firstInGroup(x, order)) };
      case 'last':
        return { last: need(`${p}_last`, d.lastInGroup(x, order)) };
      case 'stddev':
        return rolling
          ? {
              n: need(`${p}_n`, `count(${x})`),
              s1: need(`${p}_s1`, `sum(cast(${x} as ${double}))`),
              s2: need(`${p}_s2`, `sum(cast(${x} as ${double}) * cast(${x} as ${double}))`),
            }
          : { sd: need(`${p}_sd`, `stddev_samp(cast(${x} as ${double}))`) };
    }
  };

  const windowDefs: string[] = [];
  const outputs: string[] = [];
  const windows = rolling ? settings.windows : [undefined];
  windows.forEach((window, i) => {
    const w = `w${i}`;
    if (window) {
      windowDefs.push(`${w} as (${partition.length ? `partition by ${partition.join(', ')} ` : ''}order by ${q('_bucket')} range between ${frameOffset(d, window, settings.grain)} and current row)`);
    }
    for (const spec of settings.aggregations) {
      const part = partials(spec);
      const roll = (fn: string, col: string): string => (window ? `${fn}(${col}) over ${w}` : col);
      let sql: string;
      switch (spec.fn) {
        case 'sum':
          sql = roll('sum', part.sum!);
          break;
        case 'count':
          sql = `cast(${roll('sum', part.cnt!)} as bigint)`;
          break;
        case 'avg':
          sql = `cast(${roll('sum', part.sum!)} as ${double}) / nullif(cast(${roll('sum', part.cnt!)} as ${double}), 0)`;
          break;
        case 'min':
          sql = roll('min', part.min!);
          break;
        case 'max':
          sql = roll('max', part.max!);
          break;
        case 'first':
          sql = roll('first_value', part.first!);
          break;
        case 'last':
          // The frame ends with the current bucket, so the window's last value is the bucket's.
          sql = part.last!;
          break;
        case 'stddev': {
          if (!window) {
            sql = part.sd!;
            break;
          }
          const n = `cast(${roll('sum', part.n!)} as ${double})`;
          const s1 = roll('sum', part.s1!);
          const s2 = roll('sum', part.s2!);
          sql = `case when ${n} > 1 then sqrt(greatest((${s2} - ${s1} * ${s1} / ${n}) / (${n} - 1), 0)) end`;
          break;
        }
      }
      outputs.push(`${sql} as ${q(outputName(spec, window))}`);
    }
  });

  const source = bounds
    ? `select s.* from (\n${input.sourceSql}\n) as s\n  where s.${q(settings.timeColumn)} >= ${instantLiteral(d, input.timeKind, bounds.readFrom)}`
    : `select s.* from (\n${input.sourceSql}\n) as s`;
  const bucketOut = input.timeKind === 'timestamptz' ? d.utcToTimestampTz(`r.${q('_bucket')}`) : `r.${q('_bucket')}`;
  const partitionOut = settings.partitionBy.map((p) => `r.${q(p)}`);
  const rolled = `select ${[...partition, q('_bucket'), ...outputs].join(',\n    ')}
  from buckets${windowDefs.length ? `\n  window ${windowDefs.join(',\n    ')}` : ''}`;
  const filter = bounds ? `\nwhere r.${q('_bucket')} >= ${d.timestampLiteral(bounds.from)}` : '';
  const names = outputColumns(settings).slice(settings.partitionBy.length + 1).map((n) => `r.${q(n)}`);
  return `with src as (
  ${source}
),
buckets as (
  select ${[...partition.map((p) => `s.${p}`), `${bucket} as ${q('_bucket')}`, ...[...partial].map(([name, sql]) => `${sql} as ${q(name)}`)].join(',\n    ')}
  from src as s
  group by ${[...partition.map((p) => `s.${p}`), bucket].join(', ')}
),
rolled as (
  ${rolled}
)
select ${[...partitionOut, `${bucketOut} as ${q(BUCKET_COLUMN)}`, ...names].join(', ')}
from rolled as r${filter}`;
}

/** A literal of the instant `iso` (UTC) comparable with a column of kind `kind`. */
export function instantLiteral(dialect: Dialect, kind: TemporalKind, iso: string): string {
  return kind === 'timestamptz' ? dialect.timestampTzLiteral(iso) : dialect.timestampLiteral(iso);
}
