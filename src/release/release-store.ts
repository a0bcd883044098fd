import type { Adapter, Connection, Grants, LogicalType, RelationKind, Row } from '../adapters/contract.js';
import type { Relation } from '../manifest/types.js';

/** One model or seed of a release: the physical relation it serves and how it is published. */
export interface ReleaseModel {
  readonly uniqueId: string;
  readonly name: string;
  readonly kind: 'model' | 'seed';
  readonly materialized: string;
  readonly fingerprint: string;
  readonly physical: Relation;
  /** The configured schema of its public view, or null for the target's schema. */
  readonly schema: string | null;
  /** The name of its public view. */
  readonly identifier: string;
  /** Its schema as the project named it on the target it was built on (naming rules applied), and that target's schema. */
  readonly logicalSchema?: string;
  readonly targetSchema?: string;
  readonly grants: Grants;
  /** Whether the release reused a physical relation an earlier release built. */
  readonly reused: boolean;
}

/** Counts a release reports: what it built and reused, and how its tests went. */
export interface ReleaseSummary {
  readonly models: number;
  readonly built: number;
  readonly reused: number;
  readonly tests: { readonly pass: number; readonly warn: number; readonly fail: number; readonly skip: number };
  /** Names of the failed tests that block a release (critical, or every error with `test_gate: error`). */
  readonly blockingFailures: readonly string[];
  /** Models and seeds that failed to build. */
  readonly buildErrors: readonly string[];
  /** For a release rebuilt on another database: models whose row counts differ from the original's. */
  readonly mismatches?: readonly string[];
}

export type ReleaseStatus = 'success' | 'failed';

/** A release as recorded in the metadata schema of the database it was built on. */
export interface ReleaseRecord {
  readonly releaseId: string;
  /** The environment it was built for. */
  readonly environment: string;
  readonly target: string;
  readonly version: string;
  readonly commit: string;
  readonly dirty: boolean;
  readonly status: ReleaseStatus;
  /** ISO 8601 UTC. */
  readonly createdAt: string;
  readonly summary: ReleaseSummary;
  /** Model or seed name → rows of its physical relation. */
  readonly rowCounts: Readonly<Record<string, number>>;
  readonly models: readonly ReleaseModel[];
  /** Hash of the project's files, to recognise the same project elsewhere. */
  readonly filesHash: string;
  /** When it was rebuilt from a release of another database: that database's target. */
  readonly origin: string | null;
  /** Set once retention dropped the physical relations only it used. */
  readonly droppedAt: string | null;
}

/** A promotion (or rollback) of an environment to a release. */
export interface PromotionRecord {
  readonly environment: string;
  readonly releaseId: string;
  readonly action: 'promote' | 'rollback';
  /** The release that was live before, if any. */
  readonly replacedReleaseId: string | null;
  readonly promotedAt: string;
  /** The OS user who ran the command. */
  readonly promotedBy: string;
}

/** A physical relation holding one version (fingerprint) of a model. */
export interface PhysicalRecord {
  readonly fingerprint: string;
  readonly uniqueId: string;
  readonly relation: Relation;
  readonly kind: RelationKind;
  readonly rows: number | null;
  /** Increases with build order: dropping in decreasing order never drops a relation before what reads it. */
  readonly seq: number;
  readonly builtBy: string;
}

type Table = Record<string, LogicalType>;
type TableName = 'releases' | 'promotions' | 'physical_relations';

const TABLES: Record<TableName, Table> = {
  releases: {
    release_id: 'text', environment: 'text', target: 'text', version: 'text', git_commit: 'text', dirty: 'boolean', status: 'text', created_at: 'timestamptz',
    summary: 'text', row_counts: 'text', models: 'text', files_hash: 'text', origin: 'text', dropped_at: 'timestamptz',
  },
  promotions: { environment: 'text', release_id: 'text', action: 'text', replaced_release_id: 'text', promoted_at: 'timestamptz', promoted_by: 'text' },
  physical_relations: { fingerprint: 'text', unique_id: 'text', schema_name: 'text', identifier: 'text', kind: 'text', row_count: 'bigint', seq: 'bigint', built_by: 'text' },
};

