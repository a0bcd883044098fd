import type { Adapter, Connection } from '../adapters/contract.js';
import type { Fingerprint } from './fingerprint-file.js';
import type { LandingFile } from './find-landing-files.js';
import type { LandingSpec } from './landing-spec.js';
import type { LoadStamp } from './lineage-columns.js';
import type { LoadLog } from './load-log.js';
import { openLandingStream } from './open-landing-stream.js';
import type { Readable } from 'node:stream';

/** One file to load for one source table. */
export interface FileJob {
  readonly spec: LandingSpec;
  readonly file: LandingFile & Fingerprint;
  readonly loadDate: Date;
}

/** What a format's loader needs: the engine, the session, the log, and progress reporting. */
export interface LoadEnv {
  readonly adapter: Adapter;
  readonly connection: Connection;
  readonly log: LoadLog;
  readonly strataVersion: string;
  readonly gitCommit: string | undefined;
  readonly onBytes?: (bytes: number) => void;
}

/** What one file's load wrote. */
export interface FileLoadResult {
  readonly loadId: number;
  readonly rows: number;
  readonly rejected: number;
  /** Human-readable schema changes (columns added, columns absent). */
  readonly schemaChanges: readonly string[];
  readonly loadedAt: Date;
}

/** Writes rows of a file within an open transaction and returns how many (and how many were rejected). */
export type RowWriter = (stamp: LoadStamp) => Promise<{ rows: number; rejected: number }>;

/** The file's bytes (inflated, checked) for one more pass; `lines: false` leaves line lengths to the reader. */
export function openJob(job: FileJob, env: LoadEnv, lines = true): Readable {
  return openLandingStream(
    { path: job.file.path, gzip: job.file.gzip, size: job.file.size },
    { maxLineBytes: lines ? job.spec.limits.maxLineBytes : undefined, maxInflateRatio: job.spec.limits.maxInflateRatio },
    env.onBytes,
  );
}

/**
 * Runs `write` and the file's load-log entry in one transaction under a new load id: a load killed
 * at any moment leaves the file either fully loaded and logged or absent.
 */
export async function commitFile(env: LoadEnv, job: FileJob, schemaChanges: readonly string[], write: RowWriter): Promise<FileLoadResult> {
  const started = Date.now();
  const loadedAt = new Date();
  return env.connection.transaction(async () => {
    const loadId = await env.log.nextLoadId(env.connection);
    const stamp: LoadStamp = { loadId, loadDate: job.loadDate, loadedAt, sourceFile: job.file.display };
    const { rows, rejected } = await write(stamp);
    await env.log.insert(env.connection, {
      loadId,
      source: job.spec.name,
      rawRelation: `${job.spec.relation.schema}.${job.spec.relation.identifier}`,
      path: job.file.display,
      sizeBytes: job.file.size,
      sha256: job.file.sha256,
      status: 'loaded',
      rows,
      rejectedRows: rejected,
      loadDate: job.loadDate,
      loadedAt,
      durationMs: Date.now() - started,
      error: undefined,
      schemaChanges: schemaChanges.length ? schemaChanges.join('; ') : undefined,
      duplicateOf: undefined,
      strataVersion: env.strataVersion,
      gitCommit: env.gitCommit,
    });
    return { loadId, rows, rejected, schemaChanges, loadedAt };
  });
}

