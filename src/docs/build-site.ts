import path from 'node:path';
import type { GraphNode, Manifest, ModelNode, SeedNode, SourceNode } from '../manifest/types.js';
import type { UpstreamColumn } from './column-lineage.js';
import { describeTests, summarizeTests, type NodeTests } from './describe-tests.js';
import type { GitHistories } from './git-history.js';
import { matchColumns } from './match-columns.js';
import { fullLayout, overviewLayout } from './project-layouts.js';
import type { QueryIr } from './query-ir.js';
import { relationKey, type Catalog } from './read-catalog.js';
import type { RunResults } from './read-run-results.js';
import { cachedRenderer } from './render-markdown.js';
import {
  SITE_FORMAT,
  type Availability,
  type ColumnGraphData,
  type ColumnLineage,
  type ColumnRef,
  type DetailColumn,
  type IndexNode,
  type NodeDetail,
  type SearchColumn,
  type SearchData,
  type SiteIndex,
  type SiteNodeKind,
} from './site-data.js';
import { sourceFreshness } from './source-freshness.js';
import { traceProjectColumns } from './trace-project-columns.js';

/** Everything `docs generate` gathered; only `manifest` is required. */
export interface SiteInputs {
  readonly manifest: Manifest;
  readonly strataVersion: string;
  readonly sqlLanguage: 'duckdb' | 'postgresql';
  readonly runResults?: RunResults;
  readonly catalog?: Catalog;
  /** Why there is no catalog (no database yet, locked, `--no-catalog`). */
  readonly catalogReason?: string;
  readonly histories: GitHistories;
  /** Parsed compiled SQL by model id; models missing here are reported as not traced. */
  readonly queries: ReadonlyMap<string, QueryIr>;
  readonly queriesReason?: string;
  /** Seed id → column names from the CSV header (used when there is no catalog). */
  readonly seedHeaders: ReadonlyMap<string, readonly string[]>;
  readonly reports: readonly { readonly title: string; readonly href: string }[];
  readonly warnings: readonly string[];
  readonly now?: Date;
}

export interface SiteContent {
  readonly index: SiteIndex;
  readonly search: SearchData;
  readonly columns: ColumnGraphData;
  readonly details: readonly NodeDetail[];
}

const SUMMARY_CHARS = 220;
/** Node pages per data file: few enough files to write fast, small enough to load fast. */
export const DETAIL_CHUNK = 40;
const SITE_KINDS = new Set<string>(['model', 'seed', 'source', 'exposure']);

type SiteNode = Exclude<GraphNode, { kind: 'test' }>;

/**
 * The whole content of the site from the gathered inputs. Pure: no I/O, so it is tested without
 * a database or git. Descriptions are rendered from Markdown and sanitized here.
 */