type Value = string | number | boolean | null | { readonly instant: string };

/**
 * Releases, promotions and physical relations, kept in the metadata schema of the database they
 * live in, written through the dialect so it works on every engine. Tables are created on first use.
 */
export class ReleaseStore {
  constructor(
    private readonly adapter: Adapter,
    readonly schema: string,
  ) {}

  /** Creates the schema and tables when missing. */
  async ensure(connection: Connection): Promise<void> {
    const d = this.adapter.dialect;
    await connection.execute(d.createSchema(this.schema));
    for (const [table, columns] of Object.entries(TABLES)) {
      const list = Object.entries(columns).map(([name, type]) => `${d.quoteIdentifier(name)} ${d.typeName(type)}`);
      await connection.execute(`create table if not exists ${this.relation(table as TableName)} (${list.join(', ')})`);
    }
  }

  /** Every release recorded here, oldest first. */
  async releases(connection: Connection): Promise<ReleaseRecord[]> {
    const result = await connection.query(
      `select release_id, environment, target, version, git_commit, dirty, status, ${this.instant('created_at')} as created_at, summary, row_counts, models,
              files_hash, origin, ${this.instant('dropped_at')} as dropped_at
       from ${this.relation('releases')} order by created_at, release_id`,
    );
    return result.rows.map(toRelease);
  }

  /** Saves a release, replacing an earlier record of the same id built for the same environment. */
  async saveRelease(connection: Connection, release: ReleaseRecord): Promise<void> {
    const d = this.adapter.dialect;
    await connection.transaction(async () => {
      await connection.execute(
        `delete from ${this.relation('releases')} where release_id = ${d.quoteLiteral(release.releaseId)} and environment = ${d.quoteLiteral(release.environment)}`,
      );
      await this.insert(connection, 'releases', [
        [
          release.releaseId, release.environment, release.target, release.version, release.commit, release.dirty, release.status, { instant: release.createdAt },
          JSON.stringify(release.summary), JSON.stringify(release.rowCounts), JSON.stringify(release.models), release.filesHash, release.origin,
          release.droppedAt === null ? null : { instant: release.droppedAt },
        ],
      ]);
    });
  }

  /** Marks releases as dropped by retention. */
  async markDropped(connection: Connection, releaseIds: readonly string[], at: string): Promise<void> {
    if (releaseIds.length === 0) return;
    const d = this.adapter.dialect;
    await connection.execute(
      `update ${this.relation('releases')} set dropped_at = ${d.timestampTzLiteral(at)}
       where dropped_at is null and release_id in (${releaseIds.map((id) => d.quoteLiteral(id)).join(', ')})`,
    );
  }

  /** Every promotion and rollback, oldest first. */
  async promotions(connection: Connection): Promise<PromotionRecord[]> {
    const result = await connection.query(
      `select environment, release_id, action, replaced_release_id, ${this.instant('promoted_at')} as promoted_at, promoted_by
       from ${this.relation('promotions')} order by promoted_at`,
    );
    return result.rows.map((r) => ({
      environment: String(r.environment),
      releaseId: String(r.release_id),
      action: r.action === 'rollback' ? 'rollback' : 'promote',
      replacedReleaseId: r.replaced_release_id === null || r.replaced_release_id === undefined ? null : String(r.replaced_release_id),
      promotedAt: isoOf(r.promoted_at) ?? '',
      promotedBy: String(r.promoted_by),
    }));
  }

  /** Records a promotion; call it inside the transaction that repoints the views. */
  async recordPromotion(connection: Connection, promotion: PromotionRecord): Promise<void> {
    await this.insert(connection, 'promotions', [
      [promotion.environment, promotion.releaseId, promotion.action, promotion.replacedReleaseId, { instant: promotion.promotedAt }, promotion.promotedBy],
    ]);
  }

