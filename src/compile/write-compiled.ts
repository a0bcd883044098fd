import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { Dialect } from '../adapters/contract.js';
import type { ModelNode } from '../manifest/types.js';
import { sha256 } from '../shared/hash.js';

const STAMP = '-- strata: compiled from sha256 ';

/**
 * Writes each model's compiled SQL to target/compiled, formatted for the target's dialect.
 * Formatting is the slow part, so a file whose stamp matches the SQL's hash is left alone;
 * SQL the formatter cannot parse is written as rendered.
 */
export function writeCompiled(projectRoot: string, models: Iterable<ModelNode>, dialect: Dialect, options: { format: boolean }): void {
  const madeDirs = new Set<string>();
  for (const node of models) {
    const file = path.join(projectRoot, node.compiledPath);
    const hash = sha256(node.compiledSql);
    const stamp = `${STAMP}${hash}${options.format ? ' formatted' : ''}\n`;
    if (readStamp(file) === stamp) continue;
    const dir = path.dirname(file);
    if (!madeDirs.has(dir)) {
      mkdirSync(dir, { recursive: true });
      madeDirs.add(dir);
    }
    writeFileSync(file, stamp + (options.format ? formatSql(node.compiledSql, dialect) : node.compiledSql) + '\n');
  }
}

type Format = typeof import('sql-formatter').format;
let formatter: Format | undefined;

/** sql-formatter output, or the SQL unchanged when the formatter rejects it. */
export function formatSql(sql: string, dialect: Dialect): string {
  // Loaded on first use: it is large, and compiles that find every file current never need it.
  formatter ??= (createRequire(import.meta.url)('sql-formatter') as { format: Format }).format;
  try {
    return formatter(sql, { language: dialect.formatterLanguage, keywordCase: 'lower' });
  } catch {
    return sql;
  }
}

function readStamp(file: string): string | undefined {
  try {
    const text = readFileSync(file, 'utf8');
    const end = text.indexOf('\n');
    return end < 0 ? undefined : text.slice(0, end + 1);
  } catch {
    return undefined;
  }
}
