/**
 * The documentation site's data model: what `docs generate` writes into `target/docs/data/` and
 * what the browser bundle (docs-site/) reads. Types only, shared by both sides, so a field
 * renamed on one side fails to compile on the other.
 *
 * The data is split so the first render stays fast on a project of thousands of nodes:
 * - `data/index.js` (always loaded): the graph (nodes, edges, precomputed layouts) and summary facts;
 * - `data/search.js` (loaded after the first render): columns and descriptions for search;
 * - `data/columns.js` (loaded when a column view opens): the column-level lineage edges;
 * - `data/nodes/<chunk>.js` (loaded when a page opens): the pages of `detailChunk` consecutive
 *   nodes (node i is in chunk ⌊i / detailChunk⌋), so a large project is a few hundred files.
 *
 * Each file is a script that hands its JSON to a global callback, so the site works from
 * `file://` without fetch. All HTML in these files is sanitized at generate time; the browser
 * sanitizes it again before inserting it, and sets every other string as text.
 */

/** Bumped when the shape changes incompatibly. */
export const SITE_FORMAT = 1;

/** Name of the global callback each data file calls: `window[SITE_CALLBACK](kind, key, payload)`. */
export const SITE_CALLBACK = '__strataDocsData';

export type SiteNodeKind = 'model' | 'seed' | 'source' | 'exposure';

/** Last outcome of a node in `target/run_results.json`. */
export type RunStatus = 'success' | 'error' | 'skipped';

/** A data test's last verdict; `none` when it has not run (or results are not available). */
export type TestVerdict = 'pass' | 'warn' | 'fail' | 'error' | 'skipped' | 'none';

/** Counts of a node's tests by their last verdict. */
export type TestSummary = Partial<Record<TestVerdict, number>>;

/** A node as the graph, the sidebar, search and the selector filter need it. */
export interface IndexNode {
  readonly id: string;
  readonly kind: SiteNodeKind;
  readonly name: string;
  /** Display label (an exposure's `label`, a source's `source.table`), when it differs from the name. */
  readonly label?: string;
  /** Index into `SiteIndex.folders`. */
  readonly folder: number;
  readonly path: string;
  /** Folder segments plus name, as selectors match them. */
  readonly fqn: readonly string[];
  readonly tags: readonly string[];
  /** Model materialization, `seed` for seeds; absent for sources and exposures. */
  readonly materialized?: string;
  /** `schema.identifier`, when the node is a relation. */
  readonly relation?: string;
  /** Indices into `SiteIndex.nodes`. */
  readonly parents: readonly number[];
  readonly children: readonly number[];
  /** Plain-text start of the description (never HTML), for tooltips and lists. */
  readonly summary: string;
  readonly run?: RunStatus;
  readonly tests?: TestSummary;
  /** Model/seed configuration, for `config.*:` selectors. */
  readonly config?: Readonly<Record<string, unknown>>;
  readonly sourceName?: string;
  readonly tableName?: string;
  readonly patchPath?: string;
}

/** A laid-out graph: node positions (centres) and edge polylines, in layout units. */
export interface GraphLayout {
  readonly width: number;
  readonly height: number;
  /** Node key (a node index, or a folder index for the folder overview) → position. */
  readonly nodes: readonly LayoutNode[];
  readonly edges: readonly LayoutEdge[];
}

