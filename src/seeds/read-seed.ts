import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { StrataError } from '../shared/errors.js';

/** A seed's header and columns of values, as text. */
export interface SeedTable {
  readonly header: readonly string[];
  readonly columns: readonly (readonly string[])[];
  readonly rowCount: number;
}

/** Reads a seed CSV; a malformed file is an error naming the file and line. */
export function readSeed(file: string, displayPath: string, delimiter: string): SeedTable {
  let records: string[][];
  try {
    records = parse(readFileSync(file), { delimiter, bom: true, relax_column_count: false, skip_empty_lines: true }) as string[][];
  } catch (error) {
    const err = error as { message?: string; lines?: number };
    throw new StrataError('bad_seed', `cannot read seed: ${err.message ?? String(error)}`, { file: displayPath, line: err.lines }, 'execution');
  }
  const [header, ...rows] = records;
  if (!header || header.length === 0) throw new StrataError('bad_seed', 'seed file is empty: it needs a header row', { file: displayPath }, 'execution');
  const duplicate = header.find((h, i) => header.indexOf(h) !== i);
  if (duplicate !== undefined) throw new StrataError('bad_seed', `duplicate column '${duplicate}' in the header`, { file: displayPath, line: 1 }, 'execution');
  const columns = header.map((_, i) => rows.map((r) => r[i] ?? ''));
  return { header, columns, rowCount: rows.length };
}
