import { createHash } from 'node:crypto';
import nunjucks from 'nunjucks';
import { StrataError } from '../shared/errors.js';
import type { ProjectFile } from '../project/types.js';
import type { Dialect } from '../adapters/contract.js';
import { asOfSql } from './as-of-macro.js';
import { envVar } from './env-var.js';
import { TemplateCache } from './template-cache.js';
import { templateError } from './template-error.js';
import { refToken, sourceToken, TemplateRelation, THIS_TOKEN } from './tokens.js';

/** What templates see as `target`. */
export interface TemplateTarget {
  readonly name: string;
  readonly schema: string;
  readonly type: string;
  readonly threads: number;
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
}

/** What one render recorded: the `ref`/`source` calls and the `config()` keyword arguments. */
export interface RenderCapture {
  readonly refs: string[];
  readonly sources: [string, string][];
  readonly config: Record<string, unknown>;
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
  /** Macro name to the file defining it. */
  readonly macroFiles = new Map<string, string>();

  constructor(private readonly options: TemplateEngineOptions) {
    this.env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: true });
    this.installGlobals();
    this.installMacros(options.macros);
    this.cache.useContext(renderContext(options));
  }

  private get cache(): TemplateCache {
    return this.options.cache ?? this.memoryCache;
  }

  /** Renders a model template, recording refs, sources and config. */
  render(text: string, file: string, options: { isIncremental?: boolean; vars?: Readonly<Record<string, unknown>> } = {}): RenderedTemplate {
    const key = TemplateCache.keyOf(text);
    const variant = options.isIncremental ? 'incremental' : 'full';
    // Renders with per-call var overrides (unit tests) are never cached.
    const cached = options.vars ? undefined : this.cache.render(key, variant);
    if (cached) return { sql: cached.sql, capture: { refs: [...cached.refs], sources: cached.sources.map(([a, b]) => [a, b]), config: { ...cached.config } } };
    const capture: RenderCapture = { refs: [], sources: [], config: {} };
    const previous = this.state;
    const state: RenderState = { capture, isIncremental: options.isIncremental ?? false, vars: options.vars };
    this.state = state;
    try {
      const code = this.cache.templateCode(key, text, this.env, file);
      const template = new nunjucks.Template({ type: 'code', obj: code } as unknown as string, this.env, file);
      const sql = template.render({ this: new TemplateRelation(THIS_TOKEN, 'this') });
      if (!options.vars && !state.uncacheable) {
        this.cache.storeRender(key, variant, { sql, refs: [...capture.refs], sources: capture.sources.map(([a, b]) => [a, b] as const), config: { ...capture.config } });
      }
      return { sql, capture };
    } catch (error) {
      throw templateError(error, file, text);
    } finally {
      this.state = previous;
    }
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
    this.state = { capture, isIncremental: false };
    try {
      return { sql: String(macro({ ...kwargs, __keywords: true })), capture };
    } catch (error) {
      throw templateError(error, this.macroFiles.get(name) ?? file, '');
    } finally {
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
      const names = args.filter((a): a is string => typeof a === 'string');
      // `ref('project', 'model')` names a model of this project explicitly.
      const name = names.length >= 2 && names[0] === projectName ? names[1]! : names[0];
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
    env.addGlobal('config', (...args: unknown[]) => {
      const state = this.current('config');
      for (const arg of args) {
        if (arg && typeof arg === 'object') {
          for (const [key, value] of Object.entries(arg)) if (key !== '__keywords') state.capture.config[key] = value;
        }
      }
      return '';
    });
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

  private installMacros(files: readonly ProjectFile[]): void {
    const seen = this.macroFiles;
    for (const file of files) {
      let exported: Record<string, unknown>;
      try {
        const template = new nunjucks.Template(testBlocksAsMacros(file.text), this.env, file.path, true);
        exported = getExportedSync(template);
      } catch (error) {
        throw templateError(error, file.path, file.text);
      }
      for (const [name, macro] of Object.entries(exported)) {
        const prior = seen.get(name);
        if (prior) throw new StrataError('duplicate_macro', `macro '${name}' is also defined in ${prior}`, { file: file.path });
        if (name in (this.env as unknown as { globals: Record<string, unknown> }).globals) {
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
