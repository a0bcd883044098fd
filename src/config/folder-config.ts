import type { z } from 'zod';
import { validate } from './validate.js';
import type { YamlFile } from '../project/read-yaml.js';

/**
 * Per-folder defaults from a `models:`/`seeds:` block (dbt style): keys that are config keys
 * (with or without a `+` prefix) configure that folder; any other key is a sub-folder.
 */
export class FolderConfig<T extends Record<string, unknown>> {
  private readonly cache = new Map<string, T>();

  constructor(
    private readonly block: Record<string, unknown>,
    private readonly schema: z.ZodType<T>,
    private readonly configKeys: ReadonlySet<string>,
    private readonly yaml: YamlFile,
    private readonly blockPath: readonly string[],
  ) {}

  /** Merged config for a folder given as path segments below the models root (root first). */
  forFolder(segments: readonly string[]): T {
    const cacheKey = segments.join('/');
    const cached = this.cache.get(cacheKey);
    if (cached) return cached;
    let merged = {} as T;
    let level: unknown = this.block;
    const path: string[] = [...this.blockPath];
    for (let depth = 0; depth <= segments.length; depth += 1) {
      if (!level || typeof level !== 'object') break;
      merged = mergeConfig(merged, this.levelConfig(level as Record<string, unknown>, path));
      const next = segments[depth];
      if (next === undefined) break;
      level = (level as Record<string, unknown>)[next];
      path.push(next);
    }
    this.cache.set(cacheKey, merged);
    return merged;
  }

  private levelConfig(level: Record<string, unknown>, path: readonly string[]): T {
    const config: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(level)) {
      const bare = key.startsWith('+') ? key.slice(1) : key;
      if (key.startsWith('+') || (this.configKeys.has(bare) && (value === null || typeof value !== 'object' || Array.isArray(value) || bare === 'grants' || bare === 'meta' || bare === 'column_types' || bare === 'docs'))) {
        config[bare] = value;
      }
    }
    // Keys may be written `+materialized`: look lines up under either spelling.
    const yaml: YamlFile = {
      ...this.yaml,
      lineOf: (keyPath) => {
        const plus = [...keyPath.slice(0, path.length), `+${String(keyPath[path.length])}`, ...keyPath.slice(path.length + 1)];
        return keyPath.length > path.length && level[`+${String(keyPath[path.length])}`] !== undefined ? this.yaml.lineOf(plus) : this.yaml.lineOf(keyPath);
      },
    };
    return validate(this.schema, config, { file: this.yaml.file, yaml, path: [...path] });
  }
}

/** Merges config layers: later wins, except tags, which add up (as in dbt). */
export function mergeConfig<T extends Record<string, unknown>>(base: T, over: Partial<T>): T {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    if (key === 'tags') {
      const prior = toList(out.tags);
      out.tags = [...new Set([...prior, ...toList(value)])];
    } else out[key] = value;
  }
  return out as T;
}

function toList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value.map(String) : [String(value)];
}
