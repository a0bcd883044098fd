import type { SourceNode, TestNode } from '../manifest/types.js';
import { StrataError } from '../shared/errors.js';
import { sha256 } from '../shared/hash.js';
import { sourceToken } from '../templating/tokens.js';
import type { RenderCapture } from '../templating/template-engine.js';
import { toTestConfig } from './test-config.js';

/** What a freshness test node carries in `args`. */
export interface FreshnessArgs {
  readonly field: string;
  readonly warnAfterSeconds?: number;
  readonly errorAfterSeconds?: number;
}

const SECONDS = { minute: 60, hour: 3600, day: 86400 } as const;

/**
 * A freshness check for a source declaring `freshness`: the newest `loaded_at_field` (or the
 * loader's `_loaded_at`) must be younger than `warn_after` / `error_after`.
 */
export function compileFreshness(
  source: SourceNode,
  projectName: string,
  resolve: (sql: string, file: string, capture: RenderCapture) => string,
): TestNode | undefined {
  const freshness = source.settings.freshness;
  if (!freshness || (!freshness.warn_after && !freshness.error_after)) return undefined;
  const field = source.settings.loaded_at_field ?? (source.settings.landing ? '_loaded_at' : undefined);
  if (!field) {
    throw new StrataError('bad_freshness', `source ${source.name} declares freshness but neither loaded_at_field nor a landing location to take _loaded_at from`, {
      file: source.path,
      node: source.name,
      key: 'freshness',
    });
  }
  const seconds = (d: { count: number; period: keyof typeof SECONDS } | undefined): number | undefined => (d ? d.count * SECONDS[d.period] : undefined);
  const args: FreshnessArgs = { field, warnAfterSeconds: seconds(freshness.warn_after), errorAfterSeconds: seconds(freshness.error_after) };
  const filter = freshness.filter ? ` where ${freshness.filter}` : '';
  const name = `freshness_${source.sourceName}_${source.tableName}`;
  return {
    kind: 'test',
    uniqueId: `test.${projectName}.${name}`,
    name,
    path: source.path,
    fqn: [...source.fqn, name],
    tags: source.tags,
    description: `Freshness of ${source.name}`,
    meta: {},
    dependsOn: [source.uniqueId],
    testType: 'freshness',
    testName: 'freshness',
    attachedNode: source.uniqueId,
    args: args as unknown as Record<string, unknown>,
    config: toTestConfig({ severity: args.errorAfterSeconds === undefined ? 'warn' : 'error' }, source.tags),
    compiledSql: resolve(`select cast(max(${field}) as text) as last_loaded from ${sourceToken(source.sourceName, source.tableName)}${filter}`, source.path, {
      refs: [],
      sources: [[source.sourceName, source.tableName]],
      config: {},
    }),
    checksum: sha256(JSON.stringify(freshness)),
  };
}
