import path from 'node:path';
import type { Adapter, ExistingRelation } from '../adapters/contract.js';
import { createAdapter } from '../adapters/create-adapter.js';
import type { CompiledProject } from '../compile/compile-project.js';
import type { NodeResult, RunListener } from '../execute/node-result.js';
import { relationKey, runNodes } from '../execute/run-nodes.js';
import { selectNodes } from '../graph/selectors/index.js';
import type { GraphNode } from '../manifest/types.js';
import { writeJsonArtifact } from '../manifest/write-artifact.js';
import { STRATA_VERSION } from '../shared/version.js';
import { MetadataStore } from '../observability/metadata-store.js';
import type { LoadedFileEntry } from '../observability/report/run-report.js';
import { finishRun, newRunId, type RunFinish } from './finish-run.js';
import { openProject, type CommonOptions } from './project-session.js';

export interface RunOptions extends CommonOptions {
  readonly select?: readonly string[];
  readonly exclude?: readonly string[];
  readonly failFast?: boolean;
  readonly fullRefresh?: boolean;
  /** Which kinds of node this command runs (`seed` seeds, `run` models, `test` tests, `build` all three). */
  readonly kinds: readonly ('seed' | 'model' | 'test')[];
  readonly listener: RunListener;
  /** The command name recorded in run_results.json. */
  readonly command: string;
  /** Files `build` loaded just before, reported with this run. */
  readonly loadedFiles?: readonly LoadedFileEntry[];
}

export interface RunOutcome {
  readonly runId: string;
  readonly results: readonly NodeResult[];
  readonly elapsedMs: number;
  readonly warnings: readonly string[];
  readonly runResultsPath: string;
  readonly finish: RunFinish;
}

/** Compiles the project, then materializes the selected seeds and models in dependency order. */
export async function runProject(options: RunOptions): Promise<RunOutcome> {
  const started = Date.now();
  const runId = newRunId();
  const session = openProject(options);
  let compiled = session.compile();
  const adapter = await session.connect();
  let scratch: Promise<Adapter> | undefined;
  try {
    const store = new MetadataStore(adapter, session.project.settings.config.metadata_schema);
    await adapter.withConnection((c) => store.ensure(c));
    const existing = await listExisting(adapter, compiled);
    const incremental = new Set(
      [...compiled.nodes.values()]
        .filter((n) => n.kind === 'model' && n.config.materialized === 'incremental' && existing.has(relationKey(n.relation.schema, n.relation.identifier)))
        .map((n) => n.name),
    );
    // is_incremental() depends on the database: render again where it is true (and no full refresh).
    if (incremental.size && !options.fullRefresh) compiled = session.compile((name) => incremental.has(name));
    session.writeArtifacts(compiled);

    const kinds = new Set<string>(options.kinds);
    const picked = withTestsOf(compiled, selectNodes(compiled.dag, { select: options.select, exclude: options.exclude }), options.exclude);
    const selected = new Set([...picked].filter((id) => isRunnable(compiled.nodes.get(id), kinds)));
    const results = await runNodes({
      dag: compiled.dag,
      adapter,
      selected,
      existing,
      threads: session.threads,
      failFast: options.failFast ?? false,
      fullRefresh: options.fullRefresh ?? false,
      projectRoot: session.root,
      listener: options.listener,
      gate: session.project.settings.config.test_gate,
      failuresSchema: session.project.settings.config.test_failures_schema,
      scratchAdapter: () => (scratch ??= openScratchDuckdb(session.root)),
      store,
      runId,
    });
    const elapsedMs = Date.now() - started;
    const runResultsPath = path.join(session.targetDir, 'run_results.json');
    writeJsonArtifact(runResultsPath, {
      metadata: { strataVersion: STRATA_VERSION, runId, command: options.command, generatedAt: new Date().toISOString(), target: session.project.settings.targetName },
      elapsedMs,
      results,
    });
    const finish = await finishRun({ session, adapter, store, runId, command: options.command, startedAt: new Date(started), results, files: options.loadedFiles });
    return { runId, results, elapsedMs, warnings: compiled.warnings, runResultsPath, finish };
  } finally {
    await adapter.close();
    if (scratch) await (await scratch).close();
  }
}

/** Unit tests run on an in-memory DuckDB whatever the target is. */
async function openScratchDuckdb(root: string): Promise<Adapter> {
  const scratch = await createAdapter({ adapter: 'duckdb', path: ':memory:', schema: 'main' }, root, 1);
  await scratch.open();
  return scratch;
}

function isRunnable(node: GraphNode | undefined, kinds: ReadonlySet<string>): boolean {
  if (!node || !kinds.has(node.kind)) return false;
  return node.kind === 'seed' || node.kind === 'test' || (node.kind === 'model' && node.config.materialized !== 'ephemeral');
}

/**
 * dbt's eager indirect selection: a test runs when any node it tests is selected, unless the
 * test itself is excluded.
 */
function withTestsOf(compiled: CompiledProject, selected: Set<string>, exclude: readonly string[] | undefined): Set<string> {
  const excluded = exclude?.length ? selectNodes(compiled.dag, { select: exclude }) : new Set<string>();
  for (const node of compiled.nodes.values()) {
    if (node.kind === 'test' && !excluded.has(node.uniqueId) && node.dependsOn.some((id) => selected.has(id))) selected.add(node.uniqueId);
  }
  return selected;
}

async function listExisting(adapter: Adapter, compiled: CompiledProject): Promise<Map<string, ExistingRelation>> {
  const schemas = new Set<string>();
  for (const node of compiled.nodes.values()) if (node.kind === 'model' || node.kind === 'seed') schemas.add(node.relation.schema);
  const relations = await adapter.withConnection((c) => adapter.listRelations(c, [...schemas]));
  return new Map(relations.map((r) => [relationKey(r.schema, r.identifier), r]));
}
