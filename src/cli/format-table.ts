import type { QueryResult, SqlValue } from '../adapters/contract.js';

function cell(value: SqlValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** A query result as an aligned text table with a row count. */
export function formatTable(result: QueryResult, maxRows = 500): string {
  const names = result.columns.map((c) => c.name);
  const rows = result.rows.slice(0, maxRows).map((row) => names.map((n) => cell(row[n] ?? null)));
  const widths = names.map((n, i) => Math.min(60, Math.max(n.length, ...rows.map((r) => r[i]!.length))));
  const fit = (text: string, width: number): string => (text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => fit(c, widths[i]!)).join(' | ')} |`;
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  const more = result.rows.length > maxRows ? `\n(${result.rows.length - maxRows} more rows not shown)` : '';
  return [line(names), rule, ...rows.map(line)].join('\n') + `\n(${result.rows.length} row${result.rows.length === 1 ? '' : 's'})${more}`;
}
