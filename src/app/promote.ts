import type { Adapter } from '../adapters/contract.js';
import type { RunListener } from '../execute/node-result.js';
import type { LoadListener } from '../load/load-landing.js';
import { allEnvironments, environmentOf, environmentTarget, type Environment } from '../release/environments.js';
import { projectFilesHash } from '../release/files-hash.js';
import { findPromotable, LATEST, latestRelease } from '../release/find-release.js';
import { ReleaseStore, type ReleaseRecord } from '../release/release-store.js';
import { applyRetention, type RetentionOutcome } from '../release/retention.js';
import { switchEnvironment, type SwitchOutcome } from '../release/switch-environment.js';
import { StrataError } from '../shared/errors.js';
import { buildRelease, type BuildReleaseOutcome } from './build-release.js';
import { loadSources, type LoadOutcome } from './load.js';
import { openProject, type CommonOptions, type ProjectSession } from './project-session.js';

export interface PromoteOptions extends CommonOptions {
  readonly environment: string;
  /** A release id, or `latest` (the newest good release built for the environment). */
  readonly release: string;
  /** Progress of a rebuild, when the release lives on another database. */
  readonly listener: RunListener;
  readonly loadListener?: LoadListener;
  /** Told once new landing files are loaded, before a rebuild. */
  readonly onLoaded?: (load: LoadOutcome) => void;
}

export interface PromoteOutcome {
  readonly environment: Environment;
  readonly releaseId: string;
  /** Undefined when a rebuild on this database failed (the environment is unchanged). */
  readonly switched?: SwitchOutcome;
  /** Set when the release was rebuilt here from another database's release. */
  readonly rebuilt?: BuildReleaseOutcome & { readonly load?: LoadOutcome };
  readonly retention?: RetentionOutcome;
  readonly failed: boolean;
}

/**
 * `strata promote RELEASE --env ENV`: points the environment's public views at the release, in
 * one transaction, when the release lives on the environment's database. A release of another
 * database is rebuilt here from the same project files, tested, and its row counts compared with
 * the original's; only a match is promoted.
 */
export async function promote(options: PromoteOptions): Promise<PromoteOutcome> {
  const target = environmentTarget(options.projectDir, options.environment);
  const session = openProject({ ...options, target });
  const { config } = session.project.settings;
  const environment = environmentOf(config, options.environment);
  let releaseId = options.release;
  {
    const adapter = await session.connect();
    try {
      const store = new ReleaseStore(adapter, config.metadata_schema);
      const releases = await adapter.withConnection(async (c) => {
        await store.ensure(c);
        return store.releases(c);
      });
      if (releaseId === LATEST) {
        releaseId = latestRelease(releases, environment.name) ?? '';
        if (!releaseId) throw new StrataError('no_release', `no good release was built for environment '${environment.name}' yet: run 'strata release --env ${environment.name}'`);
      }
      // A rebuild from another database that failed here (e.g. raw data differed) may be retried.
      const same = releases.filter((r) => r.releaseId === releaseId);
      const failedRebuild = same.length > 0 && same.every((r) => r.origin !== null && r.status === 'failed');
      const local = failedRebuild ? undefined : findPromotable(releases, releaseId, environment.name);
      if (local) return { environment, releaseId, ...(await switchAndRetain(session, adapter, store, environment, local, 'promote')), failed: false };
    } finally {
      await adapter.close();
    }
  }
  return promoteFromElsewhere(options, session, environment, releaseId);
}

/** Repoints the views, then applies retention on the database. */
export async function switchAndRetain(
  session: ProjectSession,
  adapter: Adapter,
  store: ReleaseStore,
  environment: Environment,
  release: ReleaseRecord,
  action: 'promote' | 'rollback',
): Promise<{ switched: SwitchOutcome; retention: RetentionOutcome }> {
  const { settings } = session.project;
  const switched = await switchEnvironment({ adapter, store, environment, defaultSchema: settings.target.schema, release, action });
  const retention = await applyRetention(adapter, store, settings.config.releases.keep);
  return { switched, retention };
}

async function promoteFromElsewhere(options: PromoteOptions, session: ProjectSession, environment: Environment, releaseId: string): Promise<PromoteOutcome> {
  const origin = await findOnOtherTargets(options, session, releaseId);
  if (!origin) {
    throw new StrataError('unknown_release', `no release '${releaseId}' on the database of environment '${environment.name}' or of any other environment; 'strata status' shows the live ones`);
  }
  if (projectFilesHash(session.project, session.root, options.vars) !== origin.filesHash) {
    const commit = origin.commit === 'none' ? 'an unknown commit (no git)' : `commit ${origin.commit.slice(0, 12)}${origin.dirty ? ' with uncommitted changes' : ''}`;
    throw new StrataError(
      'different_project',
      `release ${releaseId} lives on target '${origin.target}' and must be rebuilt on '${environment.target}' from the same project, but this working tree (or --vars) differs from ${commit}: check it out${origin.commit === 'none' ? '' : ` ('git checkout ${origin.commit.slice(0, 12)}')`} and promote again`,
    );
  }
  const load = await loadSources({ ...options, target: environment.target, upstreamOfSelection: true, listener: options.loadListener });
  options.onLoaded?.(load);
  const { config } = session.project.settings;
  const adapter = await session.connect();
  try {
    const store = new ReleaseStore(adapter, config.metadata_schema);
    const built = await buildRelease({ session, adapter, store, environment, listener: options.listener, replicaOf: origin, vars: options.vars });
    const rebuilt = { ...built, load };
    if (built.release?.status !== 'success') return { environment, releaseId, rebuilt, failed: true };
    const { switched, retention } = await switchAndRetain(session, adapter, store, environment, built.release, 'promote');
    return { environment, releaseId, rebuilt, switched, retention, failed: false };
  } finally {
    await adapter.close();
  }
}

/** The good record of `releaseId` on the database of another environment's target, if any. */
async function findOnOtherTargets(options: CommonOptions, session: ProjectSession, releaseId: string): Promise<ReleaseRecord | undefined> {
  const here = session.project.settings.targetName;
  const targets = [...new Set(allEnvironments(session.project.settings.config).map((e) => e.target))].filter((t) => t !== here);
  for (const target of targets) {
    const other = openProject({ ...options, target });
    const adapter = await other.connect({ runLock: false });
    try {
      const store = new ReleaseStore(adapter, other.project.settings.config.metadata_schema);
      const releases = await adapter.withConnection(async (c) => {
        const tables = await adapter.listRelations(c, [store.schema]);
        return tables.some((t) => t.identifier === 'releases') ? store.releases(c) : [];
      });
      const found = findPromotable(releases, releaseId, '');
      if (found) return found;
    } finally {
      await adapter.close();
    }
  }
  return undefined;
}
