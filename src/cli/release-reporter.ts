import path from 'node:path';
import type { PromoteOutcome } from '../app/promote.js';
import type { ReleaseOutcome } from '../app/release.js';
import type { RollbackOutcome } from '../app/rollback.js';
import type { EnvironmentStatus } from '../app/status.js';
import type { BuildReleaseOutcome } from '../app/build-release.js';
import type { ReleaseRecord } from '../release/release-store.js';
import type { RetentionOutcome } from '../release/retention.js';
import type { Output } from './output.js';

/** The plan of `release --dry-run`: one line per model and seed, then the counts. */
export function printPlan(out: Output, outcome: ReleaseOutcome): void {
  const { plan, environment } = outcome;
  if (out.json) return out.event({ event: 'release_plan', environment: environment.name, releaseId: plan.releaseId, nodes: plan.nodes });
  for (const node of plan.nodes) {
    const where = node.physical ? `${node.physical.schema}.${node.physical.identifier}` : '(inlined into its consumers)';
    out.line(`  ${node.action.padEnd(6)} ${node.kind} ${node.name} -> ${where}`);
  }
  const count = (action: string): number => plan.nodes.filter((n) => n.action === action).length;
  out.line(`Plan for release ${plan.releaseId} (${environment.name}): ${count('build')} to build, ${count('reuse')} reused, ${count('inline')} inlined; nothing was changed`);
}

/** What failed in a release, then ONE closing line CI can show: the id, the verdict and the counts. */
export function printReleaseSummary(out: Output, outcome: BuildReleaseOutcome, environment: string, elapsedMs: number, verb = 'Release'): void {
  const release = outcome.release;
  if (!release) return;
  if (out.json) {
    out.event({ event: 'release_finished', ...release, environment, builtFor: release.environment, models: undefined, elapsedMs, report: outcome.finish?.htmlPath, retention: outcome.retention });
    return;
  }
  for (const warning of outcome.warnings) out.error(`${out.color.yellow('warning')}: ${warning}`);
  const failures = outcome.results.filter((r) => r.status === 'error');
  if (failures.length) out.line('');
  for (const failure of failures) {
    const gate = failure.test ? (failure.test.critical ? ' (critical)' : '') : '';
    out.line(`  ${failure.kind} ${failure.name}: ${failure.message ?? 'failed'}${gate}`);
    for (const row of failure.test?.sample ?? []) out.line(`    ${JSON.stringify(row)}`);
  }
  for (const mismatch of release.summary.mismatches ?? []) out.line(`  row counts differ: ${mismatch}`);
  const reused = outcome.plan.nodes.filter((n) => n.action === 'reuse').map((n) => n.name);
  if (reused.length) {
    const shown = reused.length > 20 ? `${reused.slice(0, 20).join(', ')} and ${reused.length - 20} more` : reused.join(', ');
    out.line(`Reused unchanged from earlier releases: ${shown}`);
  }
  printRetention(out, outcome.retention);
  if (outcome.finish) out.line(`Report: ${path.relative(process.cwd(), outcome.finish.htmlPath) || outcome.finish.htmlPath}`);
  if (release.status === 'success' && verb === 'Release') out.line(`Promote it with: strata promote ${release.releaseId} --env ${environment}`);
  out.line('');
  out.line(releaseLine(out, release, environment, elapsedMs, verb));
}

function releaseLine(out: Output, release: ReleaseRecord, environment: string, elapsedMs: number, verb: string): string {
  const s = release.summary;
  const counts = `models=${s.models} built=${s.built} reused=${s.reused} PASS=${s.tests.pass} WARN=${s.tests.warn} FAIL=${s.tests.fail} SKIP=${s.tests.skip} in ${(elapsedMs / 1000).toFixed(2)}s`;
  if (release.status === 'success') return `${verb} ${release.releaseId} (${environment}): ${out.color.green('PASSED')}  ${counts}`;
  const why = [
    ...s.blockingFailures.map((t) => `test ${t} failed`),
    ...s.buildErrors.map((m) => `${m} was not built`),
    ...(s.mismatches?.length ? [`${s.mismatches.length} row count mismatch${s.mismatches.length === 1 ? '' : 'es'}`] : []),
  ];
  return `${verb} ${release.releaseId} (${environment}): ${out.color.red('FAILED')} (${why.join('; ')}); environment ${environment} is unchanged  ${counts}`;
}

