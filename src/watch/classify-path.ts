import path from 'node:path';
import picomatch from 'picomatch';

/** The folders and files of a project that `strata watch` reacts to. */
export interface WatchLayout {
  readonly root: string;
  /** Folders whose files are project code: models, seeds, macros, tests, docs (relative to the root). */
  readonly projectDirs: readonly string[];
  /** Project files outside those folders (strata.yml, dbt_project.yml). */
  readonly projectFiles: readonly string[];
  /** The generated folder, never watched (target/). */
  readonly targetDir: string;
  /** Each landing source: its name and glob (relative to the root, or absolute). */
  readonly landing: readonly { readonly source: string; readonly glob: string }[];
}

/** What a changed file means for the watcher. */
export type PathChange = { readonly kind: 'project' } | { readonly kind: 'landing'; readonly sources: readonly string[] } | { readonly kind: 'ignored' };

const CODE_FILE = /\.(sql|ya?ml|csv|md|m?ts|m?js)$/i;

/**
 * Classifies one changed path (absolute): a landing file of one or more sources, a project file
 * (model, macro, YAML, seed, test, docs, strata.yml), or something to ignore (generated files,
 * editors' temporary files, dot files). Pure.
 */
export function classifyPath(layout: WatchLayout, file: string): PathChange {
  const matchers = landingMatchers(layout);
  const rel = path.relative(layout.root, file).split(path.sep).join('/');
  const base = path.basename(file);
  if (base.startsWith('.') || base.endsWith('~') || /\.(swp|swx|tmp|crdownload|part)$/i.test(base)) return { kind: 'ignored' };
  const sources = matchers.filter((m) => m.test(file, rel)).map((m) => m.source);
  if (sources.length) return { kind: 'landing', sources };
  const target = layout.targetDir.split(path.sep).join('/').replace(/\/$/, '');
  if (rel === target || rel.startsWith(`${target}/`) || rel.startsWith('..') || rel.split('/').includes('node_modules')) return { kind: 'ignored' };
  if (layout.projectFiles.includes(rel)) return { kind: 'project' };
  const inProjectDir = layout.projectDirs.some((dir) => {
    const d = dir.split(path.sep).join('/').replace(/\/$/, '');
    return rel.startsWith(`${d}/`);
  });
  return inProjectDir && CODE_FILE.test(base) ? { kind: 'project' } : { kind: 'ignored' };
}

/** The folders to watch for landing files: each glob's fixed prefix. */
export function landingRoots(layout: WatchLayout): string[] {
  return [...new Set(layout.landing.map((l) => path.resolve(layout.root, picomatch.scan(l.glob.split(path.sep).join('/')).base || '.')))];
}

const cache = new WeakMap<WatchLayout, { source: string; test: (abs: string, rel: string) => boolean }[]>();

function landingMatchers(layout: WatchLayout): { source: string; test: (abs: string, rel: string) => boolean }[] {
  let found = cache.get(layout);
  if (!found) {
    found = layout.landing.map(({ source, glob }) => {
      const absolute = path.isAbsolute(glob);
      const scan = picomatch.scan(glob.split(path.sep).join('/'));
      // A glob without wildcards names a folder (everything below it) or one file.
      const pattern = scan.isGlob ? glob.split(path.sep).join('/') : `${glob.split(path.sep).join('/').replace(/\/$/, '')}{,/**}`;
      const match = picomatch(pattern, { dot: false });
      return { source, test: (abs: string, rel: string) => (absolute ? match(abs.split(path.sep).join('/')) : match(rel)) };
    });
    cache.set(layout, found);
  }
  return found;
}
