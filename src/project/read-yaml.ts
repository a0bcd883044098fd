import { LineCounter, parseDocument, isMap, isSeq, type Node } from 'yaml';
import { StrataError } from '../shared/errors.js';

/** A parsed YAML file that can tell the line of any key path, for error messages. */
export interface YamlFile {
  readonly file: string;
  readonly data: unknown;
  lineOf(path: readonly (string | number)[]): number | undefined;
}

/** Parses YAML text; a syntax error becomes a StrataError naming the file and line. */
export function parseYaml(text: string, file: string): YamlFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const pos = first.linePos?.[0] ?? lineCounter.linePos(first.pos[0]);
    throw new StrataError('yaml_syntax', `invalid YAML: ${first.message.split('\n')[0]}`, {
      file,
      line: pos?.line,
      column: pos?.col,
    });
  }
  return {
    file,
    data: doc.toJS() as unknown,
    lineOf(path) {
      let node: unknown = doc.contents;
      let line: number | undefined = lineOfNode(node as Node | null, lineCounter);
      for (const key of path) {
        if (isMap(node)) {
          const pair = node.items.find((p) => String((p.key as { value?: unknown } | null)?.value) === String(key));
          if (!pair) break;
          line = lineOfNode(pair.key as Node, lineCounter) ?? line;
          node = pair.value;
        } else if (isSeq(node) && typeof key === 'number') {
          node = node.items[key];
          line = lineOfNode(node as Node, lineCounter) ?? line;
        } else break;
      }
      return line;
    },
  };
}

function lineOfNode(node: Node | null | undefined, counter: LineCounter): number | undefined {
  const start = node?.range?.[0];
  return start === undefined ? undefined : counter.linePos(start).line;
}
