import { StrataError } from '../shared/errors.js';

/** One `{% snapshot name %}…{% endsnapshot %}` block of a file. */
export interface SnapshotBlock {
  readonly name: string;
  /**
   * The file's text with everything outside the block's body blanked (newlines kept), so the
   * body renders as a template whose lines are the file's lines.
   */
  readonly text: string;
  /** 1-based line of the opening tag. */
  readonly line: number;
}

const BLOCK = /\{%-?\s*snapshot\s+([A-Za-z_][A-Za-z0-9_]*)\s*-?%\}([\s\S]*?)\{%-?\s*endsnapshot\s*-?%\}/g;

/** The snapshot blocks of a file in the snapshots folder (dbt's format). A file with none is an error. */
export function parseSnapshotBlocks(text: string, file: string): SnapshotBlock[] {
  const blocks: SnapshotBlock[] = [];
  for (const match of text.matchAll(BLOCK)) {
    const bodyStart = match.index + match[0].indexOf('%}') + 2;
    const bodyEnd = bodyStart + match[2]!.length;
    blocks.push({ name: match[1]!, text: blank(text, bodyStart, bodyEnd), line: lineAt(text, match.index) });
  }
  if (blocks.length === 0 && text.trim() !== '') {
    throw new StrataError('bad_snapshot', 'no {% snapshot name %} … {% endsnapshot %} block in this file', { file });
  }
  return blocks;
}

function blank(text: string, start: number, end: number): string {
  const keepNewlines = (s: string): string => s.replace(/[^\n]/g, '');
  return keepNewlines(text.slice(0, start)) + text.slice(start, end) + keepNewlines(text.slice(end));
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i += 1) if (text.charCodeAt(i) === 10) line += 1;
  return line;
}
