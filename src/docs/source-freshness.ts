import type { SourceNode } from '../manifest/types.js';
import type { Freshness } from './site-data.js';

const PERIOD_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

/**
 * A source's freshness: its latest load (from `loaded_at_field`, `_loaded_at` or the load log)
 * judged against the declared `warn_after` / `error_after` at `now`.
 */
export function sourceFreshness(n: SourceNode, latest: string | undefined, now: Date, fromLog?: string): Freshness {
  const settings = n.settings as { freshness?: { warn_after?: { count: number; period: keyof typeof PERIOD_MS }; error_after?: { count: number; period: keyof typeof PERIOD_MS } } | null; loaded_at_field?: string };
  const spec = settings.freshness ?? undefined;
  const text = (d?: { count: number; period: string }): string | undefined => (d ? `${d.count} ${d.period}${d.count === 1 ? '' : 's'}` : undefined);
  const from = fromLog ?? (settings.loaded_at_field ? `max(${settings.loaded_at_field})` : 'max(_loaded_at)');
  const out: { -readonly [K in keyof Freshness]: Freshness[K] } = { from };
  if (spec?.warn_after) out.warnAfter = text(spec.warn_after);
  if (spec?.error_after) out.errorAfter = text(spec.error_after);
  if (latest) {
    out.latest = latest;
    const at = Date.parse(latest.includes('T') || latest.includes('+') || latest.endsWith('Z') ? latest : `${latest.replace(' ', 'T')}Z`);
    if (!Number.isNaN(at) && (spec?.warn_after || spec?.error_after)) {
      const age = now.getTime() - at;
      const over = (d?: { count: number; period: keyof typeof PERIOD_MS }): boolean => d !== undefined && age > d.count * PERIOD_MS[d.period];
      out.status = over(spec.error_after) ? 'error' : over(spec.warn_after) ? 'warn' : 'pass';
    }
  }
  return out;
}
