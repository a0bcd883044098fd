import type { Adapter } from '../adapters/contract.js';
import { describeError } from '../shared/errors.js';
import { livePromotion, previousGoodRelease } from './live-release.js';
import type { PhysicalRecord, PromotionRecord, ReleaseRecord, ReleaseStore } from './release-store.js';

/** What retention drops: releases, and the physical relations no kept release uses (dependents first). */
export interface RetentionPlan {
  readonly keptReleases: readonly string[];
  readonly dropReleases: readonly string[];
  readonly dropPhysical: readonly PhysicalRecord[];
}

/**
 * Keeps the newest `keep` releases built for each environment, plus every environment's live
 * release and the one a rollback would go back to; drops the other releases and every physical
 * relation that no kept release uses. Pure.
 */
export function planRetention(input: {
  readonly releases: readonly ReleaseRecord[];
  readonly promotions: readonly PromotionRecord[];
  readonly physical: readonly PhysicalRecord[];
  readonly keep: number;
}): RetentionPlan {
  const alive = input.releases.filter((r) => r.droppedAt === null);
  const kept = new Set<string>();
  for (const environment of new Set(alive.map((r) => r.environment))) {
    const newest = alive.filter((r) => r.environment === environment).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    for (const release of newest.slice(0, input.keep)) kept.add(release.releaseId);
  }
  const usable = (id: string): boolean => alive.some((r) => r.releaseId === id && r.status === 'success');
  for (const environment of new Set(input.promotions.map((p) => p.environment))) {
    const live = livePromotion(input.promotions, environment);
    if (live) kept.add(live.releaseId);
    const previous = previousGoodRelease(input.promotions, environment, usable);
    if (previous) kept.add(previous);
  }
  const used = new Set(alive.filter((r) => kept.has(r.releaseId)).flatMap((r) => r.models.map((m) => m.fingerprint)));
  return {
    keptReleases: [...kept],
    dropReleases: [...new Set(alive.filter((r) => !kept.has(r.releaseId)).map((r) => r.releaseId))],
    dropPhysical: input.physical.filter((p) => !used.has(p.fingerprint)).sort((a, b) => b.seq - a.seq),
  };
}

/** What retention did, and what it could not drop (e.g. a relation someone else's view reads). */
export interface RetentionOutcome {
  readonly droppedReleases: readonly string[];
  readonly droppedRelations: readonly string[];
  readonly warnings: readonly string[];
}

/**
 * Applies retention on one database: drops the physical relations no kept release uses (with the
 * relations strategies keep beside them, named `<relation>__...`), then marks the releases dropped.
 */
export async function applyRetention(adapter: Adapter, store: ReleaseStore, keep: number): Promise<RetentionOutcome> {
  const d = adapter.dialect;
  return adapter.withConnection(async (connection) => {
    const plan = planRetention({ releases: await store.releases(connection), promotions: await store.promotions(connection), physical: await store.physical(connection), keep });
    const schemas = [...new Set(plan.dropPhysical.map((p) => p.relation.schema))];
    const present = await adapter.listRelations(connection, schemas);
    const dropped: string[] = [];
    const forgotten: string[] = [];
    const warnings: string[] = [];
    for (const record of plan.dropPhysical) {
      const { schema, identifier } = record.relation;
      const beside = present.filter((r) => r.schema === schema && r.identifier.startsWith(`${identifier}__`));
      try {
        await connection.transaction(async () => {
          for (const side of beside) await connection.execute(d.drop(side, side.kind));
          const main = present.find((r) => r.schema === schema && r.identifier === identifier);
          if (main) await connection.execute(d.drop(main, main.kind));
        });
        dropped.push(`${schema}.${identifier}`);
        forgotten.push(record.fingerprint);
      } catch (error) {
        warnings.push(`could not drop ${schema}.${identifier}: ${describeError(error)}`);
      }
    }
    await store.forgetPhysical(connection, forgotten);
    await store.markDropped(connection, plan.dropReleases, new Date().toISOString());
    return { droppedReleases: plan.dropReleases, droppedRelations: dropped, warnings };
  });
}
