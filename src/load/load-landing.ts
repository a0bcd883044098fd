import type { Adapter } from '../adapters/contract.js';
import { loadCsvFile } from './csv/load-csv-file.js';
import type { FileJob, FileLoadResult, LoadEnv } from './file-job.js';
import { findLandingFiles, type LandingFile } from './find-landing-files.js';
import { fingerprintFile, type Fingerprint } from './fingerprint-file.js';
import { loadJsonFile } from './json/load-json-file.js';
import { formatFromName, type LandingSpec } from './landing-spec.js';
import { loadDateOf } from './load-date.js';
import { LoadFileError } from './load-file-error.js';
import { LoadLog, type LoadStatus } from './load-log.js';
import { planLoads, type FilePlan } from './plan-loads.js';
import { loadTiffFile } from './tiff/load-tiff-file.js';

/** The outcome of one landing file. */
export interface FileOutcome {
  readonly source: string;
  readonly path: string;
  /** `unchanged`: this path with this content was handled by an earlier run; nothing recorded. */
  readonly status: LoadStatus | 'unchanged';
  readonly loadId: number | undefined;
  readonly rows: number;
  readonly rejected: number;
  readonly sizeBytes: number | undefined;
  readonly sha256: string | undefined;
  readonly loadDate: string | undefined;
  readonly durationMs: number;
  /** For loaded files: when the load started, the `_loaded_at` of its rows (ISO 8601). */
  readonly loadedAt?: string;
  /** For failures: `path:line: message`. */
  readonly error?: string;
  readonly schemaChanges: readonly string[];
  /** For duplicates: the file (and load) whose content this repeats. */
  readonly duplicateOf?: { readonly path: string; readonly loadId: number | undefined };
}

/** Told about each file as the load goes. */
export interface LoadListener {
  fileStarted?(source: string, path: string, sizeBytes: number | undefined): void;
  /** Bytes of the file read so far (hashing, then loading), for progress on large files. */
  fileProgress?(source: string, path: string, bytes: number, sizeBytes: number, phase: 'hash' | 'load'): void;
  fileFinished?(outcome: FileOutcome): void;
}

export interface LoadRequest {
  readonly adapter: Adapter;
  readonly projectRoot: string;
  readonly specs: readonly LandingSpec[];
  readonly metadataSchema: string;
  /** `--as-of`: the logical load date of every file of this run. */
  readonly asOf?: Date;
  readonly strataVersion: string;
  readonly gitCommit: string | undefined;
  readonly listener?: LoadListener;
}

type Found = LandingFile & Fingerprint & { readonly loadDate: Date };

/**
 * Loads every new landing file of the given source tables into raw, idempotently: files are found,
 * hashed, planned against the load log (content already loaded is skipped), then loaded one
 * transaction each. A file that fails is recorded and the others still load.
 */
export async function loadLanding(request: LoadRequest): Promise<FileOutcome[]> {
  const { adapter, listener } = request;
  const log = new LoadLog(adapter.dialect, request.metadataSchema);
  const outcomes: FileOutcome[] = [];
  const report = (outcome: FileOutcome): void => {
    outcomes.push(outcome);
    listener?.fileFinished?.(outcome);
  };
  await adapter.withConnection(async (connection) => {
    await log.ensure(connection);
    const history = await log.history(connection, request.specs.map((s) => s.name));
    const now = new Date();
    for (const spec of request.specs) {
      const env = (path: string, size: number): LoadEnv => ({
        adapter,
        connection,
        log,
        strataVersion: request.strataVersion,
        gitCommit: request.gitCommit,
        onBytes: (bytes) => listener?.fileProgress?.(spec.name, path, bytes, size, 'load'),
      });
      const recordFailure = async (display: string, error: string, extra: { size?: number; sha256?: string; loadDate?: Date; started: number }): Promise<void> => {
        const loadId = await connection.transaction(async () => {
          const id = await log.nextLoadId(connection);
          await log.insert(connection, {
            loadId: id,
            source: spec.name,
            rawRelation: `${spec.relation.schema}.${spec.relation.identifier}`,
            path: display,
            sizeBytes: extra.size,
            sha256: extra.sha256,
            status: 'failed',
            rows: 0,
            rejectedRows: 0,
            loadDate: extra.loadDate,
            loadedAt: new Date(),
            durationMs: Date.now() - extra.started,
            error,
            schemaChanges: undefined,
            duplicateOf: undefined,
            strataVersion: request.strataVersion,
            gitCommit: request.gitCommit,
          });
          return id;
        });
        report({
          source: spec.name, path: display, status: 'failed', loadId, rows: 0, rejected: 0, sizeBytes: extra.size, sha256: extra.sha256,
          loadDate: extra.loadDate?.toISOString(), durationMs: Date.now() - extra.started, error, schemaChanges: [],
        });
      };

      const matches = findLandingFiles(request.projectRoot, spec.landing, { file: spec.definedIn, key: `sources: ${spec.name}: landing` });
      for (const refused of matches.refused) {
        await recordFailure(refused.display, `${refused.display}: ${refused.reason}`, { started: Date.now() });
      }
      const found: Found[] = [];
      for (const file of matches.files) {
        const started = Date.now();
        let print: Fingerprint | undefined;
        try {
          print = await fingerprintFile(file.path, (bytes) => listener?.fileProgress?.(spec.name, file.display, bytes, bytes, 'hash'));
          found.push({ ...file, ...print, loadDate: loadDateOf(file.display, spec.loadDate, request.asOf, now) });
        } catch (error) {
          await recordFailure(file.display, `${file.display}: ${describe(error)}`, { size: print?.size, sha256: print?.sha256, started });
        }
      }
      found.sort((a, b) => a.loadDate.getTime() - b.loadDate.getTime() || (a.display < b.display ? -1 : a.display > b.display ? 1 : 0));
      const plans = planLoads(found, history.get(spec.name) ?? []);
      const inRun = { failed: new Set<string>(), loaded: new Map<string, number>() };
      for (const plan of plans) {
        await runPlan(plan, spec, env(plan.file.display, plan.file.size), request, inRun, report, recordFailure, log, connection);
      }
    }
  });
  return outcomes;
}

