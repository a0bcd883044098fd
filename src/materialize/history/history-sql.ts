import type { ColumnDescription, Dialect } from '../../adapters/contract.js';
import type { Relation } from '../../manifest/types.js';
import type { HistorySettings } from '../../manifest/strategy-settings.js';
import { trackedHashSql } from './hash-sql.js';
import type { HistoryShape } from './history-shape.js';

/** What the history SQL is generated from. */
export interface HistorySqlInput {
  readonly dialect: Dialect;
  /** The model's compiled SELECT over the raw source. */
  readonly sourceSql: string;
  readonly shape: HistoryShape;
  readonly settings: HistorySettings;
  /** Columns the history table has but the query no longer returns: NULL in new versions. */
  readonly extraColumns: readonly ColumnDescription[];
  /** Columns the query returns but the history table does not have yet (added by this run). */
  readonly newColumns: ReadonlySet<string>;
  /** Load date (ISO) → the lineage a deletion at that date records (the smallest load id, as text, and file of the date). */
  readonly deletionLineage: ReadonlyMap<string, { readonly loadId: string; readonly sourceFile: string }>;
}

/** Shared spellings: quoted names, column lists, key predicates. */
export class HistorySql {
  readonly d: Dialect;
  constructor(readonly input: HistorySqlInput) {
    this.d = input.dialect;
  }

  q(name: string): string {
    return this.d.quoteIdentifier(name);
  }

  /** Entity columns of the history table: the query's, then those only the table still has. */
  get entityColumns(): readonly ColumnDescription[] {
    return [...this.input.shape.entity, ...this.input.extraColumns];
  }

  /** All columns of the history table, in order. */
  get outputColumns(): readonly string[] {
    return [...this.entityColumns.map((c) => c.name), '_valid_from', '_valid_to', '_is_current', '_is_deleted', '_hash', '_load_id', '_source_file', '_source_row'];
  }

  /** Entity columns read from the history table (aliased `alias`): NULL for those it does not have yet. */
  entityFromHistory(alias: string): string {
    return this.entityColumns
      .map((c) => (this.input.newColumns.has(c.name) ? `cast(null as ${c.type}) as ${this.q(c.name)}` : `${alias}.${this.q(c.name)}`))
      .join(', ');
  }

  /** The deletion lineage of a load date as typed literals (`_load_id`, `_source_file`). */
  deletionLiterals(date: string): { loadId: string; sourceFile: string } {
    const lineage = this.input.deletionLineage.get(date);
    if (!lineage) throw new Error(`no load dated ${date} in raw`);
    return {
      loadId: `cast(${this.d.quoteLiteral(lineage.loadId)} as ${this.input.shape.lineageTypes._load_id})`,
      sourceFile: `cast(${this.d.quoteLiteral(lineage.sourceFile)} as ${this.input.shape.lineageTypes._source_file})`,
    };
  }

  keyList(alias = ''): string {
    return this.input.shape.key.map((k) => `${alias}${this.q(k)}`).join(', ');
  }

  keyMatch(left: string, right: string): string {
    return this.input.shape.key.map((k) => `${left}.${this.q(k)} = ${right}.${this.q(k)}`).join(' and ');
  }

  /** The raw rows (entity columns and lineage), optionally only those loaded at or after `from`, or exactly at `at`. */
  sourceCte(filter: { from?: string; at?: string }): string {
    const cols = [...this.input.shape.entity.map((c) => this.q(c.name)), '_load_id', '_load_date', '_source_file', '_source_row'].map((c) => (c.startsWith('"') ? c : this.q(c)));
    const where = filter.at
      ? `\n  where ${this.q('_load_date')} = ${this.d.timestampTzLiteral(filter.at)}`
      : filter.from
        ? `\n  where ${this.q('_load_date')} >= ${this.d.timestampTzLiteral(filter.from)}`
        : '';
    return `select ${cols.join(', ')}\n  from (\n${this.input.sourceSql}\n  ) as strata_raw${where}`;
  }

  /** One row per key and load date (the first in `deduplicate_by` order, else the last row of the last file), with its hash. */
  presentCte(sourceName: string): string {
    const q = (n: string): string => this.q(n);
    const order = [...this.input.settings.deduplicateBy, `${q('_source_file')} desc`, `${q('_source_row')} desc`];
    const columns = [
      ...this.entityColumns.map((c) => ({ sql: this.input.extraColumns.includes(c) ? `cast(null as ${c.type})` : q(c.name), alias: c.name })),
      ...['_load_id', '_source_file', '_source_row'].map((n) => ({ sql: q(n), alias: n })),
      { sql: q('_load_date'), alias: '_at' },
      { sql: trackedHashSql(this.d, this.input.shape.tracked), alias: '_hash' },
      { sql: 'false', alias: '_is_deleted' },
    ];
    return this.d.firstRowPerGroup(columns, sourceName, [...this.input.shape.key.map(q), q('_load_date')], order);
  }

