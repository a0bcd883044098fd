import type { Adapter } from '../adapters/contract.js';
import { createAdapter } from '../adapters/create-adapter.js';
import type { NodeResult, RunListener } from '../execute/node-result.js';
import { relationKey, runNodes } from '../execute/run-nodes.js';
import type { Relation } from '../manifest/types.js';
import { MetadataStore } from '../observability/metadata-store.js';
import type { Environment } from '../release/environments.js';
import { projectFilesHash } from '../release/files-hash.js';
import { gitState } from '../release/git-state.js';
import { planRelease, type PlannedNode, type ReleasePlan } from '../release/plan-release.js';
import { existingPhysical, readFingerprintState } from '../release/read-release-state.js';
import type { PhysicalRecord, ReleaseModel, ReleaseRecord, ReleaseStore, ReleaseSummary } from '../release/release-store.js';
import { applyRetention, type RetentionOutcome } from '../release/retention.js';
import { finishRun, newRunId, type RunFinish } from './finish-run.js';
import type { ProjectSession } from './project-session.js';
import { liveRenderer } from './render-live.js';

/** Refs in the compile that fingerprints hash: by model name only, so no environment or physical name leaks in. */
const CANONICAL_SCHEMA = '__strata_ref';

export interface BuildReleaseInput {
  /** The project opened on the environment's target. */
  readonly session: ProjectSession;
  readonly adapter: Adapter;
  readonly store: ReleaseStore;
  readonly environment: Environment;
  readonly listener: RunListener;
  /** Plan only: nothing is built or recorded. */
  readonly dryRun?: boolean;
  /** `--vars` the project is compiled with (part of what identifies the project). */
  readonly vars?: Readonly<Record<string, unknown>>;
  /** Rebuilding a release of another database: keep its id and compare row counts with its own. */
  readonly replicaOf?: ReleaseRecord;
}

export interface BuildReleaseOutcome {
  readonly plan: ReleasePlan;
  /** Undefined for a dry run. */
  readonly release?: ReleaseRecord;
  readonly results: readonly NodeResult[];
  readonly retention?: RetentionOutcome;
  readonly finish?: RunFinish;
  readonly warnings: readonly string[];
}

/**
 * Builds the project into a release on the session's database: fingerprints every model, reuses
 * the physical relations that already hold a fingerprint, builds the rest into new ones, runs
 * every test against them, and records the release (success, or failed when a model fails or a
 * gating test fails). No public view changes. Then applies retention.
 */
export async function buildRelease(input: BuildReleaseInput): Promise<BuildReleaseOutcome> {
  const { session, adapter, store, environment } = input;
  const { config } = session.project.settings;
  const started = new Date();
  // Where each model lives in the environment, as the project names it (for its public view).
  const logical = new Map<string, Relation>();
  const canonical = session.compile(undefined, {
    relationFor: (name, relation) => {
      logical.set(name, relation);
      return { schema: CANONICAL_SCHEMA, identifier: name };
    },
  });
  const git = gitState(session.root);
  const metadata = new MetadataStore(adapter, config.metadata_schema);
  const { plan } = await adapter.withConnection(async (c) => {
    await metadata.ensure(c);
    await store.ensure(c);
    const state = await readFingerprintState(adapter, c, canonical.nodes, session.root);
    const existing = await existingPhysical(adapter, c, await store.physical(c));
    const plan = planRelease({
      nodes: canonical.nodes,
      order: canonical.dag.topologicalOrder(),
      state,
      existing,
      dialect: adapter.dialect,
      physicalSchema: config.releases.physical_schema,
      version: config.version,
      commit: git.commit,
    });
    return { plan };
  });
  if (input.dryRun) return { plan, results: [], warnings: canonical.warnings };

  const releaseId = input.replicaOf?.releaseId ?? plan.releaseId;
  const physicalByName = new Map(plan.nodes.flatMap((n) => (n.physical ? [[n.name, n.physical] as const] : [])));
  // target/manifest.json keeps describing the project's own relations: it is not rewritten here.
  const compiled = session.compile(undefined, { relationFor: (name, logical) => physicalByName.get(name) ?? logical });

  const toBuild = plan.nodes.filter((n) => n.action === 'build');
  const tests = [...compiled.nodes.values()].filter((n) => n.kind === 'test').map((n) => n.uniqueId);
  const selected = new Set([...toBuild.map((n) => n.uniqueId), ...tests]);
  const physicalSchemas = [...new Set(plan.nodes.flatMap((n) => (n.physical ? [n.physical.schema] : [])))];
  const leftovers = await adapter.withConnection((c) => adapter.listRelations(c, physicalSchemas));
  const runId = newRunId(started);
  let scratch: Promise<Adapter> | undefined;
  let results: NodeResult[];
  try {
    results = await runNodes({
      dag: compiled.dag,
      adapter,
      selected,
      existing: new Map(leftovers.map((r) => [relationKey(r.schema, r.identifier), r])),
      threads: session.threads,
      failFast: false,
      fullRefresh: false,
      projectRoot: session.root,
      listener: input.listener,
      gate: config.test_gate,
      failuresSchema: config.test_failures_schema,
      scratchAdapter: () => (scratch ??= openScratchDuckdb(session.root)),
      store: metadata,
      runId,
      prepare: liveRenderer(compiled, adapter),
    });
  } finally {
    if (scratch) await (await scratch).close();
  }

  const byId = new Map(results.map((r) => [r.uniqueId, r]));
  const ready = plan.nodes.filter((n) => n.physical && (n.action === 'reuse' || byId.get(n.uniqueId)?.status === 'success'));
  const { rowCounts, kinds } = await measure(adapter, ready, physicalSchemas);
  const seq = Date.now() * 1000;
  const physical: PhysicalRecord[] = toBuild
    .filter((n) => byId.get(n.uniqueId)?.status === 'success' && n.physical)
    .map((n, i) => ({
      fingerprint: n.fingerprint,
      uniqueId: n.uniqueId,
      relation: n.physical!,
      kind: kinds.get(`${n.physical!.schema}\u0000${n.physical!.identifier}`) ?? 'table',
      rows: rowCounts[n.name] ?? null,
      seq: seq + i,
      builtBy: releaseId,
    }));
  const summary = summarize(plan, results, config.test_gate, input.replicaOf, rowCounts);
  const failed = summary.buildErrors.length > 0 || summary.blockingFailures.length > 0 || (summary.mismatches?.length ?? 0) > 0;
  const release: ReleaseRecord = {
    releaseId,
    environment: environment.name,
    target: session.project.settings.targetName,
    version: input.replicaOf?.version ?? config.version,
    commit: input.replicaOf?.commit ?? git.commit,
    dirty: input.replicaOf?.dirty ?? git.dirty,
    status: failed ? 'failed' : 'success',
    createdAt: new Date().toISOString(),
    summary,
    rowCounts,
    models: plan.nodes.filter((n) => n.physical).map((n) => toReleaseModel(n, logical.get(n.name), session.project.settings.target.schema)),
    filesHash: projectFilesHash(session.project, session.root, input.vars),
    origin: input.replicaOf?.target ?? null,
    droppedAt: null,
  };
  await adapter.withConnection(async (c) => {
    await store.recordPhysical(c, physical);
    await store.saveRelease(c, release);
  });
  const retention = await applyRetention(adapter, store, config.releases.keep);
  const finish = await finishRun({ session, adapter, store: metadata, runId, command: 'release', startedAt: started, results });
  return { plan, release, results, retention, finish, warnings: [...compiled.warnings, ...retention.warnings] };
}

