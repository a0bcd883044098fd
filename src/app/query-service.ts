import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Adapter, QueryResult } from '../adapters/contract.js';
import { databaseFileOf } from '../adapters/create-adapter.js';
import type { CompiledProject } from '../compile/compile-project.js';
import type { NamedQueryProperties, ParamType } from '../config/named-query.js';
import { QueryCacheStore } from '../query-cache/cache-store.js';
import { inspectQuery, type QueryInspection } from '../query-cache/inspect-query.js';
import { LruMap } from '../query-cache/lru-map.js';
import { normalizeSql } from '../query-cache/normalize-sql.js';
import { resolveReadRelations } from '../query-cache/resolve-read-relations.js';
import { versionScope, type VersionScope } from '../query-cache/version-scope.js';
import { environmentOf, environmentTarget, publicRelation } from '../release/environments.js';
import { sha256 } from '../shared/hash.js';
import { StrataError } from '../shared/errors.js';
import { readRelationVersions, relationVersionKey } from '../state/relation-versions.js';
import { databaseStamp, readVersionSnapshot, writeVersionSnapshot } from '../state/version-snapshot.js';
import { openProject, type CommonOptions, type ProjectSession } from './project-session.js';

/** How an answer was produced. */
export type CacheOutcome = 'hit' | 'miss' | 'bypass' | 'uncacheable';

export interface QueryAnswer {
  readonly result: QueryResult;
  readonly cache: CacheOutcome;
  /** Why the query is never cached (a volatile function, a relation outside the project, …). */
  readonly reason?: string;
  readonly elapsedMs: number;
}

export interface QueryServiceOptions extends CommonOptions {
  /** Read what an environment serves (`ref()` names its public views); never cached. */
  readonly environment?: string;
  /**
   * `strata serve`: only a single SELECT over the project's models, seeds and sources, with no
   * table functions or functions that reach outside the database, on read-only sessions.
   */
  readonly strict?: boolean;
}

/** A named query as `strata serve` lists it. */
export interface NamedQuery extends NamedQueryProperties {
  /** Where it is declared. */
  readonly file: string;
}

const QUERY_FILE = '<query>';

/** A request's SQL as the database runs it, and its cache key (target and normalized SQL). */
interface PreparedQuery {
  readonly sql: string;
  readonly key: string;
}

/** Attempts to open an embedded database a run holds (one every 200 ms). */
const LOCK_ATTEMPTS = 6;

/**
 * Runs templated read queries against a project's target, answering repeats from a cache:
 * the key is the normalized SQL, and an answer stays valid while the data version of every
 * relation it read is unchanged (models' builds and sources' loads, from the metadata schema).
 * A query that is not a single SELECT, uses a volatile function (`now()`, `random()`, …), a
 * table function, or reads anything that is not a model, seed or source, is never cached.
 * On an embedded database the file is opened only for the moment a query needs it (read-only
 * when possible) and versions come from the snapshot the last run left, so a run never waits.
 */
export class QueryService {
  private readonly session: ProjectSession;
  private readonly compiled: CompiledProject;
  private readonly store: QueryCacheStore;
  private readonly databaseFile: string | undefined;
  private readonly projectRelations: Set<string>;
  /** The node of each of those relations, by relation key. */
  private readonly nodeIdByRelation = new Map<string, string>();
  /** The whole project in dependency order, computed once. */
  private readonly order: readonly string[];
  /** Per set of relations an entry read: the nodes whose versions decide them. */
  private readonly scopes = new LruMap<string, VersionScope>(1000);
  /** Identifies the project's relations: a verdict like "reads something outside the project" holds only for these. */
  private readonly projectRelationsHash: string;
  private readonly cacheable: boolean;
  private readonly strict: boolean;
  private readonly named = new Map<string, NamedQuery>();
  private serverAdapter: Promise<Adapter> | undefined;
  private parser: Promise<import('../adapters/duckdb/duckdb-sql-serializer.js').SqlSerializer> | undefined;
  private embeddedQueue: Promise<unknown> = Promise.resolve();
  /**
   * Each distinct request text rendered once, with its cache key: a repeated request skips the
   * template, the normalization and the hash (the project is compiled once per service).
   */
  private readonly prepared = new LruMap<string, PreparedQuery>(1000);

