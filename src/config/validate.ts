import type { z } from 'zod';
import { StrataError, StrataErrors } from '../shared/errors.js';
import type { YamlFile } from '../project/read-yaml.js';

/** Where a value being validated came from, so errors can name file, line and key path. */
export interface ValueOrigin {
  readonly file: string;
  readonly yaml?: YamlFile;
  /** Key path of the value inside the file. */
  readonly path?: readonly (string | number)[];
  readonly line?: number;
  readonly node?: string;
}

/** Parses `value` with `schema`; every issue becomes an error naming the key and what is allowed. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, origin: ValueOrigin): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = result.error.issues.map((issue) => {
    const path = [...(origin.path ?? []), ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
    // An unknown key is reported at the key itself, not at the object holding it.
    if (issue.code === 'unrecognized_keys' && issue.keys.length === 1) path.push(issue.keys[0]!);
    const key = path.join('.');
    return new StrataError('invalid_config', describeIssue(issue), {
      file: origin.file,
      line: origin.yaml?.lineOf(path) ?? origin.line,
      key: key || undefined,
      node: origin.node,
    });
  });
  throw errors.length === 1 ? errors[0]! : new StrataErrors(errors);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return issue.message;
  }
}
