import type { ModelConfig, ModelNode, SeedNode } from '../manifest/types.js';
import { sha256 } from '../shared/hash.js';
import { stableJson } from '../shared/stable-json.js';

/** Bumped when what a checksum covers changes, so every node counts as modified once. */
const CHECKSUM_FORMAT = 1;

/**
 * The checksum change detection compares: a model's compiled SQL (as rendered for a full build,
 * so it does not flip with `is_incremental()`), the config that shapes its relation and, for a
 * transformer, its bundled code and declared outputs. Descriptions, tags, meta and grants do not count.
 */
export function modelChecksum(node: ModelNode): string {
  return sha256(
    stableJson({
      format: CHECKSUM_FORMAT,
      sql: node.compiledSql,
      relation: node.relation,
      config: shapingConfig(node.config),
      transformer: node.transformer ? { code: node.transformer.codeHash, columns: node.transformer.columns, tables: node.transformer.tables } : undefined,
    }),
  );
}

/** A seed's checksum: the SHA-256 of its CSV file (read by the caller) and the config that shapes its table. */
export function seedChecksum(node: SeedNode, fileHash: string): string {
  return sha256(
    stableJson({ format: CHECKSUM_FORMAT, file: fileHash, relation: node.relation, columnTypes: node.config.columnTypes, delimiter: node.config.delimiter }),
  );
}

function shapingConfig(config: ModelConfig): Record<string, unknown> {
  const { tags: _tags, meta: _meta, grants: _grants, fullRefresh: _fullRefresh, enabled: _enabled, ...rest } = config;
  return rest;
}
