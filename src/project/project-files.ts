import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';

/**
 * The files of a project's folders, each folder walked once however many kinds of file are asked
 * of it (models/ holds SQL, YAML, Markdown and transformers: one walk, not four). Dot files and
 * dot folders are left out, symbolic links followed, as a glob with `dot: false` does.
 */
export class ProjectFiles {
  private readonly walked = new Map<string, readonly string[]>();

  constructor(private readonly root: string) {}

  /** Files under `dir` matching `patterns` and not `ignore`, as project-relative POSIX paths, sorted. */
  list(dir: string, patterns: readonly string[], ignore: readonly string[] = []): string[] {
    const matches = picomatch([...patterns]);
    const ignored = ignore.length ? picomatch([...ignore]) : undefined;
    const prefix = dir.split(path.sep).join('/');
    return this.filesUnder(dir)
      .filter((rel) => matches(rel) && !ignored?.(rel))
      .map((rel) => path.posix.join(prefix, rel));
  }

  /** Every file under `dir`, relative to it, sorted. */
  private filesUnder(dir: string): readonly string[] {
    const absolute = path.resolve(this.root, dir);
    let files = this.walked.get(absolute);
    if (!files) {
      const found: string[] = [];
      walk(absolute, '', found, new Set());
      files = found.sort();
      this.walked.set(absolute, files);
    }
    return files;
  }
}

function walk(absolute: string, relative: string, into: string[], visiting: Set<string>): void {
  let entries;
  try {
    entries = readdirSync(absolute, { withFileTypes: true });
  } catch {
    return; // a missing folder has no files
  }
  visiting.add(absolute);
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const childAbsolute = path.join(absolute, entry.name);
    const childRelative = relative ? `${relative}/${entry.name}` : entry.name;
    let isDirectory = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      const target = statSync(childAbsolute, { throwIfNoEntry: false });
      isDirectory = target?.isDirectory() ?? false;
      isFile = target?.isFile() ?? false;
    }
    // A link back to a folder being walked would never end.
    if (isDirectory && !visiting.has(childAbsolute)) walk(childAbsolute, childRelative, into, visiting);
    else if (isFile) into.push(childRelative);
  }
  visiting.delete(absolute);
}
