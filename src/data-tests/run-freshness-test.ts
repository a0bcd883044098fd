import type { Connection } from '../adapters/contract.js';
import type { TestNode } from '../manifest/types.js';
import type { FreshnessArgs } from './compile-freshness.js';

/** How old a source's newest row is, judged against its thresholds. */
export interface FreshnessOutcome {
  readonly verdict: 'pass' | 'warn' | 'fail';
  readonly lastLoaded?: string;
  readonly lagSeconds?: number;
  readonly explanation: string;
}

/** Reads the newest load time of a source and compares its age with `warn_after` / `error_after`. */
export async function runFreshnessTest(test: TestNode, connection: Connection, now: Date = new Date()): Promise<FreshnessOutcome> {
  const args = test.args as unknown as FreshnessArgs;
  const result = await connection.query(test.compiledSql);
  const raw = result.rows[0]?.last_loaded;
  if (raw === null || raw === undefined) {
    return { verdict: args.errorAfterSeconds === undefined ? 'warn' : 'fail', explanation: 'no rows loaded yet' };
  }
  const lastLoaded = String(raw);
  const iso = lastLoaded.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00');
  const lagSeconds = (now.getTime() - Date.parse(/([zZ]|[+-]\d{2}:\d{2})$/.test(iso) ? iso : `${iso}Z`)) / 1000;
  const minutes = (s: number): string => `${Math.round(s / 60)} min`;
  if (args.errorAfterSeconds !== undefined && lagSeconds > args.errorAfterSeconds) {
    return { verdict: 'fail', lastLoaded, lagSeconds, explanation: `last loaded ${minutes(lagSeconds)} ago, more than the ${minutes(args.errorAfterSeconds)} error_after` };
  }
  if (args.warnAfterSeconds !== undefined && lagSeconds > args.warnAfterSeconds) {
    return { verdict: 'warn', lastLoaded, lagSeconds, explanation: `last loaded ${minutes(lagSeconds)} ago, more than the ${minutes(args.warnAfterSeconds)} warn_after` };
  }
  return { verdict: 'pass', lastLoaded, lagSeconds, explanation: `last loaded ${minutes(lagSeconds)} ago` };
}
