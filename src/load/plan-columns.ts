import type { LogicalType } from '../adapters/contract.js';
import { sameType, typeLabel } from './parse-type-name.js';

/** A column of a raw table and its type. */
export interface TypedColumn {
  readonly name: string;
  readonly type: LogicalType;
}

/** How a file's columns meet the raw table: what is loaded, added, left NULL, or why the file fails. */
export type ColumnPlan =
  | {
      readonly ok: true;
      /** The file's columns in its order, each with the type it is loaded as. */
      readonly columns: readonly TypedColumn[];
      /** Columns the raw table does not have yet (all of them when it does not exist): added as nullable. */
      readonly added: readonly TypedColumn[];
      /** Raw table columns this file does not have: NULL in its rows. */
      readonly absent: readonly string[];
      /** Columns whose type was inferred from the file (the others are declared or already in raw). */
      readonly inferred: ReadonlySet<string>;
    }
  | { readonly ok: false; readonly message: string; readonly column: string };

export interface ColumnPlanInput {
  readonly fileColumns: readonly string[];
  readonly declared: readonly { readonly name: string; readonly type: LogicalType | undefined }[];
  /** The raw table's data columns (lineage excluded), undefined when the table does not exist yet. */
  readonly existing: readonly { readonly name: string; readonly type: LogicalType | undefined }[] | undefined;
  /** The type the file's values suggest for a column. */
  readonly inferred: (name: string) => LogicalType;
  readonly relation: string;
}

/**
 * Pure: decides each column's type. A declared column missing from the file fails it; a new
 * column is added (declared type, else inferred) and reported; a column raw has but the file lacks
 * is NULL for the file's rows; a declared type that differs from raw's fails (raw is never
 * retyped in place).
 */
export function planColumns(input: ColumnPlanInput): ColumnPlan {
  const inFile = new Set(input.fileColumns);
  for (const d of input.declared) {
    if (!inFile.has(d.name)) return { ok: false, column: d.name, message: `declared column '${d.name}' is missing from the file` };
  }
  const declared = new Map(input.declared.map((d) => [d.name, d.type]));
  const existing = new Map((input.existing ?? []).map((e) => [e.name, e.type]));
  const columns: TypedColumn[] = [];
  const added: TypedColumn[] = [];
  const inferred = new Set<string>();
  for (const name of input.fileColumns) {
    const declaredType = declared.get(name);
    if (existing.has(name)) {
      const rawType = existing.get(name) ?? 'text';
      if (declaredType && !sameType(declaredType, rawType)) {
        return {
          ok: false,
          column: name,
          message: `column '${name}' is declared ${typeLabel(declaredType)} but ${input.relation} stores it as ${typeLabel(rawType)} from earlier loads (raw columns are never retyped: load into a new source table or keep the type)`,
        };
      }
      columns.push({ name, type: rawType });
      continue;
    }
    let type = declaredType;
    if (!type) {
      type = input.inferred(name);
      inferred.add(name);
    }
    columns.push({ name, type });
    added.push({ name, type });
  }
  const absent = [...existing.keys()].filter((name) => !inFile.has(name));
  return { ok: true, columns, added, absent, inferred };
}
