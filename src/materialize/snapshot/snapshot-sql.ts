import type { ColumnDescription, Dialect } from '../../adapters/contract.js';
import type { Relation } from '../../manifest/types.js';
import type { SnapshotSettings } from '../../manifest/strategy-settings.js';

/** The columns a snapshot adds after the query's own, in dbt's order and with dbt's names. */
export const SNAPSHOT_COLUMNS = ['dbt_scd_id', 'dbt_updated_at', 'dbt_valid_from', 'dbt_valid_to'] as const;

/** What the snapshot SQL is generated from. */
export interface SnapshotSqlInput {
  readonly dialect: Dialect;
  /** The snapshot's compiled SELECT: the current state of the rows. */
  readonly sourceSql: string;
  readonly settings: SnapshotSettings;
  readonly uniqueKey: readonly string[];
  /** The columns the query returns. */
  readonly columns: readonly ColumnDescription[];
  /** Names of the snapshot table's columns, when it exists (`check_cols: all` compares the columns both have). */
  readonly existingColumns?: ReadonlySet<string>;
}

/**
 * SQL of dbt's snapshot strategies, spelt through the dialect:
 * - `timestamp`: a key's row changed when `updated_at` is later than its current version's
 *   `dbt_valid_from`; the new version starts (and the old one ends) at that `updated_at`;
 * - `check`: a row changed when any check column differs (NULL-aware); versions start and end at
 *   the run's time.
 * `dbt_scd_id` is md5 of the key and the version's start, as dbt computes it.
 */
export class SnapshotSql {
  private readonly d: Dialect;

  constructor(private readonly input: SnapshotSqlInput) {
    this.d = input.dialect;
  }

  private q(name: string): string {
    return this.d.quoteIdentifier(name);
  }

  /** The run's time, as dbt's snapshot_get_time(): a timestamp without time zone. */
  private get now(): string {
    return 'cast(current_timestamp as timestamp)';
  }

  /** The expression a version's start comes from, over the query's rows aliased `alias`. */
  updatedAt(alias: string): string {
    const { settings } = this.input;
    return settings.strategy === 'timestamp' && settings.updatedAt ? `${alias}.${this.q(settings.updatedAt)}` : this.now;
  }

  /** dbt's `snapshot_hash_arguments([key..., updated_at])`. */
  scdId(alias: string): string {
    const parts = [...this.input.uniqueKey.map((k) => `${alias}.${this.q(k)}`), this.updatedAt(alias)];
    return this.d.md5(parts.map((p) => `coalesce(cast(${p} as ${this.text}), '')`).join(` || '|' || `));
  }

  private get text(): string {
    return this.d.typeName('text');
  }

  private keyMatch(left: string, right: string): string {
    return this.input.uniqueKey.map((k) => `${left}.${this.q(k)} = ${right}.${this.q(k)}`).join(' and ');
  }

  /** Whether the query's row (`s`) differs from the snapshot's current version (`t`). */
  private rowChanged(): string {
    const { settings, columns } = this.input;
    if (settings.strategy === 'timestamp') return `t.${this.q('dbt_valid_from')} < ${this.updatedAt('s')}`;
    const existing = this.input.existingColumns;
    const checked = (settings.checkCols === 'all' ? columns.map((c) => c.name).filter((c) => !this.input.uniqueKey.includes(c)) : settings.checkCols).filter(
      (c) => !existing || existing.has(c),
    );
    if (checked.length === 0) return 'false';
    return checked.map((c) => `t.${this.q(c)} is distinct from s.${this.q(c)}`).join(' or ');
  }

  /** The first build: every row of the query as its first version. */
  initial(): string {
    const start = this.updatedAt('s');
    return `select s.*,
  ${this.scdId('s')} as ${this.q('dbt_scd_id')},
  ${start} as ${this.q('dbt_updated_at')},
  ${start} as ${this.q('dbt_valid_from')},
  nullif(${start}, ${start}) as ${this.q('dbt_valid_to')}
from (
${this.input.sourceSql}
) as s`;
  }

  /**
   * The changes of one run against the snapshot `target`, one row each: `insert` (a new key, or a
   * new version of a changed key: the query's columns and the new dbt_* values), `update` (the
   * current version of a changed key ends: `dbt_old_scd_id` and `dbt_valid_to`) and, with
   * `hard_deletes: invalidate`, `delete` (a key gone from the query ends now).
   */
  changes(target: Relation): string {
    const q = (n: string): string => this.q(n);
    const start = this.updatedAt('s');
    const cols = this.input.columns.map((c) => `s.${q(c.name)}`).join(', ');
    const changed = this.rowChanged();
    const parts = [
      `select 'insert' as ${q('dbt_change_type')}, ${cols}, ${this.scdId('s')} as ${q('dbt_scd_id')}, ${start} as ${q('dbt_updated_at')}, ${start} as ${q('dbt_valid_from')}, nullif(${start}, ${start}) as ${q('dbt_valid_to')}, cast(null as ${this.text}) as ${q('dbt_old_scd_id')}
  from snapshot_query as s
  left join current_versions as t on ${this.keyMatch('t', 's')}
  where t.${q('dbt_scd_id')} is null or (${changed})`,
      `select 'update', ${cols}, ${this.scdId('s')}, ${start}, ${start}, ${start}, t.${q('dbt_scd_id')}
  from snapshot_query as s
  join current_versions as t on ${this.keyMatch('t', 's')}
  where ${changed}`,
    ];
    if (this.input.settings.hardDeletes === 'invalidate') {
      parts.push(`select 'delete', ${cols}, t.${q('dbt_scd_id')}, ${this.now}, ${this.now}, ${this.now}, t.${q('dbt_scd_id')}
  from current_versions as t
  left join snapshot_query as s on ${this.keyMatch('t', 's')}
  where ${this.input.uniqueKey.map((k) => `s.${q(k)} is null`).join(' and ')}`);
    }
    return `with snapshot_query as (
${this.input.sourceSql}
),
current_versions as (
  select * from ${this.d.relation(target)} where ${q('dbt_valid_to')} is null
)
${parts.join('\nunion all\n')}`;
  }

  /** Ends the current versions the changes close (`update` and `delete` rows). */
  closeVersions(target: Relation, changes: Relation): string {
    const q = (n: string): string => this.q(n);
    return `update ${this.d.relation(target)} as t set ${q('dbt_valid_to')} = c.${q('dbt_valid_to')}
from ${this.d.relation(changes)} as c
where c.${q('dbt_old_scd_id')} = t.${q('dbt_scd_id')} and c.${q('dbt_change_type')} in ('update', 'delete') and t.${q('dbt_valid_to')} is null`;
  }

  /** Adds the new versions (`insert` rows), writing `columns` of the snapshot table. */
  insertVersions(target: Relation, changes: Relation, columns: readonly string[]): string {
    const list = columns.map((c) => this.q(c)).join(', ');
    return `insert into ${this.d.relation(target)} (${list})
select ${list} from ${this.d.relation(changes)} where ${this.q('dbt_change_type')} = 'insert'`;
  }
}
