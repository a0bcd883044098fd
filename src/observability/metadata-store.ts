import type { Adapter, Connection, LogicalType } from '../adapters/contract.js';
import type { Relation } from '../manifest/types.js';

/** One measured value of a node, e.g. the null rate of a column after a load. */
export interface MetricValue {
  readonly metric: string;
  /** Empty for table-level metrics such as the row count. */
  readonly column: string;
  readonly value: number;
}

/** One point of a metric series. */
export interface MetricPoint {
  readonly value: number;
  readonly measuredAt: string;
  readonly runId: string;
  readonly dataVersion: string;
}

/** A finished run as kept in the metadata schema. */
export interface RunRecord {
  readonly runId: string;
  readonly command: string;
  readonly target: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly status: 'success' | 'warning' | 'failure';
  readonly summary: Readonly<Record<string, number>>;
}

/** One node's outcome in a run, as kept in the metadata schema. */
export interface ResultRecord {
  readonly uniqueId: string;
  readonly kind: string;
  readonly status: string;
  readonly verdict?: string;
  readonly failures?: number;
  readonly rows?: number;
  readonly durationMs: number;
  readonly message?: string;
}

type Table = Record<string, LogicalType>;

const TABLES: Record<'runs' | 'node_results' | 'metrics', Table> = {
  runs: { run_id: 'text', command: 'text', target: 'text', started_at: 'timestamptz', finished_at: 'timestamptz', status: 'text', summary: 'text' },
  node_results: {
    run_id: 'text', unique_id: 'text', kind: 'text', status: 'text', verdict: 'text', failures: 'bigint', row_count: 'bigint', duration_ms: 'bigint', message: 'text',
  },
  metrics: { run_id: 'text', unique_id: 'text', metric: 'text', column_name: 'text', value: 'double', measured_at: 'timestamptz', data_version: 'text' },
};

/**
 * Strata's own history (runs, node results, metrics) in the metadata schema of the target,
 * written through the dialect so it works on every engine. Tables are created on first use.
 */
export class MetadataStore {
  constructor(
    private readonly adapter: Adapter,
    readonly schema: string,
  ) {}

  private relation(table: keyof typeof TABLES): string {
    return this.adapter.dialect.relation({ schema: this.schema, identifier: table } satisfies Relation);
  }

  /**
   * Creates the schema and the tables that are missing: one catalog query when they all exist, as
   * they do after the first run. Call once per process before parallel work.
   */
  async ensure(connection: Connection): Promise<void> {
    const present = new Set((await this.adapter.listRelations(connection, [this.schema])).map((r) => r.identifier));
    const missing = Object.entries(TABLES).filter(([table]) => !present.has(table));
    if (missing.length === 0) return;
    const d = this.adapter.dialect;
    await connection.execute(d.createSchema(this.schema));
    for (const [table, columns] of missing) {
      const list = Object.entries(columns).map(([name, type]) => `${d.quoteIdentifier(name)} ${d.typeName(type)}`);
      await connection.execute(`create table if not exists ${this.relation(table as keyof typeof TABLES)} (${list.join(', ')})`);
    }
  }

  /** Records a finished run and its node results; call inside a transaction, so they are kept together or not at all. */
  async recordRun(connection: Connection, run: RunRecord, results: readonly ResultRecord[]): Promise<void> {
    await this.insert(connection, 'runs', [[run.runId, run.command, run.target, run.startedAt, run.finishedAt, run.status, JSON.stringify(run.summary)]]);
    await this.insert(
      connection,
      'node_results',
      results.map((r) => [run.runId, r.uniqueId, r.kind, r.status, r.verdict ?? null, r.failures ?? null, r.rows ?? null, Math.round(r.durationMs), r.message ?? null]),
    );
  }

  /** Records metric values measured on one version of a node's data (a load id, or the run that built it). */
  async recordMetrics(connection: Connection, runId: string, uniqueId: string, values: readonly MetricValue[], measuredAt: string, dataVersion: string): Promise<void> {
    await this.insert(
      connection,
      'metrics',
      values.filter((v) => Number.isFinite(v.value)).map((v) => [runId, uniqueId, v.metric, v.column, v.value, measuredAt, dataVersion]),
    );
  }

  /** Values of one metric series, most recent first (at most `limit`). */
  async history(connection: Connection, uniqueId: string, metric: string, column: string, limit: number): Promise<MetricPoint[]> {
    const d = this.adapter.dialect;
    const result = await connection.query(
      `select value, measured_at, run_id, data_version from ${this.relation('metrics')}
       where unique_id = ${d.quoteLiteral(uniqueId)} and metric = ${d.quoteLiteral(metric)} and column_name = ${d.quoteLiteral(column)}
       order by measured_at desc limit ${Math.max(1, Math.floor(limit))}`,
    );
    return result.rows.map((r) => ({ value: Number(r.value), measuredAt: String(r.measured_at), runId: String(r.run_id), dataVersion: String(r.data_version) }));
  }

  /** Every metric series of the given nodes, each with its last `limit` points, oldest first. */
  async recentSeries(connection: Connection, uniqueIds: readonly string[], limit: number): Promise<Map<string, { metric: string; column: string; points: { value: number; measuredAt: string }[] }[]>> {
    const out = new Map<string, { metric: string; column: string; points: { value: number; measuredAt: string }[] }[]>();
    if (uniqueIds.length === 0) return out;
    const d = this.adapter.dialect;
    const ids = uniqueIds.map((id) => d.quoteLiteral(id)).join(', ');
    const result = await connection.query(
      `select unique_id, metric, column_name, value, measured_at from (
         select m.*, row_number() over (partition by unique_id, metric, column_name order by measured_at desc) as strata_rank
         from ${this.relation('metrics')} as m where unique_id in (${ids})
       ) as ranked where strata_rank <= ${Math.floor(limit)} order by unique_id, metric, column_name, measured_at`,
    );
    for (const row of result.rows) {
      const id = String(row.unique_id);
      const series = out.get(id) ?? [];
      let entry = series.find((s) => s.metric === row.metric && s.column === row.column_name);
      if (!entry) {
        entry = { metric: String(row.metric), column: String(row.column_name), points: [] };
        series.push(entry);
      }
      entry.points.push({ value: Number(row.value), measuredAt: String(row.measured_at) });
      out.set(id, series);
    }
    return out;
  }

  private async insert(connection: Connection, table: keyof typeof TABLES, rows: readonly (readonly (string | number | null)[])[]): Promise<void> {
    if (rows.length === 0) return;
    const d = this.adapter.dialect;
    const types = Object.values(TABLES[table]);
    const values = rows.map(
      (row) =>
        `(${row
          .map((v, i) => (v === null ? 'null' : typeof v === 'number' ? String(v) : `cast(${d.quoteLiteral(v)} as ${d.typeName(types[i]!)})`))
          .join(', ')})`,
    );
    await connection.execute(`insert into ${this.relation(table)} values ${values.join(', ')}`);
  }
}
