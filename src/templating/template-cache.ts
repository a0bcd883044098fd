import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import nunjucks from 'nunjucks';
import { STRATA_VERSION } from '../shared/version.js';
import { COMPAT_VERSION } from './jinja/install-jinja-compat.js';

/** A render's output as cached: the SQL with placeholders and what the template recorded. */
export interface CachedRender {
  readonly sql: string;
  readonly refs: readonly string[];
  readonly sources: readonly (readonly [string, string])[];
  readonly config: Readonly<Record<string, unknown>>;
}

/** A render and its compiled template code, as passed between threads. */
export interface CacheEntry {
  readonly key: string;
  readonly variant: string;
  readonly render: CachedRender;
  readonly code: string;
}

interface RenderFile {
  readonly version: string;
  /** Hash of everything besides the template text that a render depends on (macros, vars, target, docs). */
  readonly context: string;
  readonly renders: Record<string, CachedRender>;
}

interface CodeFile {
  readonly version: string;
  readonly code: Record<string, string>;
}

/**
 * dbt's partial parsing, for templates, kept between runs in target/: a template whose text
 * and context are unchanged is not rendered at all (partial_parse.json); one whose context
 * changed (a macro or var was edited) reuses its compiled Nunjucks code (template_code.json,
 * read only when some template must be rendered). Entries not used by a run are dropped.
 */
export class TemplateCache {
  private code: Map<string, string> | undefined;
  private renders: Map<string, CachedRender>;
  private readonly usedCode = new Set<string>();
  private readonly usedRenders = new Map<string, CachedRender>();
  private context = '';
  private changedRenders = false;
  private changedCode = false;

  private constructor(
    private readonly file: string | undefined,
    private readonly stored: RenderFile | undefined,
  ) {
    this.renders = new Map();
  }

  /** A cache backed by `file` (missing or stale files start empty), or an in-memory one. */
  static open(file?: string): TemplateCache {
    if (!file) return new TemplateCache(undefined, undefined);
    const parsed = readJson<RenderFile>(file);
    return new TemplateCache(file, parsed?.version === cacheVersion() ? parsed : undefined);
  }

  private get codeFile(): string | undefined {
    return this.file && path.join(path.dirname(this.file), 'template_code.json');
  }

  private loadedCode(): Map<string, string> {
    if (!this.code) {
      const parsed = this.codeFile ? readJson<CodeFile>(this.codeFile) : undefined;
      this.code = new Map(parsed?.version === cacheVersion() ? Object.entries(parsed.code) : []);
    }
    return this.code;
  }

  /** Sets what renders depend on besides their text; cached renders of another context are dropped. */
  useContext(context: string): void {
    this.context = context;
    this.renders = new Map(this.stored?.context === context ? Object.entries(this.stored.renders) : []);
  }

  /** A cached render of `key` in the current context, as fresh objects. */
  render(key: string, variant: string): CachedRender | undefined {
    const hit = this.renders.get(`${key}|${variant}`);
    if (!hit) return undefined;
    this.usedRenders.set(`${key}|${variant}`, hit);
    return { sql: hit.sql, refs: [...hit.refs], sources: hit.sources.map(([a, b]) => [a, b] as const), config: { ...hit.config } };
  }

  storeRender(key: string, variant: string, render: CachedRender): void {
    this.renders.set(`${key}|${variant}`, render);
    this.usedRenders.set(`${key}|${variant}`, render);
    this.changedRenders = true;
  }

  /** Whether a render of `key` in the current context is cached. */
  hasRender(key: string, variant: string): boolean {
    return this.renders.has(`${key}|${variant}`);
  }

  /** What the cache keeps of a template rendered in this run, to hand to another thread's cache. */
  entry(key: string, variant: string): CacheEntry | undefined {
    const render = this.renders.get(`${key}|${variant}`);
    const code = this.code?.get(key);
    return render && code !== undefined ? { key, variant, render, code } : undefined;
  }

  /** Keeps an entry rendered by another thread as if rendered here. */
  storeEntry(entry: CacheEntry): void {
    this.storeRender(entry.key, entry.variant, entry.render);
    const code = this.loadedCode();
    if (!code.has(entry.key)) {
      code.set(entry.key, entry.code);
      this.changedCode = true;
    }
    this.usedCode.add(entry.key);
  }

  /** The compiled template object for `text`, compiling it only when not cached. */
  templateCode(key: string, text: string, env: nunjucks.Environment, file: string): unknown {
    const cache = this.loadedCode();
    let code = cache.get(key);
    if (code === undefined) {
      const internals = env as unknown as { asyncFilters: string[]; extensionsList: unknown[]; opts: unknown };
      code = (nunjucks as unknown as { compiler: { compile(...args: unknown[]): string } }).compiler.compile(text, internals.asyncFilters, internals.extensionsList, file, internals.opts);
      cache.set(key, code);
      this.changedCode = true;
    }
    this.usedCode.add(key);
    // This is how Nunjucks loads precompiled templates.
    return new Function(code)();
  }

  /** Writes the entries used by this run, when anything changed or was dropped. */
  save(): void {
    if (!this.file) return;
    const dropped = !this.stored || this.stored.context !== this.context || Object.keys(this.stored.renders).length !== this.usedRenders.size;
    if (this.changedRenders || dropped) {
      writeJson(this.file, { version: cacheVersion(), context: this.context, renders: Object.fromEntries(this.usedRenders) } satisfies RenderFile);
    }
    // Code is rewritten only when templates were compiled: it is large, and a warm run never reads it.
    if (this.changedCode && this.code && this.codeFile) {
      const keep = new Set([...this.usedCode, ...[...this.usedRenders.keys()].map((k) => k.split('|')[0]!)]);
      const code = Object.fromEntries([...this.code].filter(([k]) => keep.has(k)));
      writeJson(this.codeFile, { version: cacheVersion(), code } satisfies CodeFile);
    }
  }
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

function writeJson(file: string, value: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(value));
  renameSync(temporary, file);
}

function cacheVersion(): string {
  return `strata ${STRATA_VERSION}; nunjucks 3; cache 2; ${COMPAT_VERSION}`;
}