  constructor(options: QueryServiceOptions) {
    const target = options.environment === undefined ? options.target : environmentTarget(options.projectDir, options.environment);
    this.session = openProject({ ...options, target });
    const { settings } = this.session.project;
    const environment = options.environment === undefined ? undefined : environmentOf(settings.config, options.environment);
    this.compiled = this.session.compile(
      undefined,
      environment ? { relationFor: (_name, logical) => publicRelation(environment, settings.target.schema, logical) } : undefined,
    );
    this.cacheable = environment === undefined;
    this.strict = options.strict ?? false;
    this.databaseFile = databaseFileOf(settings.target, this.session.root);
    this.store = new QueryCacheStore(path.join(this.session.targetDir, 'query_cache', settings.targetName.replace(/[^A-Za-z0-9_.-]/g, '_')));
    this.projectRelations = new Set();
    for (const node of this.compiled.nodes.values()) {
      if (node.kind === 'seed' || node.kind === 'source' || (node.kind === 'model' && node.config.materialized !== 'ephemeral')) {
        this.projectRelations.add(relationVersionKey(node.relation));
        this.nodeIdByRelation.set(relationVersionKey(node.relation), node.uniqueId);
      }
    }
    this.order = this.compiled.dag.topologicalOrder();
    this.projectRelationsHash = sha256([...this.projectRelations].sort().join('\n')).slice(0, 16);
    for (const query of settings.config.queries) this.named.set(query.name, { ...query, file: path.relative(this.session.root, settings.file).split(path.sep).join('/') });
    for (const { yaml, properties } of this.session.project.properties) {
      for (const query of properties.queries ?? []) {
        const prior = this.named.get(query.name);
        if (prior) throw new StrataError('duplicate_query', `query '${query.name}' is also declared in ${prior.file}`, { file: yaml.file });
        this.named.set(query.name, { ...query, file: yaml.file });
      }
    }
  }

  /** `serve:` of strata.yml. */
  serveSettings(): ProjectSession['project']['settings']['config']['serve'] {
    return this.session.project.settings.config.serve;
  }

  /** The named queries of the project (strata.yml and models YAML). */
  namedQueries(): NamedQuery[] {
    return [...this.named.values()];
  }

  /** Renders and runs one statement; `cache: false` bypasses the cache (`--no-cache`). */
  async run(sql: string, options: { cache?: boolean } = {}): Promise<QueryAnswer> {
    const started = performance.now();
    return this.answer(this.prepare(sql, QUERY_FILE), options.cache ?? true, started);
  }

  /** Runs a named query with its parameters (given as text, checked against their declared types). */
  async runNamed(name: string, params: Readonly<Record<string, string>>, options: { cache?: boolean } = {}): Promise<QueryAnswer> {
    const started = performance.now();
    const query = this.named.get(name);
    if (!query) throw new StrataError('unknown_query', `no query named '${name}'`, {}, 'project');
    const d = this.session.dialect;
    const vars: Record<string, string> = {};
    for (const [param, spec] of Object.entries(query.params)) {
      const given = params[param] ?? (spec.default === undefined ? undefined : String(spec.default));
      if (given === undefined) throw new StrataError('bad_param', `query '${name}' needs parameter '${param}' (${spec.type})`, {}, 'project');
      vars[param] = paramLiteral(given, spec.type, param, (text) => d.quoteLiteral(text));
    }
    for (const param of Object.keys(params)) {
      if (!(param in query.params)) throw new StrataError('bad_param', `query '${name}' has no parameter '${param}' (it takes: ${Object.keys(query.params).join(', ') || 'none'})`, {}, 'project');
    }
    return this.answer(this.prepare(query.sql, `<query ${name}>`, vars), options.cache ?? true, started);
  }

  /** A query's template rendered and resolved to relations, with its cache key; memoized per text and vars. */
  private prepare(text: string, file: string, vars?: Readonly<Record<string, string>>): PreparedQuery {
    const memoKey = `${file}\u0000${vars ? JSON.stringify(vars) : ''}\u0000${text}`;
    const known = this.prepared.get(memoKey);
    if (known) return known;
    const rendered = this.compiled.engine.render(text, file, vars ? { vars } : undefined);
    const sql = this.compiled.resolveSql(rendered.sql, file, rendered.capture);
    const query = { sql, key: sha256(`${this.session.project.settings.targetName}\n${normalizeSql(sql)}`) };
    this.prepared.set(memoKey, query);
    return query;
  }

