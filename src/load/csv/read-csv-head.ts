import type { Readable } from 'node:stream';
import { ColumnProfiler } from '../../seeds/infer-column-type.js';
import { LoadFileError } from '../load-file-error.js';
import { csvRecords } from './csv-records.js';

/** The header of a CSV file and the types its columns suggest in the rows read. */
export interface CsvHead {
  readonly header: readonly string[];
  readonly profiles: ReadonlyMap<string, ColumnProfiler>;
  /** Whether every row was read (the profiles then cover the whole file). */
  readonly complete: boolean;
  readonly rowsRead: number;
}

/**
 * Reads the header and up to `maxRows` data rows (all of them when `maxRows` is Infinity),
 * profiling the values of `profile` columns. A row with a different number of fields than the
 * header fails with its line; an empty file fails.
 */
export async function readCsvHead(input: Readable, delimiter: string, maxRows: number, profile: (name: string) => boolean): Promise<CsvHead> {
  let header: string[] | undefined;
  const profiles = new Map<string, ColumnProfiler>();
  let indexes: [number, ColumnProfiler][] = [];
  let rows = 0;
  let complete = true;
  for await (const record of csvRecords(input, delimiter)) {
    if (!header) {
      header = record.fields.map((f) => f ?? '');
      for (const [i, name] of header.entries()) {
        if (!profile(name)) continue;
        const p = new ColumnProfiler();
        profiles.set(name, p);
        indexes.push([i, p]);
      }
      if (maxRows === 0) {
        complete = false;
        break;
      }
      continue;
    }
    if (record.fields.length !== header.length) {
      throw new LoadFileError(`expected ${header.length} fields (as in the header), found ${record.fields.length}`, { line: record.line }, 'shape');
    }
    for (const [i, p] of indexes) {
      const value = record.fields[i];
      if (value != null) p.add(value);
    }
    rows += 1;
    if (rows >= maxRows) {
      complete = false;
      break;
    }
  }
  if (!header) throw new LoadFileError('the file is empty: it has no header row', { line: 1 }, 'shape');
  indexes = [];
  return { header, profiles, complete, rowsRead: rows };
}
