import { createHash } from 'node:crypto';
import nunjucks from 'nunjucks';
import { StrataError } from '../shared/errors.js';
import type { ProjectFile } from '../project/types.js';
import type { Dialect } from '../adapters/contract.js';
import { asOfSql } from './as-of-macro.js';
import { installDbtContext, OVERRIDABLE_DBT_GLOBALS } from './dbt/dbt-context.js';
import { NeedsAnswer, type LiveContext } from './dbt/live-context.js';
import { envVar } from './env-var.js';
import { addDoExtension } from './jinja/do-extension.js';
import { installJinjaCompat, withPythonOutput } from './jinja/install-jinja-compat.js';
import { addJinjaFilters } from './jinja/jinja-filters.js';
import { addJinjaGlobals } from './jinja/jinja-globals.js';
import { preprocessJinja } from './jinja/preprocess-jinja.js';
import { textKey } from '../shared/hash.js';
import { shareWork, taskFile } from '../shared/share-work.js';
import { TemplateCache, type CacheEntry } from './template-cache.js';
import { templateError } from './template-error.js';
import { refToken, sourceToken, TemplateRelation, THIS_TOKEN } from './tokens.js';

/** What templates see as `target`. */
export interface TemplateTarget {
  readonly name: string;
  readonly schema: string;
  readonly type: string;
  readonly threads: number;
  /** dbt's `target.database`: the DuckDB file's name or the PostgreSQL database. */
  readonly database?: string;
  /** dbt's `target.profile_name`. */
  readonly profile_name?: string;
}

export interface TemplateEngineOptions {
  /** Compiled templates kept between runs; in memory only when absent. */
  readonly cache?: TemplateCache;
  readonly projectName: string;
  /** How `as_of()` spells its SQL (ANSI quoting and literals when absent). */
  readonly dialect?: Dialect;
  readonly vars: Readonly<Record<string, unknown>>;
  readonly target: TemplateTarget;
  readonly docs: ReadonlyMap<string, { readonly text: string }>;
  readonly macros: readonly ProjectFile[];
  /**
   * dbt's Jinja context (`execute`, `run_query`, `adapter`, `dbt_utils`, …), for projects read
   * from dbt_project.yml; needs `dialect`.
   */
  readonly dbtContext?: boolean;
}

/** What one render recorded: the `ref`/`source` calls and the `config()` keyword arguments. */
export interface RenderCapture {
  readonly refs: string[];
  readonly sources: [string, string][];
  readonly config: Record<string, unknown>;
  /** The template read `execute` or asked the database something: it is rendered again, live, when its model runs. */
  live?: boolean;
}

export interface RenderedTemplate {
  /** SQL with relation placeholders (see tokens.ts). */
  readonly sql: string;
  readonly capture: RenderCapture;
}

interface RenderState {
  readonly capture: RenderCapture;
  /** Set when the template read something outside its text and context (an environment variable). */
  uncacheable?: boolean;
  readonly isIncremental: boolean;
  /** Vars that win over the project's for this render (unit tests' overrides). */
  readonly vars?: Readonly<Record<string, unknown>>;
  /** The model's config from folder defaults and YAML, which `config.get()` also sees. */
  readonly baseConfig?: Readonly<Record<string, unknown>>;
  /** The database, when this render executes (dbt's `execute` is true). */
  readonly live?: LiveContext;
  readonly scratch: Map<string, unknown>;
  /** The database answer a live render stopped at (Nunjucks does not keep the errors it wraps). */
  needed?: NeedsAnswer;
}

/** A model template to render ahead of compile (see `prerender`). */
export interface RenderJob {
  readonly text: string;
  readonly file: string;
  readonly isIncremental: boolean;
  readonly baseConfig: Readonly<Record<string, unknown>>;
}

/** What a render worker builds its engine from: the engine's options, with the dialect by name. */
export type RenderTaskSetup = Omit<TemplateEngineOptions, 'cache' | 'dialect'> & { readonly dialect?: 'duckdb' | 'postgres' };

/** Below this many uncached templates per extra thread, a worker's start-up costs more than it saves. */
const PRERENDER_JOBS_PER_WORKER = 400;

function variantOf(job: { readonly isIncremental?: boolean }): string {
  return job.isIncremental ? 'incremental' : 'full';
}

/** Options of one render. */
export interface RenderOptions {
  readonly isIncremental?: boolean;
  /** Vars that win over the project's (unit tests' overrides); such renders are never cached. */
  readonly vars?: Readonly<Record<string, unknown>>;
  /** The model's folder and YAML config, for `config.get()`. */
  readonly baseConfig?: Readonly<Record<string, unknown>>;
  /** The database, for a render at run time (dbt's `execute`); never cached. */
  readonly live?: LiveContext;
}