  async close(): Promise<void> {
    const adapter = this.serverAdapter;
    this.serverAdapter = undefined;
    if (adapter) await (await adapter).close();
    const parser = this.parser;
    this.parser = undefined;
    if (parser) (await parser).close();
  }

  /** `started`: when the request arrived, so `elapsedMs` includes rendering the query. */
  private async answer({ sql, key }: PreparedQuery, useCache: boolean, started: number): Promise<QueryAnswer> {
    const done = (result: QueryResult, cache: CacheOutcome, reason?: string): QueryAnswer => ({ result, cache, reason, elapsedMs: performance.now() - started });
    if (!this.cacheable && !this.strict) {
      return done(await this.execute(sql, false), 'uncacheable', "it reads an environment's views, whose releases the cache does not track");
    }
    if (useCache && this.cacheable) {
      const entry = this.store.get(key);
      if (entry?.cacheable) {
        const current = await this.currentVersions(entry.relations.map((r) => r.key));
        if (current && entry.relations.every((r) => current.get(r.key) === r.version)) {
          this.store.touch(key);
          return done(entry.result, 'hit');
        }
      } else if (entry && !this.strict && entry.projectRelations === this.projectRelationsHash) {
        return done(await this.execute(sql, false), 'uncacheable', entry.reason);
      }
    }
    const inspection = await this.inspect(sql);
    const verdict = this.judge(inspection);
    if (this.strict && verdict.refused) throw new StrataError('query_refused', `refused: ${verdict.refused}`, {}, 'project');
    if (!useCache || !this.cacheable) return done(await this.execute(sql, inspection.ok), 'bypass');
    if (!verdict.keys) {
      const reason = verdict.reason ?? 'it cannot be cached';
      this.store.put(key, { format: 1, sql, cacheable: false, reason, projectRelations: this.projectRelationsHash, createdAt: new Date().toISOString() });
      return done(await this.execute(sql, inspection.ok), 'uncacheable', reason);
    }
    const keys = verdict.keys;
    const { result, versions } = await this.executeWithVersions(sql, keys);
    const relations = keys.map((k) => ({ key: k, version: versions.get(k) ?? '~unknown' }));
    if (relations.some((r) => r.version.startsWith('~'))) {
      return done(result, 'uncacheable', 'a relation it reads has no recorded data version yet (build it with strata run, or load it)');
    }
    this.store.put(key, { format: 1, sql, cacheable: true, relations, result, createdAt: new Date().toISOString() });
    return done(result, 'miss');
  }

  /** Whether the query may run in strict mode, and the relations whose versions key its cache entry. */
  private judge(inspection: QueryInspection): { refused?: string; reason?: string; keys?: string[] } {
    if (!inspection.ok) return { refused: inspection.reason, reason: inspection.reason };
    if (inspection.catalogs.length) return { refused: `it reads another database (${inspection.catalogs.join(', ')})`, reason: 'it reads another database' };
    if (inspection.tableFunctions.length) {
      const why = `it calls table function${inspection.tableFunctions.length > 1 ? 's' : ''} ${inspection.tableFunctions.join(', ')}`;
      return { refused: why, reason: why };
    }
    if (inspection.external.length) {
      const why = `it calls ${inspection.external.join(', ')}, which reach${inspection.external.length > 1 ? '' : 'es'} outside the database`;
      return { refused: why, reason: why };
    }
    const resolved = resolveReadRelations(inspection.relations, this.projectRelations, this.session.project.settings.target.schema);
    if (!resolved.ok) return { refused: resolved.reason, reason: resolved.reason };
    if (inspection.volatile.length) return { reason: `it uses ${inspection.volatile.join(', ')}, whose value changes between calls` };
    return { keys: resolved.keys };
  }

  private async inspect(sql: string): Promise<QueryInspection> {
    this.parser ??= import('../adapters/duckdb/duckdb-sql-serializer.js').then((m) => m.createSqlSerializer(1));
    const [tree] = await (await this.parser).serialize([sql]);
    return inspectQuery(tree);
  }

  /**
   * The data versions of `keys` (and maybe others) now: from the embedded database's snapshot
   * when it is current, else from the metadata schema.
   */
  private async currentVersions(keys: readonly string[]): Promise<ReadonlyMap<string, string> | undefined> {
    const { targetName } = this.session.project.settings;
    if (this.databaseFile !== undefined) {
      const snapshot = readVersionSnapshot(this.session.targetDir, targetName, this.databaseFile);
      if (snapshot) return snapshot;
    }
    return this.withAdapter(true, (adapter) => adapter.withConnection((c) => this.readVersions(adapter, c, this.scopeOf(keys))));
  }

