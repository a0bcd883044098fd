import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Identity of a database file's content as the file system sees it. */
interface FileStamp {
  readonly size: number;
  readonly mtimeMs: number;
  readonly ino: number;
}

interface Snapshot {
  readonly format: 1;
  readonly databaseFile: string;
  readonly stamp: FileStamp;
  readonly writtenAt: string;
  readonly relations: Readonly<Record<string, string>>;
}

const FORMAT = 1;

/**
 * The stamp of an embedded database file, or undefined when it cannot be trusted: missing, or
 * with a write-ahead log beside it (a writer has it open, or one died before checkpointing).
 */
function stampOf(databaseFile: string): FileStamp | undefined {
  try {
    if (existsSync(`${databaseFile}.wal`)) return undefined;
    const s = statSync(databaseFile);
    return { size: s.size, mtimeMs: s.mtimeMs, ino: s.ino };
  } catch {
    return undefined;
  }
}

const same = (a: FileStamp, b: FileStamp): boolean => a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino;

function snapshotFile(targetDir: string, targetName: string): string {
  return path.join(targetDir, 'state', `${targetName.replace(/[^A-Za-z0-9_.-]/g, '_')}.data_versions.json`);
}

/**
 * Keeps the data version of every relation of an embedded (single-file) database beside it, so
 * `strata query` and `strata serve` can tell whether a cached answer is current without opening
 * the file (which would block a run). Written after the writer closed the file; trusted only while
 * the file is exactly as it was then (any later write changes its size, time or inode, or leaves a WAL).
 */
export function writeVersionSnapshot(targetDir: string, targetName: string, databaseFile: string, relations: ReadonlyMap<string, string>): void {
  const stamp = stampOf(databaseFile);
  if (!stamp) return;
  const file = snapshotFile(targetDir, targetName);
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const snapshot: Snapshot = { format: FORMAT, databaseFile, stamp, writtenAt: new Date().toISOString(), relations: Object.fromEntries(relations) };
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(snapshot));
    renameSync(temporary, file);
  } catch {
    // Without a snapshot, readers open the database to read versions: slower, still correct.
  }
}

/** The last snapshot read, by its file's path, kept while that file is unchanged (a long-lived reader stats it only). */
const lastRead = new Map<string, { mtimeMs: number; snapshot: Snapshot; relations: ReadonlyMap<string, string> }>();

/** The snapshot's versions when it still describes the database file, else undefined. */
export function readVersionSnapshot(targetDir: string, targetName: string, databaseFile: string): ReadonlyMap<string, string> | undefined {
  const stamp = stampOf(databaseFile);
  if (!stamp) return undefined;
  const file = snapshotFile(targetDir, targetName);
  try {
    const mtimeMs = statSync(file).mtimeMs;
    let known = lastRead.get(file);
    if (!known || known.mtimeMs !== mtimeMs) {
      const snapshot = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
      known = { mtimeMs, snapshot, relations: new Map(Object.entries(snapshot.relations ?? {})) };
      lastRead.set(file, known);
    }
    const { snapshot } = known;
    if (snapshot.format !== FORMAT || snapshot.databaseFile !== databaseFile || !same(snapshot.stamp, stamp)) return undefined;
    return known.relations;
  } catch {
    return undefined;
  }
}

/** The current stamp, to check that nothing wrote between two moments (undefined: untrusted). */
export function databaseStamp(databaseFile: string): string | undefined {
  const stamp = stampOf(databaseFile);
  return stamp ? `${stamp.size}:${stamp.mtimeMs}:${stamp.ino}` : undefined;
}
