import { existsSync } from 'node:fs';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { loadSources, fileEntries } from '../app/load.js';
import { openProject, type CommonOptions } from '../app/project-session.js';
import { runProject, type RunOutcome } from '../app/run-project.js';
import type { RunListener } from '../execute/node-result.js';
import type { FileOutcome, LoadListener } from '../load/load-landing.js';
import { StrataError } from '../shared/errors.js';
import { ChangeQueue, type PendingWork } from './change-queue.js';
import { classifyPath, landingRoots, type WatchLayout } from './classify-path.js';

/** What the watcher tells its user (the CLI prints it). */
export interface WatchReporter {
  /** A cycle starts, and why. */
  cycleStarted(why: { readonly initial: boolean; readonly projectFiles: readonly string[]; readonly landing: ReadonlyMap<string, readonly string[]> }): void;
  /** Files loaded before the run. */
  loaded(files: readonly FileOutcome[]): void;
  /** A cycle ended: its run's outcome (undefined when nothing ran), or the error that stopped it. */
  cycleFinished(outcome: { readonly run?: RunOutcome; readonly error?: unknown; readonly elapsedMs: number; readonly retrying?: boolean }): void;
  /** The watcher is ready (after the first cycle) or noticed something worth saying. */
  info(line: string): void;
}

export interface WatchOptions extends CommonOptions {
  readonly select?: readonly string[];
  readonly exclude?: readonly string[];
  /** `seed` and `model`, plus `test` with `--test`. */
  readonly kinds: readonly ('seed' | 'model' | 'test')[];
  /** Poll the file system instead of native events (network drives, containers). */
  readonly poll?: boolean;
  /** Quiet time after the last event before a cycle starts. */
  readonly debounceMs?: number;
  /** How long a landing file must stay unchanged before it counts as fully written. */
  readonly landingStableMs?: number;
  readonly listener: RunListener;
  readonly loadListener?: LoadListener;
  readonly reporter: WatchReporter;
}

export interface WatchHandle {
  /** Resolves once the watchers are up and the first cycle has finished. */
  readonly ready: Promise<void>;
  /** Stops watching; resolves after the cycle in progress (if any) has finished. */
  stop(): Promise<void>;
}

/** Retries of a cycle while another process holds the database. */
const LOCK_RETRY_MS = 300;

/**
 * `strata watch`: a driver that turns file events into the app's use cases. Saving a model,
 * macro, YAML or seed file runs `run --changed` (what the change affects, through change
 * detection); a file arriving in a landing folder (once fully written) is loaded, then the same
 * run rebuilds what reads that source. Cycles are debounced and run one at a time; a failed cycle
 * is reported and watching goes on. The database is opened by each cycle and closed at its end,
 * so other commands can use it in between.
 */
