import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ProjectConfig } from '../config/project-config.js';

/**
 * Whether the manifest is missing or older than a project file or folder (a folder's time changes
 * when a file is added or removed in it). Reads file times only, never file contents.
 */
export function manifestIsStale(root: string, paths: ProjectConfig['paths'], manifestPath: string): boolean {
  if (!existsSync(manifestPath)) return true;
  const built = statSync(manifestPath).mtimeMs;
  const folders = [...new Set([...(paths.models ?? ['models']), ...(paths.seeds ?? ['seeds']), ...(paths.macros ?? ['macros']), ...(paths.tests ?? ['tests']), ...(paths.docs ?? ['docs'])])];
  const newer = (file: string): boolean => {
    try {
      return statSync(file).mtimeMs > built;
    } catch {
      return false;
    }
  };
  const walk = (dir: string): boolean => {
    if (!existsSync(dir)) return false;
    if (newer(dir)) return true;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() ? walk(full) : /\.(sql|ya?ml|csv|md)$/i.test(entry.name) && newer(full)) return true;
    }
    return false;
  };
  return ['strata.yml', 'strata.yaml', 'dbt_project.yml'].some((f) => newer(path.join(root, f))) || folders.some((f) => walk(path.join(root, f)));
}