export function buildSite(inputs: SiteInputs): SiteContent {
  const { manifest } = inputs;
  const now = inputs.now ?? new Date();
  const md = cachedRenderer();
  const all = Object.values(manifest.nodes);
  const siteNodes = all.filter((n): n is SiteNode => SITE_KINDS.has(n.kind));
  const folderOf = (n: SiteNode): string => path.posix.dirname(n.path.split(path.sep).join('/'));
  siteNodes.sort((a, b) => folderOf(a).localeCompare(folderOf(b)) || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
  const folders = [...new Set(siteNodes.map(folderOf))].sort();
  const folderIndex = new Map(folders.map((f, i) => [f, i]));
  const indexOf = new Map(siteNodes.map((n, i) => [n.uniqueId, i]));
  const children = siteNodes.map((): number[] => []);
  const parents = siteNodes.map((n, i) => {
    const ps = [...new Set(n.dependsOn.map((id) => indexOf.get(id)).filter((p): p is number => p !== undefined && p !== i))];
    for (const p of ps) children[p]!.push(i);
    return ps;
  });

  const tests = describeTests(all, inputs.runResults);
  const order = topological(siteNodes, parents);
  const traced = traceProjectColumns(order.map((i) => siteNodes[i]!), inputs.queries, inputs.catalog, inputs.seedHeaders);

  const nodes: IndexNode[] = siteNodes.map((n, i) => indexNode(n, i));
  function indexNode(n: SiteNode, i: number): IndexNode {
    const run = inputs.runResults?.entries.get(n.uniqueId);
    const summary = md.text(n.description);
    const testSummary = summarizeTests(tests.get(n.uniqueId));
    const base = {
      id: n.uniqueId,
      kind: n.kind as SiteNodeKind,
      name: n.name,
      folder: folderIndex.get(folderOf(n))!,
      path: n.path,
      fqn: n.fqn,
      tags: n.tags,
      parents: parents[i]!,
      children: children[i]!,
      summary: summary.length > SUMMARY_CHARS ? `${summary.slice(0, SUMMARY_CHARS - 1)}…` : summary,
      ...(run ? { run: run.status } : {}),
      ...(testSummary ? { tests: testSummary } : {}),
    };
    switch (n.kind) {
      case 'model':
        return { ...base, materialized: n.config.materialized, relation: relationText(n), config: { ...n.config }, ...(n.patchPath ? { patchPath: n.patchPath } : {}) };
      case 'seed':
        return { ...base, materialized: 'seed', relation: relationText(n), config: { ...n.config, materialized: 'seed' } };
      case 'source':
        return { ...base, label: `${n.sourceName}.${n.tableName}`, relation: relationText(n), sourceName: n.sourceName, tableName: n.tableName };
      case 'exposure': {
        const label = typeof n.meta.label === 'string' ? n.meta.label : undefined;
        return label && label !== n.name ? { ...base, label } : base;
      }
    }
  }

  // Column graph: traced edges between project nodes, and the reverse (used by) lists.
  const columnsOf = new Map<number, readonly string[]>();
  for (const [id, names] of traced.columns) {
    const i = indexOf.get(id);
    if (i !== undefined) columnsOf.set(i, names);
  }
  const toRef = (s: UpstreamColumn): ColumnRef => {
    const node = s.nodeId !== undefined ? indexOf.get(s.nodeId) : undefined;
    return node !== undefined ? { node, column: s.column } : { relation: s.relation ?? s.nodeId ?? '?', column: s.column };
  };
  const edges: [number, string, number, string, ColumnLineage['transform']][] = [];
  const untraced: Record<number, Record<string, string>> = {};
  const usedBy = new Map<string, ColumnRef[]>();
  const lineageByNode = new Map<number, Map<string, ColumnLineage>>();
  for (const [id, lineage] of traced.lineage) {
    const i = indexOf.get(id);
    if (i === undefined) continue;
    const own = siteNodes[i]!;
    const documented = own.kind === 'exposure' ? [] : own.columns.map((c) => c.name);
    const materialized = own.kind === 'model' ? own.config.materialized : undefined;
    const matched = matchColumns(lineage, columnsOf.get(i) ?? (lineage.columns ? undefined : documented), materialized);
    const byColumn = new Map<string, ColumnLineage>();
    for (const [column, c] of matched) {
      const sources = c.sources.map(toRef);
      byColumn.set(column.toLowerCase(), { sources, transform: c.transform, ...(c.untraced ? { untraced: c.untraced } : {}) });
      if (c.untraced) (untraced[i] ??= {})[column] = c.untraced;
      for (const s of sources) {
        if (s.node === undefined) continue;
        edges.push([i, column, s.node, s.column, c.transform]);
        const key = `${s.node}\u0000${s.column.toLowerCase()}`;
        const list = usedBy.get(key);
        if (list) list.push({ node: i, column });
        else usedBy.set(key, [{ node: i, column }]);
      }
    }
    lineageByNode.set(i, byColumn);
  }

  const details = siteNodes.map((n, i) => detailOf(n, i));
  function detailOf(n: SiteNode, i: number): NodeDetail {
    const nodeTests = tests.get(n.uniqueId);
    const base: NodeDetail = {
      index: i,
      descriptionHtml: md.html(n.description),
      columns: [],
      tests: nodeTests?.node ?? [],
      sqlLanguage: inputs.sqlLanguage,
      ...(Object.keys(n.meta).length ? { meta: n.meta } : {}),
      ...historyOf(n),
    };
    const owner = ownerOf(n);
    if (owner) Object.assign(base, { owner });
    if (n.kind === 'exposure') {
      return {
        ...base,
        exposure: { type: n.type, ...(n.url ? { url: n.url } : {}), ...(n.maturity ? { maturity: n.maturity } : {}) },
        allUpstream: ancestors(i),
      };
    }
    const run = inputs.runResults?.entries.get(n.uniqueId);
    const catalogEntry = inputs.catalog?.relations.get(relationKey(n.relation));
    const ephemeral = n.kind === 'model' && n.config.materialized === 'ephemeral';
    const detail: NodeDetail = {
      ...base,
      columns: columnsFor(n, i, catalogEntry?.columns, nodeTests),
      ...(run ? { run: { status: run.status, startedAt: run.startedAt, durationMs: run.durationMs, ...(run.rows !== undefined ? { rows: run.rows } : {}), ...(run.action ? { action: run.action } : {}), ...(run.message ? { message: run.message } : {}) } } : {}),
      ...(catalogEntry
        ? { catalog: { kind: catalogEntry.kind, ...(catalogEntry.rowCount !== undefined ? { rowCount: catalogEntry.rowCount } : { rowCountNote: 'views are not counted (their query would run)' }) } }
        : { catalogNote: ephemeral ? 'ephemeral: inlined into the models that use it, never built as a relation' : inputs.catalog ? 'not found in the database: not built yet' : inputs.catalogReason ?? 'the database was not read' }),
    };
    if (n.kind === 'model') {
      const lineage = traced.lineage.get(n.uniqueId);
      return {
        ...detail,
        rawSql: n.rawSql,
        compiledSql: n.compiledSql,
        ...(lineage?.problem ? { columnLineageNote: lineage.problem } : {}),
      };
    }
    if (n.kind === 'source') {
      const log = inputs.catalog?.loadLog;
      const loads = log ? (log.byRelation.get(relationKey(n.relation)) ?? log.bySource.get(n.name) ?? []) : undefined;
      const lastLoaded = loads?.find((l) => l.status === 'loaded')?.loadedAt;
      return {
        ...detail,
        settings: n.settings,
        freshness: sourceFreshness(n, catalogEntry?.latestLoad ?? lastLoaded, now, catalogEntry?.latestLoad ? undefined : lastLoaded ? 'the last file loaded' : undefined),
        ...(loads ? { loads } : {}),
      };
    }
    return detail;
  }

  function historyOf(n: SiteNode): Pick<NodeDetail, 'history' | 'historyNote'> {
    if (!inputs.histories.ok) return { historyNote: inputs.histories.reason };
    const history = inputs.histories.files.get(n.path);
    return history ? { history } : { historyNote: 'no history for this file' };
  }

  function ancestors(start: number): number[] {
    const seen = new Set<number>([start]);
    const out: number[] = [];
    let frontier = [start];
    while (frontier.length) {
      const next: number[] = [];
      for (const i of frontier) for (const p of parents[i]!) if (!seen.has(p)) (seen.add(p), out.push(p), next.push(p));
      frontier = next;
    }
    return out;
  }

  function columnsFor(n: ModelNode | SeedNode | SourceNode, i: number, fromCatalog: readonly { name: string; type: string }[] | undefined, nodeTests: NodeTests | undefined): DetailColumn[] {
    const documented = new Map(n.columns.map((c) => [c.name.toLowerCase(), c]));
    const names = fromCatalog?.map((c) => c.name) ?? columnsOf.get(i) ?? n.columns.map((c) => c.name);
    const types = new Map(fromCatalog?.map((c) => [c.name.toLowerCase(), c.type]));
    const lineage = lineageByNode.get(i);
    const listed = new Set(names.map((c) => c.toLowerCase()));
    const out: DetailColumn[] = names.map((name) => {
      const key = name.toLowerCase();
      const doc = documented.get(key);
      const type = types.get(key) ?? doc?.dataType;
      const typeFrom = types.has(key) ? 'catalog' : doc?.dataType ? 'yaml' : undefined;
      const column: DetailColumn = {
        name,
        ...(type ? { type } : {}),
        ...(typeFrom ? { typeFrom } : {}),
        descriptionHtml: doc ? md.html(doc.description) : '',
        tests: nodeTests?.columns.get(key) ?? [],
        usedBy: usedBy.get(`${i}\u0000${key}`) ?? [],
        ...(lineage?.get(key) ? { lineage: lineage.get(key)! } : {}),
      };
      return column;
    });
    if (fromCatalog || columnsOf.has(i)) {
      for (const doc of n.columns) {
        if (listed.has(doc.name.toLowerCase())) continue;
        out.push({
          name: doc.name,
          ...(doc.dataType ? { type: doc.dataType, typeFrom: 'yaml' as const } : {}),
          descriptionHtml: md.html(doc.description),
          tests: nodeTests?.columns.get(doc.name.toLowerCase()) ?? [],
          usedBy: [],
          note: fromCatalog ? 'documented in YAML but not a column of the relation' : 'documented in YAML but not an output column of the compiled SQL',
        });
      }
    }
    return out;
  }

  const search: SearchData = {
    descriptions: siteNodes.map((n) => md.text(n.description)),
    columns: details.flatMap((d) =>
      d.columns.map((c): SearchColumn => [d.index, c.name, c.type ?? '', md.text(documentedDescription(siteNodes[d.index]!, c.name))]),
    ),
  };

  const availability = (available: boolean, reason: string, at?: string): Availability => (available ? { available, ...(at ? { at } : {}) } : { available, reason });
  const testEntries = inputs.runResults ? [...inputs.runResults.entries.values()].filter((e) => e.kind === 'test') : [];
  const sourceCount = siteNodes.filter((n) => n.kind === 'source').length;
  const loadsFound = inputs.catalog?.loadLog !== undefined;
  const modelCount = siteNodes.filter((n) => n.kind === 'model').length;
  const parsedCount = [...traced.lineage.values()].filter((l) => l.columns).length;
  const overviewDoc = manifest.docs.__overview__;
  const index: SiteIndex = {
    format: SITE_FORMAT,
    project: {
      name: manifest.metadata.projectName,
      version: manifest.metadata.projectVersion,
      target: manifest.metadata.target,
      adapter: manifest.metadata.adapter,
      strataVersion: inputs.strataVersion,
      generatedAt: now.toISOString(),
      compiledAt: manifest.metadata.generatedAt,
    },
    nodes,
    folders,
    overview: overviewLayout(nodes, folders),
    ...(fullLayout(nodes) ? { full: fullLayout(nodes)! } : {}),
    inputs: {
      catalog: availability(inputs.catalog !== undefined, inputs.catalogReason ?? 'the database was not read', inputs.catalog?.at),
      runResults: availability(inputs.runResults !== undefined, 'no run yet: target/run_results.json is missing', inputs.runResults?.generatedAt),
      testResults: availability(testEntries.length > 0, 'no test results yet: run `strata test` or `strata build`', inputs.runResults?.generatedAt),
      loadLog: availability(
        loadsFound,
        sourceCount === 0 ? 'the project declares no sources' : inputs.catalog ? 'no load log yet: run `strata load`' : `the database was not read (${inputs.catalogReason ?? 'no catalog'})`,
      ),
      gitHistory: availability(inputs.histories.ok, inputs.histories.ok ? '' : inputs.histories.reason),
      columnLineage: availability(
        parsedCount > 0 || modelCount === 0,
        inputs.queriesReason ?? 'no model could be traced',
      ),
    },
    detailChunk: DETAIL_CHUNK,
    reports: inputs.reports,
    warnings: [...inputs.warnings, ...(inputs.catalog?.problems ?? [])],
    ...(overviewDoc ? { overviewHtml: md.html(overviewDoc.text) } : {}),
  };

  const columns: ColumnGraphData = { columns: Object.fromEntries(columnsOf), edges, untraced };
  return { index, search, columns, details };
}

function documentedDescription(n: SiteNode, column: string): string {
  if (n.kind === 'exposure') return '';
  return n.columns.find((c) => c.name.toLowerCase() === column.toLowerCase())?.description ?? '';
}

function relationText(n: { relation: { schema: string; identifier: string } }): string {
  return `${n.relation.schema}.${n.relation.identifier}`;
}

function ownerOf(n: SiteNode): string | undefined {
  if (n.kind === 'exposure') return [n.owner.name, n.owner.email ? `<${n.owner.email}>` : undefined].filter(Boolean).join(' ') || undefined;
  const meta = n.kind === 'model' || n.kind === 'seed' ? { ...n.config.meta, ...n.meta } : n.meta;
  return typeof meta.owner === 'string' ? meta.owner : undefined;
}

/** Node indices with every node after its parents (cycles, which compile rejects, are appended). */
function topological(nodes: readonly SiteNode[], parents: readonly (readonly number[])[]): number[] {
  const indegree = parents.map((p) => p.length);
  const childrenOf = nodes.map((): number[] => []);
  parents.forEach((ps, i) => ps.forEach((p) => childrenOf[p]!.push(i)));
  const ready = indegree.flatMap((d, i) => (d === 0 ? [i] : []));
  const order: number[] = [];
  for (let k = 0; k < ready.length; k += 1) {
    const i = ready[k]!;
    order.push(i);
    for (const c of childrenOf[i]!) if (--indegree[c]! === 0) ready.push(c);
  }
  if (order.length < nodes.length) {
    const placed = new Set(order);
    nodes.forEach((_, i) => placed.has(i) || order.push(i));
  }
  return order;
}
