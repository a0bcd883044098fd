import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** bench/RESULTS.md, where every benchmark keeps one section (STRATA_BENCH_RESULTS names another file, for trial runs). */
export const RESULTS_FILE = process.env.STRATA_BENCH_RESULTS ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'RESULTS.md');

const HEADER = `# Strata benchmarks

Written by \`npm run bench\` (bench/run-all.ts). Each benchmark rewrites only its own section, between
its \`<!-- bench:NAME -->\` and \`<!-- /bench:NAME -->\` markers; text outside the markers is kept.
`;

/**
 * Replaces the section of `name` in RESULTS.md with `body` (markers included), or appends the
 * section when it is not there yet. Other sections and any text outside markers are left as they are.
 */
export function writeResultsSection(name: string, body: string, file: string = RESULTS_FILE): void {
  const open = `<!-- bench:${name} -->`;
  const close = `<!-- /bench:${name} -->`;
  const section = `${open}\n${body.trim()}\n${close}`;
  const text = existsSync(file) ? readFileSync(file, 'utf8') : HEADER;
  const start = text.indexOf(open);
  const end = start < 0 ? -1 : text.indexOf(close, start);
  const next =
    start >= 0 && end >= 0
      ? text.slice(0, start) + section + text.slice(end + close.length)
      : `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, next);
}

/** A Markdown table from a header row and body rows. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