export interface LayoutNode {
  readonly key: number;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface LayoutEdge {
  readonly from: number;
  readonly to: number;
  /** Points of the edge's path, flattened: x0, y0, x1, y1, … */
  readonly points: readonly number[];
  /** How many node edges a folder edge stands for. */
  readonly weight?: number;
}

/** Whether an input of the site was available, and why not when it was not. */
export interface Availability {
  readonly available: boolean;
  /** Shown to readers when not available (e.g. "no database yet: run `strata build`"). */
  readonly reason?: string;
  /** When it was produced (run results, catalog), if known. */
  readonly at?: string;
}

/** `data/index.js`. */
export interface SiteIndex {
  readonly format: typeof SITE_FORMAT;
  readonly project: {
    readonly name: string;
    readonly version: string;
    readonly target: string;
    readonly adapter: string;
    readonly strataVersion: string;
    readonly generatedAt: string;
    /** When the manifest was compiled. */
    readonly compiledAt: string;
  };
  readonly nodes: readonly IndexNode[];
  /** Folder paths such as `models/marts`, `seeds`, `sources/crm`, `exposures`. */
  readonly folders: readonly string[];
  /** Folders as nodes, edges aggregated: the view of a large project before anything is focused. */
  readonly overview: GraphLayout;
  /** Every node, when the project is small enough to lay out at once. */
  readonly full?: GraphLayout;
  readonly inputs: {
    readonly catalog: Availability;
    readonly runResults: Availability;
    readonly testResults: Availability;
    readonly loadLog: Availability;
    readonly gitHistory: Availability;
    readonly columnLineage: Availability;
  };
  /** Node pages per file in `data/nodes/`. */
  readonly detailChunk: number;
  /** Observability reports found in `target/reports`, linked relative to the site. */
  readonly reports: readonly { readonly title: string; readonly href: string }[];
  /** Non-fatal problems met while generating (shown on the home page). */
  readonly warnings: readonly string[];
  /** Sanitized HTML of the project overview doc block (`{% docs __overview__ %}`), if any. */
  readonly overviewHtml?: string;
}

/** One searchable column: `[node index, column name, type, plain-text description]`. */
export type SearchColumn = readonly [number, string, string, string];

/** `data/search.js`: columns and full plain-text descriptions (node i → description). */
export interface SearchData {
  readonly descriptions: readonly string[];
  readonly columns: readonly SearchColumn[];
}

/** How a column's value is computed from its upstream columns. */
export type ColumnTransform = 'direct' | 'renamed' | 'expression' | 'aggregate' | 'window' | 'constant';

/** An upstream column: a node's column, or a column of a relation Strata does not manage. */
export interface ColumnRef {
  /** Index of the node, when the relation is a node of the project. */
  readonly node?: number;
  /** `schema.table` when the relation is not a node. */
  readonly relation?: string;
  readonly column: string;
}

/** Column-level lineage of one output column. */
export interface ColumnLineage {
  readonly sources: readonly ColumnRef[];
  readonly transform: ColumnTransform;
  /** Set when the column could not be traced (fully or partly), saying why. */
  readonly untraced?: string;
}

/** `data/columns.js`: every traced column edge, for the column view of the graph. */
export interface ColumnGraphData {
  /** Node index → its output columns (names in order). */
  readonly columns: Readonly<Record<number, readonly string[]>>;
  /** `[to node, to column, from node, from column, transform]` for edges between nodes of the project. */
  readonly edges: readonly (readonly [number, string, number, string, ColumnTransform])[];
  /** Node index → column → reason, for columns that could not be traced. */
  readonly untraced: Readonly<Record<number, Readonly<Record<string, string>>>>;
}

/** A data test on a node or one of its columns, with its last result. */
export interface TestInfo {
  /** e.g. `not_null`, `relationships → dim_instruments.instrument_id`. */
  readonly label: string;
  readonly verdict: TestVerdict;
  readonly severity?: string;
  readonly tags: readonly string[];
  readonly failures?: number;
  readonly message?: string;
  readonly at?: string;
}

export interface DetailColumn {
  readonly name: string;
  /** From the catalog when available, else the YAML `data_type`. */
  readonly type?: string;
  readonly typeFrom?: 'catalog' | 'yaml';
  /** Sanitized HTML. */
  readonly descriptionHtml: string;
  readonly tests: readonly TestInfo[];
  readonly lineage?: ColumnLineage;
  /** Downstream columns computed from this one (project nodes only). */
  readonly usedBy: readonly ColumnRef[];
  /** Declared in YAML but not in the relation (or the other way round). */
  readonly note?: string;
}

export interface GitCommit {
  readonly hash: string;
  readonly author: string;
  readonly date: string;
  readonly subject: string;
  /** The file's path at that commit (renames are followed). */
  readonly path: string;
  /** Index into `versions` of the file's content after the commit, when kept. */
  readonly version?: number;
}

/** A file's change history: newest commit first; `versions` holds contents for diffs in the browser. */
export interface FileHistory {
  readonly path: string;
  readonly commits: readonly GitCommit[];
  readonly versions: readonly string[];
  /** Content in the working tree when it differs from the last commit. */
  readonly uncommitted?: number;
  /** Set when history was capped or some versions were too large to keep. */
  readonly note?: string;
}

/** One file attempt of the loader (`strata_meta.load_log`): `loaded`, `skipped_duplicate` or `failed`. */
export interface LoadLogEntry {
  readonly file: string;
  readonly loadedAt: string;
  readonly status: string;
  readonly rows?: number;
  readonly rejectedRows?: number;
  /** The logical date of the data in the file. */
  readonly loadDate?: string;
  readonly durationMs?: number;
  /** The error of a failed file. */
  readonly message?: string;
  readonly loadId?: string;
}

export interface Freshness {
  /** Latest load or `loaded_at_field` value. */
  readonly latest?: string;
  /** Where `latest` comes from. */
  readonly from: string;
  readonly status?: 'pass' | 'warn' | 'error';
  readonly warnAfter?: string;
  readonly errorAfter?: string;
}

/** One node's page (an element of a `data/nodes/<chunk>.js` file). */
export interface NodeDetail {
  readonly index: number;
  readonly descriptionHtml: string;
  readonly owner?: string;
  readonly columns: readonly DetailColumn[];
  /** Tests on the node as a whole (not on one column). */
  readonly tests: readonly TestInfo[];
  readonly rawSql?: string;
  readonly compiledSql?: string;
  readonly sqlLanguage: 'duckdb' | 'postgresql';
  readonly run?: {
    readonly status: RunStatus;
    readonly startedAt: string;
    readonly durationMs: number;
    readonly rows?: number;
    readonly action?: string;
    readonly message?: string;
  };
  readonly catalog?: { readonly kind: 'table' | 'view'; readonly rowCount?: string; readonly rowCountNote?: string };
  readonly catalogNote?: string;
  readonly freshness?: Freshness;
  readonly history?: FileHistory;
  readonly historyNote?: string;
  /** Sources only; undefined when no load log is available. */
  readonly loads?: readonly LoadLogEntry[];
  readonly columnLineageNote?: string;
  /** Exposures. */
  readonly exposure?: { readonly type: string; readonly url?: string; readonly maturity?: string };
  /** Every node upstream of an exposure, nearest first (indices). */
  readonly allUpstream?: readonly number[];
  /** Source settings (landing, format, load mode), as declared. */
  readonly settings?: Readonly<Record<string, unknown>>;
  readonly meta?: Readonly<Record<string, unknown>>;
}