  private async execute(sql: string, readOnly: boolean): Promise<QueryResult> {
    return this.withAdapter(readOnly || this.strict, (adapter) => adapter.withConnection((c) => c.query(sql)));
  }

  /** Versions first, then the query, in one session: an answer is never tagged newer than its data. */
  private async executeWithVersions(sql: string, keys: readonly string[]): Promise<{ result: QueryResult; versions: Map<string, string> }> {
    return this.withAdapter(true, (adapter) =>
      adapter.withConnection(async (c) => {
        const versions = await this.readVersions(adapter, c, this.scopeOf(keys));
        return { versions, result: await c.query(sql) };
      }),
    );
  }

  /** Versions of the relations in `scope` (the whole project when none is given). */
  private readVersions(adapter: Adapter, connection: Parameters<Parameters<Adapter['withConnection']>[0]>[0], scope?: VersionScope): Promise<Map<string, string>> {
    const { config } = this.session.project.settings;
    return readRelationVersions(adapter, connection, scope?.nodes ?? this.compiled.nodes, scope?.order ?? this.order, config.metadata_schema);
  }

  private scopeOf(keys: readonly string[]): VersionScope {
    const id = keys.join('\n');
    let scope = this.scopes.get(id);
    if (!scope) {
      scope = versionScope(keys, this.nodeIdByRelation, this.compiled.dag, this.order);
      this.scopes.set(id, scope);
    }
    return scope;
  }

  /**
   * Runs `work` with an open adapter. A server's stays open (read-only sessions in strict mode);
   * an embedded file is opened for this work only, one at a time, retried briefly while a run
   * holds it, and read-only when `readOnly` (the versions read then refresh the snapshot).
   */
  private async withAdapter<T>(readOnly: boolean, work: (adapter: Adapter) => Promise<T>): Promise<T> {
    if (this.databaseFile === undefined) {
      if (!this.serverAdapter) {
        const opening = this.session.connect({ runLock: false, readOnly: this.strict });
        this.serverAdapter = opening;
        // A failed connection is tried again by the next query.
        opening.catch(() => {
          if (this.serverAdapter === opening) this.serverAdapter = undefined;
        });
      }
      return work(await this.serverAdapter);
    }
    const file = this.databaseFile;
    const run = this.embeddedQueue.then(async () => {
      const asReader = readOnly && existsSync(file);
      const before = asReader ? databaseStamp(file) : undefined;
      const adapter = await this.openEmbedded(asReader);
      let versions: Map<string, string> | undefined;
      let result: T;
      try {
        result = await work(adapter);
        if (before !== undefined) versions = await adapter.withConnection((c) => this.readVersions(adapter, c)).catch(() => undefined);
      } finally {
        await adapter.close();
      }
      if (versions && before !== undefined && databaseStamp(file) === before) {
        writeVersionSnapshot(this.session.targetDir, this.session.project.settings.targetName, file, versions);
      }
      return result;
    });
    this.embeddedQueue = run.catch(() => undefined);
    return run;
  }

  private async openEmbedded(readOnly: boolean): Promise<Adapter> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.session.connect({ runLock: false, readOnly });
      } catch (error) {
        if (!(error instanceof StrataError && error.code === 'locked') || attempt >= LOCK_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }
}

/** A parameter value as a SQL literal of its declared type; anything else is refused. */
function paramLiteral(value: string, type: ParamType, name: string, quote: (text: string) => string): string {
  const bad = (what: string): StrataError => new StrataError('bad_param', `parameter '${name}' must be ${what}, got '${value}'`, {}, 'project');
  switch (type) {
    case 'text':
      return quote(value);
    case 'integer':
      if (!/^-?\d{1,18}$/.test(value)) throw bad('a whole number');
      return value;
    case 'number':
      if (!/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(value)) throw bad('a number');
      return value;
    case 'boolean':
      if (!/^(true|false)$/i.test(value)) throw bad('true or false');
      return value.toLowerCase();
    case 'date':
      if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw bad('a date (YYYY-MM-DD)');
      return `cast(${quote(value)} as date)`;
    case 'timestamp':
      if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(value)) throw bad('a timestamp (ISO 8601)');
      return `cast(${quote(value)} as timestamp)`;
  }
}
