/**
 * What a transformer model exports (as `export default`), for authors of `models/**.ts` files:
 *
 * ```ts
 * import type { Transformer } from 'stratasql/transformer'; // published by the package (exports)
 *
 * const transformer: Transformer = {
 *   inputs: { refs: ['stg_trades'] },
 *   columns: { instrument_id: 'integer', ewma_price: 'double' },
 *   async transform(ctx) {
 *     const rows = await ctx.read('stg_trades', { columns: ['instrument_id', 'price'] });
 *     await ctx.write(rows.map((r) => ({ instrument_id: r.instrument_id, ewma_price: Number(r.price) })));
 *   },
 * };
 * export default transformer;
 * ```
 */

/** A value read from or written to a table: numbers that need precision (bigint, decimal) arrive as strings. */
export type TransformerValue = string | number | boolean | null | TransformerValue[] | { [key: string]: TransformerValue };
export type TransformerRow = Record<string, TransformerValue>;

/** What `transform` receives: typed access to its inputs and its own tables, nothing else. */
export interface TransformerContext {
  /** The model's name. */
  readonly model: string;
  /** Rows of a declared input (`stg_trades`, `market.trades`), optionally only some columns, ordered, or limited. */
  read(input: string, options?: { readonly columns?: readonly string[]; readonly orderBy?: readonly string[]; readonly limit?: number }): Promise<TransformerRow[]>;
  /** Columns of a declared input. */
  columns(input: string): Promise<{ name: string; type: string }[]>;
  /** Rows its own table holds from its previous successful run (the main output, or one of `tables`); empty the first time. */
  readPrevious(table?: string): Promise<TransformerRow[]>;
  /** Appends rows to this run's output (or to one of `tables`); keys must be declared columns, missing ones are NULL. */
  write(rows: readonly TransformerRow[], options?: { readonly table?: string }): Promise<void>;
  /** A line for the run's log. */
  log(message: string): void;
}

/** A model written in TypeScript or JavaScript. */
export interface Transformer {
  /** What it reads: models and seeds by name, sources as `source_name.table_name`. */
  readonly inputs: { readonly refs?: readonly string[]; readonly sources?: readonly string[] };
  /** Its output columns and their types (`integer`, `bigint`, `double`, `decimal(18,4)`, `text`, `boolean`, `date`, `timestamp`, `timestamptz`, `json`). */
  readonly columns: Readonly<Record<string, string>>;
  /** Further tables of its own, by name → columns (e.g. state carried between runs). */
  readonly tables?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Model config, as in `{{ config() }}`: `schema`, `alias`, `tags`, `grants`, `meta`; `materialized` may only be `table`. */
  readonly config?: Readonly<Record<string, unknown>>;
  readonly description?: string;
  /** Seconds before the worker is stopped (default 300). */
  readonly timeoutSeconds?: number;
  /** Heap limit of the worker in MiB (default 512). */
  readonly memoryMb?: number;
  /** Environment variables (credentials) the worker may see; it sees no others. */
  readonly env?: readonly string[];
  transform(context: TransformerContext): Promise<void> | void;
}

/** Identity helper for type inference in `.ts` files: `export default defineTransformer({ ... })`. */
export function defineTransformer(transformer: Transformer): Transformer {
  return transformer;
}
