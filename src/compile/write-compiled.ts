import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Dialect } from '../adapters/contract.js';
import type { ModelNode } from '../manifest/types.js';
import { sha256 } from '../shared/hash.js';

const INDEX_FILE = '.strata-index.json';

/**
 * Writes each model's compiled SQL to target/compiled, formatted for the target's dialect when
 * asked (formatting is the slow part). An index of what each file holds lets an unchanged model
 * skip both formatting and writing; SQL the formatter cannot parse is written as rendered.
 */
export function writeCompiled(projectRoot: string, targetDir: string, models: Iterable<ModelNode>, dialect: Dialect, options: { format: boolean }): void {
  const indexPath = path.join(targetDir, 'compiled', INDEX_FILE);
  const previous = readIndex(indexPath);
  const index: Record<string, string> = {};
  const madeDirs = new Set<string>();
  for (const node of models) {
    const file = path.join(projectRoot, node.compiledPath);
    const stamp = `${sha256(node.compiledSql)}${options.format ? ' formatted' : ''}`;
    index[node.compiledPath] = stamp;
    if (previous[node.compiledPath] === stamp && existsSync(file)) continue;
    const dir = path.dirname(file);
    if (!madeDirs.has(dir)) {
      mkdirSync(dir, { recursive: true });
      madeDirs.add(dir);
    }
    writeFileSync(file, `${options.format ? formatSql(node.compiledSql, dialect) : node.compiledSql}\n`);
  }
  mkdirSync(path.dirname(indexPath), { recursive: true });
  writeFileSync(indexPath, JSON.stringify(index));
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

function readIndex(file: string): Record<string, string> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}
