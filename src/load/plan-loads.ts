/** A landing file with its content hash and logical load date, ready to be planned. */
export interface CandidateFile {
  readonly display: string;
  readonly sha256: string;
}

/** What the load log already says, as far as planning needs. */
export interface LogEntry {
  readonly path: string;
  readonly sha256: string;
  readonly status: 'loaded' | 'skipped_duplicate' | 'failed';
  readonly loadId: number;
}

/** What to do with one file. */
export type FilePlan<F extends CandidateFile = CandidateFile> =
  | { readonly action: 'load'; readonly file: F }
  /** Content already loaded from another path (a renamed copy): recorded as `skipped_duplicate`. */
  | { readonly action: 'duplicate'; readonly file: F; readonly of: { readonly path: string; readonly loadId: number | undefined } }
  /** This path with this content is already in the log: nothing to record. */
  | { readonly action: 'unchanged'; readonly file: F; readonly loadId: number };

/**
 * Pure: which files of one source table are new. Content is what counts: a hash loaded before
 * (under any name) is never loaded again; the same path with new content is a new load. Two new
 * files with the same content in one run load once. `files` are in load order.
 */
export function planLoads<F extends CandidateFile>(files: readonly F[], log: readonly LogEntry[]): FilePlan<F>[] {
  const loadedByHash = new Map<string, LogEntry>();
  const seenPathHash = new Map<string, LogEntry>();
  for (const entry of log) {
    if (entry.status === 'failed') continue;
    if (entry.status === 'loaded' && !loadedByHash.has(entry.sha256)) loadedByHash.set(entry.sha256, entry);
    seenPathHash.set(`${entry.path}\u0000${entry.sha256}`, entry);
  }
  const plannedByHash = new Map<string, F>();
  return files.map((file): FilePlan<F> => {
    const same = seenPathHash.get(`${file.display}\u0000${file.sha256}`);
    if (same) return { action: 'unchanged', file, loadId: same.loadId };
    const loaded = loadedByHash.get(file.sha256);
    if (loaded) return { action: 'duplicate', file, of: { path: loaded.path, loadId: loaded.loadId } };
    const planned = plannedByHash.get(file.sha256);
    if (planned) return { action: 'duplicate', file, of: { path: planned.display, loadId: undefined } };
    plannedByHash.set(file.sha256, file);
    return { action: 'load', file };
  });
}
