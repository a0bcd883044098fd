import path from 'node:path';
import type { CompiledProject } from '../compile/compile-project.js';
import { selectNodes } from '../graph/selectors/index.js';
import { landingSpecs } from '../load/landing-spec.js';
import { loadLanding, type FileOutcome, type LoadListener } from '../load/load-landing.js';
import { projectCommit } from '../load/project-commit.js';
import type { SourceNode } from '../manifest/types.js';
import { writeJsonArtifact } from '../manifest/write-artifact.js';
import { STRATA_VERSION } from '../shared/version.js';
import { openProject, type CommonOptions } from './project-session.js';

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
}

export interface LoadOutcome {
  readonly files: readonly FileOutcome[];
  readonly sources: number;
  readonly elapsedMs: number;
  readonly resultsPath: string | undefined;
}

/** `strata load`: brings new landing files of the selected sources into raw, holding the run lock. */
export async function loadSources(options: LoadOptions): Promise<LoadOutcome> {
  const started = Date.now();
  const session = openProject(options);
  const compiled = session.compile();
  const nodes = landingSources(compiled, options);
  const { config } = session.project.settings;
  const specs = landingSpecs(nodes, config);
  if (specs.length === 0) return { files: [], sources: 0, elapsedMs: Date.now() - started, resultsPath: undefined };
  const adapter = await session.connect();
  let files: FileOutcome[];
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
  } finally {
    await adapter.close();
  }
  const elapsedMs = Date.now() - started;
  const resultsPath = path.join(session.targetDir, 'load_results.json');
  writeJsonArtifact(resultsPath, {
    metadata: { strataVersion: STRATA_VERSION, command: 'load', generatedAt: new Date().toISOString(), target: session.project.settings.targetName },
    elapsedMs,
    files,
  });
  return { files, sources: specs.length, elapsedMs, resultsPath };
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
