import type pg from 'pg';
import type { Connection, QueryResult, Row } from '../contract.js';
import { typeNameOf } from './type-parsers.js';

/** One PostgreSQL session. Errors leave it with secrets masked in their message. */
export class PostgresConnection implements Connection {
  constructor(
    /** The driver's client, for what the contract does not cover (COPY). */
    readonly client: pg.Client,
    private readonly mask: (text: string) => string,
  ) {}

  async query(sql: string): Promise<QueryResult> {
    const result = await this.run(sql);
    return {
      columns: result.fields.map((f) => ({ name: f.name, type: typeNameOf(f.dataTypeID, f.dataTypeModifier) })),
      rows: result.rows as Row[],
    };
  }

  async execute(sql: string): Promise<number | undefined> {
    const result = await this.run(sql);
    return result.rowCount ?? undefined;
  }

  async transaction<T>(work: () => Promise<T>): Promise<T> {
    await this.run('begin');
    try {
      const result = await work();
      await this.run('commit');
      return result;
    } catch (error) {
      await this.run('rollback').catch(() => undefined);
      throw error;
    }
  }

  close(): Promise<void> {
    return this.client.end();
  }

  /** Runs `sql` (several statements give the last one's result); the server's detail and hint join the message. */
  private async run(sql: string): Promise<pg.QueryResult> {
    try {
      const result = (await this.client.query(sql)) as pg.QueryResult | pg.QueryResult[];
      return Array.isArray(result) ? result[result.length - 1]! : result;
    } catch (error) {
      if (error instanceof Error) {
        const { detail, hint } = error as { detail?: string; hint?: string };
        error.message = this.mask([error.message, detail && `detail: ${detail}`, hint && `hint: ${hint}`].filter(Boolean).join('; '));
      }
      throw error;
    }
  }
}