/**
 * One Nunjucks environment per project, set up for SQL: no HTML escaping, undefined values are
 * errors, project macros are globals. Rendering is synchronous; the functions templates call
 * (`ref`, `config`, …) record into the state of the render in progress.
 */
export class TemplateEngine {
  private readonly env: nunjucks.Environment;
  private state: RenderState | undefined;
  private readonly memoryCache = TemplateCache.open();
  private readonly textKeys = new Map<string, string>();
  /** Macro name to the file defining it. */
  readonly macroFiles = new Map<string, string>();
  /** Messages templates raised with `exceptions.warn()`, for the command's output. */
  readonly warnings: string[] = [];

  constructor(private readonly options: TemplateEngineOptions) {
    installJinjaCompat();
    this.env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: true });
    addDoExtension(this.env);
    addJinjaFilters(this.env);
    addJinjaGlobals(this.env);
    this.installGlobals();
    if (options.dbtContext) this.installDbtContext();
    this.installMacros(options.macros);
    this.cache.useContext(renderContext(options));
  }

  /** A template text's cache key, hashed once per text however often prerender and compile ask. */
  private keyOf(text: string): string {
    let key = this.textKeys.get(text);
    if (key === undefined) {
      key = textKey(text);
      this.textKeys.set(text, key);
    }
    return key;
  }

  private get cache(): TemplateCache {
    return this.options.cache ?? this.memoryCache;
  }

  /** Renders a model template, recording refs, sources and config. */
  render(text: string, file: string, options: RenderOptions = {}): RenderedTemplate {
    const key = this.keyOf(text);
    const variant = variantOf(options);
    // Renders with per-call var overrides (unit tests) or a live database are never cached.
    const cacheable = !options.vars && !options.live;
    const cached = cacheable ? this.cache.render(key, variant) : undefined;
    if (cached) return { sql: cached.sql, capture: { refs: [...cached.refs], sources: cached.sources.map(([a, b]) => [a, b]), config: { ...cached.config } } };
    const capture: RenderCapture = { refs: [], sources: [], config: {} };
    const previous = this.state;
    const live = options.live;
    const state: RenderState = {
      capture,
      isIncremental: options.isIncremental ?? false,
      vars: options.vars,
      baseConfig: options.baseConfig,
      scratch: new Map(),
      live: live && {
        ...live,
        answer: (request) => {
          try {
            return live.answer(request);
          } catch (error) {
            if (error instanceof NeedsAnswer) state.needed = error;
            throw error;
          }
        },
      },
    };
    this.state = state;
    const restoreOutput = withPythonOutput(this.options.dbtContext ?? false);
    try {
      const code = this.cache.templateCode(key, preprocessJinja(text), this.env, file);
      const template = new nunjucks.Template({ type: 'code', obj: code } as unknown as string, this.env, file);
      const sql = template.render({ this: new TemplateRelation(THIS_TOKEN, 'this') });
      // A render that depends on the database (dbt's `execute`) must run again when its model runs, so it is not kept.
      if (cacheable && !state.uncacheable && !capture.live) {
        this.cache.storeRender(key, variant, { sql, refs: [...capture.refs], sources: capture.sources.map(([a, b]) => [a, b] as const), config: { ...capture.config } });
      }
      return { sql, capture };
    } catch (error) {
      // A live render stops where it needs the database; the caller fetches the answer and renders again.
      if (state.needed) throw state.needed;
      throw templateError(error, file, text);
    } finally {
      restoreOutput();
      this.state = previous;
    }
  }

  /**
   * Renders the templates whose render is not cached yet, before compile asks for them, spread
   * over worker threads when there are many (a cold compile of a large project). Workers render
   * with the same options and hand back cache entries; compile then renders from the cache.
   */
  prerender(jobs: readonly RenderJob[]): void {
    const missing = jobs.filter((job) => !this.cache.hasRender(this.keyOf(job.text), variantOf(job)));
    const { cache: _cache, dialect, ...options } = this.options;
    shareWork<RenderTaskSetup, RenderJob, CacheEntry>({
      task: taskFile(import.meta.url, 'render-task'),
      setup: { ...options, dialect: dialect?.name as RenderTaskSetup['dialect'] },
      jobs: missing,
      minJobsPerWorker: PRERENDER_JOBS_PER_WORKER,
      here: (job) => {
        const warned = this.warnings.length;
        try {
          this.render(job.text, job.file, job);
        } catch {
          // Reported when compile renders the template again.
        }
        // Not cached: compile renders it again, and its warnings with it.
        if (!this.cache.hasRender(this.keyOf(job.text), variantOf(job))) this.warnings.length = warned;
      },
      take: (_index, entry) => this.cache.storeEntry(entry),
    });
  }

  /** A worker's side of `prerender`: renders one template and returns what the cache keeps of it, if it keeps it and nothing warned. */
  renderCacheEntry(job: RenderJob): CacheEntry | undefined {
    const warned = this.warnings.length;
    try {
      this.render(job.text, job.file, job);
    } catch {
      return undefined;
    }
    return this.warnings.length === warned ? this.cache.entry(this.keyOf(job.text), variantOf(job)) : undefined;
  }

  /**
   * Calls a project macro by name with keyword arguments (custom generic tests), recording the
   * refs it makes like a model render does. Returns undefined when no such macro exists.
   */
  callMacro(name: string, kwargs: Record<string, unknown>, file: string): RenderedTemplate | undefined {
    if (!this.macroFiles.has(name)) return undefined;
    const macro = (this.env as unknown as { globals: Record<string, (...args: unknown[]) => unknown> }).globals[name]!;
    const capture: RenderCapture = { refs: [], sources: [], config: {} };
    const previous = this.state;
    this.state = { capture, isIncremental: false, scratch: new Map() };
    const restoreOutput = withPythonOutput(this.options.dbtContext ?? false);
    try {
      const out = macro({ ...kwargs, __keywords: true });
      return { sql: out === null || out === undefined ? '' : String(out), capture };
    } catch (error) {
      throw templateError(error, this.macroFiles.get(name) ?? file, '');
    } finally {
      restoreOutput();
      this.state = previous;
    }
  }

  /** Renders a description, where `doc('name')` is available. */
  renderDescription(text: string, file: string): string {
    if (!text.includes('{{') && !text.includes('{%')) return text;
    return this.render(text, file).sql;
  }

  private installGlobals(): void {
    const { vars, target, docs, projectName } = this.options;
    const env = this.env;
    env.addGlobal('ref', (...args: unknown[]) => {
      const last = args[args.length - 1];
      if (last && typeof last === 'object' && Object.prototype.hasOwnProperty.call(last, '__keywords')) {
        const keys = Object.keys(last).filter((k) => k !== '__keywords');
        if (keys.length) {
          throw new StrataError('dbt_unsupported', `ref() with ${keys.map((k) => `'${k}'`).join(', ')}: model versions are not supported by Strata; ref the model by name`);
        }
      }
      const names = args.filter((a): a is string => typeof a === 'string');
      if (names.length >= 2 && names[0] !== projectName) {
        throw new StrataError('dbt_unsupported', `ref('${names[0]}', '${names[1]}'): package '${names[0]}' is not part of this project, and Strata cannot install dbt packages`);
      }
      // `ref('project', 'model')` names a model of this project explicitly.
      const name = names.length >= 2 ? names[1]! : names[0];
      if (!name) throw new StrataError('bad_ref', 'ref() needs a model name');
      this.current('ref').capture.refs.push(name);
      return new TemplateRelation(refToken(name), name);
    });
    env.addGlobal('source', (source: unknown, table: unknown) => {
      if (typeof source !== 'string' || typeof table !== 'string') {
        throw new StrataError('bad_source', "source() needs a source name and a table name, e.g. source('crm', 'customers')");
      }
      this.current('source').capture.sources.push([source, table]);
      return new TemplateRelation(sourceToken(source, table), table);
    });
    const config = (...args: unknown[]): string => {
      const state = this.current('config');
      for (const arg of args) {
        if (arg && typeof arg === 'object') {
          for (const [key, value] of Object.entries(arg)) if (key !== '__keywords') state.capture.config[key] = value;
        }
      }
      return '';
    };
    // dbt's `config.get('key', default)` and `config.require('key')`: the model's own config() calls win over folder and YAML config.
    const configValue = (key: unknown): unknown => {
      const state = this.current('config');
      const k = String(key);
      if (k in state.capture.config) return state.capture.config[k];
      // Folder and YAML config are not part of the render's cache key.
      state.uncacheable = true;
      return state.baseConfig?.[k];
    };
    env.addGlobal(
      'config',
      Object.assign(config, {
        get: (key: unknown, fallback: unknown = null) => configValue(key) ?? fallback,
        require: (key: unknown) => {
          const value = configValue(key);
          if (value === undefined || value === null) throw new StrataError('missing_config', `config '${String(key)}' is required but not set`);
          return value;
        },
      }),
    );
    env.addGlobal('var', (name: unknown, fallback?: unknown) => {
      const key = String(name);
      const overrides = this.state?.vars;
      if (overrides && key in overrides) return overrides[key];
      if (key in vars) return vars[key];
      if (fallback !== undefined) return fallback;
      throw new StrataError('missing_var', `var '${key}' is not defined in strata.yml vars or --vars, and has no default`);
    });
    env.addGlobal('env_var', (name: string, fallback?: unknown) => {
      if (this.state) this.state.uncacheable = true;
      return envVar(name, fallback);
    });
    env.addGlobal('as_of', (relation: unknown, instant: unknown, alias?: unknown) => {
      const kw = alias && typeof alias === 'object' ? (alias as { alias?: unknown }).alias : alias;
      if (!this.options.dialect) throw new StrataError('internal', 'as_of() needs the target dialect');
      return asOfSql(this.options.dialect, relation, instant, kw);
    });
    env.addGlobal('is_incremental', () => this.state?.isIncremental ?? false);
    env.addGlobal('target', target);
    env.addGlobal('project_name', projectName);
    env.addGlobal('doc', (name: unknown) => {
      const block = docs.get(String(name));
      if (!block) {
        throw new StrataError('unknown_doc', `doc('${String(name)}') names no {% docs %} block`);
      }
      return block.text;
    });
  }

  private installDbtContext(): void {
    const { dialect, target, vars } = this.options;
    if (!dialect) throw new StrataError('internal', "dbt's context needs the target dialect");
    const globals = (this.env as unknown as { globals: Record<string, unknown> }).globals;
    installDbtContext(this.env, {
      dialect,
      database: target.database ?? 'main',
      variable: (name, fallback) => {
        const overrides = this.state?.vars;
        if (overrides && name in overrides) return overrides[name];
        return name in vars ? vars[name] : fallback;
      },
      markLive: () => {
        if (this.state) this.state.capture.live = true;
      },
      markUncacheable: () => {
        if (this.state) this.state.uncacheable = true;
      },
      live: () => this.state?.live,
      macro: (name) => (this.macroFiles.has(name) ? (globals[name] as (...args: unknown[]) => unknown) : undefined),
      scratch: () => this.current('statement').scratch,
      warn: (message) => this.warnings.push(message),
    });
  }

  private installMacros(files: readonly ProjectFile[]): void {
    const seen = this.macroFiles;
    for (const file of files) {
      let exported: Record<string, unknown>;
      try {
        const template = new nunjucks.Template(preprocessJinja(testBlocksAsMacros(file.text)), this.env, file.path, true);
        exported = getExportedSync(template);
      } catch (error) {
        throw templateError(error, file.path, file.text);
      }
      for (const [name, macro] of Object.entries(exported)) {
        const prior = seen.get(name);
        if (prior) throw new StrataError('duplicate_macro', `macro '${name}' is also defined in ${prior}`, { file: file.path });
        if (name in (this.env as unknown as { globals: Record<string, unknown> }).globals && !(this.options.dbtContext && OVERRIDABLE_DBT_GLOBALS.has(name))) {
          throw new StrataError('reserved_macro', `macro '${name}' would hide the built-in function of that name`, { file: file.path });
        }
        seen.set(name, file.path);
        this.env.addGlobal(name, macro);
      }
    }
  }

  private current(fn: string): RenderState {
    if (!this.state) throw new StrataError('template_context', `${fn}() can only be called while a model is rendered`);
    return this.state;
  }
}