  /** The event columns carried through the CTEs. */
  eventColumns(alias = ''): string {
    return [...this.entityColumns.map((c) => c.name), '_load_id', '_source_file', '_source_row', '_at', '_hash', '_is_deleted'].map((c) => `${alias}${this.q(c)}`).join(', ');
  }

  /** The final projection: version intervals from the ordered versions. */
  versionProjection(from: string): string {
    const w = `over (partition by ${this.keyList()} order by ${this.q('_at')})`;
    const entity = this.entityColumns.map((c) => this.q(c.name)).join(', ');
    return `select ${entity},
    ${this.q('_at')} as ${this.q('_valid_from')},
    lead(${this.q('_at')}) ${w} as ${this.q('_valid_to')},
    lead(${this.q('_at')}) ${w} is null as ${this.q('_is_current')},
    ${this.q('_is_deleted')}, ${this.q('_hash')}, ${this.q('_load_id')}, ${this.q('_source_file')}, ${this.q('_source_row')}
  from ${from}`;
  }
}

/**
 * The versions of every key with raw rows at or after `from` (all keys without `from`), as one
 * set-based SELECT. With `history`, each such key starts from its version in effect just before
 * `from` (re-emitted with a recomputed `_valid_to`). A snapshot feed closes a key's version at the
 * first later load that lacks the key (a `_is_deleted` row); a key that comes back opens a new
 * version. Consecutive events with the same state make one version.
 */
export function versionsSql(input: HistorySqlInput, options: { from?: string; history?: Relation } = {}): string {
  const s = new HistorySql(input);
  const { q, d } = { q: (n: string) => s.q(n), d: s.d };
  const snapshot = input.settings.sourceLoad === 'snapshot';
  const incremental = options.from !== undefined && options.history !== undefined;
  const ctes: string[] = [];
  ctes.push(`src as (\n  ${s.sourceCte({ from: options.from })}\n)`);
  ctes.push(`present as (\n  ${s.presentCte('src')}\n)`);
  if (snapshot) {
    // The load dates in order, each with the lineage a deletion at that date records (as appendSql's).
    const dates = [...input.deletionLineage.keys()].filter((date) => options.from === undefined || date >= options.from).sort();
    const rows = dates.map((date, i) => {
      const lineage = s.deletionLiterals(date);
      return `(${d.timestampTzLiteral(date)}, ${lineage.loadId}, ${lineage.sourceFile}, ${i + 1})`;
    });
    const names = ['_at', '_load_id', '_source_file', '_n'].map(q).join(', ');
    ctes.push(
      rows.length
        ? `loads as (\n  select * from (values ${rows.join(',\n    ')}) as v(${names})\n)`
        : `loads as (\n  select cast(null as timestamp with time zone) as ${q('_at')}, cast(null as ${input.shape.lineageTypes._load_id}) as ${q('_load_id')}, cast(null as text) as ${q('_source_file')}, 0 as ${q('_n')} where false\n)`,
    );
  }
  const seq = (expr: string): string => (snapshot ? `, ${expr} as ${q('_n')}` : '');
  const presentEvents = snapshot
    ? `select ${s.eventColumns('p.')}${seq(`l.${q('_n')}`)} from present p join loads l on l.${q('_at')} = p.${q('_at')}`
    : `select ${s.eventColumns()} from present`;
  if (incremental) {
    const from = d.timestampTzLiteral(options.from!);
    const h = d.relation(options.history!);
    ctes.push(`base as (
  select ${s.entityFromHistory('h')}, h.${q('_load_id')}, h.${q('_source_file')}, h.${q('_source_row')},
    h.${q('_valid_from')} as ${q('_at')}, h.${q('_hash')}, h.${q('_is_deleted')}${seq('0')}
  from ${h} as h
  where ${q('_valid_from')} < ${from} and (${q('_valid_to')} is null or ${q('_valid_to')} >= ${from})${
    // A delta feed changes only the keys it carries; in a snapshot feed a missing key is news too.
    snapshot ? '' : `\n    and exists (select 1 from present p where ${s.keyMatch('p', 'h')})`
  }
)`);
    ctes.push(`events as (\n  ${presentEvents}\n  union all\n  select * from base\n)`);
  } else {
    ctes.push(`events as (\n  ${presentEvents}\n)`);
  }
  let eventsName = 'events';
  if (snapshot) {
    const entity = s.entityColumns.map((c) => `g.${q(c.name)}`).join(', ');
    ctes.push(`gaps as (
  select e.*, lead(${q('_n')}) over (partition by ${s.keyList()} order by ${q('_at')}) as ${q('_next_n')} from events e
)`);
    ctes.push(`deletions as (
  select ${entity}, l.${q('_load_id')}, l.${q('_source_file')}, cast(null as ${input.shape.lineageTypes._source_row}) as ${q('_source_row')},
    l.${q('_at')}, g.${q('_hash')}, true as ${q('_is_deleted')}, l.${q('_n')}
  from gaps g join loads l on l.${q('_n')} = g.${q('_n')} + 1
  where not g.${q('_is_deleted')} and (g.${q('_next_n')} is null or g.${q('_next_n')} <> g.${q('_n')} + 1)
)`);
    ctes.push(`all_events as (
  select ${s.eventColumns()}, ${q('_n')} from gaps
  union all
  select * from deletions
)`);
    eventsName = 'all_events';
  }
  ctes.push(`changes as (
  select a.*, lag(${q('_hash')}) over w as ${q('_prev_hash')}, lag(${q('_is_deleted')}) over w as ${q('_prev_deleted')}
  from ${eventsName} a
  window w as (partition by ${s.keyList()} order by ${q('_at')})
)`);
  ctes.push(`versions as (
  select ${s.eventColumns()} from changes
  where ${q('_prev_deleted')} is null or ${q('_is_deleted')} <> ${q('_prev_deleted')} or ${q('_hash')} <> ${q('_prev_hash')}
)`);
  return `with ${ctes.join(',\n')}\n${s.versionProjection('versions')}`;
}

