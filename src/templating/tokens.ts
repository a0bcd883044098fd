/**
 * Placeholders that `ref()`, `source()` and `this` render to in the capture pass. Models are
 * rendered once; after every node's config is known the placeholders are replaced by quoted
 * relation names, so no template is rendered twice. The NUL delimiters cannot occur in SQL text.
 */
const DELIMITER = '\u0000';
const TOKEN = /\u0000(ref|src|this):([^\u0000]*)\u0000/g;

export type TokenKind = 'ref' | 'src' | 'this';

export function refToken(name: string): string {
  return `${DELIMITER}ref:${name}${DELIMITER}`;
}

export function sourceToken(source: string, table: string): string {
  return `${DELIMITER}src:${source}.${table}${DELIMITER}`;
}

export const THIS_TOKEN = `${DELIMITER}this:${DELIMITER}`;

/** Replaces every placeholder using `resolve(kind, value)`. */
export function replaceTokens(sql: string, resolve: (kind: TokenKind, value: string) => string): string {
  if (!sql.includes(DELIMITER)) return sql;
  return sql.replace(TOKEN, (_match, kind: TokenKind, value: string) => resolve(kind, value));
}

/** A relation as templates see it: prints as its placeholder, exposes its name like dbt's Relation. */
export class TemplateRelation {
  constructor(
    private readonly token: string,
    readonly name: string,
  ) {}

  get identifier(): string {
    return this.name;
  }

  toString(): string {
    return this.token;
  }
}
