import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Dialect } from '../adapters/contract.js';
import type { ModelNode } from '../manifest/types.js';
import { sha256 } from '../shared/hash.js';
import { shareWork, taskFile } from '../shared/share-work.js';
import { formatSql, type FormatTaskSetup } from './format-sql.js';

const INDEX_FILE = '.strata-index.json';
/** Below this many models to format per extra thread, a worker's start-up costs more than it saves. */
const FORMAT_JOBS_PER_WORKER = 100;

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
  const write = (file: string, sql: string): void => {
    const dir = path.dirname(file);
    if (!madeDirs.has(dir)) {
      mkdirSync(dir, { recursive: true });
      madeDirs.add(dir);
    }
    writeFileSync(file, `${sql}\n`);
  };
  const stale: { file: string; sql: string }[] = [];
  const present = new Map<string, ReadonlySet<string>>();
  // One listing per folder rather than one existence check per file.
  const exists = (file: string): boolean => {
    const dir = path.dirname(file);
    let names = present.get(dir);
    if (!names) {
      names = new Set(existsSync(dir) ? readdirSync(dir) : []);
      present.set(dir, names);
    }
    return names.has(path.basename(file));
  };
  for (const node of models) {
    const file = path.join(projectRoot, node.compiledPath);
    const stamp = `${sha256(node.compiledSql)}${options.format ? ' formatted' : ''}`;
    index[node.compiledPath] = stamp;
    if (previous[node.compiledPath] !== stamp || !exists(file)) stale.push({ file, sql: node.compiledSql });
  }
  if (options.format) {
    // Formatting costs milliseconds per model: many models are formatted over worker threads too.
    shareWork<FormatTaskSetup, string, string>({
      task: taskFile(import.meta.url, 'format-task'),
      setup: { language: dialect.formatterLanguage },
      jobs: stale.map((s) => s.sql),
      minJobsPerWorker: FORMAT_JOBS_PER_WORKER,
      here: (sql, i) => write(stale[i]!.file, formatSql(sql, dialect.formatterLanguage)),
      take: (i, formatted) => write(stale[i]!.file, formatted),
    });
  } else {
    for (const { file, sql } of stale) write(file, sql);
  }
  mkdirSync(path.dirname(indexPath), { recursive: true });
  writeFileSync(indexPath, JSON.stringify(index));
}

function readIndex(file: string): Record<string, string> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}
