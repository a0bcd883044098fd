/**
 * Why one landing file could not be loaded, located in the file: `line` is the physical line
 * (1-based), `record` the data row when the line is not known yet. The loader records it as the
 * file's `failed` entry; it never stops the other files.
 */
export class LoadFileError extends Error {
  constructor(
    message: string,
    readonly where: { readonly line?: number; readonly record?: number; readonly column?: string } = {},
    /** `conversion` errors of inferred columns may be retried with types learned from the whole file. */
    readonly kind: 'shape' | 'conversion' | 'limit' | 'other' = 'other',
  ) {
    super(message);
    this.name = 'LoadFileError';
  }
}
