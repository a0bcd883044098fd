/** Where an error was found: as much of file, line, key path and node as is known. */
export interface ErrorLocation {
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly key?: string;
  readonly node?: string;
}

/**
 * Error categories, each mapped to an exit code by the CLI:
 * - `project`: the project or the command line is wrong (exit 2)
 * - `runtime`: the engine could not be reached or is locked (exit 2)
 * - `execution`: a model, seed or test failed (exit 1)
 */
export type ErrorCategory = 'project' | 'runtime' | 'execution';

/** A typed error with a stable code and a location, printed as `file:line: message`. */
export class StrataError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly location: ErrorLocation = {},
    readonly category: ErrorCategory = 'project',
  ) {
    super(message);
    this.name = 'StrataError';
  }

  /** The message prefixed with its location, ready to print. */
  describe(): string {
    return `${formatLocation(this.location)}${this.message}`;
  }
}

/** Several project errors gathered before exiting, so the user fixes them in one go. */
export class StrataErrors extends Error {
  constructor(readonly errors: readonly StrataError[]) {
    super(errors.map((e) => e.describe()).join('\n'));
    this.name = 'StrataErrors';
  }
}

/** `path:line:col: ` / `node: ` prefix for a location, empty when nothing is known. */
export function formatLocation(loc: ErrorLocation): string {
  const parts: string[] = [];
  if (loc.file) {
    let where = loc.file;
    if (loc.line !== undefined) where += `:${loc.line}`;
    if (loc.line !== undefined && loc.column !== undefined) where += `:${loc.column}`;
    parts.push(where);
  }
  if (loc.node) parts.push(`node ${loc.node}`);
  if (loc.key) parts.push(`key '${loc.key}'`);
  return parts.length ? `${parts.join(', ')}: ` : '';
}

/** The exit code a thrown value maps to (0 is never returned). */
export function exitCodeFor(error: unknown): 1 | 2 {
  if (error instanceof StrataErrors) return 2;
  if (error instanceof StrataError) return error.category === 'execution' ? 1 : 2;
  return 2;
}

/** A printable message for any thrown value. */
export function describeError(error: unknown): string {
  if (error instanceof StrataError || error instanceof StrataErrors) {
    return error instanceof StrataError ? error.describe() : error.message;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
