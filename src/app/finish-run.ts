import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Adapter, Connection } from '../adapters/contract.js';
import type { NodeResult } from '../execute/node-result.js';
import { writeJsonArtifact } from '../manifest/write-artifact.js';
import { notify, type NotificationOutcome } from '../notify/notify.js';
import type { MetadataStore } from '../observability/metadata-store.js';
import { renderReportHtml } from '../observability/report/render-report-html.js';
import { buildRunReport, type FreshnessEntry, type LoadedFileEntry, type RunReport } from '../observability/report/run-report.js';
import type { ProjectSession } from './project-session.js';

/** Where the report of a run was written, and what the notifiers did. */
export interface RunFinish {
  readonly report: RunReport;
  readonly htmlPath: string;
  readonly jsonPath: string;
  readonly notifications: readonly NotificationOutcome[];
}

/** A sortable, unique run id: UTC time plus a few random characters. */
export function newRunId(now = new Date()): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

/**
 * Closes a run: keeps it in the metadata schema, writes target/reports/<run id>.json and .html,
 * then tells the notifiers. A notifier that fails is reported, never fatal.
 */
export async function finishRun(input: {
  readonly session: ProjectSession;
  readonly adapter: Adapter;
  readonly store: MetadataStore;
  readonly runId: string;
  readonly command: string;
  readonly startedAt: Date;
  readonly results: readonly NodeResult[];
  readonly files?: readonly LoadedFileEntry[];
  readonly freshness?: readonly FreshnessEntry[];
  /** Nodes whose metric history the report charts (the sources this run loaded). */
  readonly profiled?: readonly string[];
  /** More writes to commit in the same transaction as the run's record (the node states a run built). */
  readonly recordWith?: (connection: Connection) => Promise<void>;
}): Promise<RunFinish> {
  const { settings } = input.session.project;
  const series = input.profiled?.length
    ? await input.adapter.withConnection((c) => input.store.recentSeries(c, input.profiled!, 10))
    : new Map<string, { metric: string; column: string; points: { value: number; measuredAt: string }[] }[]>();
  const metrics = [...series].flatMap(([node, list]) => list.map((s) => ({ node: node.replace(/^source\.[^.]+\./, ''), ...s })));
  const report = buildRunReport({
    runId: input.runId,
    command: input.command,
    project: settings.config.name,
    target: settings.targetName,
    startedAt: input.startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    results: input.results,
    files: input.files,
    freshness: input.freshness,
    metrics,
  });
  await input.adapter.withConnection((connection) =>
    connection.transaction(async () => {
      await input.recordWith?.(connection);
      await input.store.recordRun(
        connection,
        { runId: report.runId, command: report.command, target: report.target, startedAt: report.startedAt, finishedAt: report.finishedAt, status: report.status, summary: report.summary },
        input.results.map((r) => ({
          uniqueId: r.uniqueId,
          kind: r.kind,
          status: r.status,
          verdict: r.test?.verdict,
          failures: r.test?.failures,
          rows: r.rows,
          durationMs: r.durationMs,
          message: r.message,
        })),
      );
    }),
  );
  const dir = path.join(input.session.targetDir, 'reports');
  mkdirSync(dir, { recursive: true });
  const jsonPath = path.join(dir, `${report.runId}.json`);
  const htmlPath = path.join(dir, `${report.runId}.html`);
  writeJsonArtifact(jsonPath, report);
  writeFileSync(htmlPath, renderReportHtml(report));
  const notifications = await notify(settings.config.notifications, report, { html: htmlPath, json: jsonPath });
  return { report, htmlPath, jsonPath, notifications };
}
