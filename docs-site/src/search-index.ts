import type { SearchData, SiteIndex } from '../../src/docs/site-data.js';
import { displayName } from './node-style.js';

const MAX_RESULTS = 40;

export interface SearchResult {
  readonly score: number;
  readonly node: number;
  readonly column?: string;
  /** Text shown under the name. */
  readonly context: string;
}

/**
 * Ranked matches of every word of `query` in node names, column names and descriptions: names
 * that start with the query first, then names containing it, then columns, then descriptions.
 */
export function searchIndex(index: SiteIndex, data: SearchData | undefined, query: string): SearchResult[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  const phrase = words.join(' ');
  const all = (text: string): boolean => words.every((w) => text.includes(w));
  const results: SearchResult[] = [];
  index.nodes.forEach((n, i) => {
    const name = displayName(n).toLowerCase();
    const plainName = n.name.toLowerCase();
    const description = (data?.descriptions[i] ?? n.summary).toLowerCase();
    let score: number | undefined;
    if (name.startsWith(phrase) || plainName.startsWith(phrase)) score = name === phrase || plainName === phrase ? 0 : 1;
    else if (all(name) || all(plainName)) score = 2;
    else if (all(`${name} ${n.tags.join(' ').toLowerCase()} ${n.relation?.toLowerCase() ?? ''}`)) score = 3;
    else if (all(description)) score = 6;
    if (score !== undefined) results.push({ score, node: i, context: snippet(data?.descriptions[i] ?? n.summary, words) || n.kind });
  });
  for (const [node, column, type, description] of data?.columns ?? []) {
    const name = column.toLowerCase();
    let score: number | undefined;
    if (name === phrase) score = 3.5;
    else if (name.startsWith(phrase)) score = 4;
    else if (all(name)) score = 4.5;
    else if (all(description.toLowerCase())) score = 7;
    if (score !== undefined) {
      const owner = displayName(index.nodes[node]!);
      results.push({ score, node, column, context: `${owner}${type ? ` · ${type}` : ''}${description ? ` · ${snippet(description, words)}` : ''}` });
    }
  }
  return results.sort((a, b) => a.score - b.score || (a.column ?? displayName(index.nodes[a.node]!)).localeCompare(b.column ?? displayName(index.nodes[b.node]!))).slice(0, MAX_RESULTS);
}

function snippet(text: string, words: readonly string[]): string {
  if (!text) return '';
  const lower = text.toLowerCase();
  const at = Math.max(0, ...words.map((w) => lower.indexOf(w)).filter((i) => i >= 0).slice(0, 1));
  const start = Math.max(0, at - 40);
  const out = text.slice(start, start + 120);
  return `${start > 0 ? '…' : ''}${out}${start + 120 < text.length ? '…' : ''}`;
}

