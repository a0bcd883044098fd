import { closeSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import type { GraphNode, SeedNode } from '../manifest/types.js';

/** Column names from each seed's CSV header (the first line), used when there is no catalog. */
export function seedHeaders(root: string, nodes: readonly GraphNode[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const node of nodes) {
    if (node.kind !== 'seed') continue;
    const header = readHeader(path.join(root, node.path), (node as SeedNode).config.delimiter);
    if (header) out.set(node.uniqueId, header);
  }
  return out;
}

function readHeader(file: string, delimiter: string): string[] | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const buffer = Buffer.alloc(64 * 1024);
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    const text = buffer.subarray(0, read).toString('utf8');
    const firstLine = text.split(/\r?\n/)[0] ?? '';
    const [header] = parseCsv(firstLine, { delimiter, bom: true }) as string[][];
    return header;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