export function watchProject(options: WatchOptions): WatchHandle {
  const root = path.resolve(options.projectDir);
  let layout = readLayout(options, root);
  const watchers: FSWatcher[] = [];
  let landingWatcher: FSWatcher | undefined;
  let watchedLanding = new Set<string>();
  let initial = true;
  let markReady: () => void = () => undefined;
  const initialDone = new Promise<void>((resolve) => (markReady = resolve));

  const cycle = async (work: PendingWork): Promise<void> => {
    const started = performance.now();
    const isInitial = initial;
    initial = false;
    options.reporter.cycleStarted({ initial: isInitial, projectFiles: work.projectFiles.filter((f) => f !== STARTUP), landing: work.landing });
    try {
      let loadedFiles;
      if (isInitial || work.landing.size) {
        const select = isInitial ? undefined : [...work.landing.keys()].map((s) => `source:${s}`);
        const loaded = await loadSources({ ...options, select, listener: options.loadListener, report: false });
        options.reporter.loaded(loaded.files);
        loadedFiles = fileEntries(loaded.files);
      }
      const run = await runProject({
        ...options,
        changed: true,
        kinds: options.kinds,
        listener: options.listener,
        command: 'watch',
        loadedFiles,
      });
      options.reporter.cycleFinished({ run, elapsedMs: performance.now() - started });
      // A YAML file may declare new sources: their landing folders are watched from now on.
      if (work.projectFiles.some((f) => /\.ya?ml$/i.test(f))) layout = readLayout(options, root, layout);
      refreshLanding();
      if (isInitial) markReady();
    } catch (error) {
      if (error instanceof StrataError && error.code === 'locked') {
        // Another process (a query, a run) holds the database: try again shortly.
        options.reporter.cycleFinished({ error, elapsedMs: performance.now() - started, retrying: true });
        if (isInitial) initial = true;
        queue.retry(work, LOCK_RETRY_MS);
        return;
      }
      options.reporter.cycleFinished({ error, elapsedMs: performance.now() - started });
      refreshLanding();
      if (isInitial) markReady();
    }
  };
  const queue = new ChangeQueue(options.debounceMs ?? 100, cycle, (error) => options.reporter.cycleFinished({ error, elapsedMs: 0 }));

  const onEvent = (file: string): void => {
    const change = classifyPath(layout, path.resolve(file));
    if (change.kind === 'project') {
      if (path.basename(file) === 'strata.yml') layout = readLayout(options, root, layout);
      queue.project(path.relative(root, file));
    } else if (change.kind === 'landing') queue.landed(path.relative(root, file), change.sources);
  };

  const common = { ignoreInitial: true, usePolling: options.poll ?? false, interval: 100, atomic: true } as const;
  const ignored = (file: string): boolean => {
    const rel = path.relative(root, file).split(path.sep);
    return rel.includes('node_modules') || rel.some((part) => part.startsWith('.') && part !== '.' && part !== '..') || rel[0] === layout.targetDir;
  };

  /** Watches the landing folders the project names now (sources may have been added). */
  const refreshLanding = (): void => {
    const roots = landingRoots(layout).filter((r) => existsSync(r));
    const added = roots.filter((r) => !watchedLanding.has(r));
    if (added.length === 0) return;
    watchedLanding = new Set([...watchedLanding, ...added]);
    if (!landingWatcher) {
      landingWatcher = watch(added, {
        ...common,
        ignored: (file: string) => path.basename(file).startsWith('.'),
        awaitWriteFinish: { stabilityThreshold: options.landingStableMs ?? 200, pollInterval: 50 },
      });
      landingWatcher.on('add', onEvent).on('change', onEvent);
      watchers.push(landingWatcher);
    } else landingWatcher.add(added);
  };

  const ready = (async () => {
    const projectPaths = [...layout.projectDirs, ...layout.projectFiles].map((p) => path.resolve(root, p)).filter((p) => existsSync(p));
    const projectWatcher = watch(projectPaths, { ...common, ignored });
    projectWatcher.on('add', onEvent).on('change', onEvent).on('unlink', onEvent);
    watchers.push(projectWatcher);
    refreshLanding();
    await Promise.all(watchers.map((w) => new Promise<void>((resolve) => w.once('ready', () => resolve()))));
    // The first cycle loads what landed while nobody watched and builds what is out of date.
    queue.project(STARTUP);
    await initialDone;
  })();

  return {
    ready,
    async stop() {
      markReady();
      await queue.stop();
      await Promise.all(watchers.map((w) => w.close()));
    },
  };
}

/** A marker for the first cycle. */
const STARTUP = '<startup>';

/** Where the project's files are, and its landing sources (when the project compiles). */
function readLayout(options: WatchOptions, root: string, previous?: WatchLayout): WatchLayout {
  const session = (() => {
    try {
      return openProject(options);
    } catch {
      return undefined;
    }
  })();
  if (!session) return previous ?? { root, projectDirs: ['models', 'seeds', 'macros', 'tests', 'snapshots'], projectFiles: ['strata.yml', 'dbt_project.yml'], targetDir: 'target', landing: [] };
  const { paths } = session.project.settings.config;
  const projectDirs = [
    ...(paths.models ?? ['models']),
    ...(paths.seeds ?? ['seeds']),
    ...(paths.macros ?? ['macros']),
    ...(paths.tests ?? ['tests']),
    ...(paths.docs ?? ['docs']),
    ...(paths.snapshots ?? ['snapshots']),
  ];
  let landing: WatchLayout['landing'] = previous?.landing ?? [];
  try {
    const compiled = session.compile();
    landing = [...compiled.nodes.values()].flatMap((n) => (n.kind === 'source' && n.settings.landing ? [{ source: n.name, glob: n.settings.landing }] : []));
  } catch {
    // The first cycle reports why the project does not compile.
  }
  return {
    root,
    projectDirs: [...new Set(projectDirs)],
    projectFiles: ['strata.yml', 'dbt_project.yml', 'profiles.yml'],
    targetDir: paths.target ?? 'target',
    landing,
  };
}
