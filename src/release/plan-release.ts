import type { Dialect, Grants } from '../adapters/contract.js';
import type { GraphNode, Relation, TestNode } from '../manifest/types.js';
import { computeFingerprints, projectHash, releaseId, type FingerprintState } from './fingerprints.js';
import { physicalRelation } from './physical-relation.js';
import type { PhysicalRecord } from './release-store.js';

/** What a release does with one model or seed. */
export interface PlannedNode {
  readonly uniqueId: string;
  readonly name: string;
  readonly kind: 'model' | 'seed';
  readonly materialized: string;
  readonly fingerprint: string;
  /** `build` into `physical`; `reuse` the `physical` an earlier release built; `inline` (ephemeral): no relation. */
  readonly action: 'build' | 'reuse' | 'inline';
  readonly physical: Relation | undefined;
  /** Configured schema of the public view (null: the target's schema) and its name. */
  readonly publicSchema: string | null;
  readonly publicIdentifier: string;
  readonly grants: Grants;
}

/** A release before it is applied: its id and, per model and seed, build or reuse. */
export interface ReleasePlan {
  readonly releaseId: string;
  readonly projectHash: string;
  readonly nodes: readonly PlannedNode[];
}

export interface PlanInput {
  /** The project compiled with canonical refs (independent of environment and physical names). */
  readonly nodes: ReadonlyMap<string, GraphNode>;
  readonly order: readonly string[];
  readonly state: FingerprintState;
  /** Physical relations that exist on the database, by fingerprint. */
  readonly existing: ReadonlyMap<string, PhysicalRecord>;
  readonly dialect: Dialect;
  readonly physicalSchema: string;
  readonly version: string;
  readonly commit: string;
}

/**
 * Plans a release: fingerprints every model and seed, reuses the physical relation of each
 * fingerprint that already exists, and names a new one for the rest. Pure given the state.
 */
export function planRelease(input: PlanInput): ReleasePlan {
  const fingerprints = computeFingerprints(input.nodes, input.order, input.state);
  const tests = [...input.nodes.values()].filter((n): n is TestNode => n.kind === 'test');
  const hash = projectHash(fingerprints, tests);
  const nodes: PlannedNode[] = [];
  for (const id of input.order) {
    const node = input.nodes.get(id);
    const fingerprint = fingerprints.get(id);
    if (!node || !fingerprint || (node.kind !== 'model' && node.kind !== 'seed')) continue;
    const materialized = node.kind === 'seed' ? 'seed' : node.config.materialized;
    const identifier = node.config.alias ?? node.name;
    const base = {
      uniqueId: id,
      name: node.name,
      kind: node.kind,
      materialized,
      fingerprint,
      publicSchema: node.config.schema ?? null,
      publicIdentifier: identifier,
      grants: node.config.grants,
    };
    if (materialized === 'ephemeral') {
      nodes.push({ ...base, action: 'inline', physical: undefined });
      continue;
    }
    const found = input.existing.get(fingerprint);
    nodes.push(
      found
        ? { ...base, action: 'reuse', physical: found.relation }
        : { ...base, action: 'build', physical: physicalRelation(input.dialect, input.physicalSchema, identifier, fingerprint) },
    );
  }
  return { releaseId: releaseId(input.version, input.commit, hash), projectHash: hash, nodes };
}
