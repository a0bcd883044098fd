import type { RunListener } from '../execute/node-result.js';
import type { LoadListener } from '../load/load-landing.js';
import { environmentOf, environmentTarget, type Environment } from '../release/environments.js';
import { ReleaseStore } from '../release/release-store.js';
import { buildRelease, type BuildReleaseOutcome } from './build-release.js';
import { loadSources, type LoadOutcome } from './load.js';
import { openProject, type CommonOptions } from './project-session.js';

export interface ReleaseOptions extends CommonOptions {
  readonly environment: string;
  /** Print the plan (build or reuse, per model) without loading, building or recording anything. */
  readonly dryRun?: boolean;
  readonly listener: RunListener;
  readonly loadListener?: LoadListener;
  /** Told once the new landing files are loaded, before the release is built. */
  readonly onLoaded?: (load: LoadOutcome) => void;
}

export interface ReleaseOutcome extends BuildReleaseOutcome {
  readonly environment: Environment;
  readonly load?: LoadOutcome;
  readonly elapsedMs: number;
}

/**
 * `strata release --env ENV`: loads what is new on the environment's target, then builds and
 * tests a new release there. The environment's public views do not change (see `promote`).
 */
export async function release(options: ReleaseOptions): Promise<ReleaseOutcome> {
  const started = Date.now();
  const target = environmentTarget(options.projectDir, options.environment);
  const load = options.dryRun ? undefined : await loadSources({ ...options, target, upstreamOfSelection: true, listener: options.loadListener });
  if (load) options.onLoaded?.(load);
  const session = openProject({ ...options, target });
  const { config } = session.project.settings;
  const environment = environmentOf(config, options.environment);
  const adapter = await session.connect();
  try {
    const built = await buildRelease({
      session,
      adapter,
      store: new ReleaseStore(adapter, config.metadata_schema),
      environment,
      listener: options.listener,
      dryRun: options.dryRun,
      vars: options.vars,
    });
    return { ...built, environment, load, elapsedMs: Date.now() - started };
  } finally {
    await adapter.close();
  }
}
