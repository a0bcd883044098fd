import { existsSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { globSync } from 'tinyglobby';
import { StrataError } from '../shared/errors.js';

/** A landing file found by a glob. */
export interface LandingFile {
  /** Absolute path (as found, before resolving links). */
  readonly path: string;
  /** How the file is recorded and printed: relative to the project (forward slashes) when inside it, else absolute. */
  readonly display: string;
}

/** A match the loader will not read, and why. */
export interface RefusedFile {
  readonly display: string;
  readonly reason: string;
}

export interface LandingMatches {
  /** The folder every file must really be in: the glob's fixed prefix, links resolved. */
  readonly root: string;
  readonly files: readonly LandingFile[];
  readonly refused: readonly RefusedFile[];
}

/**
 * Expands a landing glob (relative to the project, or absolute). The landing root is the glob's
 * fixed prefix; a relative glob must stay inside the project. Any match whose real path (symbolic
 * links resolved) is outside the root is refused. Files are sorted by path.
 */
export function findLandingFiles(projectRoot: string, glob: string, where: { file: string; key: string }): LandingMatches {
  const absolute = path.isAbsolute(glob);
  const scan = picomatch.scan(glob.split(path.sep).join('/'));
  let base = scan.base === '' ? '.' : scan.base;
  let pattern = scan.isGlob ? scan.glob : '';
  const lexicalRoot = path.resolve(projectRoot, base);
  if (!absolute && !isInside(path.resolve(projectRoot), lexicalRoot)) {
    throw new StrataError('landing_outside_project', `landing '${glob}' points outside the project: use a glob under the project or an absolute folder`, where);
  }
  if (!scan.isGlob) {
    if (existsSync(lexicalRoot) && statSync(lexicalRoot).isDirectory()) pattern = '**/*';
    else {
      base = path.dirname(base);
      pattern = path.basename(lexicalRoot);
    }
  }
  const rootDir = path.resolve(projectRoot, base);
  if (!existsSync(rootDir)) return { root: rootDir, files: [], refused: [] };
  const realRoot = realpathSync(rootDir);
  const matches = globSync([pattern], { cwd: rootDir, onlyFiles: true, dot: false, absolute: true, followSymbolicLinks: true }).sort();
  const files: LandingFile[] = [];
  const refused: RefusedFile[] = [];
  for (const match of matches) {
    const display = displayPath(projectRoot, match);
    let real: string;
    try {
      real = realpathSync(match);
    } catch {
      refused.push({ display, reason: 'is a broken symbolic link' });
      continue;
    }
    if (!isInside(realRoot, real)) {
      refused.push({ display, reason: `resolves to ${real}, outside the landing root ${realRoot}: refused` });
      continue;
    }
    if (!statSync(real).isFile()) continue;
    files.push({ path: match, display });
  }
  return { root: realRoot, files, refused };
}

/** Relative to the project with forward slashes when inside it, else absolute. */
export function displayPath(projectRoot: string, file: string): string {
  const rel = path.relative(projectRoot, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : file;
}

function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
}
