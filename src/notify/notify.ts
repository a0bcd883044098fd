import { spawn } from 'node:child_process';
import type { NotifierConfig } from '../config/project-config.js';
import type { RunReport } from '../observability/report/run-report.js';

/** What happened to one notifier: delivered, not due for this status, or failed (with why). */
export interface NotificationOutcome {
  readonly notifier: string;
  readonly delivered: boolean;
  readonly skipped: boolean;
  readonly error?: string;
}

/** Whether a notifier set to `on` fires for a run with `status`. */
export function isDue(on: NotifierConfig['on'], status: RunReport['status']): boolean {
  if (on === 'always') return true;
  if (on === 'warning') return status !== 'success';
  return status === 'failure';
}

/** The JSON a webhook receives: `text` for Slack, `content` for Discord, and the structured run. */
export function webhookPayload(report: RunReport, reportPath: string): Record<string, unknown> {
  const failures = [...report.tests.filter((t) => t.verdict === 'fail'), ...report.nodes.filter((n) => n.status === 'error')].map((f) => f.name);
  const icon = report.status === 'success' ? '✅' : report.status === 'warning' ? '⚠️' : '❌';
  const s = report.summary;
  const text = `${icon} Strata ${report.command} on ${report.project} (${report.target}): ${report.status}. PASS=${s.pass} WARN=${s.warn} ERROR=${s.error} SKIP=${s.skip}${
    failures.length ? `. Failed: ${failures.slice(0, 10).join(', ')}${failures.length > 10 ? ', …' : ''}` : ''
  }. Report: ${reportPath}`;
  return {
    text,
    content: text.slice(0, 2000),
    status: report.status,
    run_id: report.runId,
    command: report.command,
    project: report.project,
    target: report.target,
    summary: report.summary,
    failures,
    report: reportPath,
  };
}

/**
 * Tells every due notifier about a finished run. Delivery problems are returned, never thrown:
 * a notifier that fails must not change the run's result.
 */
export async function notify(notifiers: readonly NotifierConfig[], report: RunReport, paths: { html: string; json: string }): Promise<NotificationOutcome[]> {
  return Promise.all(
    notifiers.map(async (notifier) => {
      const name = notifier.type === 'webhook' ? `webhook ${redactUrl(notifier.url)}` : `command ${notifier.command}`;
      if (!isDue(notifier.on, report.status)) return { notifier: name, delivered: false, skipped: true };
      try {
        if (notifier.type === 'webhook') await postWebhook(notifier.url, webhookPayload(report, paths.html), notifier.timeout_seconds);
        else await runCommand(notifier.command, report, paths, notifier.timeout_seconds);
        return { notifier: name, delivered: true, skipped: false };
      } catch (error) {
        return { notifier: name, delivered: false, skipped: false, error: error instanceof Error ? error.message : String(error) };
      }
    }),
  );
}

async function postWebhook(url: string, payload: Record<string, unknown>, timeoutSeconds: number): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(payload),
    signal: AbortSignal.timeout(timeoutSeconds * 1000),
  });
  if (!response.ok) throw new Error(`the webhook answered HTTP ${response.status}`);
}

function runCommand(command: string, report: RunReport, paths: { html: string; json: string }, timeoutSeconds: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, {
      shell: true,
      stdio: ['ignore', 'inherit', 'inherit'],
      timeout: timeoutSeconds * 1000,
      env: {
        ...process.env,
        STRATA_STATUS: report.status,
        STRATA_RUN_ID: report.runId,
        STRATA_COMMAND: report.command,
        STRATA_REPORT: paths.html,
        STRATA_REPORT_JSON: paths.json,
      },
    });
    child.on('error', reject);
    child.on('close', (code, signal) => (code === 0 ? resolve() : reject(new Error(signal ? `the command was stopped (${signal})` : `the command exited with ${code}`))));
  });
}

/** A URL without user, password or query string (webhook URLs often carry a token). */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname.length > 1 ? '/…' : ''}`;
  } catch {
    return 'webhook';
  }
}