/** Row counts (by model name) and relation kinds of the physical relations a release serves. */
async function measure(adapter: Adapter, nodes: readonly PlannedNode[], schemas: readonly string[]): Promise<{ rowCounts: Record<string, number>; kinds: Map<string, 'table' | 'view'> }> {
  const d = adapter.dialect;
  return adapter.withConnection(async (c) => {
    const kinds = new Map((await adapter.listRelations(c, schemas)).map((r) => [`${r.schema}\u0000${r.identifier}`, r.kind]));
    const rowCounts: Record<string, number> = {};
    for (const node of nodes) {
      const relation = node.physical as Relation;
      if (!kinds.has(`${relation.schema}\u0000${relation.identifier}`)) continue;
      const result = await c.query(`select count(*) as n from ${d.relation(relation)}`);
      rowCounts[node.name] = Number(result.rows[0]?.n ?? 0);
    }
    return { rowCounts, kinds };
  });
}

function summarize(plan: ReleasePlan, results: readonly NodeResult[], gate: 'critical' | 'error', replicaOf: ReleaseRecord | undefined, rowCounts: Readonly<Record<string, number>>): ReleaseSummary {
  const tests = results.filter((r) => r.kind === 'test');
  const served = plan.nodes.filter((n) => n.physical);
  const mismatches = replicaOf
    ? Object.entries(replicaOf.rowCounts)
        .filter(([name, rows]) => rowCounts[name] !== rows)
        .map(([name, rows]) => `${name}: ${rows} rows in ${replicaOf.target}, ${rowCounts[name] ?? 'none'} here`)
    : undefined;
  return {
    models: served.length,
    built: served.filter((n) => n.action === 'build').length,
    reused: served.filter((n) => n.action === 'reuse').length,
    tests: {
      pass: tests.filter((t) => t.status === 'success' && t.test?.verdict !== 'warn').length,
      warn: tests.filter((t) => t.test?.verdict === 'warn').length,
      fail: tests.filter((t) => t.status === 'error').length,
      skip: tests.filter((t) => t.status === 'skipped').length,
    },
    blockingFailures: tests.filter((t) => t.status === 'error' && (t.test?.critical || gate === 'error')).map((t) => t.name),
    buildErrors: results.filter((r) => r.kind !== 'test' && r.status !== 'success').map((r) => r.name),
    ...(mismatches ? { mismatches } : {}),
  };
}

function toReleaseModel(node: PlannedNode, logical: Relation | undefined, targetSchema: string): ReleaseModel {
  return {
    uniqueId: node.uniqueId,
    name: node.name,
    kind: node.kind,
    materialized: node.materialized,
    fingerprint: node.fingerprint,
    physical: node.physical!,
    schema: node.publicSchema,
    identifier: logical?.identifier ?? node.publicIdentifier,
    logicalSchema: logical?.schema,
    targetSchema,
    grants: node.grants,
    reused: node.action === 'reuse',
  };
}

/** Unit tests run on an in-memory DuckDB whatever the target is. */
async function openScratchDuckdb(root: string): Promise<Adapter> {
  const scratch = await createAdapter({ adapter: 'duckdb', path: ':memory:', schema: 'main' }, root, 1);
  await scratch.open();
  return scratch;
}
