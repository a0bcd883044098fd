import type { Adapter, Connection, LogicalType } from '../adapters/contract.js';
import type { Relation } from '../manifest/types.js';
import type { NodeState } from './node-state.js';

const COLUMNS = [
  { name: 'unique_id', type: 'text' },
  { name: 'checksum', type: 'text' },
  { name: 'input_versions', type: 'text' },
  { name: 'built_at', type: 'timestamptz' },
  { name: 'run_id', type: 'text' },
  { name: 'version', type: 'text' },
] as const satisfies readonly { name: string; type: LogicalType }[];

/**
 * Table `node_state` of the metadata schema: one row per model or seed, replaced after each of
 * its successful builds. Written through the dialect, so it works on every engine.
 */
export class NodeStateStore {
  readonly relation: Relation;

  constructor(
    private readonly adapter: Adapter,
    schema: string,
  ) {
    this.relation = { schema, identifier: 'node_state' };
  }

  /** Creates the schema and table when missing, after one catalog query (needs a writable session). */
  async ensure(connection: Connection): Promise<void> {
    if (await this.exists(connection)) return;
    const d = this.adapter.dialect;
    await connection.execute(d.createSchema(this.relation.schema));
    const columns = COLUMNS.map((c) => `${d.quoteIdentifier(c.name)} ${d.typeName(c.type)}`).join(', ');
    await connection.execute(`create table if not exists ${d.relation(this.relation)} (${columns})`);
  }

  /** Every recorded state; empty when the table does not exist (nothing was ever built with state). */
  async read(connection: Connection): Promise<Map<string, NodeState>> {
    if (!(await this.exists(connection))) return new Map();
    const d = this.adapter.dialect;
    const result = await connection.query(
      `select unique_id, checksum, input_versions, cast(built_at as ${d.typeName('text')}) as built_at, run_id, version from ${d.relation(this.relation)}`,
    );
    const out = new Map<string, NodeState>();
    for (const row of result.rows) {
      let inputs: Record<string, string> = {};
      try {
        inputs = JSON.parse(String(row.input_versions ?? '{}')) as Record<string, string>;
      } catch {
        // an unreadable row counts as inputs unknown: the node is rebuilt
      }
      out.set(String(row.unique_id), {
        uniqueId: String(row.unique_id),
        checksum: String(row.checksum),
        inputVersions: inputs,
        builtAt: String(row.built_at),
        runId: String(row.run_id),
        version: String(row.version),
      });
    }
    return out;
  }

  /** Replaces the rows of the given nodes; call inside a transaction, so all of them are replaced or none. */
  async record(connection: Connection, states: readonly NodeState[]): Promise<void> {
    const d = this.adapter.dialect;
    const table = d.relation(this.relation);
    for (let start = 0; start < states.length; start += 500) {
      const chunk = states.slice(start, start + 500);
      await connection.execute(`delete from ${table} where unique_id in (${chunk.map((s) => d.quoteLiteral(s.uniqueId)).join(', ')})`);
      const values = chunk.map(
        (s) =>
          `(${[s.uniqueId, s.checksum, JSON.stringify(s.inputVersions)].map((v) => d.quoteLiteral(v)).join(', ')}, cast(${d.quoteLiteral(s.builtAt)} as ${d.typeName('timestamptz')}), ${d.quoteLiteral(s.runId)}, ${d.quoteLiteral(s.version)})`,
      );
      await connection.execute(`insert into ${table} (${COLUMNS.map((c) => d.quoteIdentifier(c.name)).join(', ')}) values ${values.join(', ')}`);
    }
  }

  private async exists(connection: Connection): Promise<boolean> {
    const present = await this.adapter.listRelations(connection, [this.relation.schema]);
    return present.some((r) => r.identifier === this.relation.identifier);
  }
}
