import { createRequire } from 'node:module';
import type { Dialect } from '../adapters/contract.js';

type Format = typeof import('sql-formatter').format;
let formatter: Format | undefined;

/** What a format worker needs: the sql-formatter language of the target. */
export interface FormatTaskSetup {
  readonly language: Dialect['formatterLanguage'];
}

/** sql-formatter output, or the SQL unchanged when the formatter rejects it. */
export function formatSql(sql: string, language: Dialect['formatterLanguage']): string {
  // Loaded on first use: it is large, and compiles that find every file current never need it.
  formatter ??= (createRequire(import.meta.url)('sql-formatter') as { format: Format }).format;
  try {
    return formatter(sql, { language, keywordCase: 'lower' });
  } catch {
    return sql;
  }
}