/**
 * One row per key of the load date `date` (deduplicated, with its hash): the first step of
 * `appendSql`, staged as a table because the step reads it twice (a real table rather than a
 * CTE, so engines neither recompute nor spill it).
 */
export function presentAtSql(input: HistorySqlInput, date: string): string {
  const s = new HistorySql(input);
  return `with src as (\n  ${s.sourceCte({ at: date })}\n)\n${s.presentCte('src')}`;
}

/**
 * The rows one new load date adds when it is later than every applied load (the classic SCD2
 * step), from the staged rows of that date (`presentAtSql`): a new current version for each key
 * whose values differ from its current version (or that has none, or is deleted), and for a
 * snapshot feed a `_is_deleted` version for each live key the load lacks (two SELECTs, written
 * one after the other). The current versions these keys had are closed at `date` by the caller.
 */
export function appendSql(input: HistorySqlInput, options: { date: string; history: Relation; present: Relation }): string[] {
  const s = new HistorySql(input);
  const q = (n: string): string => s.q(n);
  const d = s.d;
  const at = d.timestampTzLiteral(options.date);
  const h = d.relation(options.history);
  const present = d.relation(options.present);
  const entity = s.entityColumns.map((c) => q(c.name));
  const opened = `select ${entity.map((c) => `n.${c}`).join(', ')}, n.${q('_at')} as ${q('_valid_from')}, cast(null as timestamp with time zone) as ${q('_valid_to')}, true as ${q('_is_current')},
    false as ${q('_is_deleted')}, n.${q('_hash')}, n.${q('_load_id')}, n.${q('_source_file')}, n.${q('_source_row')}
  from ${present} n
  left join ${h} c on ${s.keyMatch('c', 'n')} and c.${q('_valid_to')} is null
  where c.${q(input.shape.key[0]!)} is null or c.${q('_is_deleted')} or c.${q('_hash')} <> n.${q('_hash')}`;
  if (input.settings.sourceLoad !== 'snapshot') return [opened];
  const lineage = s.deletionLiterals(options.date);
  const deleted = `select ${s.entityFromHistory('h')}, ${at} as ${q('_valid_from')}, cast(null as timestamp with time zone) as ${q('_valid_to')}, true as ${q('_is_current')},
    true as ${q('_is_deleted')}, h.${q('_hash')}, ${lineage.loadId} as ${q('_load_id')}, ${lineage.sourceFile} as ${q('_source_file')}, cast(null as ${input.shape.lineageTypes._source_row}) as ${q('_source_row')}
  from ${h} as h
  where h.${q('_valid_to')} is null and not h.${q('_is_deleted')}
    and not exists (select 1 from ${present} n where ${s.keyMatch('n', 'h')})`;
  return [opened, deleted];
}