/** The result of `promote`. */
export function printPromotion(out: Output, outcome: PromoteOutcome, elapsedMs: number): void {
  const env = outcome.environment.name;
  if (outcome.rebuilt) printReleaseSummary(out, outcome.rebuilt, env, elapsedMs, `Rebuilt release on target ${outcome.environment.target}:`);
  if (!outcome.switched) return;
  printSwitch(out, 'promoted', env, outcome.switched, outcome.retention);
}

/** The result of `rollback`. */
export function printRollback(out: Output, outcome: RollbackOutcome): void {
  printSwitch(out, 'rolled back', outcome.environment.name, outcome.switched, outcome.retention);
}

function printSwitch(out: Output, verb: 'promoted' | 'rolled back', environment: string, switched: NonNullable<PromoteOutcome['switched']>, retention: RetentionOutcome | undefined): void {
  if (out.json) return out.event({ event: verb === 'promoted' ? 'promoted' : 'rolled_back', environment, ...switched, retention });
  printRetention(out, retention);
  if (switched.alreadyLive) return out.line(`Release ${switched.releaseId} is already live in ${environment}: nothing to do`);
  const was = switched.previous ? `was ${switched.previous}` : 'nothing was live before';
  const removed = switched.removed ? `, ${switched.removed} removed` : '';
  out.line(`${verb === 'promoted' ? 'Promoted' : 'Rolled back'} ${environment} to release ${switched.releaseId} (${switched.views} views${removed}; ${was})`);
}

function printRetention(out: Output, retention: RetentionOutcome | undefined): void {
  if (!retention || out.json) return;
  for (const warning of retention.warnings) out.error(`${out.color.yellow('warning')}: retention: ${warning}`);
  if (retention.droppedReleases.length || retention.droppedRelations.length) {
    out.line(`Retention dropped ${retention.droppedReleases.length} old release(s) and ${retention.droppedRelations.length} physical relation(s)`);
  }
}

/** `strata status`: a table, or a JSON array with `--json`. */
export function printStatus(out: Output, environments: readonly EnvironmentStatus[]): void {
  if (out.json) return out.line(JSON.stringify(environments));
  if (environments.length === 0) return out.line('strata.yml declares no environments.');
  const header = ['environment', 'target', 'live release', 'version', 'commit', 'promoted at', 'by', 'tests', 'latest build'];
  const rows = environments.map((e) => {
    const live = e.live;
    const latest = e.latest && e.latest.releaseId !== live?.releaseId ? `${e.latest.releaseId} (${e.latest.status})` : '';
    if (e.error) return [e.environment, e.target, '(cannot read its database)', '', '', '', '', '', ''];
    if (!live) return [e.environment, e.target, '(nothing live)', '', '', '', '', '', latest];
    const tests = `PASS=${live.tests.pass} WARN=${live.tests.warn} FAIL=${live.tests.fail}`;
    const commit = live.commit === 'none' ? 'none' : `${live.commit.slice(0, 7)}${live.dirty ? ' (dirty)' : ''}`;
    const how = live.action === 'rollback' ? ' (rollback)' : '';
    return [e.environment, e.target, live.releaseId, live.version, commit, `${live.promotedAt}${how}`, live.promotedBy, tests, latest];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  out.line(line(header));
  out.line(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) out.line(line(row));
  for (const e of environments) if (e.error) out.error(`error: environment ${e.environment}: ${e.error}`);
}
