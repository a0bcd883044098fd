import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { loadProjectConfig } from '../config/load-project-config.js';

/** `strata clean`: removes generated files (the target folder) but never a database outside it. */
export function clean(options: { readonly projectDir: string }): string[] {
  const root = path.resolve(options.projectDir);
  const { config } = loadProjectConfig(root);
  const targetDir = path.resolve(root, config.paths.target ?? 'target');
  const removed: string[] = [];
  for (const entry of ['compiled', 'manifest.json', 'run_results.json', 'docs', 'reports']) {
    const file = path.join(targetDir, entry);
    if (existsSync(file)) {
      rmSync(file, { recursive: true, force: true });
      removed.push(path.relative(root, file));
    }
  }
  return removed;
}
