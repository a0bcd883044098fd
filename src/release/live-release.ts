import type { PromotionRecord } from './release-store.js';

/** The promotion (or rollback) that made an environment's current release live. */
export function livePromotion(promotions: readonly PromotionRecord[], environment: string): PromotionRecord | undefined {
  return promotions.filter((p) => p.environment === environment).at(-1);
}

/**
 * The release a rollback of `environment` goes back to: the one the live release replaced when it
 * was promoted (a release reached by rollback goes back to what *it* replaced), skipping releases
 * `usable` rejects (dropped or failed). Pure; `promotions` oldest first.
 */
export function previousGoodRelease(promotions: readonly PromotionRecord[], environment: string, usable: (releaseId: string) => boolean): string | undefined {
  const history = promotions.filter((p) => p.environment === environment);
  const live = history.at(-1)?.releaseId;
  let index = history.length - 1;
  for (let guard = 0; index >= 0 && guard <= history.length; guard += 1) {
    const releaseId = history[index]!.releaseId;
    let origin = index;
    while (origin >= 0 && !(history[origin]!.action === 'promote' && history[origin]!.releaseId === releaseId)) origin -= 1;
    if (origin < 0) return undefined;
    const candidate = history[origin]!.replacedReleaseId;
    if (candidate === null) return undefined;
    if (candidate !== live && usable(candidate)) return candidate;
    index = lastIndexBefore(history, origin, candidate);
  }
  return undefined;
}

function lastIndexBefore(history: readonly PromotionRecord[], before: number, releaseId: string): number {
  for (let i = before - 1; i >= 0; i -= 1) if (history[i]!.releaseId === releaseId) return i;
  return -1;
}
