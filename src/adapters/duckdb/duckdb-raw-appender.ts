import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import { CsvAppendError, type Connection, type CsvAppend, type RawAppender } from '../contract.js';
import type { DuckdbDialect } from './duckdb-dialect.js';

/**
 * DuckDB reads landing CSV files itself (`read_csv`, gzip included), every field as text, and casts
 * in the same statement, so a load is one parallel pass. Streams are spooled to a temporary file first.
 */
export class DuckdbRawAppender implements RawAppender {
  readonly readsLocalFiles = true;

  constructor(private readonly dialect: DuckdbDialect) {}

  async appendCsv(connection: Connection, append: CsvAppend): Promise<number> {
    const spool = append.input.kind === 'stream' ? await spoolToFile(append.input.open()) : undefined;
    try {
      const source = spool ? { path: spool.file, gzip: false } : (append.input as { path: string; gzip: boolean });
      const d = this.dialect;
      const names = append.columns.map((c) => d.quoteIdentifier(c.name));
      const values = append.columns.map((c, i) => (c.type === 'text' ? names[i]! : `cast(nullif(${names[i]!}, '') as ${d.typeName(c.type)})`));
      if (append.rowNumberColumn) {
        names.push(d.quoteIdentifier(append.rowNumberColumn));
        values.push('ordinality');
      }
      for (const constant of append.constants) {
        names.push(d.quoteIdentifier(constant.name));
        values.push(`cast(${d.quoteLiteral(constant.value)} as ${d.typeName(constant.type)})`);
      }
      const read = this.readCsv(append, source);
      const sql = `insert into ${d.relation(append.target)} (${names.join(', ')})\nselect ${values.join(', ')} from ${read}${append.rowNumberColumn ? ' with ordinality' : ''}`;
      const driver = driverOf(connection);
      const interrupt = (): void => driver?.interrupt();
      append.signal?.addEventListener('abort', interrupt);
      try {
        if (append.signal?.aborted) throw new CsvAppendError('the load was cancelled', { kind: 'other' });
        return (await connection.execute(sql)) ?? 0;
      } catch (error) {
        throw translateError(error);
      } finally {
        append.signal?.removeEventListener('abort', interrupt);
      }
    } finally {
      if (spool) await rm(spool.dir, { recursive: true, force: true });
    }
  }

  async locateBadValue(connection: Connection, append: CsvAppend): Promise<{ record: number; column: string; value: string } | undefined> {
    if (append.input.kind !== 'file') return undefined;
    const d = this.dialect;
    const read = this.readCsv(append, append.input);
    let found: { record: number; column: string; value: string } | undefined;
    for (const column of append.columns) {
      if (column.type === 'text') continue;
      const name = d.quoteIdentifier(column.name);
      const result = await connection.query(
        `select ordinality as r, ${name} as v from ${read} with ordinality
         where ${name} <> '' and try_cast(${name} as ${d.typeName(column.type)}) is null order by ordinality limit 1`,
      );
      const row = result.rows[0];
      if (row && (!found || Number(row.r) < found.record)) found = { record: Number(row.r), column: column.name, value: String(row.v) };
    }
    return found;
  }

  private readCsv(append: CsvAppend, source: { path: string; gzip: boolean }): string {
    const d = this.dialect;
    const columns = append.columns.map((c) => `${d.quoteLiteral(c.name)}: 'VARCHAR'`).join(', ');
    return `read_csv(${d.quoteLiteral(source.path)}, header = true, auto_detect = false, delim = ${d.quoteLiteral(append.delimiter)},
      quote = '"', escape = '"', allow_quoted_nulls = false, strict_mode = true, null_padding = false,
      compression = ${source.gzip ? "'gzip'" : "'none'"}, max_line_size = ${Math.max(append.maxLineBytes + 2, 4096)}, columns = {${columns}})`;
  }
}

function driverOf(connection: Connection): DuckDBConnection | undefined {
  const inner = (connection as { connection?: DuckDBConnection }).connection;
  return inner && typeof inner.interrupt === 'function' ? inner : undefined;
}

/** Writes a stream to a new temporary file (removed by the caller with its folder). */
async function spoolToFile(stream: NodeJS.ReadableStream): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'strata-load-'));
  const file = path.join(dir, 'rows.csv');
  try {
    await pipeline(stream, createWriteStream(file));
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return { dir, file };
}

/** DuckDB's CSV errors name the record as `Line: N` (header = 1); conversions in the SELECT name only the value. */
function translateError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const message = error.message;
  const csv = /CSV Error on Line: (\d+)/.exec(message);
  if (csv) {
    const record = Number(csv[1]) - 1;
    const fields = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(message);
    if (fields) return new CsvAppendError(`expected ${fields[1]} fields, found ${fields[2]}`, { kind: 'shape', record });
    const size = /Maximum line size of (\d+) bytes exceeded/.exec(message);
    if (size) return new CsvAppendError('line too long', { kind: 'shape', record });
    if (/unterminated quote/i.test(message)) return new CsvAppendError('a quoted field is not closed', { kind: 'shape', record });
    const detail = message.split('\n').find((l, i) => i > 1 && l.trim() !== '')?.trim() ?? message;
    return new CsvAppendError(detail, { kind: 'shape', record });
  }
  const conversion = /Could not convert string ['"](.*?)['"] to '?([A-Z0-9(), ]+?)'?(?: when casting from source column (.+))?$/m.exec(message);
  if (/Conversion Error/.test(message) && conversion) {
    return new CsvAppendError(`cannot convert '${conversion[1]}' to ${conversion[2]}`, { kind: 'conversion', value: conversion[1], column: conversion[3] });
  }
  if (/interrupted/i.test(message)) return new CsvAppendError('the load was cancelled', { kind: 'other' });
  return new CsvAppendError(message.split('\n')[0] ?? message, { kind: 'other' });
}
