import { canonicalKey, DBT_CONFIG_KEY_NAMES, judgeConfigKey, type DbtResource } from './dbt-config-keys.js';

/** A config key dbt projects write with a mapping as its value (so it is not a sub-folder). */
const MAPPING_KEYS = new Set(['grants', 'meta', 'docs', 'column_types', 'persist_docs', 'contract', 'quoting', 'labels', 'partition_by', 'freshness', 'aggregations', 'as_of_dates']);

/** What normalizing a `models:`/`seeds:`/`snapshots:` tree of dbt_project.yml found. */
export interface FolderTreeResult {
  /** The tree with Strata's config keys (written `+key`) and sub-folders, as FolderConfig reads it. */
  readonly tree: Record<string, unknown>;
  /** Key path in the normalized tree → key path in dbt_project.yml, for error lines. */
  readonly origins: Map<string, readonly (string | number)[]>;
  readonly unsupported: readonly { readonly path: readonly (string | number)[]; readonly why: string }[];
  readonly ignored: readonly string[];
}

/**
 * Normalizes a per-folder config tree as dbt writes it (`+materialized: table`, or
 * `materialized: table` for a known config key, sub-folders as nested keys) into the tree
 * Strata's FolderConfig reads: kept keys become `+<canonical name>`, ignored keys are dropped,
 * and keys Strata cannot honour are reported with their path in the file.
 */
export function normalizeFolderTree(resource: DbtResource, levels: readonly { readonly node: Record<string, unknown>; readonly path: readonly (string | number)[] }[]): FolderTreeResult {
  const origins = new Map<string, readonly (string | number)[]>();
  const unsupported: { path: readonly (string | number)[]; why: string }[] = [];
  const ignored = new Set<string>();
  const walk = (node: Record<string, unknown>, from: readonly (string | number)[], to: readonly string[], into: Record<string, unknown>): void => {
    for (const [key, value] of Object.entries(node)) {
      const here = [...from, key];
      const isMapping = value !== null && typeof value === 'object' && !Array.isArray(value);
      const bare = canonicalKey(key);
      const isConfig = key.startsWith('+') || (DBT_CONFIG_KEY_NAMES.has(bare) && (!isMapping || MAPPING_KEYS.has(bare)));
      if (!isConfig) {
        if (!isMapping) {
          unsupported.push({ path: here, why: `'${key}' is neither a ${resource} config key Strata knows nor a folder` });
          continue;
        }
        const child = (into[key] as Record<string, unknown> | undefined) ?? {};
        into[key] = child;
        origins.set([...to, key].join('\u0000'), here);
        walk(value as Record<string, unknown>, here, [...to, key], child);
        continue;
      }
      const verdict = judgeConfigKey(resource, key, value);
      if (verdict.kind === 'unsupported') unsupported.push({ path: here, why: verdict.why });
      else if (verdict.kind === 'ignore') ignored.add(bare);
      else {
        into[`+${bare}`] = verdict.value;
        origins.set([...to, `+${bare}`].join('\u0000'), here);
      }
    }
  };
  const tree: Record<string, unknown> = {};
  for (const level of levels) walk(level.node, level.path, [], tree);
  return { tree, origins, unsupported, ignored: [...ignored] };
}

/** The dbt_project.yml key path of a normalized key path (the longest recorded prefix, then the rest as is). */
export function originOf(origins: ReadonlyMap<string, readonly (string | number)[]>, normalized: readonly (string | number)[], fallback: readonly (string | number)[]): readonly (string | number)[] {
  for (let n = normalized.length; n > 0; n -= 1) {
    const found = origins.get(normalized.slice(0, n).join('\u0000'));
    if (found) return [...found, ...normalized.slice(n)];
  }
  return [...fallback, ...normalized];
}
