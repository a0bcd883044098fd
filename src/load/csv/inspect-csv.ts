import type { Readable } from 'node:stream';
import { csvRecords } from './csv-records.js';

/** Where a data record starts, or the first structural problem met on the way to it. */
export interface RecordInspection {
  readonly line: number | undefined;
  /** A problem found at or before the record (field count, quoting), in words. */
  readonly problem?: string;
}

/**
 * Reads a CSV up to data record `record` (1-based; header excluded) to give an engine's error a
 * physical line, and a message that is the same on every engine when the record's shape is wrong.
 */
export async function inspectCsvRecord(input: Readable, delimiter: string, record: number | undefined): Promise<RecordInspection> {
  let width: number | undefined;
  try {
    for await (const r of csvRecords(input, delimiter)) {
      if (width === undefined) {
        width = r.fields.length;
        continue;
      }
      if (r.fields.length !== width) return { line: r.line, problem: `expected ${width} fields (as in the header), found ${r.fields.length}` };
      if (record !== undefined && r.index === record) return { line: r.line };
    }
  } catch (error) {
    const e = error as { message?: string; where?: { line?: number } };
    if (e.where) return { line: e.where.line, problem: e.message };
    throw error;
  }
  return { line: undefined };
}