  /** Every physical relation recorded here. */
  async physical(connection: Connection): Promise<PhysicalRecord[]> {
    const result = await connection.query(`select * from ${this.relation('physical_relations')} order by seq`);
    return result.rows.map((r) => ({
      fingerprint: String(r.fingerprint),
      uniqueId: String(r.unique_id),
      relation: { schema: String(r.schema_name), identifier: String(r.identifier) },
      kind: r.kind === 'view' ? 'view' : 'table',
      rows: r.row_count === null || r.row_count === undefined ? null : Number(r.row_count),
      seq: Number(r.seq),
      builtBy: String(r.built_by),
    }));
  }

  /** Records physical relations a release built (replacing records of the same fingerprints). */
  async recordPhysical(connection: Connection, records: readonly PhysicalRecord[]): Promise<void> {
    if (records.length === 0) return;
    await connection.transaction(async () => {
      await this.forgetPhysical(connection, records.map((r) => r.fingerprint));
      await this.insert(
        connection,
        'physical_relations',
        records.map((r) => [r.fingerprint, r.uniqueId, r.relation.schema, r.relation.identifier, r.kind, r.rows, r.seq, r.builtBy]),
      );
    });
  }

  /** Forgets physical relations (once dropped). */
  async forgetPhysical(connection: Connection, fingerprints: readonly string[]): Promise<void> {
    if (fingerprints.length === 0) return;
    const d = this.adapter.dialect;
    await connection.execute(`delete from ${this.relation('physical_relations')} where fingerprint in (${fingerprints.map((f) => d.quoteLiteral(f)).join(', ')})`);
  }

  private relation(table: TableName): string {
    return this.adapter.dialect.relation({ schema: this.schema, identifier: table });
  }

  /** A timestamptz column as UTC text that depends on no session setting. */
  private instant(column: string): string {
    return this.adapter.dialect.stableText(this.adapter.dialect.quoteIdentifier(column), 'timestamptz');
  }

  private async insert(connection: Connection, table: TableName, rows: readonly (readonly Value[])[]): Promise<void> {
    if (rows.length === 0) return;
    const d = this.adapter.dialect;
    const types = Object.values(TABLES[table]);
    const literal = (v: Value, i: number): string => {
      if (v === null) return 'null';
      if (typeof v === 'boolean') return v ? 'true' : 'false';
      if (typeof v === 'number') return String(v);
      if (typeof v === 'object') return d.timestampTzLiteral(v.instant);
      return `cast(${d.quoteLiteral(v)} as ${d.typeName(types[i]!)})`;
    };
    await connection.execute(`insert into ${this.relation(table)} values ${rows.map((row) => `(${row.map(literal).join(', ')})`).join(', ')}`);
  }
}

function toRelease(r: Row): ReleaseRecord {
  return {
    releaseId: String(r.release_id),
    environment: String(r.environment),
    target: String(r.target),
    version: String(r.version),
    commit: String(r.git_commit),
    dirty: r.dirty === true || r.dirty === 'true' || r.dirty === 't',
    status: r.status === 'success' ? 'success' : 'failed',
    createdAt: isoOf(r.created_at) ?? '',
    summary: JSON.parse(String(r.summary)) as ReleaseSummary,
    rowCounts: JSON.parse(String(r.row_counts)) as Record<string, number>,
    models: JSON.parse(String(r.models)) as ReleaseModel[],
    filesHash: String(r.files_hash),
    origin: r.origin === null || r.origin === undefined ? null : String(r.origin),
    droppedAt: isoOf(r.dropped_at),
  };
}

/** `2024-05-01 10:00:00.123456` (UTC, from `stableText`) → ISO 8601 with milliseconds. */
function isoOf(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = String(value).trim().replace(' ', 'T');
  const date = new Date(/[zZ]|[+-]\d\d(:?\d\d)?$/.test(text) ? text : `${text}Z`);
  return Number.isNaN(date.getTime()) ? String(value) : date.toISOString();
}
