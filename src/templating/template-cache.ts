import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import nunjucks from 'nunjucks';
import { createHash } from 'node:crypto';
import { STRATA_VERSION } from '../shared/version.js';

interface CacheFile {
  readonly version: string;
  readonly entries: Record<string, string>;
}

/**
 * Compiled Nunjucks code by template text, kept between runs in target/ (dbt's partial parsing,
 * for templates): parsing and code generation are most of a cold compile, and an unchanged
 * model needs neither. Entries not used by a run are dropped when it is saved.
 */
export class TemplateCache {
  private readonly entries: Map<string, string>;
  private readonly used = new Map<string, string>();
  private changed = false;

  private constructor(
    private readonly file: string | undefined,
    entries: Record<string, string>,
  ) {
    this.entries = new Map(Object.entries(entries));
  }

  /** A cache backed by `file` (missing or stale files start empty), or an in-memory one. */
  static open(file?: string): TemplateCache {
    if (!file) return new TemplateCache(undefined, {});
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as CacheFile;
      return new TemplateCache(file, parsed.version === cacheVersion() ? parsed.entries : {});
    } catch {
      return new TemplateCache(file, {});
    }
  }

  /** The compiled template object for `text`, compiling it only when not cached. */
  templateCode(text: string, env: nunjucks.Environment, file: string): unknown {
    const key = createHash('sha1').update(text).digest('base64');
    let code = this.entries.get(key);
    if (code === undefined) {
      const internals = env as unknown as { asyncFilters: string[]; extensionsList: unknown[]; opts: unknown };
      code = (nunjucks as unknown as { compiler: { compile(...args: unknown[]): string } }).compiler.compile(text, internals.asyncFilters, internals.extensionsList, file, internals.opts);
      this.entries.set(key, code);
      this.changed = true;
    }
    this.used.set(key, code);
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- this is how Nunjucks loads precompiled templates
    return new Function(code)();
  }

  /** Writes the entries used by this run, when anything was compiled anew or dropped. */
  save(): void {
    if (!this.file || (!this.changed && this.used.size === this.entries.size)) return;
    mkdirSync(path.dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify({ version: cacheVersion(), entries: Object.fromEntries(this.used) } satisfies CacheFile));
    renameSync(temporary, this.file);
  }
}

function cacheVersion(): string {
  return `strata ${STRATA_VERSION}; nunjucks 3`;
}
