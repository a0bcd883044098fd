import { Readable } from 'node:stream';

const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV line (with newline): NULL is an unquoted empty field, the empty string a quoted one. */
export function csvLine(values: readonly (string | null)[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) line += ',';
    if (v === null || v === undefined) continue;
    line += v === '' || NEEDS_QUOTES.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
  }
  return `${line}\n`;
}

/** A CSV byte stream (header, then rows) from rows produced one at a time; written in ~64 KiB pieces. */
export function csvStream(header: readonly string[], rows: () => AsyncIterable<readonly (string | null)[]>): Readable {
  async function* lines(): AsyncGenerator<string> {
    let buffer = csvLine(header);
    for await (const row of rows()) {
      buffer += csvLine(row);
      if (buffer.length >= 1 << 16) {
        yield buffer;
        buffer = '';
      }
    }
    if (buffer) yield buffer;
  }
  return Readable.from(lines(), { objectMode: false });
}
