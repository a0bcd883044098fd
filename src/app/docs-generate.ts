import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { createAdapter, dialectFor } from '../adapters/create-adapter.js';
import { loadProjectConfig, type LoadedProjectConfig } from '../config/load-project-config.js';
import type { ProjectConfig } from '../config/project-config.js';
import { buildSite } from '../docs/build-site.js';
import { readGitHistories } from '../docs/git-history.js';
import { readQueryCache, writeQueryCache } from '../docs/query-cache.js';
import { toQueryIr, type QueryIr } from '../docs/query-ir.js';
import { readCatalog, type Catalog } from '../docs/read-catalog.js';
import { readRunResults } from '../docs/read-run-results.js';
import { ensureSiteBundle } from '../docs/site-bundle.js';
import { writeSite } from '../docs/write-site.js';
import type { GraphNode, Manifest, SeedNode } from '../manifest/types.js';
import { describeError, StrataError } from '../shared/errors.js';
import { sha256 } from '../shared/hash.js';
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
    parseModels(nodes, targetDir),
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
 * Whether the manifest is missing or older than a project file or folder (a folder's time changes
 * when a file is added or removed in it). Reads file times only, never file contents.
 */
function manifestIsStale(root: string, paths: ProjectConfig['paths'], manifestPath: string): boolean {
  if (!existsSync(manifestPath)) return true;
  const built = statSync(manifestPath).mtimeMs;
  const folders = [...new Set([...(paths.models ?? ['models']), ...(paths.seeds ?? ['seeds']), ...(paths.macros ?? ['macros']), ...(paths.tests ?? ['tests']), ...(paths.docs ?? ['docs'])])];
  const newer = (file: string): boolean => {
    try {
      return statSync(file).mtimeMs > built;
    } catch {
      return false;
    }
  };
  const walk = (dir: string): boolean => {
    if (!existsSync(dir)) return false;
    if (newer(dir)) return true;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() ? walk(full) : /\.(sql|ya?ml|csv|md)$/i.test(entry.name) && newer(full)) return true;
    }
    return false;
  };
  return ['strata.yml', 'strata.yaml', 'dbt_project.yml'].some((f) => newer(path.join(root, f))) || folders.some((f) => walk(path.join(root, f)));
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

/** Every model's compiled SQL parsed into the lineage IR: from the cache when the SQL is unchanged, else with DuckDB's parser. */
async function parseModels(nodes: readonly GraphNode[], targetDir: string): Promise<{ queries: Map<string, QueryIr>; reason?: string }> {
  const models = nodes.filter((n) => n.kind === 'model');
  const queries = new Map<string, QueryIr>();
  if (models.length === 0) return { queries };
  const cacheFile = path.join(targetDir, 'docs_cache', 'query-ir.json');
  const cache = readQueryCache(cacheFile);
  const fresh = new Map<string, QueryIr>();
  const todo: { id: string; hash: string; sql: string }[] = [];
  for (const model of models) {
    if (model.kind !== 'model') continue;
    const hash = sha256(model.compiledSql);
    const cached = cache.get(hash);
    if (cached) {
      queries.set(model.uniqueId, cached);
      fresh.set(hash, cached);
    } else todo.push({ id: model.uniqueId, hash, sql: model.compiledSql });
  }
  if (todo.length) {
    let serializer;
    try {
      const { createSqlSerializer } = await import('../adapters/duckdb/duckdb-sql-serializer.js');
      serializer = await createSqlSerializer(2);
    } catch (error) {
      return { queries, reason: `DuckDB's SQL parser is not available (${describeError(error)})` };
    }
    try {
      const parsed = await serializer.serialize(todo.map((t) => t.sql), toQueryIr);
      todo.forEach((t, i) => {
        queries.set(t.id, parsed[i]!);
        fresh.set(t.hash, parsed[i]!);
      });
    } finally {
      serializer.close();
    }
  }
  if (todo.length > 0 || fresh.size !== cache.size) writeQueryCache(cacheFile, fresh);
  return { queries };
}

/** Column names from each seed's CSV header (the first line), used when there is no catalog. */
function seedHeaders(root: string, nodes: readonly GraphNode[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const node of nodes) {
    if (node.kind !== 'seed') continue;
    const header = readHeader(path.join(root, node.path), (node as SeedNode).config.delimiter);
    if (header) out.set(node.uniqueId, header);
  }
  return out;
}

function readHeader(file: string, delimiter: string): string[] | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const buffer = Buffer.alloc(64 * 1024);
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    const text = buffer.subarray(0, read).toString('utf8');
    const firstLine = text.split(/\r?\n/)[0] ?? '';
    const [header] = parseCsv(firstLine, { delimiter, bom: true }) as string[][];
    return header;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Reports linked at most (newest first). */
const MAX_REPORTS = 50;

/**
 * HTML reports in `target/reports` (the observability reports each run writes, named
 * `<UTC time>-<run id>.html`), newest first, linked relative to the site.
 */
function findReports(targetDir: string): { title: string; href: string }[] {
  const dir = path.join(targetDir, 'reports');
  if (!existsSync(dir)) return [];
  const out: { title: string; href: string; key: string }[] = [];
  const walk = (sub: string, depth: number): void => {
    for (const entry of readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory() && depth < 2) walk(rel, depth + 1);
      else if (entry.isFile() && /\.html?$/i.test(entry.name)) {
        const stem = entry.name.replace(/\.html?$/i, '');
        const run = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z-(\w+)$/.exec(stem);
        const title = run ? `Run ${run[1]}-${run[2]}-${run[3]} ${run[4]}:${run[5]}:${run[6]} UTC (${run[7]})` : rel.replace(/\.html?$/i, '').replace(/[_-]+/g, ' ');
        out.push({ title, href: `../reports/${rel}`, key: run ? stem : `0-${rel}` });
      }
    }
  };
  walk('', 0);
  return out
    .sort((a, b) => b.key.localeCompare(a.key))
    .slice(0, MAX_REPORTS)
    .map(({ title, href }) => ({ title, href }));
}
