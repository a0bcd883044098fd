import path from 'node:path';
import type { NodeResult, RunListener } from '../execute/node-result.js';
import type { RunOutcome } from '../app/run-project.js';
import type { Output } from './output.js';
import { groupDigits } from './group-digits.js';

const WIDTH = 72;
/** Up to this many up-to-date nodes get a line each; more are summed up in one. */
const UP_TO_DATE_LINES = 20;

function clock(): string {
  return new Date().toTimeString().slice(0, 8);
}

function dots(text: string): string {
  return `${text} ${'.'.repeat(Math.max(3, WIDTH - text.length))}`;
}

/** Progress lines like dbt's (`3 of 12 OK created table model main.orders ..... [OK 1,234 rows in 0.12s]`), or JSON events. */
export function runReporter(out: Output): RunListener {
  return {
    nodeStarted(node, index, total) {
      if (out.json) return out.event({ event: 'node_started', node: node.uniqueId, index, total });
      out.line(`${clock()}  ${dots(`${index} of ${total} START ${node.kind} ${node.name}`)} [RUN]`);
    },
    upToDate(nodes) {
      if (out.json) return out.event({ event: 'up_to_date', nodes: nodes.map((n) => n.uniqueId) });
      if (nodes.length <= UP_TO_DATE_LINES) {
        for (const node of nodes) out.line(`${clock()}  ${dots(`UP TO DATE ${node.kind} ${node.name}`)} [${out.color.dim('UP TO DATE')}]`);
      } else {
        const names = nodes.slice(0, 5).map((n) => n.name).join(', ');
        out.line(`${clock()}  ${groupDigits(nodes.length)} models and seeds up to date (${names}, …): skipped`);
      }
    },
    nodeFinished(result, index, total) {
      if (out.json) return out.event({ event: 'node_finished', ...result, index, total });
      const seconds = `${(result.durationMs / 1000).toFixed(2)}s`;
      const what = `${result.kind} ${result.relation ?? result.name}`;
      if (result.test) {
        const { verdict, failures } = result.test;
        const label = verdict === 'pass' ? out.color.green('PASS') : verdict === 'warn' ? out.color.yellow('WARN') : out.color.red('FAIL');
        const count = verdict === 'pass' ? '' : ` ${groupDigits(failures)}`;
        out.line(`${clock()}  ${dots(`${index} of ${total} ${verdict.toUpperCase()}${count} ${result.name}`)} [${label}${count} in ${seconds}]`);
      } else if (result.status === 'success') {
        const rows = result.rows === undefined ? '' : `${groupDigits(result.rows)} rows `;
        out.line(`${clock()}  ${dots(`${index} of ${total} OK ${result.action} ${what}`)} [${out.color.green('OK')} ${rows}in ${seconds}]`);
      } else if (result.status === 'error') {
        out.line(`${clock()}  ${dots(`${index} of ${total} ERROR ${what}`)} [${out.color.red('ERROR')} in ${seconds}]`);
      } else {
        out.line(`${clock()}  ${dots(`${index} of ${total} SKIP ${what}`)} [${out.color.yellow('SKIP')}]`);
      }
    },
  };
}

/** Counts by outcome: a warning test counts as WARN, a failed one as ERROR. */
export function summarize(results: readonly NodeResult[]): { pass: number; warn: number; error: number; skip: number; total: number } {
  const warn = results.filter((r) => r.test?.verdict === 'warn').length;
  const count = (status: NodeResult['status']): number => results.filter((r) => r.status === status).length;
  return { pass: count('success') - warn, warn, error: count('error'), skip: count('skipped'), total: results.length };
}

/** The closing summary and, for each failure, its error and compiled SQL path. */
export function printRunSummary(out: Output, outcome: RunOutcome): void {
  const s = summarize(outcome.results);
  if (out.json) {
    out.event({
      event: 'run_finished',
      ...s,
      runId: outcome.runId,
      upToDate: outcome.upToDate.length,
      elapsedMs: outcome.elapsedMs,
      runResults: outcome.runResultsPath,
      report: outcome.finish.htmlPath,
      notifications: outcome.finish.notifications,
    });
    return;
  }
  for (const warning of outcome.warnings) out.error(`${out.color.yellow('warning')}: ${warning}`);
  out.line('');
  out.line(`Finished running ${groupDigits(s.total)} node${s.total === 1 ? '' : 's'} in ${(outcome.elapsedMs / 1000).toFixed(2)}s.`);
  const failures = outcome.results.filter((r) => r.status === 'error');
  if (failures.length) {
    out.line('');
    out.line(out.color.red(`Completed with ${failures.length} error${failures.length === 1 ? '' : 's'}:`));
    for (const failure of failures) {
      out.line('');
      const gate = failure.test?.critical ? ' (critical: nodes downstream were not built)' : '';
      out.line(`  ${failure.kind} ${failure.name}: ${failure.message ?? 'failed'}${gate}`);
      if (failure.compiledPath) out.line(`  compiled SQL at ${failure.compiledPath}`);
      if (failure.test?.storedIn) out.line(`  failing rows stored in ${failure.test.storedIn}`);
      for (const row of failure.test?.sample ?? []) out.line(`    ${JSON.stringify(row)}`);
    }
  } else if (s.total === 0 && outcome.upToDate.length) {
    out.line(out.color.green(`Nothing to do: ${groupDigits(outcome.upToDate.length)} selected node${outcome.upToDate.length === 1 ? ' is' : 's are'} up to date.`));
  } else if (s.total === 0) {
    out.line('Nothing to do: the selection matched no seeds or models.');
  } else {
    out.line(out.color.green('Completed successfully'));
  }
  out.line('');
  for (const warned of outcome.results.filter((r) => r.test?.verdict === 'warn')) {
    out.line(out.color.yellow(`  warning: test ${warned.name}: ${warned.message ?? ''}`));
  }
  const fresh = outcome.upToDate.length ? ` UP_TO_DATE=${outcome.upToDate.length}` : '';
  out.line(`Done. PASS=${s.pass} WARN=${s.warn} ERROR=${s.error} SKIP=${s.skip}${fresh} TOTAL=${s.total}`);
  out.line(`Report: ${path.relative(process.cwd(), outcome.finish.htmlPath) || outcome.finish.htmlPath}`);
  for (const n of outcome.finish.notifications) {
    if (n.error) out.error(out.color.yellow(`warning: could not notify ${n.notifier}: ${n.error}`));
  }
}
