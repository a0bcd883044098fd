import type { GraphNode, ModelConfig, ModelNode, SeedNode, TestNode } from '../manifest/types.js';
import { sha256 } from '../shared/hash.js';
import { stableJson } from '../shared/stable-json.js';

/** Bumped when what a fingerprint covers changes, so old physical relations are not reused by mistake. */
const FINGERPRINT_FORMAT = 1;

/** What fingerprints depend on besides the compiled project: the state of the data. */
export interface FingerprintState {
  /** Data version of each source a model reads (newest load id, or row count), by source unique id. */
  readonly sourceVersions: ReadonlyMap<string, string>;
  /** SHA-256 of each seed's CSV file, by seed unique id. */
  readonly seedHashes: ReadonlyMap<string, string>;
}

/** A model or seed: what becomes a physical relation (or, for ephemeral models, is inlined). */
export type VersionedNode = ModelNode | SeedNode;

/**
 * The fingerprint of every model and seed, in hex: a hash of its compiled SQL (written with
 * canonical refs, so it does not depend on the environment), the config that shapes its relation,
 * and its parents' fingerprints, down to the sources' data versions and the seeds' file contents.
 * Equal fingerprints on one database mean equal contents, so a physical relation can be reused.
 * Pure: `order` is a topological order of `nodes`.
 */
export function computeFingerprints(nodes: ReadonlyMap<string, GraphNode>, order: readonly string[], state: FingerprintState): Map<string, string> {
  const known = new Map<string, string>();
  const out = new Map<string, string>();
  for (const id of order) {
    const node = nodes.get(id);
    if (!node) continue;
    if (node.kind === 'source') {
      known.set(id, `source:${state.sourceVersions.get(id) ?? 'unknown'}`);
    } else if (node.kind === 'seed') {
      const fp = sha256(stableJson({ format: FINGERPRINT_FORMAT, id, kind: 'seed', columnTypes: node.config.columnTypes, delimiter: node.config.delimiter, content: state.seedHashes.get(id) ?? 'missing' }));
      known.set(id, fp);
      out.set(id, fp);
    } else if (node.kind === 'model') {
      const parents = [...node.dependsOn].sort().map((parent) => [parent, known.get(parent) ?? 'unknown']);
      const fp = sha256(stableJson({ format: FINGERPRINT_FORMAT, id, kind: 'model', config: shapingConfig(node.config), sql: node.compiledSql, parents }));
      known.set(id, fp);
      out.set(id, fp);
    }
  }
  return out;
}

/**
 * A hash of the whole compiled project: every model's and seed's fingerprint and every test
 * (its SQL and what decides its verdict), so any change gives a new release id.
 */
export function projectHash(fingerprints: ReadonlyMap<string, string>, tests: readonly TestNode[]): string {
  return sha256(
    stableJson({
      fingerprints: [...fingerprints].sort(([a], [b]) => a.localeCompare(b)),
      tests: tests
        .map((t) => [t.uniqueId, t.compiledSql, t.config.severity, t.config.warnIf, t.config.errorIf, t.config.where ?? null, [...t.tags].sort(), t.args] as const)
        .sort(([a], [b]) => a.localeCompare(b)),
    }),
  );
}

/** `<version>-<commit, 7 characters>-<project hash, 8 characters>`, e.g. `1.4.0-3f2a9c1-8b0d2e77`. */
export function releaseId(version: string, commit: string, hash: string): string {
  const safeVersion = version.replace(/[^A-Za-z0-9._]+/g, '_') || '0';
  return `${safeVersion}-${commit === 'none' ? 'none' : commit.slice(0, 7)}-${hash.slice(0, 8)}`;
}

/** The config that changes what a model's relation holds (not tags, docs, grants or where it is published). */
function shapingConfig(config: ModelConfig): Record<string, unknown> {
  const { tags: _tags, meta: _meta, grants: _grants, schema: _schema, alias: _alias, fullRefresh: _fullRefresh, enabled: _enabled, ...rest } = config;
  return rest;
}
