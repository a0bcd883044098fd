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
import { builtState, detectChanges, recordNodeStates } from './change-detection.js';
import { finishRun, newRunId, type RunFinish } from './finish-run.js';
import { liveRenderer } from './render-live.js';
import { openProject, type CommonOptions } from './project-session.js';
import { saveVersionSnapshot } from './version-snapshot.js';
import type { ChangeReason } from '../state/node-state.js';
import type { SelectorMethodRegistry } from '../graph/selectors/index.js';

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
  /** Files `build` loaded just before, reported with this run, and the sources they profiled. */
  readonly loadedFiles?: readonly LoadedFileEntry[];
  readonly profiled?: readonly string[];
  /**
   * `--changed`: of the selection, build only models and seeds whose code changed or whose inputs
   * received new data since their last build, and what depends on them; the rest is up to date.
   */
  readonly changed?: boolean;
}

/** A selected model or seed that `--changed` left alone. */
export interface UpToDateNode {
  readonly uniqueId: string;
  readonly name: string;
  readonly kind: 'model' | 'seed';
}

export interface RunOutcome {
  readonly runId: string;
  readonly results: readonly NodeResult[];
  readonly elapsedMs: number;
  readonly warnings: readonly string[];
  readonly runResultsPath: string;
  readonly finish: RunFinish;
  /** With `--changed`: the selected models and seeds that were up to date (not run). */
  readonly upToDate: readonly UpToDateNode[];
  /** Why each node run by `--changed` was rebuilt. */
  readonly reasons: ReadonlyMap<string, readonly ChangeReason[]>;
}

/** Compiles the project, then materializes the selected seeds and models in dependency order. */
export async function runProject(options: RunOptions): Promise<RunOutcome> {
  const started = Date.now();
  const runId = newRunId();
  const session = openProject(options);
  let compiled = session.compile();
  const fullBuild = compiled;
  const adapter = await session.connect();
  let scratch: Promise<Adapter> | undefined;
  let versions: Map<string, string> | undefined;
  let outcome: RunOutcome;
  try {
    const metadataSchema = session.project.settings.config.metadata_schema;
    const store = new MetadataStore(adapter, metadataSchema);
    await adapter.withConnection((c) => store.ensure(c));
    const existing = await listExisting(adapter, compiled);
    // Checksums come from the full-build render, so they do not flip with is_incremental().
    const detected = await detectChanges(adapter, fullBuild, session.root, metadataSchema, existing);
    const incremental = new Set(
      [...compiled.nodes.values()]
        .filter((n) => n.kind === 'model' && n.config.materialized === 'incremental' && existing.has(relationKey(n.relation.schema, n.relation.identifier)))
        .map((n) => n.name),
    );
    // is_incremental() depends on the database: render again where it is true (and no full refresh).
    if (incremental.size && !options.fullRefresh) compiled = session.compile((name) => incremental.has(name));
    session.writeArtifacts(compiled);

    const kinds = new Set<string>(options.kinds);
    const registry = detected.registry;
    let base = selectNodes(compiled.dag, { select: options.select, exclude: options.exclude }, { registry });
    const upToDate: UpToDateNode[] = [];
    if (options.changed) {
      const kept = new Set<string>();
      for (const id of base) {
        const node = compiled.nodes.get(id);
        if (!node) continue;
        const buildable = (node.kind === 'model' && node.config.materialized !== 'ephemeral') || node.kind === 'seed';
        if (buildable && !detected.plan.changed.has(id)) {
          if (kinds.has(node.kind)) upToDate.push({ uniqueId: id, name: node.name, kind: node.kind as 'model' | 'seed' });
        } else if (node.kind !== 'test' || node.dependsOn.some((parent) => detected.plan.changed.has(parent))) kept.add(id);
      }
      base = kept;
    }
    const picked = withTestsOf(compiled, base, options.exclude, registry);
    const selected = new Set([...picked].filter((id) => isRunnable(compiled.nodes.get(id), kinds)));
    if (upToDate.length) options.listener.upToDate?.(upToDate);
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
      prepare: liveRenderer(compiled, adapter),
    });
    const elapsedMs = Date.now() - started;
    const runResultsPath = path.join(session.targetDir, 'run_results.json');
    writeJsonArtifact(runResultsPath, {
      metadata: { strataVersion: STRATA_VERSION, runId, command: options.command, generatedAt: new Date().toISOString(), target: session.project.settings.targetName },
      elapsedMs,
      results,
      upToDate,
    });
    const built = builtState(fullBuild, detected, results, runId);
    versions = built.versions;
    const finish = await finishRun({
      session,
      adapter,
      store,
      runId,
      command: options.command,
      startedAt: new Date(started),
      results,
      files: options.loadedFiles,
      profiled: options.profiled,
      recordWith: (c) => recordNodeStates(adapter, c, metadataSchema, built.states),
    });
    const reasons = new Map([...detected.plan.changed].filter(([id]) => selected.has(id)));
    outcome = { runId, results, elapsedMs, warnings: compiled.warnings, runResultsPath, finish, upToDate, reasons };
  } finally {
    await adapter.close();
    if (scratch) await (await scratch).close();
  }
  // Only once the database is closed (an embedded file is then complete on disk).
  saveVersionSnapshot(session, versions);
  return outcome;
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
function withTestsOf(compiled: CompiledProject, selected: Set<string>, exclude: readonly string[] | undefined, registry: SelectorMethodRegistry): Set<string> {
  const excluded = exclude?.length ? selectNodes(compiled.dag, { select: exclude }, { registry }) : new Set<string>();
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
