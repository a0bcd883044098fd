import type { LogicalType } from '../adapters/contract.js';

/** Columns every raw row carries, after the file's own columns. */
export const LINEAGE_COLUMNS = [
  { name: '_load_id', type: 'bigint' },
  { name: '_load_date', type: 'timestamptz' },
  { name: '_loaded_at', type: 'timestamptz' },
  { name: '_source_file', type: 'text' },
  { name: '_source_row', type: 'bigint' },
] as const satisfies readonly { name: string; type: LogicalType }[];

export const SOURCE_ROW = '_source_row';

/** Names a landing file's own columns may not use. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set(LINEAGE_COLUMNS.map((c) => c.name));

/** The values of the constant lineage columns of one load. */
export interface LoadStamp {
  readonly loadId: number;
  /** The logical load date. */
  readonly loadDate: Date;
  /** Wall clock at the start of the file's load. */
  readonly loadedAt: Date;
  /** The file's path as recorded (relative to the project when inside it). */
  readonly sourceFile: string;
}

/** The constant lineage columns as typed literals for an append. */
export function lineageConstants(stamp: LoadStamp): { name: string; type: LogicalType; value: string }[] {
  return [
    { name: '_load_id', type: 'bigint', value: String(stamp.loadId) },
    { name: '_load_date', type: 'timestamptz', value: stamp.loadDate.toISOString() },
    { name: '_loaded_at', type: 'timestamptz', value: stamp.loadedAt.toISOString() },
    { name: '_source_file', type: 'text', value: stamp.sourceFile },
  ];
}
