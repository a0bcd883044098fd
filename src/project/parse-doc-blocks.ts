import type { DocBlock } from './types.js';

const DOC_BLOCK = /\{%-?\s*docs\s+([A-Za-z_][A-Za-z0-9_]*)\s*-?%\}([\s\S]*?)\{%-?\s*enddocs\s*-?%\}/g;

/** The `{% docs name %}…{% enddocs %}` blocks of a Markdown file. */
export function parseDocBlocks(text: string, path: string): DocBlock[] {
  return [...text.matchAll(DOC_BLOCK)].map((m) => ({ name: m[1]!, text: m[2]!.trim(), path }));
}
