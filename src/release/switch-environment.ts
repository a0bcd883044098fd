import { userInfo } from 'node:os';
import type { Adapter } from '../adapters/contract.js';
import type { Relation } from '../manifest/types.js';
import { publicRelationOfModel, type Environment } from './environments.js';
import { livePromotion } from './live-release.js';
import { publishViews } from './publish-views.js';
import type { ReleaseRecord, ReleaseStore } from './release-store.js';

/** What a promotion or rollback changed. */
export interface SwitchOutcome {
  readonly releaseId: string;
  /** The release that was live before, if any. */
  readonly previous: string | null;
  readonly views: number;
  /** Views dropped because the new release no longer has their models. */
  readonly removed: number;
  /** True when the release was already live (nothing was changed). */
  readonly alreadyLive: boolean;
}

/**
 * Points an environment's public views at a release built on this database, in one transaction
 * that also records the promotion (who, when, what it replaced). No model is rebuilt.
 */
export async function switchEnvironment(input: {
  readonly adapter: Adapter;
  readonly store: ReleaseStore;
  readonly environment: Environment;
  /** The target's schema, for models with no configured schema. */
  readonly defaultSchema: string;
  readonly release: ReleaseRecord;
  readonly action: 'promote' | 'rollback';
}): Promise<SwitchOutcome> {
  const { adapter, store, environment, release } = input;
  const { promotions, releases } = await adapter.withConnection(async (c) => ({ promotions: await store.promotions(c), releases: await store.releases(c) }));
  const live = livePromotion(promotions, environment.name);
  if (live?.releaseId === release.releaseId) {
    return { releaseId: release.releaseId, previous: live.replacedReleaseId, views: release.models.length, removed: 0, alreadyLive: true };
  }
  const publicOf = (m: ReleaseRecord['models'][number]): Relation => publicRelationOfModel(environment, input.defaultSchema, m);
  const views = release.models.map((m) => ({ relation: publicOf(m), physical: m.physical, grants: m.grants }));
  const keys = new Set(views.map((v) => `${v.relation.schema}\u0000${v.relation.identifier}`));
  const previous = live ? releases.filter((r) => r.releaseId === live.releaseId).at(-1) : undefined;
  const remove = (previous?.models ?? []).map(publicOf).filter((r) => !keys.has(`${r.schema}\u0000${r.identifier}`));
  await publishViews(adapter, {
    views,
    remove,
    comment: `strata release ${release.releaseId}`,
    alsoInTransaction: (connection) =>
      store.recordPromotion(connection, {
        environment: environment.name,
        releaseId: release.releaseId,
        action: input.action,
        replacedReleaseId: live?.releaseId ?? null,
        promotedAt: new Date().toISOString(),
        promotedBy: osUser(),
      }),
  });
  return { releaseId: release.releaseId, previous: live?.releaseId ?? null, views: views.length, removed: remove.length, alreadyLive: false };
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}
