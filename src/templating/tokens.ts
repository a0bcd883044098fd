/**
 * Placeholders that `ref()`, `source()` and `this` render to in the capture pass. Models are
 * rendered once; after every node's config is known the placeholders are replaced by quoted
 * relation names, so no template is rendered twice. The NUL delimiters cannot occur in SQL text.
 */
const DELIMITER = '\u0000';
const TOKEN = /\u0000(ref|src|this):([^\u0000|]*)(?:\|(schema|identifier|database))?\u0000/g;

export type TokenKind = 'ref' | 'src' | 'this';

/** A part of a relation a template reads as text (`{{ this.schema }}`, `{{ ref('x').identifier }}`). */
export type RelationPart = 'schema' | 'identifier' | 'database';

export function refToken(name: string): string {
  return `${DELIMITER}ref:${name}${DELIMITER}`;
}

export function sourceToken(source: string, table: string): string {
  return `${DELIMITER}src:${source}.${table}${DELIMITER}`;
}

export const THIS_TOKEN = `${DELIMITER}this:${DELIMITER}`;

/** The kind and value of a whole placeholder (`ref('x')` prints one), or undefined for other text. */
export function parseToken(text: string): { kind: TokenKind; value: string } | undefined {
  const m = /^\u0000(ref|src|this):([^\u0000|]*)\u0000$/.exec(text);
  return m ? { kind: m[1] as TokenKind, value: m[2]! } : undefined;
}

/** The placeholder of one part of the relation a placeholder stands for. */
export function partToken(token: string, part: RelationPart): string {
  return token.startsWith(DELIMITER) && token.endsWith(DELIMITER) ? `${token.slice(0, -1)}|${part}${DELIMITER}` : token;
}

/**
 * Replaces every placeholder using `resolve(kind, value)`. Placeholders of a relation's part
 * (`{{ this.schema }}`) need `part(kind, value, part)`; without it they are an error.
 */
export function replaceTokens(
  sql: string,
  resolve: (kind: TokenKind, value: string) => string,
  part?: (kind: TokenKind, value: string, part: RelationPart) => string,
): string {
  if (!sql.includes(DELIMITER)) return sql;
  return sql.replace(TOKEN, (_match, kind: TokenKind, value: string, which: RelationPart | undefined) => {
    if (which === undefined) return resolve(kind, value);
    if (!part) throw new Error(`a relation's ${which} cannot be used here`);
    return part(kind, value, which);
  });
}

/** A relation's schema, identifier and database when they are known at render time. */
export interface KnownRelation {
  readonly schema: string;
  readonly identifier: string;
  readonly database?: string;
}

/**
 * A relation as templates see it: prints as its placeholder, exposes its name, schema and
 * identifier like dbt's Relation (as placeholders until relations are resolved, or as text when
 * `known`).
 */
export class TemplateRelation {
  constructor(
    private readonly token: string,
    readonly name: string,
    readonly known?: KnownRelation,
  ) {}

  get identifier(): string {
    return this.known?.identifier ?? partToken(this.token, 'identifier');
  }

  get schema(): string {
    return this.known?.schema ?? partToken(this.token, 'schema');
  }

  get database(): string {
    return this.known?.database ?? partToken(this.token, 'database');
  }

  /** dbt's `relation.table` and `relation.name` are the identifier. */
  get table(): string {
    return this.identifier;
  }

  toString(): string {
    return this.token;
  }
}
