import { cpSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { StrataError } from '../shared/errors.js';

/** The template shipped with the package. */
export const TEMPLATE_DIR = fileURLToPath(new URL('../../project-template', import.meta.url));

/** `strata init DIR`: copies the project template into a new or empty folder. */
export function initProject(dir: string): string {
  const destination = path.resolve(dir);
  if (existsSync(destination) && readdirSync(destination).length > 0) {
    throw new StrataError('not_empty', `${destination} is not empty: choose a new folder`);
  }
  cpSync(TEMPLATE_DIR, destination, {
    recursive: true,
    filter: (source) => !/[/\\](target|node_modules)([/\\]|$)/.test(path.relative(TEMPLATE_DIR, source) ? `/${path.relative(TEMPLATE_DIR, source)}` : ''),
  });
  // npm leaves .gitignore files out of published packages, so the template's is written here.
  const gitignore = path.join(destination, '.gitignore');
  if (!existsSync(gitignore)) writeFileSync(gitignore, 'target/\n');
  return destination;
}
