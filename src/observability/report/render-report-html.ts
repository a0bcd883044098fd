import type { RunReport } from './run-report.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe to place in HTML. */
function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** A small inline SVG line chart of a series (newest last), with the newest point marked. */
export function sparkline(values: readonly number[], anomalous: boolean, width = 160, height = 36): string {
  if (values.length === 0) return '';
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min || 1;
  const x = (i: number): number => (values.length === 1 ? width / 2 : (i / (values.length - 1)) * (width - 8) + 4);
  const y = (v: number): number => height - 4 - ((v - min) / span) * (height - 8);
  const points = values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const last = values.length - 1;
  return `<svg width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="recent values">` +
    `<polyline fill="none" stroke="#4a6fa5" stroke-width="1.5" points="${points}"/>` +
    `<circle cx="${x(last).toFixed(1)}" cy="${y(values[last]!).toFixed(1)}" r="3" fill="${anomalous ? '#c0392b' : '#2e8b57'}"/></svg>`;
}

const STATUS_CLASS: Record<string, string> = { success: 'ok', pass: 'ok', loaded: 'ok', warning: 'warn', warn: 'warn', skipped_duplicate: 'muted', failure: 'bad', error: 'bad', fail: 'bad', failed: 'bad', skipped: 'muted', unknown: 'muted' };

function formatNumber(value: number | undefined): string {
  if (value === undefined) return '';
  return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toPrecision(6);
}

function badge(status: string): string {
  return `<span class="badge ${STATUS_CLASS[status] ?? 'muted'}">${esc(status)}</span>`;
}

function table(headers: readonly string[], rows: readonly string[][], empty: string): string {
  if (rows.length === 0) return `<p class="muted">${esc(empty)}</p>`;
  return `<table><thead><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

/** A self-contained HTML page (no scripts, no network) showing a run report. */
export function renderReportHtml(report: RunReport): string {
  const s = report.summary;
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)}s`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Strata ${esc(report.command)} ${esc(report.runId)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:1100px;color:#222;padding:0 1rem}
h1{font-size:1.4rem;margin-bottom:.2rem}h2{font-size:1.1rem;margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.3rem}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #eee;vertical-align:top}
th{background:#f6f7f9;font-weight:600}.badge{padding:.05rem .45rem;border-radius:.6rem;font-size:.8rem;color:#fff}
.badge.ok{background:#2e8b57}.badge.warn{background:#d68910}.badge.bad{background:#c0392b}.badge.muted{background:#999}
p.muted,.meta{color:#666}.cards{display:flex;gap:1rem;margin:1rem 0}.card{border:1px solid #e3e3e3;border-radius:6px;padding:.6rem 1rem;min-width:7rem}
.card b{display:block;font-size:1.3rem}code{font-size:.85rem}
</style></head><body>
<h1>${esc(report.project)}: ${esc(report.command)} ${badge(report.status)}</h1>
<div class="meta">run ${esc(report.runId)} on target ${esc(report.target)}, ${esc(report.startedAt)} to ${esc(report.finishedAt)}</div>
<div class="cards"><div class="card"><b>${s.pass}</b>passed</div><div class="card"><b>${s.warn}</b>warnings</div><div class="card"><b>${s.error}</b>errors</div><div class="card"><b>${s.skip}</b>skipped</div><div class="card"><b>${report.files.length}</b>files seen</div></div>
<h2>Anomalies</h2>
${table(
  ['test', 'verdict', 'recent values', 'why'],
  report.anomalies.map((a) => [esc(a.test), badge(a.anomalous ? 'warn' : 'pass'), sparkline(a.series.map((p) => p.value), a.anomalous), esc(a.explanation)]),
  'No anomaly tests ran.',
)}
<h2>Freshness</h2>
${table(
  ['source', 'last load', 'lag', 'status'],
  report.freshness.map((f) => [esc(f.source), esc(f.lastLoad ?? 'never'), esc(f.lagSeconds === undefined ? '' : `${Math.round(f.lagSeconds / 60)} min`), badge(f.status)]),
  'No source declares freshness.',
)}
<h2>Tests</h2>
${table(
  ['test', 'verdict', 'failing rows', 'severity', 'message'],
  report.tests.map((t) => [esc(t.name) + (t.critical ? ' <b>critical</b>' : ''), badge(t.verdict), esc(t.failures), esc(t.severity), `<code>${esc(t.message ?? '')}</code>`]),
  'No tests ran.',
)}
<h2>Models and seeds</h2>
${table(
  ['node', 'status', 'relation', 'rows', 'time'],
  report.nodes.map((n) => [esc(`${n.kind} ${n.name}`), badge(n.status), esc(n.relation ?? ''), esc(n.rows ?? ''), esc(seconds(n.durationMs))]),
  'Nothing was built.',
)}
<h2>Metrics of what was loaded</h2>
${table(
  ['node', 'metric', 'column', 'recent values', 'latest'],
  report.metrics.map((m) => [esc(m.node), esc(m.metric), esc(m.column), sparkline(m.points.map((p) => p.value), false), esc(formatNumber(m.points.at(-1)?.value))]),
  'Nothing was loaded in this run.',
)}
<h2>Files loaded</h2>
${table(
  ['source', 'file', 'status', 'rows', 'load date', 'message'],
  report.files.map((f) => [esc(f.source), `<code>${esc(f.path)}</code>`, badge(f.status), esc(f.rows ?? ''), esc(f.loadDate ?? ''), esc(f.message ?? '')]),
  'No files were loaded in this run.',
)}
</body></html>
`;
}
