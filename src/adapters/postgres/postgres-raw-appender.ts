import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { from as copyFrom } from 'pg-copy-streams';
import { StrataError } from '../../shared/errors.js';
import { CsvAppendError, type Connection, type CsvAppend, type RawAppender } from '../contract.js';
import { PostgresConnection } from './postgres-connection.js';
import type { PostgresDialect } from './postgres-dialect.js';

const ROW_SEQUENCE = 'strata_load_rows';

/**
 * PostgreSQL receives the CSV bytes by `COPY ... FROM STDIN` straight into the raw table. Lineage
 * constants and the record number come from column defaults set for this one COPY (a temporary
 * sequence numbers the records in order) and removed again in the same transaction, so the
 * server parses each row once and no row passes through SQL twice.
 */
export class PostgresRawAppender implements RawAppender {
  readonly readsLocalFiles = false;

  constructor(private readonly dialect: PostgresDialect) {}

  async appendCsv(connection: Connection, append: CsvAppend): Promise<number> {
    if (!(connection instanceof PostgresConnection)) throw new StrataError('internal', 'appendCsv needs a connection of the PostgreSQL adapter', {}, 'runtime');
    const d = this.dialect;
    const table = d.relation(append.target);
    const defaults: { column: string; value: string }[] = [];
    if (append.rowNumberColumn) {
      // Only this session draws from it, so cached values stay consecutive; the cache spares a sequence write per row.
      await connection.execute(`create temporary sequence ${ROW_SEQUENCE} cache 1000`);
      defaults.push({ column: d.quoteIdentifier(append.rowNumberColumn), value: `nextval('pg_temp.${ROW_SEQUENCE}')` });
    }
    for (const c of append.constants) defaults.push({ column: d.quoteIdentifier(c.name), value: `cast(${d.quoteLiteral(c.value)} as ${d.typeName(c.type)})` });
    const alter = (what: 'set' | 'drop'): string =>
      `alter table ${table} ${defaults.map((x) => `alter column ${x.column} ${what === 'set' ? `set default ${x.value}` : 'drop default'}`).join(', ')}`;
    if (defaults.length) await connection.execute(alter('set'));

    const names = append.columns.map((c) => d.quoteIdentifier(c.name));
    const typed = append.columns.filter((c) => c.type !== 'text').map((c) => d.quoteIdentifier(c.name));
    const options = [
      `format csv`,
      `header true`,
      `delimiter ${d.quoteLiteral(append.delimiter)}`,
      ...(typed.length ? [`force_null (${typed.join(', ')})`] : []),
      ...(append.createdInTransaction ? ['freeze true'] : []),
    ];
    const copy = connection.client.query(copyFrom(`copy ${table} (${names.join(', ')}) from stdin with (${options.join(', ')})`));
    const input = openInput(append);
    const abort = (): void => void input.destroy(new CsvAppendError('the load was cancelled', { kind: 'other' }));
    append.signal?.addEventListener('abort', abort);
    try {
      await pipeline(input, copy);
    } catch (error) {
      throw translateError(error);
    } finally {
      append.signal?.removeEventListener('abort', abort);
    }
    if (defaults.length) await connection.execute(alter('drop'));
    if (append.rowNumberColumn) await connection.execute(`drop sequence pg_temp.${ROW_SEQUENCE}`);
    return copy.rowCount;
  }

  /** COPY names the line and column of a bad value itself. */
  async locateBadValue(): Promise<undefined> {
    return undefined;
  }
}

function openInput(append: CsvAppend): Readable {
  if (append.input.kind === 'stream') return append.input.open();
  const file = createReadStream(append.input.path);
  return append.input.gzip ? file.pipe(createGunzip()) : file;
}

/** COPY's errors carry `where`: `COPY t, line 5, column qty: "abc"` (line 1 is the header). Other errors pass unchanged. */
function translateError(error: unknown): unknown {
  const pgError = error as { code?: string; where?: string; message?: string };
  if (!(error instanceof Error) || typeof pgError.code !== 'string' || !/^[0-9A-Z]{5}$/.test(pgError.code)) return error;
  const where = /line (\d+)(?:, column ([^:]+?))?(?:: "(.*)")?$/m.exec(pgError.where ?? '');
  const record = where ? Number(where[1]) - 1 : undefined;
  const column = where?.[2];
  const value = where?.[3];
  const missing = /missing data for column "(.*)"/.exec(error.message);
  if (pgError.code === '22P04' || missing) {
    const message = /extra data after last expected column/.test(error.message)
      ? 'more fields than the header has'
      : missing
        ? 'fewer fields than the header has'
        : /unterminated CSV quoted field/.test(error.message)
          ? 'a quoted field is not closed'
          : error.message;
    return new CsvAppendError(message, { kind: 'shape', record });
  }
  if (pgError.code.startsWith('22')) return new CsvAppendError(error.message, { kind: 'conversion', record, column, value });
  return new CsvAppendError(error.message, { kind: 'other', record });
}
