import { existsSync, readFileSync } from 'node:fs';
import type { RunStatus, TestVerdict } from './site-data.js';

/** One node's entry of `run_results.json`, as far as the docs use it. */
export interface RunEntry {
  readonly uniqueId: string;
  readonly kind: string;
  readonly status: RunStatus;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly rows?: number;
  readonly action?: string;
  readonly message?: string;
  /** Tests: the verdict and the failing-row count, when the results carry them. */
  readonly verdict?: TestVerdict;
  readonly failures?: number;
}

export interface RunResults {
  readonly generatedAt?: string;
  readonly command?: string;
  readonly entries: ReadonlyMap<string, RunEntry>;
}

const STATUSES = new Set(['success', 'error', 'skipped']);
const VERDICTS = new Set(['pass', 'warn', 'fail', 'error', 'skipped']);

/**
 * `target/run_results.json` read leniently: entries with an unknown shape are skipped, so the
 * docs never fail because the results of a newer or older Strata differ. Undefined when absent.
 * Test entries (`kind: 'test'`) give their verdict from `verdict` (or `status`: success → pass,
 * error → fail) and `failures`.
 */
export function readRunResults(file: string): RunResults | undefined {
  if (!existsSync(file)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const root = parsed as { metadata?: { generatedAt?: unknown; command?: unknown }; results?: unknown };
  const entries = new Map<string, RunEntry>();
  for (const raw of Array.isArray(root.results) ? root.results : []) {
    if (typeof raw !== 'object' || raw === null) continue;
    const r = raw as Record<string, unknown>;
    if (typeof r.uniqueId !== 'string' || typeof r.status !== 'string') continue;
    const kind = typeof r.kind === 'string' ? r.kind : r.uniqueId.split('.')[0] ?? '';
    const status = (STATUSES.has(r.status) ? r.status : r.status === 'pass' || r.status === 'warn' ? 'success' : 'error') as RunStatus;
    let verdict: TestVerdict | undefined;
    if (kind === 'test') {
      const v = typeof r.verdict === 'string' ? r.verdict : r.status;
      verdict = VERDICTS.has(v) ? (v as TestVerdict) : v === 'success' ? 'pass' : v === 'skipped' ? 'skipped' : 'error';
    }
    entries.set(r.uniqueId, {
      uniqueId: r.uniqueId,
      kind,
      status,
      startedAt: typeof r.startedAt === 'string' ? r.startedAt : '',
      durationMs: typeof r.durationMs === 'number' ? r.durationMs : 0,
      ...(typeof r.rows === 'number' ? { rows: r.rows } : {}),
      ...(typeof r.action === 'string' ? { action: r.action } : {}),
      ...(typeof r.message === 'string' ? { message: r.message } : {}),
      ...(verdict ? { verdict } : {}),
      ...(typeof r.failures === 'number' ? { failures: r.failures } : {}),
    });
  }
  return {
    entries,
    ...(typeof root.metadata?.generatedAt === 'string' ? { generatedAt: root.metadata.generatedAt } : {}),
    ...(typeof root.metadata?.command === 'string' ? { command: root.metadata.command } : {}),
  };
}
