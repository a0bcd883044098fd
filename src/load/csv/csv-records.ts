import type { Readable } from 'node:stream';
import { parse, type CastingContext } from 'csv-parse';
import { LoadFileError } from '../load-file-error.js';

/** One CSV record: its fields (with `nulls`, NULL for an unquoted empty field), the physical line it starts on, its raw text when asked. */
export interface CsvRecord {
  readonly fields: readonly (string | null)[];
  /** 0 for the header, then 1, 2, ... */
  readonly index: number;
  readonly line: number;
  readonly raw?: string;
}

/**
 * Parses CSV from a byte stream, one record at a time (bounded memory). Records may have any
 * number of fields (callers check against the header). Structural errors (a quote not closed,
 * text after a closing quote) end it with a LoadFileError naming the line.
 */
export async function* csvRecords(input: Readable, delimiter: string, options: { raw?: boolean; nulls?: boolean } = {}): AsyncGenerator<CsvRecord> {
  const parser = parse({
    delimiter,
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    info: true,
    raw: options.raw ?? false,
    // Telling NULL from '' needs a cast callback, which makes parsing several times slower: only when asked.
    ...(options.nulls ? { cast: (value: string, context: CastingContext) => (value === '' && !context.quoting ? null : value) } : {}),
  });
  input.on('error', (error) => parser.destroy(error));
  input.pipe(parser);
  let index = 0;
  let previousEnd = 0;
  try {
    for await (const item of parser as AsyncIterable<{ record: (string | null)[]; info: { lines: number }; raw?: string }>) {
      const line = previousEnd + 1;
      previousEnd = item.info.lines;
      yield { fields: item.record, index, line, raw: item.raw };
      index += 1;
    }
  } catch (error) {
    throw asLoadError(error, previousEnd + 1);
  } finally {
    input.unpipe(parser);
    input.destroy();
    parser.destroy();
  }
}

function asLoadError(error: unknown, line: number): unknown {
  if (error instanceof LoadFileError) return error;
  const e = error as { code?: string; lines?: number; message?: string };
  if (typeof e.code !== 'string' || !e.code.startsWith('CSV_')) return error;
  const at = e.lines ?? line;
  switch (e.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return new LoadFileError(`a quoted field opened on line ${line} is never closed (is the file truncated?)`, { line }, 'shape');
    case 'CSV_INVALID_CLOSING_QUOTE':
      return new LoadFileError('a quoted field is followed by text instead of a delimiter or the end of the line', { line: at }, 'shape');
    case 'CSV_INVALID_OPENING_QUOTE':
      return new LoadFileError('a quote appears inside an unquoted field', { line: at }, 'shape');
    default:
      return new LoadFileError((e.message ?? e.code).replace(/ at line \d+.*$/, ''), { line: at }, 'shape');
  }
}

/**
 * Checks a header: names present, unique and not reserved. Returns the problem as a message, or
 * undefined when the header is fine.
 */
export function headerProblem(header: readonly (string | null)[], reserved: ReadonlySet<string>): string | undefined {
  const seen = new Set<string>();
  for (const [i, name] of header.entries()) {
    if (name === null || name.trim() === '') return `column ${i + 1} of the header has no name`;
    if (seen.has(name)) return `column '${name}' appears twice in the header`;
    if (reserved.has(name)) return `column '${name}' uses a name the loader reserves for lineage`;
    seen.add(name);
  }
  return undefined;
}
