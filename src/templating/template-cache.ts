import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import nunjucks from 'nunjucks';
import { STRATA_VERSION } from '../shared/version.js';

/** A render's output as cached: the SQL with placeholders and what the template recorded. */
export interface CachedRender {
  readonly sql: string;
  readonly refs: readonly string[];
  readonly sources: readonly (readonly [string, string])[];
  readonly config: Readonly<Record<string, unknown>>;
}

interface CacheFile {
  readonly version: string;
  /** Hash of everything besides the template text that a render depends on (macros, vars, target, docs). */
  readonly context: string;
  readonly code: Record<string, string>;
  readonly renders: Record<string, CachedRender>;
}

/**
 * dbt's partial parsing, for templates: kept between runs in target/partial_parse.json.
 * A template whose text and context are unchanged is not rendered at all; one whose context
 * changed (a macro or var was edited) reuses its compiled Nunjucks code. Entries not used by a
 * run are dropped when it is saved.
 */
export class TemplateCache {
  private readonly code: Map<string, string>;
  private renders: Map<string, CachedRender>;
  private readonly usedCode = new Map<string, string>();
  private readonly usedRenders = new Map<string, CachedRender>();
  private context = '';
  private changed = false;

  private constructor(
    private readonly file: string | undefined,
    private readonly stored: CacheFile | undefined,
  ) {
    this.code = new Map(Object.entries(stored?.code ?? {}));
    this.renders = new Map();
  }

  /** A cache backed by `file` (missing or stale files start empty), or an in-memory one. */
  static open(file?: string): TemplateCache {
    if (!file) return new TemplateCache(undefined, undefined);
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as CacheFile;
      return new TemplateCache(file, parsed.version === cacheVersion() ? parsed : undefined);
    } catch {
      return new TemplateCache(file, undefined);
    }
  }

  /** Sets what renders depend on besides their text; cached renders of another context are dropped. */
  useContext(context: string): void {
    this.context = context;
    this.renders = new Map(this.stored?.context === context ? Object.entries(this.stored.renders) : []);
  }

  /** The key of a template's text (one hash per template per run). */
  static keyOf(text: string): string {
    return createHash('sha1').update(text).digest('base64');
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
    this.changed = true;
  }

  /** The compiled template object for `text`, compiling it only when not cached. */
  templateCode(key: string, text: string, env: nunjucks.Environment, file: string): unknown {
    let code = this.code.get(key);
    if (code === undefined) {
      const internals = env as unknown as { asyncFilters: string[]; extensionsList: unknown[]; opts: unknown };
      code = (nunjucks as unknown as { compiler: { compile(...args: unknown[]): string } }).compiler.compile(text, internals.asyncFilters, internals.extensionsList, file, internals.opts);
      this.code.set(key, code);
      this.changed = true;
    }
    this.usedCode.set(key, code);
    // This is how Nunjucks loads precompiled templates.
    return new Function(code)();
  }

  /** Writes the entries used by this run, when anything changed or was dropped. */
  save(): void {
    if (!this.file) return;
    const dropped = this.stored && (this.stored.context !== this.context || Object.keys(this.stored.renders).length !== this.usedRenders.size);
    if (!this.changed && !dropped) return;
    mkdirSync(path.dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    // Code is kept for templates rendered from the cache too: the next context change needs it.
    const code = Object.fromEntries([...this.usedRenders.keys()].map((k) => k.split('|')[0]!).concat([...this.usedCode.keys()]).flatMap((k) => {
      const value = this.code.get(k);
      return value === undefined ? [] : [[k, value]];
    }));
    const content: CacheFile = { version: cacheVersion(), context: this.context, code, renders: Object.fromEntries(this.usedRenders) };
    writeFileSync(temporary, JSON.stringify(content));
    renameSync(temporary, this.file);
  }
}

function cacheVersion(): string {
  return `strata ${STRATA_VERSION}; nunjucks 3; cache 2`;
}
