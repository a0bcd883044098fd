import { StrataError } from '../shared/errors.js';
import type { ReleaseRecord } from './release-store.js';

/** The word `promote` accepts instead of an id: the newest good release built for the environment. */
export const LATEST = 'latest';

/**
 * The record of release `id` that can be promoted to `environment` (one built for it preferred),
 * undefined when this database has no such release. A release that failed or was dropped by
 * retention is an error saying so. Pure; `releases` oldest first.
 */
export function findPromotable(releases: readonly ReleaseRecord[], id: string, environment: string): ReleaseRecord | undefined {
  const same = releases.filter((r) => r.releaseId === id);
  if (same.length === 0) return undefined;
  const alive = same.filter((r) => r.droppedAt === null);
  if (alive.length === 0) {
    throw new StrataError('release_dropped', `release ${id} was dropped by retention (releases.keep in strata.yml); build it again with 'strata release'`);
  }
  const good = alive.filter((r) => r.status === 'success');
  if (good.length === 0) {
    const why = alive.at(-1)!.summary;
    const reasons = [...why.blockingFailures.map((t) => `test ${t}`), ...why.buildErrors.map((m) => `model ${m}`), ...(why.mismatches ?? [])];
    throw new StrataError('release_failed', `release ${id} failed (${reasons.join(', ') || 'see its report'}) and cannot be promoted`, {}, 'execution');
  }
  return good.filter((r) => r.environment === environment).at(-1) ?? good.at(-1);
}

/** The id of the newest good, not dropped release built for `environment`. */
export function latestRelease(releases: readonly ReleaseRecord[], environment: string): string | undefined {
  return releases.filter((r) => r.environment === environment && r.status === 'success' && r.droppedAt === null).at(-1)?.releaseId;
}
