import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { FileHistory, GitCommit } from './site-data.js';

const run = promisify(execFile);

export interface GitHistoryOptions {
  /** Commits kept per file (newest first). */
  readonly maxCommitsPerFile?: number;
  /** Commits of the whole log read at most (bounds the cost on long histories). */
  readonly maxLogCommits?: number;
  /** File versions larger than this are listed but not kept for diffs. */
  readonly maxVersionBytes?: number;
}

/** Histories by file path (relative to the project root), or why there are none. */
export type GitHistories = { readonly ok: true; readonly files: ReadonlyMap<string, FileHistory> } | { readonly ok: false; readonly reason: string };

const RECORD = '\u001e';
const FIELD = '\u001f';

/**
 * The change history of each file in `files` (paths relative to `projectRoot`): the commits that
 * touched it, following renames, newest first, with the file's content after each commit (so
 * the browser can diff any two versions) and the uncommitted content when it differs. Reads one
 * `git log` and one `git cat-file --batch`, whatever the number of files. Not a git repository,
 * or no git installed: `{ ok: false, reason }`.
 */
export async function readGitHistories(projectRoot: string, files: readonly string[], options: GitHistoryOptions = {}): Promise<GitHistories> {
  const perFile = options.maxCommitsPerFile ?? 20;
  const maxLog = options.maxLogCommits ?? 5000;
  const maxBytes = options.maxVersionBytes ?? 256 * 1024;
  let top: string;
  try {
    top = (await run('git', ['rev-parse', '--show-toplevel'], { cwd: projectRoot })).stdout.trim();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: /ENOENT/.test(message) ? 'git is not installed' : 'the project is not in a git repository' };
  }
  const prefix = path.relative(top, projectRoot).split(path.sep).join('/');
  const toRepo = (file: string): string => (prefix ? `${prefix}/${file}` : file);
  const folders = [...new Set(files.map((f) => path.posix.dirname(toRepo(f.split(path.sep).join('/')))))].sort();
  let log: string;
  try {
    const result = await run(
      'git',
      ['-c', 'core.quotepath=false', 'log', `--max-count=${maxLog}`, '--no-abbrev', '--raw', '-M', `--format=${RECORD}%H${FIELD}%an${FIELD}%aI${FIELD}%s`, '--', ...folders],
      { cwd: top, maxBuffer: 512 * 1024 * 1024 },
    );
    log = result.stdout;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // A repository without any commit yet.
    if (/does not have any commits|bad default revision/.test(message)) log = '';
    else return { ok: false, reason: `git log failed: ${message.split('\n')[0]}` };
  }

  // Walk newest to oldest, tracking each file under the name it had at that point.
  interface Tracked {
    readonly file: string;
    name: string;
    readonly commits: (GitCommit & { blob?: string })[];
    done: boolean;
  }
  const tracked = new Map<string, Tracked>();
  const byName = new Map<string, Tracked>();
  for (const file of files) {
    const t: Tracked = { file, name: toRepo(file.split(path.sep).join('/')), commits: [], done: false };
    tracked.set(file, t);
    byName.set(t.name, t);
  }
  for (const record of log.split(RECORD)) {
    if (!record.trim()) continue;
    const [header = '', ...lines] = record.split('\n');
    const [hash = '', author = '', date = '', subject = ''] = header.split(FIELD);
    for (const line of lines) {
      if (!line.startsWith(':')) continue;
      const [meta = '', ...paths] = line.split('\t');
      const [, , , blob = '', status = ''] = meta.split(' ');
      const target = paths[paths.length - 1] ?? '';
      const t = byName.get(target);
      if (!t || t.done) continue;
      if (t.commits.length >= perFile) {
        t.done = true;
        continue;
      }
      const deleted = status.startsWith('D');
      t.commits.push({ hash, author, date, subject, path: stripPrefix(target, prefix), ...(deleted ? {} : { blob }) });
      if (status.startsWith('R') && paths.length === 2) {
        byName.delete(target);
        t.name = paths[0]!;
        byName.set(t.name, t);
      } else if (status.startsWith('A')) {
        t.done = true;
        byName.delete(target);
      }
    }
  }

  const blobs = new Set<string>();
  for (const t of tracked.values()) for (const c of t.commits) if (c.blob) blobs.add(c.blob);
  const contents = await readBlobs(top, [...blobs], maxBytes);

  const out = new Map<string, FileHistory>();
  for (const t of tracked.values()) {
    const versions: string[] = [];
    const versionOf = new Map<string, number>();
    let tooLarge = false;
    const commits: GitCommit[] = t.commits.map(({ blob, ...commit }) => {
      const content = blob ? contents.get(blob) : undefined;
      if (blob && content === undefined) tooLarge = true;
      if (!blob || content === undefined) return commit;
      let index = versionOf.get(blob);
      if (index === undefined) {
        index = versions.push(content) - 1;
        versionOf.set(blob, index);
      }
      return { ...commit, version: index };
    });
    let uncommitted: number | undefined;
    const absolute = path.join(projectRoot, t.file);
    if (existsSync(absolute)) {
      const current = readFileSync(absolute);
      const latest = commits[0]?.version;
      if (current.length <= maxBytes) {
        const text = current.toString('utf8');
        if (latest === undefined || versions[latest] !== text) uncommitted = versions.push(text) - 1;
      }
    }
    const notes: string[] = [];
    if (t.commits.length >= perFile) notes.push(`only the last ${perFile} commits are shown`);
    if (tooLarge) notes.push(`versions larger than ${Math.round(maxBytes / 1024)} KiB are listed without their content`);
    out.set(t.file, {
      path: t.file,
      commits,
      versions,
      ...(uncommitted !== undefined ? { uncommitted } : {}),
      ...(notes.length ? { note: notes.join('; ') } : {}),
    });
  }
  return { ok: true, files: out };
}

function stripPrefix(repoPath: string, prefix: string): string {
  return prefix && repoPath.startsWith(`${prefix}/`) ? repoPath.slice(prefix.length + 1) : repoPath;
}

/** Contents of blobs by hash through one `git cat-file --batch`; blobs over `maxBytes` are left out. */
async function readBlobs(cwd: string, hashes: readonly string[], maxBytes: number): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (hashes.length === 0) return out;
  const child = spawn('git', ['cat-file', '--batch'], { cwd, stdio: ['pipe', 'pipe', 'ignore'] });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  const closed = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', () => resolve());
  });
  child.stdin.end(hashes.join('\n') + '\n');
  await closed;
  const data = Buffer.concat(chunks);
  let offset = 0;
  while (offset < data.length) {
    const newline = data.indexOf(0x0a, offset);
    if (newline < 0) break;
    const [hash = '', type = '', sizeText = ''] = data.subarray(offset, newline).toString('utf8').split(' ');
    offset = newline + 1;
    if (type === 'missing') continue;
    const size = Number(sizeText);
    if (type === 'blob' && size <= maxBytes) out.set(hash, data.subarray(offset, offset + size).toString('utf8'));
    offset += size + 1;
  }
  return out;
}
