import { StrataError } from '../shared/errors.js';

/**
 * Turns a Nunjucks error into a StrataError naming the file and line. Nunjucks reports lines
 * inconsistently (1-based for output errors, 0-based for failed calls), so the line is
 * corrected against the source where the failing name can be found.
 */
export function templateError(error: unknown, file: string, source: string): StrataError {
  if (error instanceof StrataError) {
    return error.location.file ? error : new StrataError(error.code, error.message, { ...error.location, file }, error.category);
  }
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof StrataError) {
    return new StrataError(cause.code, cause.message, { file, line: lineFromMessage(error) ?? lineOfQuoted(cause.message, source) }, cause.category);
  }
  const raw = error instanceof Error ? error.message : String(error);
  const body = raw.replace(/^\([^)]*\)( \[Line \d+, Column \d+\])?\s*/, '').replace(/^\w*Error: /, '').trim();
  let line = lineFromMessage(error);
  const call = /Unable to call `([^`]+)`/.exec(body);
  const lines = source.split('\n');
  if (call && line !== undefined) {
    const name = call[1]!;
    const found = [line + 1, line].find((l) => lines[l - 1]?.includes(name));
    line = found ?? line + 1;
    return new StrataError('template_error', `'${name}' is not defined (no such macro or function)`, { file, line });
  }
  if (body.startsWith('attempted to output null or undefined value') && line !== undefined) {
    const text = lines[line - 1]?.trim() ?? '';
    return new StrataError('template_error', `undefined variable in \`${text}\``, { file, line });
  }
  const message = body.split('\n')[0] ?? body;
  // An error thrown by a function the template called (ref, var, exceptions.raise_compiler_error, …)
  // carries the 0-based line of the call.
  const thrown = /^\([^)]*\)( \[Line \d+, Column \d+\])?\s*(StrataError|MacroReturn): /.exec(raw);
  if (thrown && line !== undefined) line += 1;
  return new StrataError('template_error', message.replace(/^MacroReturn: /, ''), { file, line: line ?? lineOfQuoted(message, source) });
}

/** Nunjucks loses the line of errors thrown inside functions: find the first quoted name of the message in the source. */
function lineOfQuoted(message: string, source: string): number | undefined {
  const quoted = /'([^']+)'/.exec(message)?.[1];
  if (!quoted) return undefined;
  const index = source.split('\n').findIndex((l) => l.includes(`'${quoted}'`) || l.includes(`"${quoted}"`));
  return index < 0 ? undefined : index + 1;
}

function lineFromMessage(error: unknown): number | undefined {
  const match = /\[Line (\d+), Column \d+\]/.exec(error instanceof Error ? error.message : '');
  return match ? Number(match[1]) : undefined;
}
