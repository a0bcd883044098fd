import path from 'node:path';
import type { CompiledProject } from '../compile/compile-project.js';
import { selectNodes } from '../graph/selectors/index.js';
import { landingSpecs } from '../load/landing-spec.js';
import { loadLanding, type FileOutcome, type LoadListener } from '../load/load-landing.js';
import { projectCommit } from '../load/project-commit.js';
import type { SourceNode } from '../manifest/types.js';
import { writeJsonArtifact } from '../manifest/write-artifact.js';
import { STRATA_VERSION } from '../shared/version.js';
import { MetadataStore } from '../observability/metadata-store.js';
import { profileLoads } from '../observability/profile-loads.js';
import type { LoadedFileEntry } from '../observability/report/run-report.js';
import { finishRun, newRunId, type RunFinish } from './finish-run.js';
import { openProject, type CommonOptions } from './project-session.js';
import { readRelationVersions } from '../state/relation-versions.js';
import { saveVersionSnapshot } from './version-snapshot.js';

export interface LoadOptions extends CommonOptions {
  readonly select?: readonly string[];
  readonly exclude?: readonly string[];
  /** The logical load date of every file of this run (`--as-of`). */
  readonly asOf?: Date;
  /**
   * `build`: the sources to load are those selected and those upstream of a selected node (all
   * sources when nothing is selected); `load`: only the selected sources.
   */
  readonly upstreamOfSelection?: boolean;
  readonly listener?: LoadListener;
  /** Write a run report and notify (true for `strata load`; `build` reports the load with its own run). */
  readonly report?: boolean;
}

export interface LoadOutcome {
  readonly files: readonly FileOutcome[];
  readonly sources: number;
  readonly elapsedMs: number;
  readonly resultsPath: string | undefined;
  /** The run report, when this load wrote one. */
  readonly finish?: RunFinish;
  /** Sources whose new loads were profiled into the metrics history. */
  readonly profiled: readonly string[];
}

/** `strata load`: brings new landing files of the selected sources into raw, holding the run lock. */
export async function loadSources(options: LoadOptions): Promise<LoadOutcome> {
  const started = Date.now();
  const session = openProject(options);
  const compiled = session.compile();
  const nodes = landingSources(compiled, options);
  const { config } = session.project.settings;
  const specs = landingSpecs(nodes, config);
  if (specs.length === 0) return { files: [], sources: 0, elapsedMs: Date.now() - started, resultsPath: undefined, profiled: [] };
  const adapter = await session.connect();
  let files: FileOutcome[];
  let finish: RunFinish | undefined;
  let profiled: string[] = [];
  let versions: Map<string, string> | undefined;
  try {
    files = await loadLanding({
      adapter,
      projectRoot: session.root,
      specs,
      metadataSchema: config.metadata_schema,
      asOf: options.asOf,
      strataVersion: STRATA_VERSION,
      gitCommit: projectCommit(session.root),
      listener: options.listener,
    });
    const store = new MetadataStore(adapter, config.metadata_schema);
    await adapter.withConnection((c) => store.ensure(c));
    const runId = newRunId(new Date(started));
    const bySource = new Map(specs.map((spec) => [spec.name, spec]));
    const loads = files.flatMap((f) => {
      const spec = bySource.get(f.source);
      return f.status === 'loaded' && spec && f.loadId !== undefined && f.loadedAt !== undefined
        ? [{ uniqueId: spec.uniqueId, relation: spec.relation, loadId: f.loadId, loadedAt: f.loadedAt }]
        : [];
    });
    await profileLoads(adapter, store, runId, loads);
    profiled = [...new Set(loads.map((l) => l.uniqueId))];
    if (options.report !== false) {
      finish = await finishRun({ session, adapter, store, runId, command: 'load', startedAt: new Date(started), results: [], files: fileEntries(files), profiled });
    }
    // New loads change the data versions the query cache compares.
    versions = await adapter.withConnection((c) => readRelationVersions(adapter, c, compiled.nodes, compiled.dag.topologicalOrder(), config.metadata_schema));
  } finally {
    await adapter.close();
  }
  saveVersionSnapshot(session, versions);
  const elapsedMs = Date.now() - started;
  const resultsPath = path.join(session.targetDir, 'load_results.json');
  writeJsonArtifact(resultsPath, {
    metadata: { strataVersion: STRATA_VERSION, command: 'load', generatedAt: new Date().toISOString(), target: session.project.settings.targetName },
    elapsedMs,
    files,
  });
  return { files, sources: specs.length, elapsedMs, resultsPath, finish, profiled };
}

/** Files of a load as the run report lists them (unchanged files, seen before, are left out). */
export function fileEntries(files: readonly FileOutcome[]): LoadedFileEntry[] {
  return files
    .filter((f) => f.status !== 'unchanged')
    .map((f) => ({
      source: f.source,
      path: f.path,
      status: f.status,
      rows: f.rows,
      loadId: f.loadId === undefined ? undefined : String(f.loadId),
      loadDate: f.loadDate,
      message: f.error ?? (f.duplicateOf ? `same content as ${f.duplicateOf.path}` : f.schemaChanges.join('; ') || undefined),
    }));
}

/** The selected source nodes that declare a landing zone (with `upstreamOfSelection`, also those the selection reads). */
function landingSources(compiled: CompiledProject, options: LoadOptions): SourceNode[] {
  const selected = selectNodes(compiled.dag, { select: options.select, exclude: options.exclude });
  const wanted = new Set(selected);
  if (options.upstreamOfSelection && options.select?.length) {
    for (const id of selected) for (const parent of compiled.dag.walk(id, 'parents')) wanted.add(parent);
  }
  return compiled.dag
    .topologicalOrder()
    .filter((id) => wanted.has(id))
    .map((id) => compiled.dag.node(id))
    .filter((n): n is SourceNode => n.kind === 'source' && Boolean(n.settings.landing));
}
