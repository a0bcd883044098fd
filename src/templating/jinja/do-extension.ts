import type nunjucks from 'nunjucks';

/** Name the extension is registered under; compiled templates refer to it, so it never changes. */
export const DO_EXTENSION_NAME = 'StrataDo';

interface ParserLike {
  nextToken(): { value: string; lineno: number; colno: number };
  parseExpression(): unknown;
  advanceAfterBlockEnd(name: string): void;
}

interface NodesLike {
  NodeList: new (lineno: number, colno: number, children: unknown[]) => unknown;
  CallExtension: new (ext: unknown, prop: string, args: unknown, contentArgs?: unknown[]) => unknown;
}

/** Jinja's `{% do expression %}`: evaluates the expression (e.g. `list.append(x)`) and outputs nothing. */
export class DoExtension {
  readonly tags = ['do'];

  parse(parser: ParserLike, nodes: NodesLike): unknown {
    const token = parser.nextToken();
    const expression = parser.parseExpression();
    parser.advanceAfterBlockEnd(token.value);
    return new nodes.CallExtension(this, 'run', new nodes.NodeList(token.lineno, token.colno, [expression]), []);
  }

  run(): string {
    return '';
  }
}

/** Registers `{% do %}` on an environment. */
export function addDoExtension(env: nunjucks.Environment): void {
  env.addExtension(DO_EXTENSION_NAME, new DoExtension() as unknown as nunjucks.Extension);
}
