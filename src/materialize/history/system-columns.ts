import { LINEAGE_COLUMNS } from '../../load/lineage-columns.js';

/** The raw layer's lineage columns (see src/load/lineage-columns.ts): never tracked as attributes. */
export const RAW_SYSTEM_COLUMNS: ReadonlySet<string> = new Set(LINEAGE_COLUMNS.map((c) => c.name));

/** Lineage columns a history model's query must return, with what they hold. */
export const REQUIRED_LINEAGE = ['_load_id', '_load_date', '_source_file', '_source_row'] as const;

/** Columns a history table adds after the entity's own, in this order. */
export const HISTORY_COLUMNS = ['_valid_from', '_valid_to', '_is_current', '_is_deleted', '_hash', '_load_id', '_source_file', '_source_row'] as const;
export type HistoryColumn = (typeof HISTORY_COLUMNS)[number];

/** Versioning columns a history table adds (the lineage ones come from the raw row). */
export const VERSION_COLUMNS: ReadonlySet<string> = new Set(['_valid_from', '_valid_to', '_is_current', '_is_deleted', '_hash']);
