import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createAdapter, dialectFor } from '../adapters/create-adapter.js';
import { loadProjectConfig, type LoadedProjectConfig } from '../config/load-project-config.js';
import { buildSite } from '../docs/build-site.js';
import { readGitHistories } from '../docs/git-history.js';
import { findReports } from '../docs/find-reports.js';
import { manifestIsStale } from '../docs/manifest-is-stale.js';
import { parseModels } from '../docs/parse-models.js';
import { readCatalog, type Catalog } from '../docs/read-catalog.js';
import { readRunResults } from '../docs/read-run-results.js';
import { seedHeaders } from '../docs/seed-headers.js';
import { ensureSiteBundle } from '../docs/site-bundle.js';
import { writeSite } from '../docs/write-site.js';
import type { GraphNode, Manifest } from '../manifest/types.js';
import { describeError, StrataError } from '../shared/errors.js';
import { STRATA_VERSION } from '../shared/version.js';
import { openProject, type CommonOptions } from './project-session.js';

export interface DocsGenerateOptions extends CommonOptions {
  /** `auto` (default) compiles when the manifest is missing or older than a project file. */
  readonly compile?: 'auto' | 'always' | 'never';
  /** Read columns, types and row counts from the database (default true). */
  readonly catalog?: boolean;
  /** Count the rows of views too (runs their queries). */
  readonly countViews?: boolean;
  /** Report progress lines (phase and time). */
  readonly progress?: (phase: string, ms: number) => void;
}

export interface DocsGenerateOutcome {
  readonly dir: string;
  readonly files: number;
  readonly bytes: number;
  readonly nodeCount: number;
  readonly compiled: boolean;
  readonly elapsedMs: number;
  /** Inputs that were not available, with why. */
  readonly missing: readonly string[];
  readonly warnings: readonly string[];
}

/**
 * `strata docs generate`: the static documentation site in `target/docs`, from the manifest
 * (compiled first when missing or stale), the catalog read from the database, the last run and
 * test results, the sources' load log and git history.
 */
export async function generateDocs(options: DocsGenerateOptions): Promise<DocsGenerateOutcome> {
  const started = Date.now();
  let mark = started;
  const phase = (name: string): void => {
    const now = Date.now();
    options.progress?.(name, now - mark);
    mark = now;
  };
  // Only strata.yml is read unless the manifest must be rebuilt: loading and rendering every model
  // of a large project costs more than everything else here.
  const root = path.resolve(options.projectDir);
  const settings = loadProjectConfig(root, options.target);
  const targetDir = path.join(root, settings.config.paths.target ?? 'target');
  const manifestPath = path.join(targetDir, 'manifest.json');
  const mode = options.compile ?? 'auto';
  const mustCompile = mode === 'always' || (mode === 'auto' && manifestIsStale(root, settings.config.paths, manifestPath));
  if (mustCompile) {
    const session = openProject(options);
    session.writeArtifacts(session.compile());
  } else if (!existsSync(manifestPath)) {
    throw new StrataError('no_manifest', `no manifest at ${manifestPath}: run \`strata compile\` first, or drop --no-compile`, { file: manifestPath });
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  phase(mustCompile ? 'compile' : 'read manifest');

  const nodes = Object.values(manifest.nodes);
  const warnings: string[] = [];
  const runResults = readRunResults(path.join(targetDir, 'run_results.json'));

  // The catalog, SQL parsing and git history are independent: run them side by side.
  const [catalogResult, parsed, histories] = await Promise.all([
    options.catalog === false ? Promise.resolve({ reason: 'not read (--no-catalog)' }) : readCatalogSafely(root, settings, nodes, options.countViews ?? false),
    parseModels(nodes, targetDir, async () => (await import('../adapters/duckdb/duckdb-sql-serializer.js')).createSqlSerializer(2)),
    readGitHistories(root, [...new Set(nodes.filter((n) => n.kind !== 'test').map((n) => n.path))]),
  ]);
  phase('catalog, SQL parsing and git history');
  if (parsed.reason) warnings.push(`column lineage: ${parsed.reason}`);

  const content = buildSite({
    manifest,
    strataVersion: STRATA_VERSION,
    sqlLanguage: dialectFor(settings.target).formatterLanguage,
    ...(runResults ? { runResults } : {}),
    ...('catalog' in catalogResult ? { catalog: catalogResult.catalog } : { catalogReason: catalogResult.reason }),
    histories,
    queries: parsed.queries,
    ...(parsed.reason ? { queriesReason: parsed.reason } : {}),
    seedHeaders: seedHeaders(root, nodes),
    reports: findReports(targetDir),
    warnings,
  });
  phase('build site data');
  const bundleDir = await ensureSiteBundle();
  const written = writeSite(path.join(targetDir, 'docs'), bundleDir, content);
  phase('write site');

  const missing = Object.entries(content.index.inputs)
    .filter(([, a]) => !a.available)
    .map(([name, a]) => `${name}: ${a.reason ?? 'not available'}`);
  return {
    dir: written.dir,
    files: written.files,
    bytes: written.bytes,
    nodeCount: content.index.nodes.length,
    compiled: mustCompile,
    elapsedMs: Date.now() - started,
    missing,
    warnings: content.index.warnings,
  };
}

/**
 * The catalog, or why it was not read. Opens the target without the run lock, reads, and closes
 * at once, so a run is kept waiting as little as possible. A file database that does not exist
 * yet is not created: the project has simply not been built.
 */
async function readCatalogSafely(root: string, settings: LoadedProjectConfig, nodes: readonly GraphNode[], countViews: boolean): Promise<{ catalog: Catalog } | { reason: string }> {
  let adapter;
  try {
    adapter = await createAdapter(settings.target, root, 1);
  } catch (error) {
    return { reason: `the database could not be opened: ${describeError(error)}` };
  }
  const file = adapter.describe().path;
  if (file && file !== ':memory:' && !existsSync(file)) return { reason: 'no database yet: run `strata build` to build the project' };
  try {
    await adapter.open({ runLock: false });
    const metadataSchema = settings.config.metadata_schema;
    return { catalog: await readCatalog(adapter, nodes, { countViews, metadataSchema }) };
  } catch (error) {
    return { reason: `the database could not be read: ${describeError(error)}` };
  } finally {
    await adapter.close().catch(() => undefined);
  }
}

