import { environmentOf, environmentTarget, type Environment } from '../release/environments.js';
import { findPromotable } from '../release/find-release.js';
import { livePromotion, previousGoodRelease } from '../release/live-release.js';
import { ReleaseStore } from '../release/release-store.js';
import type { RetentionOutcome } from '../release/retention.js';
import type { SwitchOutcome } from '../release/switch-environment.js';
import { StrataError } from '../shared/errors.js';
import { openProject, type CommonOptions } from './project-session.js';
import { switchAndRetain } from './promote.js';

export interface RollbackOptions extends CommonOptions {
  readonly environment: string;
  /** The release to go back to; default: the one the live release replaced. */
  readonly to?: string;
}

export interface RollbackOutcome {
  readonly environment: Environment;
  readonly switched: SwitchOutcome;
  readonly retention: RetentionOutcome;
}

/**
 * `strata rollback --env ENV [--to RELEASE]`: points the environment back at the previous good
 * release (or the named one), the way `promote` does: views only, one transaction, no rebuild.
 */
export async function rollback(options: RollbackOptions): Promise<RollbackOutcome> {
  const target = environmentTarget(options.projectDir, options.environment);
  const session = openProject({ ...options, target });
  const { config } = session.project.settings;
  const environment = environmentOf(config, options.environment);
  const adapter = await session.connect();
  try {
    const store = new ReleaseStore(adapter, config.metadata_schema);
    const { releases, promotions } = await adapter.withConnection(async (c) => {
      await store.ensure(c);
      return { releases: await store.releases(c), promotions: await store.promotions(c) };
    });
    const usable = (id: string): boolean => releases.some((r) => r.releaseId === id && r.status === 'success' && r.droppedAt === null);
    const live = livePromotion(promotions, environment.name);
    const to = options.to ?? previousGoodRelease(promotions, environment.name, usable);
    if (!to) {
      throw new StrataError(
        'no_rollback',
        live
          ? `environment '${environment.name}' has no earlier good release to roll back to (live: ${live.releaseId}); name one with --to`
          : `nothing is live in environment '${environment.name}' yet: promote a release first`,
      );
    }
    const record = findPromotable(releases, to, environment.name);
    if (!record) throw new StrataError('unknown_release', `no release '${to}' on the database of environment '${environment.name}'; 'strata status' shows the live ones`);
    const { switched, retention } = await switchAndRetain(session, adapter, store, environment, record, 'rollback');
    return { environment, switched, retention };
  } finally {
    await adapter.close();
  }
}
