import jsYaml from 'js-yaml';
import { LineCounter, parseDocument, isMap, isSeq, type Document, type Node } from 'yaml';
import { StrataError } from '../shared/errors.js';
import { textKey } from '../shared/hash.js';
import type { YamlParseCache } from './yaml-parse-cache.js';

/** A parsed YAML file that can tell the line of any key path, for error messages. */
export interface YamlFile {
  readonly file: string;
  readonly data: unknown;
  lineOf(path: readonly (string | number)[]): number | undefined;
}

/**
 * Parses YAML text. The common case takes js-yaml's fast path (core schema: dates stay text);
 * line numbers are worked out with the `yaml` library only when an error needs one. A syntax
 * error becomes a StrataError naming the file and line. With a cache, unchanged text is not parsed again.
 */
export function parseYaml(text: string, file: string, cache?: YamlParseCache): YamlFile {
  const key = cache && textKey(text);
  let data = key === undefined ? undefined : cache!.get(key);
  if (data === undefined) {
    try {
      data = jsYaml.load(text, { schema: jsYaml.CORE_SCHEMA, filename: file });
    } catch {
      throw syntaxError(text, file);
    }
    if (key !== undefined) cache!.set(key, data);
  }
  let located: { doc: Document; counter: LineCounter } | undefined;
  return {
    file,
    data,
    lineOf(path) {
      located ??= locate(text);
      return lineAt(located.doc, located.counter, path);
    },
  };
}

function locate(text: string): { doc: Document; counter: LineCounter } {
  const counter = new LineCounter();
  return { doc: parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true }), counter };
}

function syntaxError(text: string, file: string): StrataError {
  const { doc, counter } = locate(text);
  const first = doc.errors[0];
  if (!first) return new StrataError('yaml_syntax', 'invalid YAML', { file });
  const pos = first.linePos?.[0] ?? counter.linePos(first.pos[0]);
  return new StrataError('yaml_syntax', `invalid YAML: ${first.message.split('\n')[0]}`, { file, line: pos.line, column: pos.col });
}

function lineAt(doc: Document, counter: LineCounter, path: readonly (string | number)[]): number | undefined {
  let node: unknown = doc.contents;
  let line = lineOfNode(node as Node | null, counter);
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => String((p.key as { value?: unknown } | null)?.value) === String(key));
      if (!pair) break;
      line = lineOfNode(pair.key as Node, counter) ?? line;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
      line = lineOfNode(node as Node, counter) ?? line;
    } else break;
  }
  return line;
}

function lineOfNode(node: Node | null | undefined, counter: LineCounter): number | undefined {
  const start = node?.range?.[0];
  return start === undefined ? undefined : counter.linePos(start).line;
}