async function runPlan(
  plan: FilePlan<Found>,
  spec: LandingSpec,
  env: LoadEnv,
  request: LoadRequest,
  inRun: { readonly failed: Set<string>; readonly loaded: Map<string, number> },
  report: (outcome: FileOutcome) => void,
  recordFailure: (display: string, error: string, extra: { size?: number; sha256?: string; loadDate?: Date; started: number }) => Promise<void>,
  log: LoadLog,
  connection: LoadEnv['connection'],
): Promise<void> {
  const { file } = plan;
  const started = Date.now();
  const base = { source: spec.name, path: file.display, sizeBytes: file.size, sha256: file.sha256, loadDate: file.loadDate.toISOString(), schemaChanges: [] as string[] };
  if (plan.action === 'unchanged') {
    report({ ...base, status: 'unchanged', loadId: plan.loadId, rows: 0, rejected: 0, durationMs: 0 });
    return;
  }
  // A copy of a file that failed earlier in this run is not a duplicate of anything loaded: load it.
  if (plan.action === 'duplicate' && !(plan.of.loadId === undefined && inRun.failed.has(file.sha256))) {
    const of = { path: plan.of.path, loadId: plan.of.loadId ?? inRun.loaded.get(file.sha256) };
    const loadId = await connection.transaction(async () => {
      const id = await log.nextLoadId(connection);
      await log.insert(connection, {
        loadId: id, source: spec.name, rawRelation: `${spec.relation.schema}.${spec.relation.identifier}`, path: file.display, sizeBytes: file.size,
        sha256: file.sha256, status: 'skipped_duplicate', rows: 0, rejectedRows: 0, loadDate: file.loadDate, loadedAt: new Date(), durationMs: 0,
        error: undefined, schemaChanges: undefined, duplicateOf: of.loadId, strataVersion: request.strataVersion, gitCommit: request.gitCommit,
      });
      return id;
    });
    report({ ...base, status: 'skipped_duplicate', loadId, rows: 0, rejected: 0, durationMs: Date.now() - started, duplicateOf: of });
    return;
  }
  request.listener?.fileStarted?.(spec.name, file.display, file.size);
  const job: FileJob = { spec, file, loadDate: file.loadDate };
  let result: FileLoadResult;
  try {
    result = await loadByFormat(job, env);
  } catch (error) {
    inRun.failed.add(file.sha256);
    await recordFailure(file.display, located(file.display, error), { size: file.size, sha256: file.sha256, loadDate: file.loadDate, started });
    return;
  }
  inRun.loaded.set(file.sha256, result.loadId);
  report({
    ...base,
    status: 'loaded',
    loadId: result.loadId,
    rows: result.rows,
    rejected: result.rejected,
    durationMs: Date.now() - started,
    loadedAt: result.loadedAt.toISOString(),
    schemaChanges: [...result.schemaChanges],
  });
}

function loadByFormat(job: FileJob, env: LoadEnv): Promise<FileLoadResult> {
  if (job.file.size === 0) throw new LoadFileError('the file is empty', {}, 'shape');
  const format = job.spec.format ?? formatFromName(job.file.display);
  switch (format) {
    case 'csv':
      return loadCsvFile(job, env);
    case 'json':
      return loadJsonFile(job, env);
    case 'tiff':
      return loadTiffFile(job, env);
    case undefined:
      throw new LoadFileError(`cannot tell the format from the file name: set format (csv, json or tiff) on source ${job.spec.name}`);
  }
}

/** `path:line: message` for a load error; any other error keeps its message. */
function located(display: string, error: unknown): string {
  if (error instanceof LoadFileError) return `${display}${error.where.line !== undefined ? `:${error.where.line}` : ''}: ${error.message}`;
  return `${display}: ${describe(error)}`;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