/** A hash of everything a render depends on besides the template's text. */
function renderContext(options: TemplateEngineOptions): string {
  return createHash('sha1')
    .update(
      JSON.stringify({
        project: options.projectName,
        dbt: options.dbtContext ?? false,
        dialect: options.dialect?.name,
        vars: options.vars,
        target: options.target,
        docs: [...options.docs].map(([name, block]) => [name, block.text]),
        macros: options.macros.map((m) => [m.path, m.text]),
      }),
    )
    .digest('base64');
}

/** dbt's `{% test name(model, column_name) %}…{% endtest %}` blocks become macros named `test_<name>`. */
function testBlocksAsMacros(text: string): string {
  return text
    .replace(/\{%(-?)\s*test\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(/g, '{%$1 macro test_$2(')
    .replace(/\{%(-?)\s*endtest\s*(-?)%\}/g, '{%$1 endmacro $2%}');
}

/** Nunjucks' getExported is callback-based but synchronous for templates without async filters. */
function getExportedSync(template: nunjucks.Template): Record<string, unknown> {
  let result: Record<string, unknown> | undefined;
  let failure: unknown;
  (template as unknown as { getExported(cb: (err: unknown, exported: Record<string, unknown>) => void): void }).getExported(
    (err, exported) => {
      failure = err;
      result = exported;
    },
  );
  if (failure) throw failure;
  return result ?? {};
}
