import { allEnvironments, environmentOf, type Environment } from '../release/environments.js';
import { livePromotion, previousGoodRelease } from '../release/live-release.js';
import { ReleaseStore, type PromotionRecord, type ReleaseRecord, type ReleaseSummary } from '../release/release-store.js';
import { describeError } from '../shared/errors.js';
import { openProject, type CommonOptions } from './project-session.js';

/** What an environment serves, as `strata status` shows it. */
export interface EnvironmentStatus {
  readonly environment: string;
  readonly target: string;
  readonly schemaSuffix: string;
  readonly live: {
    readonly releaseId: string;
    readonly version: string;
    readonly commit: string;
    readonly dirty: boolean;
    readonly builtAt: string;
    readonly promotedAt: string;
    readonly promotedBy: string;
    readonly action: 'promote' | 'rollback';
    readonly tests: ReleaseSummary['tests'];
    readonly models: number;
  } | null;
  /** Where `rollback` would go. */
  readonly previousGood: string | null;
  /** The newest release built for the environment, promoted or not. */
  readonly latest: { readonly releaseId: string; readonly status: string; readonly createdAt: string } | null;
  /** Why the environment's database could not be read (the other environments are still shown). */
  readonly error?: string;
}

/** `strata status [--env ENV]`: per environment, the live release and how it got there. Reads only. */
export async function status(options: CommonOptions & { readonly environment?: string }): Promise<EnvironmentStatus[]> {
  const { config } = openProject(options).project.settings;
  const environments = options.environment ? [environmentOf(config, options.environment)] : allEnvironments(config);
  const out: EnvironmentStatus[] = [];
  for (const target of [...new Set(environments.map((e) => e.target))]) {
    const here = environments.filter((e) => e.target === target);
    try {
      const { releases, promotions } = await readStore(options, target);
      for (const environment of here) out.push(statusOf(environment, releases, promotions));
    } catch (error) {
      const message = describeError(error);
      for (const e of here) out.push({ environment: e.name, target, schemaSuffix: e.schemaSuffix, live: null, previousGood: null, latest: null, error: message });
    }
  }
  const order = environments.map((e) => e.name);
  return out.sort((a, b) => order.indexOf(a.environment) - order.indexOf(b.environment));
}

async function readStore(options: CommonOptions, target: string): Promise<{ releases: ReleaseRecord[]; promotions: PromotionRecord[] }> {
  const session = openProject({ ...options, target });
  const adapter = await session.connect({ runLock: false });
  try {
    const store = new ReleaseStore(adapter, session.project.settings.config.metadata_schema);
    return await adapter.withConnection(async (c) => {
      const tables = new Set((await adapter.listRelations(c, [store.schema])).map((t) => t.identifier));
      if (!tables.has('releases') || !tables.has('promotions')) return { releases: [], promotions: [] };
      return { releases: await store.releases(c), promotions: await store.promotions(c) };
    });
  } finally {
    await adapter.close();
  }
}

function statusOf(environment: Environment, releases: readonly ReleaseRecord[], promotions: readonly PromotionRecord[]): EnvironmentStatus {
  const live = livePromotion(promotions, environment.name);
  const record = live ? (releases.filter((r) => r.releaseId === live.releaseId && r.environment === environment.name).at(-1) ?? releases.filter((r) => r.releaseId === live.releaseId).at(-1)) : undefined;
  const usable = (id: string): boolean => releases.some((r) => r.releaseId === id && r.status === 'success' && r.droppedAt === null);
  const latest = releases.filter((r) => r.environment === environment.name).at(-1);
  return {
    environment: environment.name,
    target: environment.target,
    schemaSuffix: environment.schemaSuffix,
    live:
      live && record
        ? {
            releaseId: live.releaseId,
            version: record.version,
            commit: record.commit,
            dirty: record.dirty,
            builtAt: record.createdAt,
            promotedAt: live.promotedAt,
            promotedBy: live.promotedBy,
            action: live.action,
            tests: record.summary.tests,
            models: record.models.length,
          }
        : null,
    previousGood: previousGoodRelease(promotions, environment.name, usable) ?? null,
    latest: latest ? { releaseId: latest.releaseId, status: latest.status, createdAt: latest.createdAt } : null,
  };
}
