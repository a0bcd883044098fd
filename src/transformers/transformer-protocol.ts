/** Messages between a transformer's worker and Strata (the parent thread). */

/** The methods the worker may call; each is checked by the parent against the transformer's declaration. */
export type TransformerMethod = 'read' | 'columns' | 'readPrevious' | 'write' | 'log';

export type WorkerMessage =
  | { readonly kind: 'call'; readonly id: number; readonly method: TransformerMethod; readonly args: readonly unknown[] }
  | { readonly kind: 'done' }
  | { readonly kind: 'failed'; readonly message: string; readonly stack?: string };

export type ParentMessage = { readonly kind: 'reply'; readonly id: number; readonly result?: unknown; readonly error?: string };

/** What the worker starts with. */
export interface TransformerWorkerData {
  /** file: URL of the bundled module. */
  readonly moduleUrl: string;
  readonly model: string;
}
